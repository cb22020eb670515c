"""helpers.device picks CUDA, then MPS, then CPU, and says why."""

from __future__ import annotations

import os

import torch

from helpers import device as dev


def test_cuda_wins_when_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Test GPU")
    d, why = dev.pick_device()
    assert d.type == "cuda" and "Test GPU" in why


def test_mps_when_no_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    d, why = dev.pick_device()
    assert d.type == "mps" and "MPS" in why


def test_cpu_fallback_explains_why(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    d, why = dev.pick_device()
    assert d.type == "cpu" and "no GPU" in why


def test_explicit_preference(monkeypatch):
    d, why = dev.pick_device("cpu")
    assert d.type == "cpu" and "asked" in why


def test_get_device_prints_choice(capsys):
    d = dev.get_device()
    assert f"Using device: {d}" in capsys.readouterr().out


def test_usable_cpus_is_at_least_one_and_at_most_the_machine():
    assert 1 <= dev.usable_cpus() <= (os.cpu_count() or 1)


def test_a_cgroup_cpu_quota_caps_the_cores(tmp_path, monkeypatch):
    # A container with a 1.5-core quota under a parent with no limit: 1 core (quota // period, at least 1).
    (tmp_path / "sys/fs/cgroup/kubepods/pod").mkdir(parents=True)
    (tmp_path / "sys/fs/cgroup/kubepods/pod/cpu.max").write_text("150000 100000\n")
    (tmp_path / "sys/fs/cgroup/kubepods/cpu.max").write_text("max 100000\n")
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text("0::/kubepods/pod\n")
    real_path = dev.Path
    monkeypatch.setattr(dev, "Path", lambda p: real_path(tmp_path / str(p).lstrip("/")))
    assert dev._cgroup_cpu_quotas() == [1]
    assert dev.usable_cpus() == 1
