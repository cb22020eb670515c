"""pyproject.toml, environment.yml and binder/environment.yml list the same packages, with the same ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONDA_TO_PIP = {"pytorch": "torch", "pytorch-cpu": "torch"}
NOT_PACKAGES = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    """'torch>=2.2,<3' -> ('torch', '>=2.2,<3')."""
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_packages() -> dict[str, str]:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return dict(_split(d) for d in deps)


def conda_packages(path: Path) -> dict[str, str]:
    deps = yaml.safe_load(path.read_text())["dependencies"]
    pairs = [_split(d) for d in deps if isinstance(d, str)]
    return {CONDA_TO_PIP.get(n, n): s for n, s in pairs if n not in NOT_PACKAGES}


def test_environment_yml_matches_pyproject():
    assert conda_packages(REPO / "environment.yml") == pyproject_packages()


def test_binder_environment_matches_pyproject():
    assert conda_packages(REPO / "binder" / "environment.yml") == pyproject_packages()


def test_binder_uses_cpu_only_pytorch():
    names = [_split(d)[0] for d in yaml.safe_load((REPO / "binder/environment.yml").read_text())["dependencies"]
             if isinstance(d, str)]
    assert "pytorch-cpu" in names and "pytorch" not in names


def test_no_hard_pins_in_package_metadata():
    for name, spec in pyproject_packages().items():
        assert "==" not in spec, f"{name} is pinned ({spec}); use a range"


def test_ranges_admit_the_torch_builds_available_offline():
    from packaging.specifiers import SpecifierSet

    deps = pyproject_packages()
    assert "2.14.1" in SpecifierSet(deps["torch"]) and "0.29.1" in SpecifierSet(deps["torchvision"])


def test_learners_get_the_course_without_the_test_tools():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    learner = set(pyproject_packages())
    tools = {"playwright", "jupyter-repo2docker", "hypothesis", "ruff", "pytest", "nbval", "uv", "jupyterhub"}
    assert not learner & tools, f"make lab / pip install . would bring test tools: {learner & tools}"
    test_extra = {_split(d)[0] for d in project["optional-dependencies"]["test"]}
    assert tools <= test_extra, f"make test lacks {tools - test_extra}"
    assert {"notebook", "jupyterlab-slideshow"} <= learner, "both front ends and the deck come with the course"
    assert "nbgrader" not in learner and "nbgrader" not in test_extra, "nbgrader is the [grade] extra only"
    assert any(d.startswith("nbgrader") for d in project["optional-dependencies"]["grade"])
