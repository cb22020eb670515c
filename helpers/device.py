"""Pick where PyTorch runs: CUDA GPU, then Apple MPS, then CPU, and say why."""

from __future__ import annotations

import os
from pathlib import Path

import torch


def pick_device(prefer: str | None = None) -> tuple[torch.device, str]:
    """Return (device, reason). `prefer` ('cuda', 'mps', 'cpu') overrides the automatic choice."""
    if prefer is not None:
        return torch.device(prefer), f"you asked for {prefer!r}"
    if torch.cuda.is_available():
        return torch.device("cuda"), f"CUDA GPU found: {torch.cuda.get_device_name(0)}"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps"), "Apple GPU (MPS) found"
    why = "this PyTorch build has no CUDA" if torch.version.cuda is None else "no CUDA GPU is visible"
    return torch.device("cpu"), f"no GPU: {why}, and no Apple MPS; the CPU works, just slower"


def get_device(verbose: bool = True) -> torch.device:
    """Pick the device and (by default) print which one and why."""
    device, reason = pick_device()
    if verbose:
        print(f"Using device: {device}  ({reason})")
    return device


def usable_cpus() -> int:
    """How many CPU cores this process may use: its affinity mask, capped by its cgroup's CPU quota."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min([cpus, *_cgroup_cpu_quotas()])


def _cgroup_cpu_quotas() -> list[int]:
    """Cores allowed by cgroup v2 `cpu.max` files ("200000 100000" = 2 cores), from this process's group up."""
    try:  # "0::/user.slice/..." on a systemd machine; "0::/" inside a container (Binder, Kubernetes hubs)
        group = Path("/sys/fs/cgroup" + Path("/proc/self/cgroup").read_text().split("::")[-1].strip())
    except (OSError, IndexError):
        return []  # macOS, Windows, cgroup v1: the affinity mask is all we know
    quotas = []
    for folder in (group, *group.parents):
        try:
            quota, period = (folder / "cpu.max").read_text().split()
            if quota != "max":
                quotas.append(max(1, int(quota) // int(period)))
        except (OSError, ValueError):
            pass
        if folder == Path("/sys/fs/cgroup"):
            break
    return quotas
