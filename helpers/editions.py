"""Editions made from the notebooks and their exercise objects, never kept by hand.

- The instructor edition (`make solutions`, `python -m helpers.editions build/solutions`): every notebook with each
  exercise's placeholder cell replaced by its solution (`q.solution_code`).
- The nbgrader edition (`make nbgrader`, `python -m helpers.editions --nbgrader build/nbgrader`): an nbgrader course
  folder, `source/<notebook>/<notebook>.ipynb` and `nbgrader_config.py`. Each exercise's answer cell is a solution
  cell (the learner's placeholder, then the same solution between `### BEGIN SOLUTION` / `### END SOLUTION`); its
  check cell is a locked, autograded test cell, `qN.verify(answer)`, which raises the checker's own message when the
  answer is not right. Predictions (p1, p2, ...) stay ungraded, as in the course.

Both walk the notebooks with `exercise_cells`, so they swap the same cells for the same solutions.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
CHECK = re.compile(r"^\s*([pq]\d+)\.check\(", re.M)
IMPORT = re.compile(r"^from helpers\.exercises\.(\w+) import", re.M)
COURSE_ID = "nn-step-by-step"
# What a student's release shows where the solution was: the placeholder stays above it.
CODE_STUB = "# ↑ your answer: replace the ... above"
POINTS = 1  # per graded exercise, unless the exercise object says otherwise (`points = 2`)


def exercise_module(nb):
    """The helpers.exercises module a notebook imports its exercises from (None if it has none)."""
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    found = IMPORT.search(setup)
    return importlib.import_module(f"helpers.exercises.{found.group(1)}") if found else None


def exercise_cells(nb) -> Iterator[tuple[str, object, nbformat.NotebookNode, nbformat.NotebookNode]]:
    """(name, exercise, answer cell, check cell) for every `qN.check(...)` / `pN.check(...)` cell of a notebook:
    the answer cell is the code cell just before the check."""
    module = exercise_module(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for before, cell in zip(code, code[1:], strict=False):
        for name in CHECK.findall(cell.source):
            exercise = getattr(module, name, None) if module else None
            if exercise is not None:
                yield name, exercise, before, cell


def clear_outputs(nb) -> None:
    """No outputs and no execution counts: an edition is run by whoever opens it."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None


def solutions_edition(path: Path):
    """A copy of one notebook with every placeholder cell swapped for its exercise's solution."""
    nb = nbformat.read(path, as_version=4)
    for _, exercise, answer, _ in exercise_cells(nb):
        answer.source = f"# Solution ({exercise.title})\n{exercise.solution_code}"
    clear_outputs(nb)
    nb.cells[0].source = nb.cells[0].source.replace("\n", "  \n*Instructor edition: solutions filled in.*\n", 1)
    return nb


def graded(name: str) -> bool:
    """Exercises (q1, q2, ...) are graded; predictions (p1, p2, ...) are not: a guess before the answer is shown."""
    return name.startswith("q")


def _nbgrader(**fields) -> dict:
    return {"schema_version": 3, **fields}


def nbgrader_edition(path: Path):
    """One notebook as nbgrader's source: graded exercises as solution cells and locked autograded test cells."""
    nb = nbformat.read(path, as_version=4)
    for name, exercise, answer, check in exercise_cells(nb):
        if not graded(name):
            continue
        answer.source = (f"{answer.source.rstrip()}\n### BEGIN SOLUTION\n{exercise.solution_code}\n"
                         "### END SOLUTION")
        answer.metadata["nbgrader"] = _nbgrader(grade=False, solution=True, locked=False, task=False,
                                                grade_id=f"{name}-answer")
        # The learner's check, made to raise: nbgrader counts a test cell that raises as 0 points, and its feedback
        # shows the exception's message, which is the checker's own.
        check.source = re.sub(rf"^(\s*){name}\.check\(", rf"\1{name}.verify(", check.source, flags=re.M)
        check.source = re.sub(rf"^\s*# {name}\.solution\(\)\n?", "", check.source, flags=re.M).rstrip()
        check.source += "\n# Graded: raises with the checker's message when the answer is not right yet."
        check.metadata["nbgrader"] = _nbgrader(grade=True, solution=False, locked=True, task=False,
                                               grade_id=name, points=getattr(exercise, "points", POINTS))
    clear_outputs(nb)
    return nb


def graded_points(path: Path) -> dict[str, int]:
    """{grade_id: points} of one notebook's nbgrader edition: what a full submission earns."""
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nbgrader_edition(path).cells if c.metadata.get("nbgrader", {}).get("grade")}


NBGRADER_CONFIG = f'''"""nbgrader's settings for the course (written by `make nbgrader`; docs/teaching-guide.md)."""
c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.course_id = "{COURSE_ID}"
# The release keeps each exercise's `...` placeholder; only this comment stands where the solution was.
c.ClearSolutions.code_stub = {{"python": "{CODE_STUB}"}}
# Autograding runs the whole notebook: 06 and 07 train networks (minutes per submission on a CPU).
c.Execute.timeout = 1800
c.Execute.interrupt_on_timeout = True
'''


def write_nbgrader(out_dir: Path = REPO / "build" / "nbgrader", notebooks: list[Path] | None = None) -> list[Path]:
    """Write an nbgrader course folder: source/<notebook>/<notebook>.ipynb for every notebook with graded
    exercises, and nbgrader_config.py. Returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    config = out_dir / "nbgrader_config.py"
    config.write_text(NBGRADER_CONFIG)
    written = [config]
    for path in notebooks or sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbgrader_edition(path)
        if not any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells):
            continue  # no graded exercise
        folder = out_dir / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / path.name)
        written.append(folder / path.name)
    return written


def write_solutions(out_dir: Path = REPO / "build" / "solutions") -> list[Path]:
    """Write the instructor edition of every notebook into `out_dir`; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        target = out_dir / path.name
        nbformat.write(solutions_edition(path), target)
        written.append(target)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--nbgrader"]:
        paths = write_nbgrader(Path(args[1]) if len(args) > 1 else REPO / "build" / "nbgrader")
    else:
        paths = write_solutions(Path(args[0]) if args else REPO / "build" / "solutions")
    for p in paths:
        print(f"wrote {p.relative_to(REPO) if p.is_relative_to(REPO) else p}")
