"""Environment check ("doctor"): is everything the course needs here, and if not, how to fix it.

Run it in notebook 00, or from a terminal:  python -m helpers.doctor
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# The fix for anything missing from the Python the notebook runs on. `make install-lab` is the learner's install
# (`make install` adds the test and grading tools); a conda environment installs the course with pip instead.
INSTALL = ("Run `make install-lab` in the course folder (in your own conda environment: `pip install -e .` there, "
           "with that environment active)")


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
    """Python 3.11 or newer; the detail names the Python this runs on (a kernel outside the course's environment
    shows itself by its path)."""
    ok = sys.version_info >= (3, 11)
    detail = f"{sys.version.split()[0]} ({sys.executable})"
    return Check("Python", ok, detail, "" if ok else f"Install Python 3.11+. {INSTALL}.")


def _pyproject_requirements() -> list[str] | None:
    """pyproject's [project] dependencies, or None where it cannot be read (no source folder, or Python < 3.11,
    whose standard library has no tomllib: imported here, so the doctor itself still runs there and says so)."""
    try:
        import tomllib
    except ModuleNotFoundError:
        return None
    try:
        pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
        return pyproject["project"]["dependencies"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def course_requirements() -> list[str]:
    """The distributions the course needs (pyproject's [project] dependencies), by name."""
    requirements = _pyproject_requirements()
    if requirements is None:  # ask pip's records of the installed course instead
        try:
            requirements = [r for r in metadata.requires("nn-step-by-step") or [] if "extra ==" not in r]
        except metadata.PackageNotFoundError:
            requirements = []
    return [re.match(r"[A-Za-z0-9._-]+", r).group(0) for r in requirements]


def check_packages() -> Check:
    """Every package the course imports is installed (a missing one stops a Setup cell with ModuleNotFoundError)."""
    names = course_requirements()
    if not names:
        return Check("Course packages", False,
                     "not checked: the course's package list was not found (pyproject.toml needs Python 3.11+ to "
                     "read, and the course is not installed in this Python)", f"{INSTALL}.")
    missing = [name for name in names if _version(name) is None]
    if missing:
        return Check("Course packages", False, f"not installed: {', '.join(missing)}",
                     f"{INSTALL}, then restart the kernel (Kernel → Restart Kernel).")
    return Check("Course packages", True, f"all {len(names)} installed")


def check_torch() -> Check:
    """PyTorch imports; report its build and the device the course will use."""
    try:
        import torch

        from helpers.device import pick_device
    except (ImportError, OSError) as err:  # OSError: a broken install, such as Windows' "DLL initialization failed"
        return Check("PyTorch", False, f"not importable ({err})", f"{INSTALL}.")
    device, reason = pick_device()
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU-only build"
    return Check("PyTorch", True, f"torch {torch.__version__} ({build}); device: {device} — {reason}")


def labextension_folders() -> list[Path]:
    """Every folder JupyterLab looks in for extensions: this environment's, the user's (`pip install --user`), the
    system's and JUPYTER_PATH's (jupyter_core knows them; without it, this environment's alone)."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return [Path(sys.prefix) / "share/jupyter/labextensions"]
    return [Path(p) for p in jupyter_path("labextensions")]


def check_widgets() -> Check:
    """ipywidgets (kernel side) and jupyterlab_widgets (front end) are installed and match (8.x ↔ 3.x)."""
    kernel, front = _version("ipywidgets"), _version("jupyterlab_widgets")
    fix = f"{INSTALL}: it installs matching ipywidgets and jupyterlab_widgets. Then restart JupyterLab."
    if kernel is None or front is None:
        missing = " and ".join(n for n, v in [("ipywidgets", kernel), ("jupyterlab_widgets", front)] if v is None)
        return Check("Widgets", False, f"{missing} not installed", fix)
    ok = int(kernel.split(".")[0]) - int(front.split(".")[0]) == 5  # ipywidgets 8 pairs with jupyterlab_widgets 3
    detail = f"ipywidgets {kernel}, JupyterLab front end jupyterlab_widgets {front}"
    if not ok:
        detail += " (versions do not match)"
    if not any((folder / "@jupyter-widgets/jupyterlab-manager").is_dir() for folder in labextension_folders()):
        ok, detail = False, detail + " (but JupyterLab's widget extension is in none of its extension folders)"
    return Check("Widgets", ok, detail, "" if ok else fix)


def check_mnist(root=None) -> Check:
    """The four MNIST files are present and intact."""
    try:
        from helpers.data import file_status, raw_folder  # helpers.data imports torch (and NumPy)
    except (ImportError, OSError) as err:
        missing = getattr(err, "name", None) or "PyTorch"  # the module that failed to import, when Python says
        which = "PyTorch" if missing.split(".")[0] == "torch" else missing
        return Check("MNIST data", False, f"not checked: the data helpers need {which}, which does not import",
                     f"Fix {which} first (see the lines above), then run this again.")

    status = file_status(root)
    bad = {n: s for n, s in status.items() if s != "ok"}
    if not bad:
        return Check("MNIST data", True, f"all 4 files present and verified in {raw_folder(root)}")
    detail = "; ".join(f"{n}: {s}" for n, s in bad.items())
    return Check("MNIST data", False, detail,
                 f"Run `from helpers.data import ensure_mnist; ensure_mnist()` in a notebook cell (needs internet "
                 f"once; in a terminal, `make data` fetches it too, after setting up the course's .venv if it "
                 f"has none), or set NN_DATA_DIR to a folder holding MNIST/raw/. "
                 f"Only notebooks 06–07 need it, and online they fetch it themselves on first use. "
                 f"Expected in {raw_folder(root)}.")


def run_checks(root=None) -> list[Check]:
    """Run every check and return the results."""
    return [check_python(), check_packages(), check_torch(), check_widgets(), check_mnist(root)]


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
