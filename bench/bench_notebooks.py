"""How long every notebook takes, run headless top to bottom: `make bench-notebooks`.

Each notebook runs in a fresh kernel, cell after cell, as `make execute` and nbval run it (nbclient). The time
covers the kernel's start up to the end of the last cell (not the kernel's shutdown); the peak is the kernel's own
highest memory use (VmHWM), not counting the short-lived processes of `run_in_parallel`. Nothing is saved.
Prints one row per notebook (with its three slowest cells), the total, and a JSON last line.
Limits the course keeps: notebook 06 <= 90 s, all together <= 120 s, kernel peak < 1.5 GB.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def peak_mib(pid: int) -> float:
    """The highest resident memory a Linux process has had, in MiB (nan where /proc is missing)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # reported in kB
    except OSError:
        pass
    return float("nan")


def run_notebook(path: Path) -> tuple[float, float, list[tuple[float, int]]]:
    """Run one notebook in a fresh kernel; return (seconds, kernel peak MiB, [(seconds, cell number)] slowest first).

    A failing cell raises."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start, cells = time.perf_counter(), []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            cell_start = time.perf_counter()
            client.execute_cell(cell, index)
            cells.append((time.perf_counter() - cell_start, index))
        seconds = time.perf_counter() - start  # the kernel's start up to the end of the last cell, not its shutdown
        peak = peak_mib(client.km.provisioner.pid)
    return seconds, peak, sorted(cells, reverse=True)


def main(paths: list[Path]) -> dict:
    """Time each notebook in turn and print the table and the JSON line."""
    rows = {}
    print(f"{'notebook':<34}{'seconds':>9}{'peak MiB':>10}   slowest cells (cell number: seconds)")
    for path in paths:
        seconds, peak, cells = run_notebook(path)
        rows[path.stem] = {"s": round(seconds, 1), "peak_mib": round(peak)}
        slowest = ", ".join(f"{index}: {s:.1f}" for s, index in cells[:3])
        print(f"{path.stem:<34}{seconds:>9.1f}{peak:>10.0f}   {slowest}", flush=True)
    total = sum(row["s"] for row in rows.values())
    print(f"{'all together':<34}{total:>9.1f}")
    result = {"total_s": round(total, 1), "notebooks": rows, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or NOTEBOOKS)
