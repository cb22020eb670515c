"""helpers.doctor reports each part of the environment and a fix for anything wrong."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest

from helpers import doctor


def test_all_checks_pass_with_tiny_valid_data(tiny_mnist, capsys):
    assert doctor.report(tiny_mnist) is True
    out = capsys.readouterr().out
    for name in ("Python", "PyTorch", "Widgets", "MNIST data"):
        assert f"✓ {name}" in out


def test_missing_data_is_reported_with_a_fix(tmp_path, capsys):
    assert doctor.report(tmp_path) is False
    out = capsys.readouterr().out
    assert "✗ MNIST data" in out and "ensure_mnist()" in out and "make data" in out


def test_mismatched_widget_front_end_is_reported(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(doctor.metadata, "version",
                        lambda name: "2.0.0" if name == "jupyterlab_widgets" else real(name))
    check = doctor.check_widgets()
    assert not check.ok and "do not match" in check.detail and "make install" in check.fix


def test_missing_widget_front_end_is_reported(monkeypatch):
    def fake(name):
        if name == "jupyterlab_widgets":
            raise metadata.PackageNotFoundError(name)
        return "8.1.0"

    monkeypatch.setattr(doctor.metadata, "version", fake)
    check = doctor.check_widgets()
    assert not check.ok and "jupyterlab_widgets not installed" in check.detail


def test_torch_check_names_build_and_device():
    check = doctor.check_torch()
    assert check.ok and "torch" in check.detail and "device:" in check.detail


def _no_course_install(monkeypatch, tmp_path):
    """JupyterLab's extension folders all empty, except a `pip install --user` folder (returned): a learner who
    installed the widgets with --user has the extension there, and JupyterLab finds it."""
    import site

    from jupyter_core import paths

    empty = tmp_path / "env"
    monkeypatch.setattr(sys, "prefix", str(empty))
    monkeypatch.setattr(paths, "ENV_JUPYTER_PATH", [str(empty / "share/jupyter")])
    monkeypatch.setattr(paths, "SYSTEM_JUPYTER_PATH", [str(tmp_path / "system/share/jupyter")])
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.setattr(site, "ENABLE_USER_SITE", True)
    monkeypatch.setattr(site, "getuserbase", lambda: str(tmp_path / "userbase"))
    return tmp_path / "userbase/share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager"


def test_a_widget_extension_installed_with_user_is_found(monkeypatch, tmp_path):
    """`pip install --user` puts the extension in ~/.local/share/jupyter, where JupyterLab finds it: not a ✗."""
    _no_course_install(monkeypatch, tmp_path).mkdir(parents=True)
    check = doctor.check_widgets()
    assert check.ok and check.fix == "", check.detail


def test_a_missing_widget_extension_does_not_claim_the_versions_differ(monkeypatch, tmp_path):
    """ipywidgets 8 and jupyterlab_widgets 3 match: the ✗ names the missing extension, not a version mismatch."""
    _no_course_install(monkeypatch, tmp_path)
    check = doctor.check_widgets()
    assert not check.ok and "extension" in check.detail and "do not match" not in check.detail, check.detail


class _BrokenTorch:
    """An import hook: `import torch` raises OSError, as a broken Windows install does ("DLL initialization failed")."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise OSError("[WinError 1114] A dynamic link library (DLL) initialization routine failed")
        return None


def _forget_torch(monkeypatch):
    """Drop torch and the helpers that import it from this process's imports (monkeypatch puts them back)."""
    for name in [n for n in sys.modules if n == "torch" or n.startswith(("torch.", "torchvision"))]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("helpers.data", "helpers.device"):
        monkeypatch.delitem(sys.modules, name, raising=False)


@pytest.mark.parametrize("broken", ["missing", "OSError"])
def test_the_report_finishes_without_a_working_torch(broken, monkeypatch, tmp_path, capsys):
    """No PyTorch (or one that fails to load) is a ✗ with its fix, and the MNIST line says why it was not checked:
    the doctor never stops with a traceback (helpers.data imports torch)."""
    _forget_torch(monkeypatch)
    if broken == "missing":
        monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ModuleNotFoundError
    else:
        monkeypatch.setattr(sys, "meta_path", [_BrokenTorch(), *sys.meta_path])
    assert doctor.report(tmp_path) is False
    out = capsys.readouterr().out
    assert "✗ PyTorch: not importable" in out and "make install-lab" in out, out
    assert "✗ MNIST data: not checked" in out and "Fix PyTorch first" in out, out


def test_the_mnist_line_names_the_module_that_does_not_import(monkeypatch, tmp_path):
    """With PyTorch fine but NumPy missing, the MNIST line blames NumPy, not the PyTorch line above it (✓)."""
    class _NoNumpy:  # an import hook: helpers.data's own `import numpy` fails, as with NumPy not installed
        def find_spec(self, name, path=None, target=None):
            if name == "helpers.data":
                raise ModuleNotFoundError("No module named 'numpy'", name="numpy")
            return None

    monkeypatch.delitem(sys.modules, "helpers.data", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoNumpy(), *sys.meta_path])
    check = doctor.check_mnist(tmp_path)
    assert not check.ok and "need numpy" in check.detail and "Fix numpy first" in check.fix, check


def test_a_missing_course_package_is_named_with_its_fix(monkeypatch):
    """A hand-made install without matplotlib stops a Setup cell with ModuleNotFoundError: the doctor names it."""
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda name: None if name == "matplotlib" else real(name))
    check = doctor.check_packages()
    assert not check.ok and check.detail == "not installed: matplotlib" and "make install-lab" in check.fix


def test_the_course_packages_are_pyprojects_dependencies():
    """The list comes from pyproject.toml (a learner's install), not the test tools."""
    names = doctor.course_requirements()
    assert {"torch", "numpy", "matplotlib", "ipywidgets"} <= set(names) and "pytest" not in names, names


def test_every_fix_names_the_learners_install_not_the_test_tools(monkeypatch, tmp_path):
    """`make install` adds pytest, nbgrader, Playwright …: a learner's fix is `make install-lab`."""
    monkeypatch.setattr(doctor.metadata, "version", lambda name: "2.0.0")
    for check in (doctor.check_widgets(), doctor.check_packages()):
        assert "make install-lab" in check.fix or check.ok, check
    monkeypatch.setattr(doctor.sys, "version_info", (3, 10))
    assert "make install-lab" in doctor.check_python().fix


def _doctor_without_tomllib(monkeypatch):
    """A fresh copy of helpers.doctor imported as on Python 3.10, where the standard library has no tomllib."""
    import importlib.util

    monkeypatch.setitem(sys.modules, "tomllib", None)  # `import tomllib` raises ModuleNotFoundError
    spec = importlib.util.spec_from_file_location("doctor_on_3_10", doctor.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)  # fails here if the doctor imports tomllib at the top
    return module


def test_the_doctor_runs_and_names_the_old_python_where_tomllib_is_missing(monkeypatch, tmp_path, capsys):
    """On Python 3.10 the doctor still imports and says why: ✗ Python with its fix, not a traceback."""
    old = _doctor_without_tomllib(monkeypatch)
    monkeypatch.setattr(old.sys, "version_info", (3, 10, 13))
    assert old.report(tmp_path) is False
    out = capsys.readouterr().out
    assert "✗ Python:" in out and "Install Python 3.11+" in out, out
    assert "Course packages: all" in out or "✗ Course packages" in out, out


def test_without_tomllib_the_package_list_comes_from_the_install(monkeypatch):
    """No tomllib: the course's packages are read from pip's records of the installed course instead."""
    old = _doctor_without_tomllib(monkeypatch)
    names = old.course_requirements()
    assert names == doctor.course_requirements(), names


def test_without_any_package_list_the_packages_are_not_called_installed(monkeypatch):
    """Neither pyproject nor pip's records readable: a ✗ that says the list was not found, never "all 0 installed"."""
    monkeypatch.setattr(doctor, "course_requirements", lambda: [])
    check = doctor.check_packages()
    assert not check.ok and "all 0" not in check.detail and "make install-lab" in check.fix, check


def test_the_python_line_names_the_python_the_notebook_runs_on():
    """A kernel that is not the course's environment shows itself by its path."""
    check = doctor.check_python()
    assert sys.executable in check.detail, check.detail
