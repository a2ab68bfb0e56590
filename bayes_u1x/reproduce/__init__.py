"""Reproductions of the reference paper's tables and figures through the public API."""
