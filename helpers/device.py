"""Pick where PyTorch runs: CUDA GPU, then Apple MPS, then CPU, and say why."""

from __future__ import annotations

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
