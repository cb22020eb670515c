"""Every interactive plot builder redraws over a grid of control values, extremes included,
without error or warning; at least one of its controls changes the picture; and the fast blitted
picture always equals a full redraw (mglearn-style smoke test)."""

from __future__ import annotations

import importlib
import pkgutil
import warnings

import pytest

import helpers.plots
from helpers.plots import all_builders, live_plots
from helpers.plots import control_grid as grid

BUILDERS = all_builders()


def test_every_plot_module_registers_builders():
    modules = [m.name for m in pkgutil.iter_modules(helpers.plots.__path__)]
    assert modules, "helpers/plots has no modules"
    for name in modules:
        module = importlib.import_module(f"helpers.plots.{name}")
        assert getattr(module, "BUILDERS", None), f"helpers/plots/{name}.py has no BUILDERS"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_redraws_over_control_grid(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Older matplotlib (the floor, `make test-oldest`) calls pyparsing APIs that newer pyparsing deprecates:
        # not our code, so not our error.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"matplotlib\.")
        root = BUILDERS[name]()
        plots = live_plots(root)
        assert plots, f"{name} returned no LivePlot"
        for plot in plots:
            assert plot.error is None, plot.error
            assert bytes(plot.image.value).startswith(b"\x89PNG"), "no image rendered"
            images = {bytes(plot.image.value)}
            for cname, control in plot.controls.items():
                start = control.value
                for value in grid(control):
                    control.value = value
                    assert plot.error is None, f"{name}: {cname}={value!r}: {plot.error}"
                    images.add(bytes(plot.image.value))
                    # The fast (blitted) picture must equal a full redraw: nothing stale left behind.
                    assert bytes(plot.image.value) == plot._render(full=True), (
                        f"{name}: {cname}={value!r}: the blitted image differs from a full redraw; "
                        "mark every artist that update() changes animated=True, or return 'full'")
                control.value = start
            assert len(images) > 1, f"{name}: no control changes the picture"
