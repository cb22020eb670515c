"""Environment check ("doctor"): is everything the course needs here, and if not, how to fix it.

Run it in notebook 00, or from a terminal:  python -m helpers.doctor
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass
class Check:
    """One line of the report: what was checked, whether it is fine, the detail, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _version(package: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_python() -> Check:
    """Python 3.11 or newer."""
    ok = sys.version_info >= (3, 11)
    return Check("Python", ok, sys.version.split()[0], "" if ok else "Install Python 3.11+ and run `make install`.")


def check_torch() -> Check:
    """PyTorch imports; report its build and the device the course will use."""
    try:
        import torch

        from helpers.device import pick_device
    except ImportError as err:
        return Check("PyTorch", False, f"not importable ({err})", "Run `make install` (or `pip install -e .`).")
    device, reason = pick_device()
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU-only build"
    return Check("PyTorch", True, f"torch {torch.__version__} ({build}); device: {device} — {reason}")


def check_widgets() -> Check:
    """ipywidgets (kernel side) and jupyterlab_widgets (front end) are installed and match (8.x ↔ 3.x)."""
    kernel, front = _version("ipywidgets"), _version("jupyterlab_widgets")
    fix = "Run `make install` (it installs matching ipywidgets and jupyterlab_widgets), then restart JupyterLab."
    if kernel is None or front is None:
        missing = " and ".join(n for n, v in [("ipywidgets", kernel), ("jupyterlab_widgets", front)] if v is None)
        return Check("Widgets", False, f"{missing} not installed", fix)
    ok = int(kernel.split(".")[0]) - int(front.split(".")[0]) == 5  # ipywidgets 8 pairs with jupyterlab_widgets 3
    detail = f"ipywidgets {kernel}, JupyterLab front end jupyterlab_widgets {front}"
    if not (Path(sys.prefix) / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager").is_dir():
        ok, detail = False, detail + " (but its JupyterLab extension is not in this environment)"
    return Check("Widgets", ok, detail + ("" if ok else " (versions do not match)"), "" if ok else fix)


def check_mnist(root=None) -> Check:
    """The four MNIST files are present and intact."""
    from helpers.data import file_status, raw_folder

    status = file_status(root)
    bad = {n: s for n, s in status.items() if s != "ok"}
    if not bad:
        return Check("MNIST data", True, f"all 4 files present and verified in {raw_folder(root)}")
    detail = "; ".join(f"{n}: {s}" for n, s in bad.items())
    return Check("MNIST data", False, detail,
                 f"Run `python -m helpers.data` (needs internet once), "
                 f"or set NN_DATA_DIR to a folder holding MNIST/raw/. "
                 f"Only notebooks 06–07 need it. Expected in {raw_folder(root)}.")


def run_checks(root=None) -> list[Check]:
    """Run every check and return the results."""
    return [check_python(), check_torch(), check_widgets(), check_mnist(root)]


def report(root=None) -> bool:
    """Print the checks as a list with a fix under each problem; return True when all pass."""
    checks = run_checks(root)
    for c in checks:
        print(f"{'✓' if c.ok else '✗'} {c.name}: {c.detail}")
        if not c.ok:
            print(f"    fix: {c.fix}")
    all_ok = all(c.ok for c in checks)
    print("All good: you are ready to start." if all_ok
          else "Some checks failed: apply the fixes above, then run this again.")
    return all_ok


if __name__ == "__main__":
    sys.exit(0 if report() else 1)
