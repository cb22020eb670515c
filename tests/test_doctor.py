"""helpers.doctor reports each part of the environment and a fix for anything wrong."""

from __future__ import annotations

from importlib import metadata

from helpers import doctor


def test_all_checks_pass_with_tiny_valid_data(tiny_mnist, capsys):
    assert doctor.report(tiny_mnist) is True
    out = capsys.readouterr().out
    for name in ("Python", "PyTorch", "Widgets", "MNIST data"):
        assert f"✓ {name}" in out


def test_missing_data_is_reported_with_a_fix(tmp_path, capsys):
    assert doctor.report(tmp_path) is False
    out = capsys.readouterr().out
    assert "✗ MNIST data" in out and "python -m helpers.data" in out


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
