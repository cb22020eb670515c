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
