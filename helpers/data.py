"""MNIST for the course: find it, check it, download it, load it.

Where the data lives, first match wins:
  1. the ``root`` argument,
  2. the environment variable ``NN_DATA_DIR``,
  3. the repository's own ``data/`` folder (found from this file, not the current directory).

The four raw files sit in ``<root>/MNIST/raw/``, exactly as ``torchvision.datasets.MNIST`` wants.
Run ``python -m helpers.data`` once to fetch them.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.error import URLError

import torch

from helpers.errors import CourseError

if TYPE_CHECKING:
    from torchvision.datasets import MNIST

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# file name -> (size in bytes, MD5) of the uncompressed IDX files.
RAW_FILES = {
    "train-images-idx3-ubyte": (47040016, "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7840016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10008, "27ae3e4e09519cfbb04c329615203637"),
}

# Mean and standard deviation of the training pixels (scaled to 0..1).
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


class MNISTNotFoundError(CourseError):
    """The MNIST files are missing and could not be downloaded."""


class MNISTCorruptError(CourseError):
    """An MNIST file is present but truncated or damaged."""


def data_root(root: str | os.PathLike | None = None) -> Path:
    """Return the data folder: argument, then $NN_DATA_DIR, then the repo's data/."""
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get("NN_DATA_DIR"):
        return Path(os.environ["NN_DATA_DIR"]).expanduser()
    return REPO_DATA_DIR


def raw_folder(root: str | os.PathLike | None = None) -> Path:
    """Return the folder that holds the four raw IDX files."""
    return data_root(root) / "MNIST" / "raw"


def _md5(path: Path) -> str:
    """MD5 of a file, read in 1 MiB chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_status(root: str | os.PathLike | None = None) -> dict[str, str]:
    """Map each raw file name to 'ok', 'missing' or a sentence saying how it is damaged."""
    status = {}
    for name, (size, md5) in RAW_FILES.items():
        path = raw_folder(root) / name
        if not path.is_file():
            status[name] = "missing"
        elif path.stat().st_size != size:
            status[name] = f"truncated or damaged: {path.stat().st_size} bytes, expected {size}"
        elif (actual := _md5(path)) != md5:
            status[name] = f"damaged: MD5 {actual}, expected {md5}"
        else:
            status[name] = "ok"
    return status


def _where_message(folder: Path) -> str:
    """The shared part of every error: where the files go and how to fetch them."""
    names = "\n".join(f"    {folder / name}" for name in RAW_FILES)
    return (
        f"The four MNIST files belong here:\n{names}\n"
        "Fetch them with:  python -m helpers.data   (from the repository folder, with internet)\n"
        "or point NN_DATA_DIR at a folder that already holds MNIST/raw/."
    )


def _raise_if_corrupt(status: dict[str, str], folder: Path) -> None:
    """Raise MNISTCorruptError naming every damaged file."""
    bad = {n: s for n, s in status.items() if s not in ("ok", "missing")}
    if bad:
        lines = "\n".join(f"  {folder / n}: {s}" for n, s in bad.items())
        raise MNISTCorruptError(
            f"MNIST file(s) are damaged, so they were not loaded:\n{lines}\n"
            f"Delete the damaged file(s) and download again.\n{_where_message(folder)}"
        )


def ensure_mnist(root: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Make sure the four raw files are present and intact; download them if allowed. Returns the root."""
    root = data_root(root)
    folder = raw_folder(root)
    status = file_status(root)
    _raise_if_corrupt(status, folder)
    if all(s == "ok" for s in status.values()):
        return root
    missing = ", ".join(n for n, s in status.items() if s == "missing")
    if not download:
        raise MNISTNotFoundError(f"MNIST is not downloaded yet (missing: {missing}).\n{_where_message(folder)}")
    from torchvision.datasets import MNIST  # here, not at the top: importing torchvision takes seconds

    try:
        MNIST(root, train=True, download=True)  # torchvision fetches all four files, with progress bars
    except (URLError, RuntimeError, OSError) as err:
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        raise MNISTNotFoundError(
            f"MNIST is missing ({missing}) and the download failed: {reason}\n"
            f"Are you offline? {_where_message(folder)}"
        ) from None
    _raise_if_corrupt(file_status(root), folder)
    return root


def load_mnist(train: bool = True, root: str | os.PathLike | None = None, download: bool = True,
               transform=None) -> MNIST:
    """Return torchvision's MNIST dataset (train or test split), checked before loading."""
    from torchvision.datasets import MNIST  # here, not at the top: importing torchvision takes seconds

    return MNIST(ensure_mnist(root, download), train=train, download=False, transform=transform)


def read_idx(path: Path) -> torch.Tensor:
    """The uint8 array in one raw IDX file: images (n, 28, 28) or labels (n,)."""
    data = bytearray(path.read_bytes())  # writable: torch.frombuffer shares it, no further copy
    if data[:3] != b"\0\0\x08":  # two zero bytes, then 8: "unsigned bytes"
        raise MNISTCorruptError(f"{path} is not an IDX file of unsigned bytes.")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])  # big-endian sizes, e.g. (60000, 28, 28)
    return torch.frombuffer(data, dtype=torch.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist_tensors(train: bool = True, root=None, device="cpu", download: bool = True):
    """Return (images, labels): float32 (n, 1, 28, 28) in 0..1 and int64 (n,), preloaded on `device`.

    The same pixels and labels as `load_mnist`, read straight from the checked raw files (no torchvision).
    """
    folder = raw_folder(ensure_mnist(root, download))
    prefix = "train" if train else "t10k"
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte")  # (n, 28, 28) uint8
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte")  # (n,) uint8
    images = images.unsqueeze(1).to(device=device, dtype=torch.float32) / 255.0  # (n, 1, 28, 28)
    return images, labels.to(device=device, dtype=torch.int64)


def main(argv: list[str] | None = None) -> int:
    """Command line: download MNIST (with a progress bar) into the data folder and verify it."""
    argv = sys.argv[1:] if argv is None else argv
    root = argv[0] if argv else None
    try:
        where = ensure_mnist(root, download=True)
    except (MNISTNotFoundError, MNISTCorruptError) as err:
        print(err, file=sys.stderr)
        return 1
    print(f"MNIST is ready in {raw_folder(where)} (all four files checked by size and MD5).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
