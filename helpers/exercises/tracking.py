"""Progress: which exercises are solved, kept in the kernel and, only if the learner asks, in a local file.

Nothing is sent anywhere. `progress("01")` prints one notebook's line; `progress()` the whole course
(this kernel's exercises merged with what an earlier `progress(save=True)` wrote);
`progress(save=True)` writes `progress.json` into the current folder, for the learner to hand in if they choose.
Each row also counts the hint levels used (`q1.hint()` twice: 2), and the line names the exercises that used some.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import time
from pathlib import Path

import helpers.exercises
from helpers.errors import CourseError
from helpers.exercises.core import STATUSES, loaded_exercises

PROGRESS_FILE = "progress.json"


def _load_all() -> None:
    """Import every exercise module, so the whole course is listed (even notebooks not opened in this kernel)."""
    for info in pkgutil.iter_modules(helpers.exercises.__path__):
        if info.name not in ("core", "tracking", "tripwires"):
            importlib.import_module(f"helpers.exercises.{info.name}")


def _read(path: Path) -> dict[tuple[str, str], dict]:
    """Rows saved earlier, by (notebook, exercise); a missing or damaged file counts as empty."""
    try:
        rows = json.loads(path.read_text())
        return {(r["notebook"], r["exercise"]): r for r in rows if r.get("status") in STATUSES}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def hints_of(row: dict) -> int:
    """How many hint levels a row says were used (0 for rows saved before hints were counted, or damaged)."""
    hints = row.get("hints", 0)
    return hints if isinstance(hints, int) and hints >= 0 else 0


def progress_rows(notebook: str | None = None, path: str | Path = PROGRESS_FILE) -> list[dict]:
    """One row per exercise (notebook, exercise, title, status, hints, time); saved rows never go backwards."""
    if notebook is None:
        _load_all()
    saved = _read(Path(path))
    rows = dict(saved)
    for nb, entries in loaded_exercises().items():
        for name, ex in entries:
            old = saved.get((nb, name))
            if old and STATUSES.index(old["status"]) >= STATUSES.index(ex.status):
                rows[(nb, name)] = {**old, "hints": max(hints_of(old), ex.hints_used)}
                continue
            rows[(nb, name)] = {"notebook": nb, "exercise": name, "title": ex.title, "status": ex.status,
                                "hints": max(hints_of(old or {}), ex.hints_used),
                                "first_right": (old or {}).get("first_right", ex.first_right),
                                "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    chosen = [r for r in rows.values() if notebook is None or r["notebook"].startswith(notebook)]
    return sorted(chosen, key=lambda r: (r["notebook"], r["exercise"][0] == "q", int(r["exercise"][1:])))


def summary_line(rows: list[dict], notebook: str) -> str:
    """E.g. 'Notebook 01: 3 of 4 exercises solved, 1 of 2 predictions right at the first answer; hints used: ...'."""
    exercises = [r for r in rows if r["exercise"].startswith("q")]
    predictions = [r for r in rows if r["exercise"].startswith("p")]
    solved = sum(r["status"] == "solved" for r in exercises)
    line = f"Notebook {notebook[:2]}: {solved} of {len(exercises)} exercises solved"
    if predictions:  # a prediction counts as right only if the first answer was (later ones knew the answer)
        first = sum(r.get("first_right") is True for r in predictions)
        line += f", {first} of {len(predictions)} predictions right at the first answer"
    hinted = [f"{r['exercise']} ({hints_of(r)} level{'s' if hints_of(r) > 1 else ''})" for r in rows if hints_of(r)]
    line += f"; hints used: {', '.join(hinted)}" if hinted else ""
    still = [r["title"] for r in exercises if r["status"] != "solved"]
    still += [f"{r['exercise']} (not answered)" for r in predictions if r["status"] == "untouched"]
    return line + (f"; still open: {', '.join(still)}" if still else ". All done!")


def _notebook_number(notebook) -> str | None:
    """ "01" as given; 1 or "1" become "01"; anything else is a CourseError saying how to write it."""
    if notebook is None:
        return None
    if isinstance(notebook, int) and not isinstance(notebook, bool) and 0 <= notebook <= 99:
        return f"{notebook:02d}"
    if isinstance(notebook, str) and notebook.strip().isdigit() and len(notebook.strip()) <= 2:
        return notebook.strip().zfill(2)
    if isinstance(notebook, str) and notebook.strip():
        return notebook.strip()
    raise CourseError(f'progress() takes a notebook\'s number in quotes, such as progress("01"), or nothing for the '
                      f"whole course (got {notebook!r})")


def progress(notebook: str | None = None, save: bool = False, path: str | Path = PROGRESS_FILE) -> None:
    """Print your progress (one notebook, e.g. "01", or the whole course); `save=True` also writes `path`."""
    notebook = _notebook_number(notebook)
    rows = progress_rows(notebook, path)
    for nb in sorted({r["notebook"] for r in rows}):
        print(summary_line([r for r in rows if r["notebook"] == nb], nb))
    if not rows:
        print(f"No exercises found for notebook {notebook!r}." if notebook else "No exercises found.")
    if save:
        keep = {(r["notebook"], r["exercise"]): r for r in [*_read(Path(path)).values(), *rows]}
        Path(path).write_text(json.dumps(sorted(keep.values(), key=lambda r: (r["notebook"], r["exercise"])),
                                         indent=1, ensure_ascii=False) + "\n")
        print(f"Saved to {Path(path).resolve()} (on this computer only; hand it in if you choose).")
