"""Committed notebooks: executed top to bottom, no errors, and the course skeleton in every one.

The decision (README, "Notebook outputs"): notebooks are committed executed by `make execute`,
so GitHub and nbviewer show every plot; this test enforces it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
ids = [p.name for p in NOTEBOOKS]


def load(path: Path):
    return nbformat.read(path, as_version=4)


def source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def test_notebooks_exist_and_are_numbered_in_sequence():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))), [p.name for p in NOTEBOOKS]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_valid_and_executed_top_to_bottom(path):
    nb = load(path)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code" and source(c).strip()]
    counts = [c.execution_count for c in code]
    assert None not in counts, f"{path.name}: some code cells were never run; use `make execute`"
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not one top-to-bottom run: {counts}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_error_outputs(path):
    for i, cell in enumerate(load(path).cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{path.name} cell {i}: {out.get('ename')}: {out.get('evalue')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_course_skeleton(path):
    nb = load(path)
    md = [source(c) for c in nb.cells if c.cell_type == "markdown"]
    code = [source(c) for c in nb.cells if c.cell_type == "code"]
    assert md and md[0].lstrip().startswith("# "), "first cell must be the title"
    assert any("Learning objectives" in m for m in md[:3]), "learning objectives at the top"
    assert any(c.lstrip().startswith("# Setup") for c in code[:2]), "a '# Setup' cell first among code cells"
    assert any(m.lstrip().startswith("## Summary") or "\n## Summary" in m for m in md), "a Summary section"
    links = re.findall(r"\]\((\d\d_[a-z0-9_]+\.ipynb)\)", md[-1] + (md[-2] if len(md) > 1 else ""))
    assert links, "the notebook ends with a link to the next one"
    for link in links:
        assert (path.parent / link).exists(), f"{path.name} links to missing {link}"
    assert not any(re.search(r"^\s*from\s+\S+\s+import\s+\*", c, re.M) for c in code), "no star imports"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] != "00"], ids=lambda p: p.name)
def test_lessons_have_three_checked_exercises_shipped_unanswered(path):
    code = [source(c) for c in load(path).cells if c.cell_type == "code"]
    checks = [c for c in code if re.search(r"\bq\d+\.check\(", c)]
    assert len(checks) >= 3, f"{path.name}: only {len(checks)} exercise checks"
    assert sum("..." in c for c in code) >= 3, f"{path.name}: exercises must ship with `...` placeholders"


def is_progress_bar(output) -> bool:
    """tqdm's notebook bar is a widget too, but nothing to play with: its text looks like '938/938 [00:01<00:00'."""
    return bool(re.search(r"\d+/\d+ \[|\d+%\|", output.get("data", {}).get("text/plain", "")))


def pictures(data: dict) -> list[str]:
    """The base64 PNGs an output shows a static viewer: an image/png, or <img> data URIs in its text/html."""
    page = data.get("text/html", "")
    page = page if isinstance(page, str) else "".join(page)
    return ([data["image/png"]] if "image/png" in data else []) + re.findall(r"data:image/png;base64,([^\"']+)", page)


def interactive_outputs(cell) -> list:
    return [o for o in cell.get("outputs", []) if WIDGET_MIME in o.get("data", {}) and not is_progress_bar(o)]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "01" <= p.name[:2] <= "06"], ids=lambda p: p.name)
def test_lessons_have_live_widgets_each_with_what_to_try(path):
    cells = load(path).cells
    widget_cells = [i for i, c in enumerate(cells) if c.cell_type == "code" and interactive_outputs(c)]
    assert len(widget_cells) >= 2, f"{path.name}: fewer than 2 live widgets in the saved outputs"
    for i in widget_cells:
        before = next(source(c) for c in reversed(cells[:i]) if c.cell_type == "markdown")
        assert re.search(r"\btry\b", before, re.I), f"{path.name} cell {i}: say what to try before the widget"
    static = [i for i in widget_cells if any(pictures(o["data"]) for o in interactive_outputs(cells[i]))]
    assert len(static) >= 2, f"{path.name}: live plots must carry a static PNG for GitHub/nbviewer"


# ---- lean files: no dead weight in the committed notebooks ----

MAX_TOTAL_BYTES = 1_500_000
MAX_IMAGE_BYTES = 150_000


def test_notebooks_together_stay_small():
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total <= MAX_TOTAL_BYTES, f"notebooks weigh {total / 1e6:.2f} MB (limit {MAX_TOTAL_BYTES / 1e6} MB)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_widget_state_and_no_execution_timestamps(path):
    nb = load(path)
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state; run `make execute`"
    timed = [i for i, c in enumerate(nb.cells) if "execution" in c.metadata]
    assert not timed, f"{path.name}: cells {timed[:5]} carry execution timestamps; run `make execute`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_output_image_is_heavy(path):
    for i, cell in enumerate(load(path).cells):
        for out in cell.get("outputs", []):
            for png in pictures(out.get("data", {})):
                size = len(png) * 3 // 4  # base64 -> bytes
                assert size <= MAX_IMAGE_BYTES, f"{path.name} cell {i}: a {size // 1000} KB image (limit 150 KB)"


# ---- classroom: slides, progress, no solutions in plain sight ----

@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_slideshow_metadata_for_the_deck(path):
    cells = load(path).cells
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    missing = [i for i, k in enumerate(kinds) if k is None][:5]
    assert None not in kinds, f"{path.name}: cells {missing} lack a slide type"
    unknown = [i for i, k in enumerate(kinds) if k not in {"slide", "subslide", "fragment", "", "skip", "notes"}][:5]
    assert not unknown, (f"{path.name}: cells {unknown} have a slide type the deck does not show "
                         "(a cell that continues a slide needs \"\", never \"-\": jupyterlab-slideshow hides \"-\")")
    assert kinds.count("slide") >= 3, f"{path.name}: fewer than 3 slides"
    setup = next(c for c in cells if c.cell_type == "code")
    assert setup.metadata["slideshow"]["slide_type"] == "skip", f"{path.name}: the Setup cell is not skipped"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_last_cell_shows_progress(path):
    last = load(path).cells[-1]
    assert last.cell_type == "code" and re.search(rf"progress\(\"{path.name[:2]}\"\)", source(last)), (
        f"{path.name}: the last cell should be progress(\"{path.name[:2]}\")")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solutions_are_not_in_plain_sight(path):
    code = [source(c) for c in load(path).cells if c.cell_type == "code"]
    for c in code:
        for line in c.splitlines():
            assert not re.match(r"\s*[pq]\d+\.solution\(\)", line), f"{path.name}: a solution() call runs: {line}"


# ---- nbval's markers are cell tags, not comments a learner has to read past ----

NBVAL_TAGS = {"nbval-check-output", "nbval-ignore-output", "nbval-skip", "nbval-raises-exception", "raises-exception"}
NBVAL_COMMENT = re.compile(r"^\s*#\s*(NBVAL_|PYTEST_VALIDATE_)", re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_nbval_markers_are_tags_not_comments(path):
    cells = load(path).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert not NBVAL_COMMENT.search(source(cell)), (
                f"{path.name} cell {i}: an nbval comment in the learner's code; use the cell tag instead "
                f"(metadata.tags: nbval-check-output or nbval-ignore-output)")
        unknown = {t for t in cell.metadata.get("tags", []) if t.startswith("nbval")} - NBVAL_TAGS
        assert not unknown, f"{path.name} cell {i}: nbval does not know the tags {sorted(unknown)}"
    checked = [c for c in cells if "nbval-check-output" in c.metadata.get("tags", [])]
    assert checked, f"{path.name}: no cell's output is checked by nbval (tag nbval-check-output)"
