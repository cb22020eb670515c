"""Run a notebook in a real JupyterLab page driven by Playwright: open it, wait for its kernel, clear the saved
outputs, run all cells, wait until done; then read the errors it shows; and `jupyter_lab`, a JupyterLab server on
loopback for such a page. Shared by the browser tests (tests/browser/), the hub's load test (its Chromium learner)
and `make bench-widgets-browser`."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

KERNEL_IDLE = ("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
               " && window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'")
ALL_RUN = """() => {
    const nb = window.jupyterapp.shell.currentWidget;
    const cells = [...nb.content.widgets].filter(c => c.model.type === 'code');
    const busy = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(p => p.textContent.includes('*'));
    return !busy && cells.some(c => c.model.executionCount) && nb.sessionContext.session.kernel.status === 'idle';
}"""

PRESENTING = "() => document.body.dataset.jpDeckMode === 'presenting'"


def run_all_cells(page, url: str, open_timeout_ms: int = 60_000, run_timeout_ms: int = 420_000) -> None:
    """Open a notebook URL (JupyterLab or Notebook 7, app exposed), clear its saved outputs, run every cell."""
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=open_timeout_ms)
    page.wait_for_function(KERNEL_IDLE, timeout=open_timeout_ms, polling=250)
    # A deck left presenting in this JupyterLab (jupyterlab-slideshow restores it on the next page) shows one slide
    # and hides the other cells' outputs: leave it first, as a learner would press Esc.
    if page.evaluate(PRESENTING):
        page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
        page.wait_for_function(f"() => !({PRESENTING})()", timeout=open_timeout_ms)
    # Saved outputs must not pass for fresh ones: clear them, then run everything and await completion.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=run_timeout_ms, polling=500)


def error_outputs(page) -> list[str]:
    """Text of every error or warning shown in a cell (JupyterLab renders both as stderr text)."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        r"""els => els.map(e => e.innerText)
                      .filter(t => /Traceback|^\s*\w*(Error|Exception|Warning)\b.*:/m.test(t))
                      .map(t => t.slice(0, 500))""",
    )


def wait_for_new_picture(page, image, before: str, timeout_ms: int = 20_000) -> None:
    """Wait until a live plot's <img> shows another picture than `before` (its src changes on every redraw)."""
    page.wait_for_function("([img, before]) => img.getAttribute('src') !== before",
                           arg=[image.element_handle(), before], timeout=timeout_ms)


def change_theme(page, theme: str = "JupyterLab Dark", timeout_ms: int = 20_000) -> None:
    """Switch the page's theme ("JupyterLab Dark", "JupyterLab Light") and wait until it is applied.
    The choice is saved in the user's settings: switch back before the next notebook opens."""
    page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function("theme => document.body.dataset.jpThemeName === theme", arg=theme, timeout=timeout_ms)


def select_cell(page, cell, timeout_ms: int = 10_000) -> None:
    """Make a cell the active one in command mode with the focus on it, as the arrow keys leave it: from there,
    Tab goes to the first control in the cell's output (the editor is not a tab stop in command mode)."""
    cell.scroll_into_view_if_needed()
    page.wait_for_function("""async node => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.mode = 'command';
        nb.activeCellIndex = nb.widgets.findIndex(w => w.node === node);
        // The notebook moves the focus itself a frame or two after a change of the active cell: focus after it.
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        node.focus();
        await new Promise(done => requestAnimationFrame(done));
        return document.activeElement === node;
    }""", arg=cell.element_handle(), timeout=timeout_ms, polling=200)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(home: Path, notebooks: list[Path]):
    """JupyterLab on a free loopback port with a token, serving copies of `notebooks`; yields (base, token)."""
    work = home / "notebooks"
    work.mkdir()
    for path in notebooks:
        shutil.copy(path, work)
    settings = home / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    # Render every cell (no virtual scrolling), so every plot is in the page.
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
           f"--JupyterNotebookApp.user_settings_dir={home / 'settings'}",
           "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with open(home / "lab.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_lab(proc, base, token, home / "lab.log")
            yield base, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for_lab(proc, base: str, token: str, log: Path) -> None:
    """Return once the server answers; raise if it exits or takes more than 90 s."""
    for _ in range(180):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.5)
    raise RuntimeError("jupyter lab did not start within 90 s")
