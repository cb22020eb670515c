"""Run a notebook in a real JupyterLab page driven by Playwright: open it, wait for its kernel, clear the saved
outputs, run all cells, wait until done; then read the errors it shows. Shared by the browser tests
(tests/browser/) and the hub's load test (its Chromium learner)."""

from __future__ import annotations

KERNEL_IDLE = ("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
               " && window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'")
ALL_RUN = """() => {
    const nb = window.jupyterapp.shell.currentWidget;
    const cells = [...nb.content.widgets].filter(c => c.model.type === 'code');
    const busy = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(p => p.textContent.includes('*'));
    return !busy && cells.some(c => c.model.executionCount) && nb.sessionContext.session.kernel.status === 'idle';
}"""


def run_all_cells(page, url: str, open_timeout_ms: int = 60_000, run_timeout_ms: int = 420_000) -> None:
    """Open a notebook URL (JupyterLab or Notebook 7, app exposed), clear its saved outputs, run every cell."""
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=open_timeout_ms)
    page.wait_for_function(KERNEL_IDLE, timeout=open_timeout_ms, polling=250)
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
