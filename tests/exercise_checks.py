"""Assertions shared by the exercise tests: what a learner sees for a right, wrong, missing or crashing answer."""

from __future__ import annotations

import warnings


def run_check(q, answer, capsys) -> tuple[bool, str]:
    """Run q.check(answer) (a learner's overflow warnings silenced); return its verdict and what it printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ok = q.check(answer)
    return ok, capsys.readouterr().out


def assert_accepted(q, answer, capsys) -> None:
    ok, out = run_check(q, answer, capsys)
    assert ok is True, out
    assert "✓" in out and "correct" in out


def assert_rejected(q, answer, capsys, feedback: str = "") -> str:
    """The answer fails with a ✗ line that contains `feedback`; returns the printed text."""
    ok, out = run_check(q, answer, capsys)  # must not raise, whatever the answer does
    assert ok is False, out
    assert "✗" in out
    assert feedback in out
    return out


def assert_not_attempted(q, answer, capsys) -> None:
    ok, out = run_check(q, answer, capsys)
    assert ok is False
    assert "Not attempted yet" in out and "✗" not in out


def assert_hint_and_solution(q, capsys) -> None:
    q.hint()
    assert "Hint" in capsys.readouterr().out
    q.solution()
    out = capsys.readouterr().out
    assert "Solution" in out and ("return" in out or "=" in out)
