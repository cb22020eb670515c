"""The nbgrader edition (`make nbgrader`), proven with nbgrader's own commands in a course folder of its own:
`generate_assignment`, then `autograde` on three submissions (the solutions get every point, the untouched release
gets 0, one known slip loses exactly its exercise's points), and `generate_feedback` shows the checker's message for
that slip. The exchange runs too, as on a hub: release, fetch and submit (as the student, in a home of their own),
collect, autograde, generate and release the feedback, and the student fetches it. Notebook 01 stands for all: the
edition is built the same way for every notebook, from the exercise objects, and
`test_predictions_stay_ungraded_and_every_notebook_has_its_edition` checks the others' cells without running them."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.editions import CODE_STUB, COURSE_ID, REPO, exercise_cells, graded, graded_points, write_nbgrader
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


def as_student(action: str, exchange: Path, home: Path, student: str = "learner1") -> None:
    """What the student's Assignments tab does on the hub (nbgrader's assignment_list server extension): one exchange
    action (FetchAssignment, Submit, FetchFeedback) run in the server's process, here in this one (no 3 s start)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config

    config = Config()
    config.Exchange.root, config.Exchange.cache = str(exchange), str(home / "nbgrader_cache")
    config.Exchange.assignment_dir = str(home)
    config.CourseDirectory.course_id, config.CourseDirectory.assignment_id = COURSE_ID, ASSIGNMENT
    config.CourseDirectory.student_id = student
    step = getattr(ExchangeFactory(config=config), action)(
        coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config)
    step.start()


def test_exchange_round_trip_as_on_a_hub(course, tmp_path):
    """The guide's hub steps with nbgrader's exchange in a folder of its own: the teacher releases, a student
    fetches, answers with one slip and submits, the teacher collects, autogrades, generates and releases the
    feedback, and the student fetches feedback that holds the checker's message (docs/teaching-guide.md)."""
    exchange, student = tmp_path / "exchange", tmp_path / "learner1"
    exchange.mkdir()
    student.mkdir()
    root = f"--Exchange.root={exchange}"
    run(course, "release_assignment", ASSIGNMENT, root)
    as_student("FetchAssignment", exchange, student)
    fetched = student / ASSIGNMENT / NOTEBOOK.name
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    nbformat.write(answers_from(source, nbformat.read(fetched, as_version=4), {f"{SLIP}-answer": SLIP_CODE}), fetched)
    as_student("Submit", exchange, student)
    run(course, "collect", ASSIGNMENT, root)
    run(course, "autograde", ASSIGNMENT, "--student", "learner1")
    assert scores(course, "learner1") == {**graded_points(NOTEBOOK), SLIP: 0}
    run(course, "generate_feedback", ASSIGNMENT, "--student", "learner1")
    run(course, "release_feedback", ASSIGNMENT, "--student", "learner1", root)
    as_student("FetchFeedback", exchange, student)
    pages = list((student / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1, pages
    message = slip_message()
    feedback = pages[0].read_text(encoding="utf-8")
    assert html.escape(message, quote=False) in feedback or message in feedback, message
