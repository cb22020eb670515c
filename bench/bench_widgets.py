"""Slider-to-redraw time of every interactive plot: `make bench-widgets`.

For each builder in helpers.plots (every module's BUILDERS), each control is stepped through a few
values; one step = set the value -> update the figure -> render the PNG the browser receives.
Prints the median and 90th percentile per builder in ms, then a JSON line.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time

from helpers.plots import all_builders, live_plots
from helpers.plots import control_grid as grid

TARGET_MS = 50.0


def time_builder(factory, repeats: int = 3) -> list[float]:
    """Milliseconds per redraw over every control's grid of values, `repeats` times."""
    times = []
    for plot in live_plots(factory()):
        for control in plot.controls.values():
            values = grid(control)
            for _ in range(repeats):
                for value in values:
                    if value == control.value:
                        continue
                    start = time.perf_counter()
                    control.value = value
                    times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    results = {}
    print(f"Slider-to-redraw time, {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{'builder':45s} {'redraws':>7s} {'median ms':>10s} {'p90 ms':>8s}")
    for name, factory in sorted(all_builders().items()):
        times = sorted(time_builder(factory))
        if not times:
            continue
        median, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
        results[name] = round(median, 1)
        flag = "" if median <= TARGET_MS else f"  (> {TARGET_MS:.0f} ms target)"
        print(f"{name:45s} {len(times):7d} {median:10.1f} {p90:8.1f}{flag}")
    overall = statistics.median(results.values()) if results else float("nan")
    print(json.dumps({"median_ms_by_builder": results, "median_of_medians_ms": round(overall, 1),
                      "over_target": [n for n, m in results.items() if m > TARGET_MS]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
