"""COHERENT CsI[Na] 2017 machinery: inputs, CEvNS response, response tables, 144-bin likelihood,
and its fast signal + profile (:mod:`.fast_fit`).

The likelihood term itself is :mod:`bayes_u1x.observables.coherent`.
"""
