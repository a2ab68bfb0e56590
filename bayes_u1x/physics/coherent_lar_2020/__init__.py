"""COHERENT CENNS-10 liquid argon, Analysis A (2020): the pieces of the ``coherent_lar_2020`` term.

* :mod:`.inputs` — loaders for the release's (energy, F90, time) PDFs, data, acceptance, isotopes;
* :mod:`.response` — CEvNS rates per flavour, isotope and reconstructed-energy bin; arrival times;
  the flux-averaged SM cross section;
* :mod:`.tables` — the X/SM re-weighting of the CEvNS PDF and its cached A + xB(m) + x²C(m) tables;
* :mod:`.likelihood` — templates, shape morphing, priors and the Poisson χ²;
* :mod:`.solver` — the vectorised profile over the nuisances.

The term itself is :mod:`bayes_u1x.observables.coherent_lar_2020`.
"""
