"""Open every notebook in a real JupyterLab, run all cells, and check what a learner would see:
no error output, no "Error displaying widget", every widget rendered, sliders that change their plot,
and (notebook 06) a digit drawn with the mouse changes the predicted probabilities."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from hub.lab_page import error_outputs, run_all_cells, wait_for_new_picture

from .conftest import NOTEBOOK_DIR, SCREENSHOTS

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RUN_TIMEOUT_MS = int(os.environ.get("NN_BROWSER_TIMEOUT_S", "420")) * 1000


def saved_widget_count(path: Path) -> int:
    """How many widget views the committed, executed notebook displays."""
    nb = nbformat.read(path, as_version=4)
    return sum(WIDGET_MIME in o.get("data", {})
               for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


FRONT_ENDS = {"lab": "/lab/tree/{name}?token={token}&reset", "notebook7": "/notebooks/{name}?token={token}"}


def open_and_run_all(page, lab, name: str, front_end: str = "lab") -> None:
    """Open a notebook (JupyterLab or Notebook 7), wait for its kernel, clear the saved outputs, run all cells."""
    run_all_cells(page, lab["base"] + FRONT_ENDS[front_end].format(name=name, token=lab["token"]),
                  run_timeout_ms=RUN_TIMEOUT_MS)


def move_sliders_and_check_plots(page) -> int:
    """In each live plot with a slider, press ArrowRight on the slider and wait for its image to change."""
    plots = page.locator(".nn-liveplot")
    moved = 0
    for i in range(plots.count()):
        plot = plots.nth(i)
        handle = plot.locator(".widget-slider .noUi-handle").first
        image = plot.locator(".nn-liveplot-image").first
        if handle.count() == 0 or image.count() == 0:
            continue
        handle.scroll_into_view_if_needed()
        before = image.get_attribute("src")
        handle.focus()
        for _ in range(3):
            handle.press("ArrowRight")
        if image.get_attribute("src") == before:  # at the slider's maximum: go the other way
            for _ in range(6):
                handle.press("ArrowLeft")
        wait_for_new_picture(page, image, before)
        moved += 1
    return moved


def press_buttons_and_check_plots(page) -> int:
    """In each live plot with a button (e.g. notebook 03's Train), click it and wait for its image to change."""
    plots = page.locator(".nn-liveplot", has=page.locator("button.widget-button"))
    for i in range(plots.count()):
        plot = plots.nth(i)
        image = plot.locator(".nn-liveplot-image").first
        button = plot.locator("button.widget-button").first
        button.scroll_into_view_if_needed()
        before = image.get_attribute("src")
        button.click()
        wait_for_new_picture(page, image, before, timeout_ms=30_000)
    return plots.count()


def draw_digit_and_check_probabilities(page) -> None:
    """Draw a stroke on the drawing canvas with the mouse; the probability plot beside it must change."""
    canvas = page.locator(".nn-draw-canvas canvas").first
    canvas.scroll_into_view_if_needed()
    area = page.locator(".jp-OutputArea-output", has=page.locator(".nn-draw-canvas")).first
    images = area.locator("img")
    before = [images.nth(i).get_attribute("src") for i in range(images.count())]
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):  # a vertical stroke: a "1"
        page.mouse.move(x + step * 0.5, y + step * box["height"] * 0.03)
    page.mouse.up()
    page.wait_for_function(
        "([els, before]) => els.some((e, i) => e.getAttribute('src') !== before[i])",
        arg=[[images.nth(i).element_handle() for i in range(images.count())], before], timeout=20_000,
    )


def check_notebook(page, lab, path, front_end: str) -> None:
    """Run every cell in one front end and check what a learner sees (sliders and buttons in JupyterLab)."""
    open_and_run_all(page, lab, path.name, front_end)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        errors = error_outputs(page)
        assert not errors, f"{path.name}: error output(s) in the browser: {errors}"
        text = page.locator(".jp-Notebook").inner_text()
        assert "Error displaying widget" not in text, f"{path.name}: a widget failed to display"
        rendered = page.locator(".jp-OutputArea-output > .jupyter-widgets")  # a widget view, drawn
        expected = saved_widget_count(path)
        assert rendered.count() == expected, f"{path.name}: {rendered.count()} of {expected} widgets rendered"
        if front_end == "notebook7":
            return  # Notebook 7: every cell runs and every widget renders; its sliders do not yet answer a
            # synthetic key press or click in headless Chromium (left for a keyboard follow-up).
        if page.locator(".nn-liveplot .widget-slider").count():
            assert move_sliders_and_check_plots(page) >= 1
        press_buttons_and_check_plots(page)
        if page.locator(".nn-draw-canvas").count():
            draw_digit_and_check_probabilities(page)
    finally:
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}-{front_end}.png"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_renders_in_jupyterlab(page, lab, path):
    check_notebook(page, lab, path, "lab")
