"""Assertions shared by the exercise tests: what a learner sees for a right, wrong, missing or crashing answer."""

from __future__ import annotations

import warnings

import pytest


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


def exercise_suite(ex, reference: dict, wrong: dict) -> tuple:
    """The tests every exercise module shares, for `ex.q1, ex.q2, ...`: the reference passes, each wrong answer
    fails with its feedback, the placeholder says "Not attempted yet", hint and solution print.

    `reference` maps "q1" to its right answer; `wrong` maps "q1" to [(wrong answer, words the feedback must contain)].
    Unpack the result into module-level `test_*` names so that pytest collects them.
    """

    @pytest.mark.parametrize("name", sorted(reference))
    def test_reference_answer_passes(name, capsys):
        assert_accepted(getattr(ex, name), reference[name], capsys)

    @pytest.mark.parametrize("name, answer, words", [(n, a, w) for n, pairs in wrong.items() for a, w in pairs])
    def test_wrong_answers_fail_with_feedback(name, answer, words, capsys):
        assert_rejected(getattr(ex, name), answer, capsys, words)

    @pytest.mark.parametrize("name", sorted(reference))
    def test_placeholder_is_not_attempted(name, capsys):
        assert_not_attempted(getattr(ex, name), ..., capsys)

    @pytest.mark.parametrize("name", sorted(reference))
    def test_hint_and_solution(name, capsys):
        assert_hint_and_solution(getattr(ex, name), capsys)

    return (test_reference_answer_passes, test_wrong_answers_fail_with_feedback,
            test_placeholder_is_not_attempted, test_hint_and_solution)
