"""bench/bench_notebooks.py times a notebook in a fresh kernel, reports its peak memory, and stops on an error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_notebooks  # noqa: E402


def write_notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_times_each_notebook_and_prints_json_last(tmp_path, capsys):
    path = write_notebook(tmp_path / "tiny.ipynb", "import time\ntime.sleep(0.5)", "big = bytearray(200 * 2**20)")
    result = bench_notebooks.main([path])
    row = result["notebooks"]["tiny"]
    assert row["s"] >= 0.5
    assert row["peak_mib"] >= 200  # the kernel's own peak, not the bench's
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == result


def test_a_failing_cell_stops_the_bench(tmp_path):
    path = write_notebook(tmp_path / "broken.ipynb", "1 / 0")
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        bench_notebooks.main([path])
