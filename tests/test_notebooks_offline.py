"""With no MNIST files and no network, the MNIST notebooks stop at their first data cell with
helpers.data's clear message, not a deep traceback."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MNIST_NOTEBOOKS = [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if "load_mnist" in p.read_text()]


def test_the_mnist_notebooks_are_found():
    assert {p.name[:2] for p in MNIST_NOTEBOOKS} >= {"06", "07"}


@pytest.mark.parametrize("path", MNIST_NOTEBOOKS, ids=lambda p: p.name)
def test_stops_at_first_data_cell_with_clear_message(path, tmp_path, monkeypatch, closed_port):
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "empty"))
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):  # "no network": nothing answers
        monkeypatch.setenv(var, f"http://127.0.0.1:{closed_port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    failed = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.output_type == "error" for o in c.get("outputs", []))]
    first_data_cell = next(i for i, c in enumerate(nb.cells)
                           if c.cell_type == "code" and re.search(r"load_mnist\w*\(", c.source))
    assert failed == [first_data_cell], f"stopped at cells {failed}, expected the first data cell {first_data_cell}"
    error = next(o for o in nb.cells[first_data_cell].outputs if o.output_type == "error")
    assert error.ename == "MNISTNotFoundError"
    text = "\n".join(error.traceback)
    assert "download failed" in text and "python -m helpers.data" in text
    assert "Traceback" not in text and 'File "' not in text, "a deep traceback was shown"
