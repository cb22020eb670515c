"""The teachers' documents name the exercises the notebooks have: the teaching guide's list, answers and counts,
CLASSROOM.md's ranges and the README's course table stay true to the exercise objects and the notebooks."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import nbformat
import pytest

import helpers.exercises
from helpers.exercises.core import ChoiceExercise, exercises_in

REPO = Path(__file__).resolve().parent.parent
GUIDE = (REPO / "docs" / "teaching-guide.md").read_text(encoding="utf-8")
CLASSROOM = (REPO / "docs" / "CLASSROOM.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
IN_ORDER = "**Exercises and predictions, in order:**"
WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def _exercise_modules() -> dict[str, object]:
    """'01' -> the exercise module of notebook 01_..., for every module with a NOTEBOOK."""
    found = {}
    for info in pkgutil.iter_modules(helpers.exercises.__path__):
        module = importlib.import_module(f"helpers.exercises.{info.name}")
        if getattr(module, "NOTEBOOK", None):
            found[module.NOTEBOOK[:2]] = module
    return found


MODULES = _exercise_modules()
NOTEBOOKS = sorted(MODULES)


def _section(nn: str) -> str:
    """The teaching guide's section of notebook nn, from its heading to the next rule (or the end)."""
    match = re.search(rf"^## {nn} — .*?(?=^---$|\Z)", GUIDE, re.M | re.S)
    assert match, f"the teaching guide has no section '## {nn} — …'"
    return match.group(0)


def _checked_in_order(nn: str) -> list[str]:
    """The exercises and predictions notebook nn checks, in the order of its check cells."""
    module = MODULES[nn]
    notebook = nbformat.read(REPO / "notebooks" / f"{module.NOTEBOOK}.ipynb", as_version=4)
    return [name for cell in notebook.cells if cell.cell_type == "code"
            for name in re.findall(r"^([pq]\d+)\.check\(", cell.source, re.M)]


def _short_title(exercise) -> str:
    """'Exercise 1 (a neuron with any activation)' -> 'a neuron with any activation'."""
    title = exercise.title
    return title[title.index("(") + 1:-1] if "(" in title else title


def _counts(nn: str) -> tuple[int, int]:
    """(exercises, predictions) of notebook nn."""
    entries = exercises_in(MODULES[nn])
    predictions = sum(isinstance(exercise, ChoiceExercise) for _, exercise in entries)
    return len(entries) - predictions, predictions


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_guide_lists_the_notebooks_exercises_in_order(nn):
    section = _section(nn)
    assert IN_ORDER in section, f"section {nn} has no '{IN_ORDER}' line"
    listed = " ".join(section.split(IN_ORDER, 1)[1].split("\n\n", 1)[0].split())
    expected = _checked_in_order(nn)
    assert re.findall(r"\b([pq]\d+) \(", listed) == expected
    exercises = dict(exercises_in(MODULES[nn]))
    for name in expected:
        assert f"{name} ({_short_title(exercises[name])})" in listed, f"{nn}: {name}'s title is not its current one"


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_every_exercise_the_guide_names_exists(nn):
    names = set(re.findall(r"\b([pq]\d+)\b", _section(nn)))
    missing = names - {name for name, _ in exercises_in(MODULES[nn])}
    assert not missing, f"section {nn} names {sorted(missing)}, which notebook {nn} does not have"


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_guide_gives_each_prediction_its_reference_answer(nn):
    answers = dict(re.findall(r"^- (p\d+) \*\*([a-z])\*\*", _section(nn), re.M))
    predictions = {name: exercise for name, exercise in exercises_in(MODULES[nn])
                   if isinstance(exercise, ChoiceExercise)}
    assert set(answers) == set(predictions), f"section {nn}: answers for {sorted(answers)}"
    for name, letter in answers.items():
        assert letter == predictions[name].reference, f"section {nn}: {name} is {predictions[name].reference!r}"


def test_guide_progress_examples_count_what_the_notebooks_have():
    examples = re.findall(r"Notebook (\d\d): 0 of (\d+) exercises solved, 0 of (\d+) predictions", GUIDE)
    assert examples
    for nn, exercises, predictions in examples:
        assert (int(exercises), int(predictions)) == _counts(nn), f"the progress line of notebook {nn}"


def test_classroom_states_the_real_ranges():
    counts = [_counts(nn) for nn in NOTEBOOKS if nn != "00"]
    exercises, predictions = [c[0] for c in counts], [c[1] for c in counts]
    ranges = (f"notebooks 01–{NOTEBOOKS[-1]} have {WORDS[min(exercises)]} to {WORDS[max(exercises)]} exercises "
              f"(`q1`, `q2`, …) and {WORDS[min(predictions)]} to {WORDS[max(predictions)]} predictions")
    assert ranges in " ".join(CLASSROOM.split())
    assert _counts("00") == (1, 1) and "Notebook 00 has one exercise (`q0`) and one prediction (`p0`)" in CLASSROOM


def _table_column(text: str, header: str) -> dict[str, str]:
    """'01' -> the cell under `header` in the markdown table whose header row holds it."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("|") and f"| {header} |" in line)
    column = [c.strip() for c in lines[head].strip().strip("|").split("|")].index(header)
    rows = {}
    for line in lines[head + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells[column]
    return rows


def test_readme_course_table_says_what_the_learner_builds_as_the_map_does():
    notebook = nbformat.read(REPO / "notebooks" / "00_start_here.ipynb", as_version=4)
    the_map = next(c.source for c in notebook.cells if c.cell_type == "markdown" and "| You build |" in c.source)
    in_map, in_readme = _table_column(the_map, "You build"), _table_column(README, "You build")
    assert set(in_map) <= set(in_readme) and "00" in in_readme
    for nn, built in in_map.items():
        assert in_readme[nn] == built, f"README's 'You build' for {nn} differs from notebook 00's map"
