"""The nbgrader edition (`make nbgrader`), proven with nbgrader's own commands in a course folder of its own:
`generate_assignment`, then `autograde` on three submissions (the solutions get every point, the untouched release
gets 0, one known slip loses exactly its exercise's points), and `generate_feedback` shows the checker's message for
that slip. Notebook 01 stands for all: the edition is built the same way for every notebook, from the exercise
objects, and `test_every_notebook_has_its_edition` checks the cells of the others without running them."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.editions import CODE_STUB, REPO, exercise_cells, graded, graded_points, write_nbgrader
from helpers.exercises.core import Wrong

nbgrader = pytest.importorskip("nbgrader", reason="nbgrader comes with the [grade] and [test] extras")

NOTEBOOK = REPO / "notebooks" / "01_neurons.ipynb"
ASSIGNMENT = NOTEBOOK.stem
SLIP = "q1"  # a neuron that forgets its bias: one of q1's named slips
SLIP_CODE = "def neuron(x, w, b, g):\n    return g(np.dot(w, x))  # the bias forgotten\n"
NBGRADER = [sys.executable, "-m", "nbgrader"]
# nbgrader runs `alembic` (its database migrations) by name: the environment's bin folder goes first on PATH.
BIN = str(Path(sys.executable).parent)


def slip_message() -> str:
    """What q1's checker says about the slip, from the exercise object itself (so wording changes follow)."""
    namespace: dict = {}
    exec("import numpy as np\n" + SLIP_CODE, namespace)  # noqa: S102 - our own constant
    module = next(e for n, e, _, _ in exercise_cells(nbformat.read(NOTEBOOK, as_version=4)) if n == SLIP)
    with pytest.raises(Wrong) as err:
        module.verify(namespace["neuron"])
    return str(err.value)


def run(course: Path, *args: str) -> str:
    """One nbgrader command in the course folder; fail with its output if it fails."""
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run([*NBGRADER, *args], cwd=course, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def submit(course: Path, student: str, nb) -> None:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NOTEBOOK.name)


def answers_from(source, release, replace: dict[str, str] | None = None):
    """The release with each solution cell's code as the source has it (a student who solved everything), and the
    cells named in `replace` (grade_id -> code) as given."""
    solved = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    solved.update(replace or {})
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solved:
            cell.source = solved[grade_id]
    return release


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course folder with notebook 01, its release, and three autograded submissions."""
    course = tmp_path_factory.mktemp("course")
    write_nbgrader(course, [NOTEBOOK])
    run(course, "generate_assignment", ASSIGNMENT)
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    release = course / "release" / ASSIGNMENT / NOTEBOOK.name
    submit(course, "solved", answers_from(source, nbformat.read(release, as_version=4)))
    submit(course, "untouched", nbformat.read(release, as_version=4))
    submit(course, "slip", answers_from(source, nbformat.read(release, as_version=4), {f"{SLIP}-answer": SLIP_CODE}))
    run(course, "autograde", ASSIGNMENT, "--create")
    return course


def scores(course: Path, student: str) -> dict[str, float]:
    """{grade_id: points earned} from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
        gb = Gradebook(f"sqlite:///{course / 'gradebook.db'}")
    with gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_release_keeps_placeholders_and_hides_solutions(course):
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    answers = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == len(graded_points(NOTEBOOK)) >= 3
    for cell in answers:
        assert "..." in cell.source and CODE_STUB in cell.source, cell.source
        assert "BEGIN SOLUTION" not in cell.source
    text = "\n".join(c.source for c in release.cells)
    for name, exercise, _, _ in exercise_cells(source):
        if graded(name):
            assert exercise.solution_code not in text, f"{name}'s solution is in the student's release"


def test_solutions_get_every_point(course):
    assert scores(course, "solved") == graded_points(NOTEBOOK)


def test_untouched_release_gets_nothing(course):
    got = scores(course, "untouched")
    assert set(got) == set(graded_points(NOTEBOOK)) and sum(got.values()) == 0, got


def test_one_slip_loses_exactly_its_points(course):
    expected = {**graded_points(NOTEBOOK), SLIP: 0}
    assert scores(course, "slip") == expected


def test_feedback_shows_the_checkers_message(course):
    run(course, "generate_feedback", ASSIGNMENT, "--student", "slip")
    feedback = (course / "feedback" / "slip" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    message = slip_message()
    assert html.escape(message, quote=False) in feedback or message in feedback, message


def test_predictions_stay_ungraded_and_every_notebook_has_its_edition(tmp_path):
    written = write_nbgrader(tmp_path)
    assert (tmp_path / "nbgrader_config.py").is_file()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        names = [name for name, *_ in exercise_cells(nb)]
        ids = set(graded_points(path))
        assert ids == {n for n in names if graded(n)}, f"{path.name}: graded {ids}, exercises {names}"
        assert not any(n.startswith("p") for n in ids), f"{path.name}: a prediction is graded"
        if ids:
            assert tmp_path / "source" / path.stem / path.name in written


def test_nbgrader_version_is_the_floor_or_later():
    from packaging.version import Version

    assert Version(nbgrader.__version__) >= Version("0.9.5"), nbgrader.__version__
