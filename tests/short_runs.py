"""Notebook 06 with its experiments cut to 1 epoch, for the tests that check something other than its numbers.

nbval runs every notebook as it is: 5 epochs, the numbers its text quotes. The browser tests (JupyterLab,
Notebook 7) check the front end and the instructor-edition test checks the solutions; neither reads a training
number. They run 06's experiments (the run-to-run spread and the ablation: 14 five-epoch runs, most of the
notebook's time) for 1 epoch, so `make test` does not train them four times.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

EPOCHS = "epochs, batch_size = 5, 64\n"  # the line in notebook 06 that sets the experiments' length
SHORT = "epochs, batch_size = 1, 64  # 1 epoch: a test run (tests/short_runs.py); the notebook says 5\n"


def short_experiments(nb):
    """The notebook with 06's experiment length set to 1 epoch (any other notebook comes back unchanged)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and EPOCHS in cell.source:
            cell.source = cell.source.replace(EPOCHS, SHORT)
    return nb


def write_short_copy(path: Path, folder: Path) -> Path:
    """Write `short_experiments` of the notebook at `path` into `folder`, under the same name; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    nbformat.write(short_experiments(nbformat.read(path, as_version=4)), target)
    return target
