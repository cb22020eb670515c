"""The instructor edition: every notebook with each exercise's placeholder cell replaced by its solution.

Generated from the exercise objects (`q.solution_code`), never kept by hand:
`python -m helpers.editions` (or `make solutions`) writes build/solutions/*.ipynb.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
CHECK = re.compile(r"^\s*([pq]\d+)\.check\(", re.M)
IMPORT = re.compile(r"^from helpers\.exercises\.(\w+) import", re.M)


def exercise_module(nb):
    """The helpers.exercises module a notebook imports its exercises from (None if it has none)."""
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    found = IMPORT.search(setup)
    return importlib.import_module(f"helpers.exercises.{found.group(1)}") if found else None


def solutions_edition(path: Path):
    """A copy of one notebook with every placeholder cell swapped for its exercise's solution."""
    nb = nbformat.read(path, as_version=4)
    module = exercise_module(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for before, cell in zip(code, code[1:], strict=False):
        for name in CHECK.findall(cell.source):
            exercise = getattr(module, name, None) if module else None
            if exercise is not None:
                before.source = f"# Solution ({exercise.title})\n{exercise.solution_code}"
        cell.outputs, cell.execution_count = [], None
    nb.cells[0].source = nb.cells[0].source.replace("\n", "  \n*Instructor edition: solutions filled in.*\n", 1)
    return nb


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
    for p in write_solutions(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build" / "solutions"):
        print(f"wrote {p.relative_to(REPO) if p.is_relative_to(REPO) else p}")
