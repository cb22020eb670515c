"""Interactive plot builders, one module per notebook.

Each module lists its builders in ``BUILDERS``: name -> zero-argument factory returning a
`helpers.widgets.LivePlot` (or a widget containing them). The smoke test and
``make bench-widgets`` walk every module's ``BUILDERS`` automatically.
"""

import importlib
import pkgutil


def all_builders() -> dict:
    """Collect BUILDERS from every module in this package, as 'module.name' -> factory."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, factory in getattr(module, "BUILDERS", {}).items():
            found[f"{info.name}.{name}"] = factory
    return found
