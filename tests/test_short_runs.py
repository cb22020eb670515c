"""tests/short_runs.py changes notebook 06's experiment length, one line, and nothing else in any notebook."""

from __future__ import annotations

import copy

import nbformat

from tests.conftest import REPO
from tests.short_runs import SHORT, short_experiments

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def changed_cells(path):
    nb = nbformat.read(path, as_version=4)
    short = short_experiments(copy.deepcopy(nb))
    return [(a.source, b.source) for a, b in zip(nb.cells, short.cells, strict=True) if a.source != b.source]


def test_notebook_06_gets_exactly_one_shorter_line():
    # If 06's `epochs, batch_size = 5, 64` line is rewritten, this fails: the browser and instructor-edition
    # tests would otherwise train the full 14 runs again, silently.
    (before, after), = changed_cells(REPO / "notebooks" / "06_mnist_pytorch.ipynb")
    assert SHORT in after
    assert set(before.splitlines()) - set(after.splitlines()) == {"epochs, batch_size = 5, 64"}


def test_every_other_notebook_is_left_as_it_is():
    for path in NOTEBOOKS:
        if not path.name.startswith("06"):
            assert changed_cells(path) == [], path.name
