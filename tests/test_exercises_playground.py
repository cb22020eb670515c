"""Notebook 08's challenges: the shared exercise suite, and each challenge's refusals of wrong playgrounds."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from helpers.exercises import playground as ex
from helpers.playground import Playground, PlaygroundError
from tests.exercise_checks import assert_accepted, assert_rejected, exercise_suite, run_check


class Later:
    """A playground made on first use: the suite lists its answers at import, the training waits for a test.

    It is handed in as the widget is, an object holding the Playground (here as `.playground`)."""

    def __init__(self, make):
        self._make, self._pg = make, None

    @property
    def playground(self) -> Playground:
        if self._pg is None:
            self._pg = self._make()
        return self._pg


def trained(epochs: int, preset: str, **settings) -> Later:
    """A playground of `preset` with `settings`, trained for `epochs` epochs (0: untrained) when first used."""

    def make() -> Playground:
        pg = Playground(preset, **settings)
        if epochs:
            pg.step(epochs)
        return pg

    return Later(make)


def drawn_on(preset: str) -> Later:
    """A trained playground of `preset` with one point drawn on it."""

    def make() -> Playground:
        pg = Playground(preset, features=("x1", "x2"), hidden=(4,), noise=0.3 if preset == "circle" else 0.0)
        pg.add_point(1.0, 1.0, "A")
        pg.step(1)
        return pg

    return Later(make)


def l2_after_overfitting(l2: float, epochs: int) -> Playground:
    """Challenge 3's overfitting playground (200 epochs), then L2 switched on and `epochs` more epochs, no Reset."""
    pg = Playground("circle", test_fraction=0.9, **OVERFIT)
    pg.step(200)
    pg.configure(l2=l2)
    pg.step(epochs)
    return pg


def diverged() -> Playground:
    """A spiral playground whose weights overflowed."""
    pg = Playground("spiral", features=("x1", "x2"), hidden=(4,), lr=3.0, l2=10.0)
    with pytest.raises(PlaygroundError, match="diverged"):
        pg.step(40)
    return pg


OVERFIT = {"noise": 0.3, "hidden": (8, 8, 8), "activation": "relu", "lr": 0.1}  # the circle and the big network

REFERENCE = {
    "p1": "b",
    "q1": Later(ex.q1.reference),
    "q2": trained(30, "xor", hidden=(), features=("x1", "x2", "x1*x2")),
    "q3": trained(500, "circle", noise=0.3, test_fraction=0.9, hidden=(8, 8), lr=0.1),  # tanh overfits too
    "q4": trained(300, "circle", test_fraction=0.9, l2=0.1, **OVERFIT),  # L2 alone fixes it
}

WRONG = {
    "p1": [("a", "Time does not help"), ("c", "not which boundaries the network can draw"),
           ("d", "the labels the wrong way round would raise it"), ("e", 'answer with one of "a", "b", "c", "d"')],
    "q1": [
        (trained(0, "circle"), "this challenge is on the spiral data set, and your playground holds 'circle' data"),
        (drawn_on("spiral"), "you drew 1 point(s) on the spiral: the challenge is on "
                                "its own points. Press Undo point, or Reload data"),
        (trained(0, "spiral", features=("x1", "x2", "sin(x1)")), "you use x1, x2, sin(x1): switch off sin(x1)"),
        (trained(0, "spiral", features=("x1",)), "switch both x1 and x2 on"),
        (trained(0, "spiral", hidden=(8, 8, 8, 8)), "32 hidden neurons, (8, 8, 8, 8); the challenge allows 24"),
        (trained(0, "spiral", test_fraction=0.1), "only 20 points are kept for testing"),
        (trained(0, "spiral", hidden=(8, 8)), "the network has not been trained yet: press Play"),
        (trained(20, "spiral", hidden=(2,)), "the test accuracy is 51%; the bar is 85%. Train longer"),
        # it fits its training points: the feedback names the network, the seed and the learning rate, not time
        (trained(200, "spiral", hidden=(8, 8), activation="relu", lr=0.1),
         "so it learned them, not the spiral between them. Training longer rarely helps now: change the network"),
        (Later(diverged), "the training diverged (the losses are nan): lower the learning rate"),
        (lambda pg: pg, "expected your Playground (the one you trained, such as pg), got a function"),
        ("pg", "expected your Playground"),
        (Playground("spiral").copy, "call it: pg.copy() with parentheses, as in q1_answer = pg.copy()"),
        (Playground("spiral").state, "you handed in the method pg.state itself, not a playground: call it"),
    ],
    "q2": [
        (trained(0, "spiral"), "this challenge is on the xor data set"),
        (trained(30, "xor", noise=0.2, hidden=(), features=("x1", "x2", "x1*x2")), "set the noise to 0"),
        (trained(30, "xor", hidden=(4,), features=("x1", "x2", "x1*x2")), "no hidden layer, and yours has 1"),
        (trained(30, "xor", hidden=()), "the boundary is one straight line (Prediction 1): add one more input"),
        (trained(30, "xor", hidden=(), features=("x1", "x2", "x1^2", "x2^2")), "you added 2: x1^2, x2^2"),
        (trained(0, "xor", hidden=(), features=("x1", "x2", "x1*x2")), "has not been trained yet"),
        (trained(30, "xor", hidden=(), features=("x1*x2",)), "keep x1 and x2 on: the challenge adds one feature"),
        (trained(30, "xor", hidden=(), features=("x1", "x2", "x1^2")),
         "with x1^2 added, the test accuracy is 32%; the bar is 95%. Training longer will not help"),
        (drawn_on("xor"), "you drew 1 point(s) on the xor"),
    ],
    "q3": [
        (trained(0, "xor", **OVERFIT), "this challenge is on the circle data set"),
        (trained(0, "circle", test_fraction=0.9, **{**OVERFIT, "noise": 0.0}), "the noise is 0%; these challenges "
                                                                               "need at least 30%"),
        (trained(0, "circle", test_fraction=0.9, **{**OVERFIT, "noise": 0.2}), "the noise is 20%"),
        (trained(0, "circle", test_fraction=0.9, noise=0.3, hidden=(4, 2)), "your network has 6 hidden neurons; "
                                                                            "these challenges use a big network"),
        (trained(0, "circle", test_fraction=0.9, l2=0.01, **OVERFIT), "the L2 strength is 0.01; overfitting on "
                                                                      "purpose means no L2"),
        (trained(0, "circle", test_fraction=0.5, **OVERFIT), "trains on 100 points; little data means 30 or fewer"),
        (trained(10, "circle", test_fraction=0.9, **OVERFIT), "the training accuracy is 90%: the network has not "
                                                              "memorised"),
        (trained(40, "circle", test_fraction=0.9, **OVERFIT), "the test loss is 0.37 above the training loss; "
                                                              "overfitting shows as a gap of at least 0.5"),
    ],
    "q4": [
        (trained(0, "circle", test_fraction=0.9, **OVERFIT), "this is still the overfitting setup (20 training "
                                                               "points, no L2)"),
        (trained(0, "circle", test_fraction=0.5, noise=0.3, hidden=(4, 2)), "use a big network, at least 16"),
        (trained(50, "circle", test_fraction=0.5, l2=0.01, **OVERFIT), "has trained for 50 epochs only: press Play "
                                                                       "(or call step) and let it learn for at least "
                                                                       "100 epochs"),
        (trained(100, "circle", test_fraction=0.5, l2=1.0, **OVERFIT), "the test accuracy is 58%; a fix must keep it "
                                                                       "at 80% or more. The network gets 57% of "
                                                                       "its 100 training points right: is the "
                                                                       "L2 so strong"),
        # a weak L2 on 20 points: the network fits them, so the feedback names more data, not a weaker L2
        (trained(300, "circle", noise=0.3, test_fraction=0.9, hidden=(8, 8), l2=0.001),
         "the test accuracy is 78%; a fix must keep it at 80% or more. The network gets 95% of its 20 training "
         "points right: 20 noisy points do not pin the circle down. Give it more training data"),
        (trained(200, "circle", test_fraction=0.9, l2=0.001, **OVERFIT), "the test loss is still 0.64 above the "
                                                                         "training loss; the bar is 0.35"),
        (trained(0, "circle", test_fraction=0.5, l2=0.01, **{**OVERFIT, "noise": 0.1}), "the noise is 10%"),
        # Challenge 3's 200 epochs do not count for the fix: 1 epoch after L2 1.0 is a collapse caught midway
        (Later(lambda: l2_after_overfitting(1.0, 1)), "has trained 1 epoch since you last changed L2, the data or "
                                                      "the network, and 200 before that"),
        (Later(lambda: l2_after_overfitting(0.1, 9)), "Press Reset (new weights at epoch 0), then train at least "
                                                      "100 epochs"),
        # L2 0.001 at the default learning rate, 100 epochs: the gap is small only because it has not opened yet
        (trained(100, "circle", test_fraction=0.9, l2=0.001, **{**OVERFIT, "lr": 0.03}),
         "the same playground with L2 at 0 ends 0.33 above it after the same 100 epochs: your change narrows the gap "
         "by 0.01, and a fix narrows it by at least 0.2. The run without your fix has not overfitted yet"),
        # a real fix (half the points train) at the widget's tanh and 0.03, after 100 epochs: the comparison run,
        # 20 points for as many epochs, has not overfitted yet, so the feedback asks for more epochs
        (trained(100, "circle", noise=0.3, hidden=(8, 8), test_fraction=0.5),
         "the same playground with L2 at 0 and 20 training points ends 0.10 above it after the same 100 epochs: your "
         "change narrows the gap by 0.06, and a fix narrows it by at least 0.2. The run without your fix has not "
         "overfitted yet in 100 epochs, so the check cannot see what your change fixes: train longer (e.g. 300 "
         "epochs)"),
        (Playground("circle").copy, "you handed in the method pg.copy itself, not a playground: call it: pg.copy() "
                                    "with parentheses, as in q4_answer = pg.copy()"),
    ],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG, namespace=dict))  # only Setup: the solutions build their own


# ---- beyond the suite


def test_the_widget_can_be_handed_in(capsys):
    pg = REFERENCE["q2"].playground
    assert_accepted(ex.q2, SimpleNamespace(pg=pg), capsys)  # the widget keeps its Playground as .pg
    assert_accepted(ex.q2, pg, capsys)


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q4"])
def test_a_check_reads_the_playground_without_training_it(name, capsys):
    """A check measures the playground as it is (its speed is not asserted here: speed lives in the benchmarks)."""
    pg = REFERENCE[name].playground
    epoch, weights, losses = pg.epoch, pg.weights(), list(pg.step_losses)
    assert_accepted(getattr(ex, name), pg, capsys)
    assert pg.epoch == epoch and pg.step_losses == losses
    assert all(np.array_equal(a, b) for a, b in zip(weights, pg.weights(), strict=True))


@pytest.mark.parametrize("name, answer", [
    ("q2", trained(30, "xor", hidden=(), features=("x1", "x2", "x1*x2"))),  # x1 and x2 kept
    ("q4", trained(200, "circle", test_fraction=0.8, **OVERFIT)),  # more data alone (40 training points)
    ("q4", trained(300, "circle", noise=0.3, hidden=(8, 8), test_fraction=0.5)),  # the same fix at tanh, 0.03
    ("q3", trained(200, "circle", test_fraction=0.9, **{**OVERFIT, "noise": 0.5})),  # more noise than asked
])
def test_other_honest_answers_pass(name, answer, capsys):
    assert_accepted(getattr(ex, name), answer, capsys)


def test_feedback_does_not_give_the_answer_away(capsys):
    for answer, _ in WRONG["q2"]:
        _, out = run_check(ex.q2, answer, capsys)
        assert "x1*x2" not in out and "product" not in out, out
    for answer, _ in WRONG["q1"]:
        _, out = run_check(ex.q1, answer, capsys)
        assert "relu" not in out.lower() and "0.1" not in out, out


def test_a_wrong_answer_is_refused_whatever_came_before(capsys):
    """A solved challenge stays solved in progress, but a later wrong playground is still refused."""
    assert_accepted(ex.q2, REFERENCE["q2"], capsys)
    assert_rejected(ex.q2, trained(30, "xor", hidden=()), capsys, "one straight line")


def test_a_copy_handed_in_keeps_its_verdict_when_pg_moves_on(capsys):
    """The notebook hands in pg.copy(): a later change of pg (the next challenge) does not change the copy's check."""
    pg = Playground("xor", hidden=(), features=("x1", "x2", "x1*x2"))
    pg.step(30)
    answer = pg.copy()
    pg.set_preset("spiral")
    assert_accepted(ex.q2, answer, capsys)
    assert_rejected(ex.q2, pg, capsys, "this challenge is on the xor data set")
