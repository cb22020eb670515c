"""Binder: repo2docker's generated Dockerfile builds from binder/environment.yml and runs postBuild."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dockerfile() -> str:
    exe = Path(sys.executable).with_name("repo2docker")
    cmd = [str(exe) if exe.exists() else shutil.which("repo2docker"), "--no-build", "--debug", str(REPO)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_dockerfile_uses_binder_environment(dockerfile):
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in dockerfile


def test_dockerfile_runs_post_build(dockerfile):
    assert "RUN ./binder/postBuild" in dockerfile


def test_post_build_is_strict_and_prefetches_mnist():
    text = (REPO / "binder" / "postBuild").read_text()
    assert text.startswith("#!/bin/bash") and "set -e" in text
    assert "--no-deps" in text and "python -m helpers.data" in text
