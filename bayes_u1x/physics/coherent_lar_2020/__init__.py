"""COHERENT CENNS-10 liquid argon (Analysis A, 2020): inputs, rates, likelihood."""
