"""Interactive plot builders, one module per notebook.

Each module lists its builders in ``BUILDERS``: name -> zero-argument factory returning a
`helpers.widgets.LivePlot` (or a widget containing them). The smoke test and
``make bench-widgets`` walk every module's ``BUILDERS`` automatically.
"""

import importlib
import pkgutil

import ipywidgets as widgets

from helpers.widgets import LivePlot


def all_builders() -> dict:
    """Collect BUILDERS from every module in this package, as 'module.name' -> factory."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, factory in getattr(module, "BUILDERS", {}).items():
            found[f"{info.name}.{name}"] = factory
    return found


def live_plots(widget) -> list[LivePlot]:
    """All LivePlots inside a widget tree (a builder may return a container of several)."""
    if isinstance(widget, LivePlot):
        return [widget]
    return [plot for child in getattr(widget, "children", ()) for plot in live_plots(child)]


def control_grid(control) -> list:
    """Values to try for one control: both ends and the middle, or every option."""
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max,
                control.base ** ((control.min + control.max) / 2)]
    if isinstance(control, widgets.FloatSlider):
        return [control.min, control.max, (control.min + control.max) / 2]
    if isinstance(control, widgets.IntSlider):
        return [control.min, control.max, (control.min + control.max) // 2]
    if isinstance(control, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons | widgets.Select):
        return list(control._options_values)
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return [True, False]
    return []
