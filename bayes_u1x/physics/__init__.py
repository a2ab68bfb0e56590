"""Physics machinery (no Δχ²): decay widths, hadronic VMD widths, Z–X mixing, one-loop kinetic mixing,
the NSI-oscillation parameter sets, and the trident, COHERENT and resonance-search calculations.

The likelihood terms built on them live in :mod:`bayes_u1x.observables`.
"""
