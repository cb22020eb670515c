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
    """How many CPU cores this process may use: its affinity mask, capped by a container's CPU quota."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:  # cgroup v2, as on Binder and most hubs: "max 100000" (no limit) or e.g. "200000 100000" (2 cores)
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cpus = min(cpus, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass  # no cgroup file (macOS, Windows, cgroup v1): the affinity mask is all we know
    return cpus
