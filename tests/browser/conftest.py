"""A real JupyterLab on a free loopback port with a token, and headless Chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.lab_page import jupyter_lab
from tests.short_runs import write_short_copy

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# The notebooks under test; authors may point NN_BROWSER_NOTEBOOKS at another folder while drafting.
NOTEBOOK_DIR = Path(os.environ.get("NN_BROWSER_NOTEBOOKS", REPO / "notebooks"))


def _skip_or_fail(reason: str):
    """Skip with a reason, except under CI=true, where a skipped browser test is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start `jupyter lab` on a copy of notebooks/ (so runs never overwrite the committed files).

    The copy runs 06's experiments for 1 epoch (tests/short_runs.py): these tests check the front end, not numbers.
    """
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set NN_CHROMIUM")
    home = tmp_path_factory.mktemp("lab")
    short = tmp_path_factory.mktemp("short")
    notebooks = [write_short_copy(path, short) for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))]
    try:
        with jupyter_lab(home, notebooks) as (base, token):
            yield {"base": base, "token": token, "dir": home / "notebooks"}
    except RuntimeError as err:  # the server exited or did not answer: its log is in the message
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched through Playwright (its own browser download is not possible offline)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed: run `make install`")
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set NN_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
