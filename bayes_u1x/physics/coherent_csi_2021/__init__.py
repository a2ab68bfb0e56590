"""COHERENT CsI[Na] full data set (arXiv:2110.07730) machinery: inputs, recoil → PE response,
arrival-time model, response tables and the binned PE × time Poisson likelihood.

The likelihood term is :mod:`bayes_u1x.observables.coherent_csi_2021`.
"""
