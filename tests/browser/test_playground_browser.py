"""Notebook 08's playground in a real JupyterLab, as a learner uses it: Run All, press Play and see the epoch counter
and the network picture change, Pause stops training, a click on the plane adds a point, so does a point typed in the
point box (the keyboard's way to draw), a CSV file loads through the upload button, and a bad CSV file shows its
message in the widget while the data stay as they were.

(The generic browser tests also open 08: no error output, every widget rendered, axe-core, every control by keyboard,
the dark theme.)"""

from __future__ import annotations

import os
import re

import pytest

from hub.lab_page import error_outputs, run_all_cells

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

NOTEBOOK = "08_playground.ipynb"
RUN_TIMEOUT_MS = int(os.environ.get("NN_BROWSER_TIMEOUT_S", "420")) * 1000
WIDGET = ".jp-OutputArea-output .nn-playground"
GOOD_CSV = b"x1,x2,label\n-3,-3,A\n-2,-4,A\n-4,-2,A\n-3,-4,A\n3,3,B\n2,4,B\n4,2,B\n3,4,B\n"
BAD_CSV = GOOD_CSV + b"5,oops,B\n"


def epoch(widget) -> int:
    """The epoch counter as the page shows it."""
    return int(re.search(r"Epoch (\d+)", widget.locator(".nn-playground-epoch").text_content()).group(1))


def alt_text(widget) -> str:
    """The network picture's alt text (its title): it states the data and the epoch."""
    return widget.locator("img.nn-playground-network").get_attribute("title") or ""


def training_points(widget) -> int:
    return int(re.search(r"(\d+) training points", alt_text(widget)).group(1))


def wait_for(page, widget, condition: str, arg=None, timeout_ms: int = 30_000) -> None:
    """Wait until a JavaScript condition on the widget's element holds."""
    page.wait_for_function(condition, arg=[widget.element_handle(), arg], timeout=timeout_ms, polling=100)


EPOCH_AT_LEAST = ("([w, n]) => +(/Epoch (\\d+)/.exec(w.querySelector('.nn-playground-epoch').innerText) "
                  "|| [0, -1])[1] >= n")
NEW_SRC = "([w, before]) => w.querySelector('img.nn-playground-network').getAttribute('src') !== before"
ALT_HAS = "([w, text]) => (w.querySelector('img.nn-playground-network').getAttribute('title') || '').includes(text)"
NOTE_HAS = "([w, text]) => w.querySelector('.nn-playground-note').innerText.includes(text)"
BUTTON_SAYS = "([w, text]) => [...w.querySelectorAll('button')].some(b => b.innerText.trim() === text)"


def upload(page, widget, name: str, content: bytes) -> None:
    """Press the upload button and choose a file in the file dialog that opens."""
    with page.expect_file_chooser() as chooser:
        widget.get_by_role("button", name=re.compile("Load CSV")).click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def test_play_pause_draw_and_load_csv(page, lab):
    run_all_cells(page, f"{lab['base']}/lab/tree/{NOTEBOOK}?token={lab['token']}&reset", run_timeout_ms=RUN_TIMEOUT_MS)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        assert not error_outputs(page), error_outputs(page)
        broken = page.locator(".jupyter-widgets-error-widget")
        assert not broken.count(), f"a widget failed to display: {broken.first.inner_text()[:500]}"
        widget = page.locator(WIDGET).first
        widget.scroll_into_view_if_needed()
        wait_for(page, widget, EPOCH_AT_LEAST, 0)  # the counter is drawn with the first frame (later on a busy machine)
        assert epoch(widget) == 0
        picture = widget.locator("img.nn-playground-network").get_attribute("src")

        # Play: the counter runs and the picture changes, frame after frame
        widget.get_by_role("button", name="Play").click()
        wait_for(page, widget, EPOCH_AT_LEAST, 3)
        wait_for(page, widget, NEW_SRC, picture)
        later = widget.locator("img.nn-playground-network").get_attribute("src")
        wait_for(page, widget, EPOCH_AT_LEAST, epoch(widget) + 2)
        wait_for(page, widget, NEW_SRC, later)
        page.screenshot(path=str(SCREENSHOTS / "08_playground-playing.png"))

        # Pause: training stops (one frame may still be on its way)
        widget.get_by_role("button", name="Pause").click()
        wait_for(page, widget, BUTTON_SAYS, "Play")
        page.wait_for_timeout(1000)
        stopped = epoch(widget)
        page.wait_for_timeout(2000)
        assert epoch(widget) == stopped, "training went on after Pause"

        # Draw: a click on the plane adds a training point of the chosen class
        widget.get_by_role("button", name="B (square)").click()
        before = training_points(widget)
        plane = widget.locator("canvas").first
        box = plane.bounding_box()
        plane.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.2})
        wait_for(page, widget, ALT_HAS, f"{before + 1} training points")
        assert "1 drawn" in alt_text(widget)
        assert epoch(widget) == stopped, "drawing a point must not train"

        # The keyboard's way to draw: type x1, x2 in the point box and press Enter
        box = widget.get_by_placeholder("x₁, x₂  e.g. 1.5, -2")
        box.focus()
        page.keyboard.type("-1.5, 2")
        page.keyboard.press("Enter")
        wait_for(page, widget, ALT_HAS, f"{before + 2} training points")
        assert "2 drawn" in alt_text(widget) and box.input_value() == ""

        # A CSV file through the upload button
        upload(page, widget, "points.csv", GOOD_CSV)
        wait_for(page, widget, NOTE_HAS, "Loaded points.csv")
        wait_for(page, widget, ALT_HAS, "data: your CSV file, 4 training points")
        loaded = alt_text(widget)

        # A bad CSV file: its message, with the line and the reason, and the data kept
        upload(page, widget, "bad.csv", BAD_CSV)
        wait_for(page, widget, NOTE_HAS, "bad.csv was not loaded")
        note = widget.locator(".nn-playground-note").inner_text()
        assert "line 10" in note and "oops" in note and "not a number" in note, note
        assert widget.locator(".nn-playground-note [role=alert]").count() == 1
        assert alt_text(widget) == loaded, "a bad file changed the data"
    finally:
        page.screenshot(path=str(SCREENSHOTS / "08_playground-lab.png"))
