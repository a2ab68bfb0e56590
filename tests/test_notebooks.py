"""Execute notebooks/02_posterior_lmu_ltau.ipynb end to end (short run via BAYES_U1X_NB_SHORT)."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NB = Path(__file__).resolve().parents[1] / "notebooks" / "02_posterior_lmu_ltau.ipynb"


def test_posterior_notebook_executes(monkeypatch, tmp_path):
    monkeypatch.setenv("BAYES_U1X_NB_SHORT", "1")
    nb = nbformat.read(NB, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "model: Lmu-Ltau (0; 0, 1, -1)" in text
    assert "posterior probability m_X < 2 m_mu" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the corner plot and the per-term panel
