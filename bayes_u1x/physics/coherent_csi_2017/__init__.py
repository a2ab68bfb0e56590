"""COHERENT CsI[Na] 2017 machinery: inputs, CEvNS response, response tables, 144-bin likelihood.

The likelihood term itself is :mod:`bayes_u1x.observables.coherent`.
"""
