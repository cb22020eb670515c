"""Slider-to-picture time in a real browser: `make bench-widgets-browser`.

Starts JupyterLab on a loopback port (token auth, a copy of notebooks 01-05, settings as in the browser
tests) and Debian's headless Chromium through Playwright. Each notebook is opened and run (all cells);
then, for every slider of every live plot (`.nn-liveplot`), the slider's handle gets `--presses` arrow-key
presses, alternating Right/Left (Left first at the slider's maximum), so the value never sits at a limit.

What one move times, all in the page's own clock (performance.now()), so the Python <-> Playwright round trip
is not counted: before the key is pressed, a MutationObserver is put on the plot's <img> `src` and a
capture-phase keydown listener on the window. Playwright then presses the key (a real, trusted key event).
  start:  the keydown listener fires (the page starts handling the key);
  end:    the <img> gets a new `src`: the slider moved, its value went over the websocket to the kernel,
          `update` changed the figure, the PNG was drawn and encoded, came back over the comm, and the
          image widget set its new blob URL.  -> `p50_ms`, `p95_ms` (the numbers to compare with targets)
  paint:  the new picture is also decoded (img.decode()) and the next animation frame has begun.
          -> `paint_p50_ms`, `paint_p95_ms` (what the learner's eye sees; a few ms more)
Between moves the bench waits for the kernel to be idle, so moves never queue behind each other.
A move whose picture does not change within 10 s counts as `missed` (not in the percentiles); the whole
run stops after --timeout seconds (default 900) and still prints what it measured.

Before the course's notebooks, a "floor" notebook is timed the same way (FLOOR_MOVES moves): its slider swaps two
pictures made in advance, so no plot is drawn. It is the part no plot code can remove: JupyterLab, the websocket,
the comm and the browser. It gets its own row and JSON key ("floor"), outside p50_ms and p95_ms.

After the notebooks, the playground of notebook 08 gets its own row ("playground", in the JSON too): a small notebook
shows `playground(Playground("circle", hidden=(4, 4)))`, the 2-4-4 network of TensorFlow Playground's 2-4-4-1 (ours
ends in two scores); the bench presses Play and, in the page's own clock, counts the network picture's new `src`s
for --playground-seconds (default 10): frames per second = (frames - 1) / (last frame - first frame). Target: 10.
Then Pause. `--playground-only` runs this row alone.

Prints p50 and p95 per notebook and the five slowest sliders, then a JSON line: p50_ms, p95_ms, moves, then
per notebook, the median per slider ("03 plot 4: h1 ← x₁"), the playground's row, machine, load average
before/after and date. The machine's speed varies: compare runs made minutes apart, and look at `load_before`.
Options: --presses N, --notebooks GLOB..., --timeout S, --playground-seconds S, --playground-only
(make: BENCH_FLAGS="--presses 3").
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # hub.lab_page, when run as a script

from hub.lab_page import KERNEL_IDLE, jupyter_lab, run_all_cells  # noqa: E402

CHROMIUM = os.environ.get("NN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
NOTEBOOKS = ["01_*.ipynb", "02_*.ipynb", "03_*.ipynb", "04_*.ipynb", "05_*.ipynb"]
TARGETS = {"p50_ms": 50.0, "p95_ms": 100.0, "playground_fps": 10.0}
MOVE_TIMEOUT_MS = 10_000
FLOOR_MOVES = 20
# The floor: a slider whose picture needs no drawing at all. It swaps two PNGs made in advance, the size of a
# live plot, so what it measures is JupyterLab, the websocket, the kernel's comm and the browser: no live plot
# can be faster. Reported on its own row, not counted in p50_ms / p95_ms.
FLOOR_CODE = """\
import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg

from helpers.widgets import Picture, canvas_png, new_figure, slider

pictures = []
for tilt in (1, -1):  # two pictures of a typical live plot's size (7 x 3.5 inches)
    fig = new_figure()
    fig.add_subplot().plot([0, 1], [0, tilt])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pictures.append(canvas_png(canvas))
control = slider("floor", 0.0, -5.0, 5.0)
image = Picture(format="png", value=pictures[0])
image.add_class("nn-liveplot-image")
control.observe(lambda change: setattr(image, "value", pictures[round(change["new"] * 10) % 2]), names="value")
box = widgets.VBox([widgets.HBox([control]), image])
box.add_class("nn-liveplot")
box
"""

# The playground row: notebook 08's widget on a 2-4-4 network (TensorFlow Playground's 2-4-4-1), playing.
PLAYGROUND_CODE = """\
from helpers.playground import Playground
from helpers.plots.playground import playground

playground(Playground("circle", hidden=(4, 4)))
"""
# Count the network picture's new srcs for `ms` milliseconds, in the page's clock; and the epochs trained meanwhile.
COUNT_FRAMES = """async ([widget, ms]) => {
    const img = widget.querySelector('img.nn-playground-network');
    const epoch = () => +(/Epoch (\\d+)/.exec(widget.querySelector('.nn-playground-epoch').innerText) || [0, 0])[1];
    const times = [], first = epoch();
    const obs = new MutationObserver(() => times.push(performance.now()));
    obs.observe(img, {attributes: true, attributeFilter: ['src']});
    await new Promise(resolve => setTimeout(resolve, ms));
    obs.disconnect();
    return {times, epochs: epoch() - first};
}"""

ARM = """([img]) => {
    const st = {t0: null, src: null, painted: null, before: img.getAttribute('src')};
    window.__nnBench = st;
    window.addEventListener('keydown', () => { if (st.t0 === null) st.t0 = performance.now(); },
                            {capture: true, once: true});
    st.done = new Promise(resolve => {
        st.obs = new MutationObserver(() => {
            if (img.getAttribute('src') === st.before) return;
            st.src = performance.now();
            st.obs.disconnect();
            img.decode().catch(() => {}).then(() => requestAnimationFrame(() => {
                st.painted = performance.now();
                resolve(true);
            }));
        });
        st.obs.observe(img, {attributes: true, attributeFilter: ['src']});
    });
}"""
COLLECT = """async (ms) => {
    const st = window.__nnBench;
    const ok = await Promise.race([st.done, new Promise(r => setTimeout(() => r(false), ms))]);
    if (!ok || st.t0 === null) { st.obs.disconnect(); return null; }
    return {src: st.src - st.t0, paint: st.painted - st.t0};
}"""
SLIDER_INFO = """h => {
    const box = h.closest('.widget-slider');
    const label = box && box.querySelector('.widget-label');
    const plot = [...document.querySelectorAll('.nn-liveplot')].indexOf(h.closest('.nn-liveplot'));
    return {label: label ? label.textContent.trim() : '?', plot, now: +h.getAttribute('aria-valuenow'),
            max: +h.getAttribute('aria-valuemax'), disabled: !!h.closest('[disabled]')};
}"""


def shut_down_kernels(base: str, token: str) -> None:
    """Stop every kernel, so a finished notebook's kernel takes no CPU from the next one."""
    headers = {"Authorization": f"token {token}"}
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels", headers=headers), timeout=10) as r:
            kernels = json.load(r)
    except OSError:
        return
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}", headers=headers, method="DELETE")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=10)


def move_once(page, handle, image, key: str) -> dict | None:
    """Press `key` on a slider handle; the page's own times (ms) to the new <img> src and to its paint."""
    page.evaluate(ARM, [image])
    handle.press(key)
    moved = page.evaluate(COLLECT, MOVE_TIMEOUT_MS)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000, polling=50)  # the kernel is done with this move
    return moved


def time_sliders(page, presses: int, deadline: float, moves: list[dict]) -> int:
    """Every slider of every live plot in the open notebook: `presses` moves each, alternating direction.

    Appends each timed move to `moves` (kept if a later one fails); returns how many moves were missed.
    """
    missed = 0
    handles = page.locator(".nn-liveplot .widget-slider .noUi-handle")
    for i in range(handles.count()):
        handle = handles.nth(i)
        info = handle.evaluate(SLIDER_INFO)
        if info["disabled"]:
            continue
        image = handle.evaluate_handle("h => h.closest('.nn-liveplot').querySelector(':scope > .nn-liveplot-image')")
        if image.as_element() is None:
            continue
        handle.scroll_into_view_if_needed()
        handle.focus()
        keys = ["ArrowLeft", "ArrowRight"] if info["now"] >= info["max"] else ["ArrowRight", "ArrowLeft"]
        for n in range(presses):
            if time.monotonic() > deadline:
                return missed
            moved = move_once(page, handle, image, keys[n % 2])
            if moved is None:
                missed += 1
            else:
                moves.append({"slider": f"plot {info['plot']}: {info['label']}", **moved})
    return missed


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) in ms to 0.1, linear between the two nearest ranks; None for no values."""
    if not values:
        return None
    ranked = sorted(values)
    k = (len(ranked) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ranked) - 1)
    return round(ranked[lo] + (ranked[hi] - ranked[lo]) * (k - lo), 1)


def summary(moves: list[dict]) -> dict:
    """p50/p95 of the time to the new src and to the painted picture, in ms."""
    src, paint = [m["src"] for m in moves], [m["paint"] for m in moves]
    return {"p50_ms": percentile(src, 50), "p95_ms": percentile(src, 95),
            "paint_p50_ms": percentile(paint, 50), "paint_p95_ms": percentile(paint, 95), "moves": len(moves)}


def write_one_cell_notebook(folder: Path, name: str, code: str) -> Path:
    """A notebook `name`.ipynb of one code cell, written into `folder` (the floor, the playground)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir()
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder / f"{name}.ipynb"


def time_playground(page, seconds: float) -> dict:
    """Press Play on the playground, count its frames for `seconds` (page clock), press Pause: the row's numbers."""
    widget = page.locator(".nn-playground").first
    widget.scroll_into_view_if_needed()
    widget.get_by_role("button", name="Play").click()
    page.wait_for_function("w => /Epoch [1-9]/.test(w.querySelector('.nn-playground-epoch').innerText)",
                           arg=widget.element_handle(), timeout=60_000)
    counted = page.evaluate(COUNT_FRAMES, [widget.element_handle(), int(seconds * 1000)])
    widget.get_by_role("button", name="Pause").click()
    times = counted["times"]
    span_s = (times[-1] - times[0]) / 1000 if len(times) > 1 else 0.0
    fps = round((len(times) - 1) / span_s, 1) if span_s > 0 else None
    return {"fps": fps, "frames": len(times), "seconds": round(seconds, 1), "epochs": counted["epochs"],
            "network": "2-4-4 (+ 2 scores), circle, 100 training points, batch 10"}


def run(args) -> dict:
    """Start the lab and the browser, time the floor and every notebook's sliders; the results as one dict."""
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + args.timeout - 60  # leave a minute to shut down and print
    paths = [p for pattern in args.notebooks for p in sorted((REPO / "notebooks").glob(pattern))]
    result = {"notebooks": {}, "missed": 0}
    per_slider = {}
    with tempfile.TemporaryDirectory(prefix="nn-bench-") as tmp:
        playground = write_one_cell_notebook(Path(tmp) / "playground", "playground", PLAYGROUND_CODE)
        notebooks = [write_one_cell_notebook(Path(tmp) / "floor", "floor", FLOOR_CODE), *paths, playground]
        if args.playground_only:
            notebooks = [playground]
        with jupyter_lab(Path(tmp), notebooks) as (base, token), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            result["browser"] = f"Chromium {browser.version}"
            all_moves = []
            for path in notebooks:
                floor = path.stem == "floor"
                left = deadline - time.monotonic()
                if left < 30:
                    print(f"{path.name}: skipped (out of time)", flush=True)
                    continue
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                moves, missed = [], 0
                try:
                    run_all_cells(page, f"{base}/lab/tree/{path.name}?token={token}&reset",
                                  run_timeout_ms=int(min(args.run_timeout, left) * 1000))
                    if path == playground:
                        result["playground"] = time_playground(page, args.playground_seconds)
                        row = result["playground"]
                        print(f"{'playground 2-4-4 playing (frames/s)':40s} {row['frames']:5d} "
                              f"{row['fps'] or float('nan'):8.1f} fps over {row['seconds']} s, "
                              f"{row['epochs']} epochs", flush=True)
                    else:
                        missed = time_sliders(page, FLOOR_MOVES if floor else args.presses, deadline, moves)
                except Exception as err:  # noqa: BLE001 - one notebook's failure must not hide the others
                    print(f"{path.name}: failed: {type(err).__name__}: {str(err)[:300]}", flush=True)
                finally:
                    context.close()
                    shut_down_kernels(base, token)
                if path == playground:  # its own row, printed above
                    continue
                stats = {**summary(moves), "missed": missed}
                times = [f"{stats[k] or float('nan'):{w}.1f}" for k, w in
                         [("p50_ms", 8), ("p95_ms", 8), ("paint_p50_ms", 10), ("paint_p95_ms", 10)]]
                name = "floor (no drawing: swaps two PNGs)" if floor else path.name
                print(f"{name:40s} {stats['moves']:5d} {' '.join(times)} {missed:6d}", flush=True)
                if floor:  # not a course notebook: its own key, outside the percentiles
                    result["floor"] = stats
                    continue
                result["notebooks"][path.name[:2]] = stats
                result["missed"] += missed
                all_moves += moves
                for m in moves:
                    per_slider.setdefault(f"{path.name[:2]} {m['slider']}", []).append(m["src"])
            browser.close()
    result["median_ms_by_slider"] = {name: round(statistics.median(t), 1) for name, t in per_slider.items()}
    return {**summary(all_moves), **result}


def _out_of_time(*_) -> None:
    raise TimeoutError("bench --timeout reached")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=5, help="arrow-key presses per slider (default 5)")
    parser.add_argument("--notebooks", nargs="+", default=NOTEBOOKS, help="globs under notebooks/")
    parser.add_argument("--timeout", type=int, default=900, help="stop after this many seconds (default 900)")
    parser.add_argument("--run-timeout", type=int, default=300, help="seconds for one notebook's Run All")
    parser.add_argument("--playground-seconds", type=float, default=10.0,
                        help="how long to count the playground's frames while it plays (default 10)")
    parser.add_argument("--playground-only", action="store_true", help="time the playground row alone")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set NN_CHROMIUM")
        return 1
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(args.timeout)
    started = datetime.datetime.now().astimezone()
    load = os.getloadavg()
    print(f"Slider key press -> new picture in JupyterLab + headless Chromium, {args.presses} presses per slider")
    print(f"{'notebook':40s} {'moves':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'paint p50':>10s} {'paint p95':>10s} "
          f"{'missed':>6s}", flush=True)
    try:
        result = run(args)
    except TimeoutError as err:
        result = {"p50_ms": None, "p95_ms": None, "moves": 0, "error": str(err)}
    finally:
        signal.alarm(0)
    result.update(date=started.isoformat(timespec="seconds"), seconds=round(time.time() - started.timestamp()),
                  machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                  load_before=[round(x, 2) for x in load], load_after=[round(x, 2) for x in os.getloadavg()],
                  targets=TARGETS)
    slowest = sorted(result.get("median_ms_by_slider", {}).items(), key=lambda item: -item[1])[:5]
    for name, ms in slowest:
        print(f"  slow: {name}: median {ms:.0f} ms")
    if result.get("moves"):
        print(f"all: {result['moves']} moves, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
              f"(targets: p50 <= {TARGETS['p50_ms']:.0f}, p95 <= {TARGETS['p95_ms']:.0f})")
    if result.get("playground", {}).get("fps") is not None:
        print(f"playground (2-4-4, playing): {result['playground']['fps']} frames/s "
              f"(target: >= {TARGETS['playground_fps']:.0f})")
    if result.get("floor", {}).get("moves"):
        print(f"floor (no drawing): p50 {result['floor']['p50_ms']} ms, p95 {result['floor']['p95_ms']} ms")
    print(json.dumps(result))
    return 0 if result.get("moves") or result.get("playground", {}).get("fps") else 1


if __name__ == "__main__":
    sys.exit(main())
