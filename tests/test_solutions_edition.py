"""The instructor edition (`make solutions`) runs top to bottom, and every check in it succeeds.

This is the test that catches a solution written with names its notebook cell does not use. It checks the
solutions, not training numbers, so notebook 06's experiments run for 1 epoch here (tests/short_runs.py)."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.editions import CHECK, REPO, solutions_edition
from tests.short_runs import short_experiments

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def check_outputs(nb) -> list[tuple[str, str]]:
    """(exercise name, printed text) for every check cell of an executed notebook."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            found += [(name, text) for name in CHECK.findall(cell.source)]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_solutions_edition_passes_every_check(path, tmp_path):
    nb = short_experiments(solutions_edition(path))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=False).execute()
    results = check_outputs(nb)
    assert results or path.name.startswith("00"), f"{path.name}: no checks found"
    failed = [f"{name}: {text.strip()}" for name, text in results if not re.search(r"^✓", text, re.M)]
    assert not failed, f"{path.name}: checks that did not succeed with the reference solutions:\n" + "\n".join(failed)


def test_learner_edition_keeps_placeholders(tmp_path):
    for path in NOTEBOOKS[1:]:
        learner = nbformat.read(path, as_version=4)
        solved = solutions_edition(path)
        changed = [a for a, b in zip(learner.cells, solved.cells, strict=True) if a.source != b.source]
        assert len(changed) >= 3, f"{path.name}: fewer than 3 placeholder cells were swapped"
        assert all("..." in c.source for c in changed[1:]), f"{path.name}: a swapped cell held no `...` placeholder"
