"""Inference on top of the composite likelihood.

- :mod:`.priors`  — priors as TOML files (:func:`load_prior`, :class:`Prior`)
- :mod:`.runs`    — run files: model, prior, terms, data, sampler settings (:func:`load_run`)
- :mod:`.sample`  — emcee sampling with HDF5 checkpoint/resume (:func:`run_sampler`)
- :mod:`.results` — ArviZ InferenceData build/save/load/summary

Submodules are imported on demand (ArviZ and emcee are heavy); import them explicitly.
"""
