"""helpers.data: where the data is found, downloads, offline and corrupted files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

import helpers.data as data
from helpers.data import (
    MNISTCorruptError,
    MNISTNotFoundError,
    data_root,
    ensure_mnist,
    file_status,
    load_mnist,
    load_mnist_tensors,
)

REPO = Path(__file__).resolve().parent.parent


def test_root_precedence_argument_then_env_then_repo(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "from_env"))
    assert data_root(tmp_path / "explicit") == tmp_path / "explicit"
    assert data_root() == tmp_path / "from_env"
    monkeypatch.delenv("NN_DATA_DIR")
    assert data_root() == REPO / "data"


def test_repo_root_does_not_depend_on_current_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("NN_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_root() == REPO / "data"


def test_valid_files_load_through_torchvision(tiny_mnist):
    assert set(file_status(tiny_mnist).values()) == {"ok"}
    train = load_mnist(train=True, root=tiny_mnist, download=False)
    assert len(train) == 12 and int(train.targets[3]) == 3
    images, labels = load_mnist_tensors(train=False, root=tiny_mnist, download=False)
    assert images.shape == (5, 1, 28, 28) and images.dtype == torch.float32
    assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0
    assert labels.tolist() == [0, 1, 2, 3, 4]


def test_tensors_hold_the_same_pixels_and_labels_as_torchvision(tiny_mnist):
    for train in (True, False):
        dataset = load_mnist(train=train, root=tiny_mnist, download=False)
        images, labels = load_mnist_tensors(train=train, root=tiny_mnist, download=False)
        assert torch.equal(images, dataset.data.unsqueeze(1).float() / 255.0)
        assert torch.equal(labels, dataset.targets) and labels.dtype == torch.int64


def test_real_tensors_match_torchvision(real_data_dir):
    images, labels = load_mnist_tensors(train=False, root=real_data_dir, download=False)
    dataset = load_mnist(train=False, root=real_data_dir, download=False)
    assert images.shape == (10000, 1, 28, 28) and labels.shape == (10000,)
    assert torch.equal(images, dataset.data.unsqueeze(1).float() / 255.0)
    assert torch.equal(labels, dataset.targets)


def test_a_file_that_is_not_idx_is_refused(tmp_path):
    path = tmp_path / "not-idx"
    path.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(MNISTCorruptError, match="not an IDX file"):
        data.read_idx(path)


def test_importing_the_data_module_does_not_import_torchvision():
    # torchvision takes seconds to import: only the download and load_mnist (a torchvision Dataset) need it.
    code = "import sys, helpers.data; print('torchvision' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "False"


def test_truncated_file_is_reported_not_loaded(tiny_mnist):
    path = tiny_mnist / "MNIST" / "raw" / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(MNISTCorruptError) as err:
        load_mnist(train=False, root=tiny_mnist)
    message = str(err.value)
    assert "t10k-images-idx3-ubyte" in message and "truncated" in message
    assert "python -m helpers.data" in message


def test_same_size_but_damaged_file_is_caught_by_md5(tiny_mnist):
    path = tiny_mnist / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(MNISTCorruptError, match="train-labels-idx1-ubyte: damaged: MD5"):
        ensure_mnist(tiny_mnist)


def test_no_files_and_no_network_gives_one_clear_error(tmp_path, offline):
    with pytest.raises(MNISTNotFoundError) as err:
        load_mnist(root=tmp_path)
    message = str(err.value)
    for name in data.RAW_FILES:
        assert str(tmp_path / "MNIST" / "raw" / name) in message
    assert "python -m helpers.data" in message and "download failed" in message


def test_no_files_without_download_says_where_they_go(tmp_path):
    with pytest.raises(MNISTNotFoundError, match="not downloaded yet"):
        ensure_mnist(tmp_path, download=False)


def test_error_renders_without_traceback_in_jupyter(tmp_path):
    with pytest.raises(MNISTNotFoundError) as err:
        ensure_mnist(tmp_path, download=False)
    lines = err.value._render_traceback_()
    assert lines[0].startswith("MNISTNotFoundError: MNIST is not downloaded yet")
    assert not any("Traceback" in line or 'File "' in line for line in lines)


def test_download_fetches_verifies_and_loads(tiny_mnist, mnist_server, tmp_path_factory):
    fresh = tmp_path_factory.mktemp("fresh")
    ensure_mnist(fresh)
    assert set(file_status(fresh).values()) == {"ok"}
    images, labels = load_mnist_tensors(train=True, root=fresh)
    assert images.shape == (12, 1, 28, 28) and labels.shape == (12,)


def test_command_line_prefetch(tiny_mnist, mnist_server, tmp_path_factory, capsys):
    fresh = tmp_path_factory.mktemp("cli")
    assert data.main([str(fresh)]) == 0
    assert "MNIST is ready" in capsys.readouterr().out


def test_command_line_offline_fails_clearly(tmp_path, offline, capsys):
    assert data.main([str(tmp_path)]) == 1
    assert "download failed" in capsys.readouterr().err


def test_real_mnist_is_intact_and_has_the_documented_label_counts(real_data_dir):
    assert set(file_status(real_data_dir).values()) == {"ok"}
    _, train_labels = load_mnist_tensors(train=True, root=real_data_dir)
    _, test_labels = load_mnist_tensors(train=False, root=real_data_dir)
    assert torch.bincount(train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert torch.bincount(test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
