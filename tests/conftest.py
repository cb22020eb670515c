"""Shared fixtures: tiny MNIST-format files written by the tests, and a loopback HTTP server."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

# Property tests explore new random examples locally; in CI they replay the same ones, so a
# submission's result never depends on the luck of the draw.
settings.register_profile("ci", derandomize=True, deadline=None, database=None)
if IN_CI:
    settings.load_profile("ci")


def write_idx_images(path: Path, images: np.ndarray) -> None:
    """Write uint8 images (n, 28, 28) in the IDX format MNIST uses."""
    n, rows, cols = images.shape
    path.write_bytes(struct.pack(">IIII", 0x00000803, n, rows, cols) + images.astype(np.uint8).tobytes())


def write_idx_labels(path: Path, labels: np.ndarray) -> None:
    """Write uint8 labels (n,) in the IDX format MNIST uses."""
    path.write_bytes(struct.pack(">II", 0x00000801, len(labels)) + labels.astype(np.uint8).tobytes())


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """A data root holding four tiny, valid IDX files; RAW_FILES is patched to their sizes and MD5s."""
    import helpers.data as data

    rng = np.random.default_rng(0)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx_images(raw / "train-images-idx3-ubyte", rng.integers(0, 256, (12, 28, 28)))
    write_idx_labels(raw / "train-labels-idx1-ubyte", np.arange(12) % 10)
    write_idx_images(raw / "t10k-images-idx3-ubyte", rng.integers(0, 256, (5, 28, 28)))
    write_idx_labels(raw / "t10k-labels-idx1-ubyte", np.arange(5))
    table = {p.name: (p.stat().st_size, md5(p)) for p in raw.iterdir()}
    monkeypatch.setattr(data, "RAW_FILES", table)
    return tmp_path


@pytest.fixture
def mnist_server(tiny_mnist, tmp_path_factory, monkeypatch):
    """Serve gzipped copies of the tiny files on 127.0.0.1 and point torchvision's mirrors at it."""
    from torchvision.datasets import MNIST

    site = tmp_path_factory.mktemp("site")
    resources = []
    for p in sorted((tiny_mnist / "MNIST" / "raw").iterdir()):
        gz = site / f"{p.name}.gz"
        gz.write_bytes(gzip.compress(p.read_bytes()))
        resources.append((gz.name, md5(gz)))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(MNIST, "mirrors", [f"http://127.0.0.1:{server.server_address[1]}/"])
    monkeypatch.setattr(MNIST, "resources", resources)
    yield server
    server.shutdown()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening: connecting there fails at once, like being offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def offline(monkeypatch, closed_port):
    """Point torchvision's MNIST mirrors at a closed loopback port: every download fails fast."""
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", [f"http://127.0.0.1:{closed_port}/"])
    return closed_port


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The real MNIST root from NN_DATA_DIR (CI always sets it; a skip there is a failure)."""
    root = os.environ.get("NN_DATA_DIR")
    if not root:
        if IN_CI:
            pytest.fail("NN_DATA_DIR is not set under CI=true; .ci/run should point it at ../shared/data")
        pytest.skip("NN_DATA_DIR is not set: point it at a folder holding MNIST/raw/ to run this test")
    return Path(root)
