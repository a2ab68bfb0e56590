"""Execute notebooks/03_model_comparison.ipynb on its reduced setting (g-2 only, loose grid)."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NB = Path(__file__).resolve().parents[1] / "notebooks" / "03_model_comparison.ipynb"


def test_notebook_runs_reduced(monkeypatch):
    monkeypatch.setenv("BAYES_U1X_NB_REDUCED", "1")
    nb = nbformat.read(NB, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NB.parent)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "prior kinetic_mixing_loop, data 2025" in text
    assert "not physics" in text  # the smoke test says what it is
    assert os.environ["BAYES_U1X_NB_REDUCED"] == "1"
