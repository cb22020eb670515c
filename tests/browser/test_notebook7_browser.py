"""The same notebooks in Jupyter Notebook 7 (the default interface on many hubs): every cell runs, no error output,
every widget renders, every control is reached with Tab and changes its plot from the keyboard (sliders with
Page Up/Down: Notebook 7 gives the arrow keys to its own cell navigation first). A file of its own, so that
pytest-xdist runs it beside the JupyterLab tests."""

from __future__ import annotations

import pytest

from .test_notebooks_browser import NOTEBOOKS, check_notebook

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_renders_in_notebook7(page, lab, path):
    check_notebook(page, lab, path, "notebook7")
