"""Guided challenges of notebook 08 (the playground), in the style of TensorFlow Playground's.

Each challenge is solved in the playground (the widget, or a `Playground` driven from code) and handed in as the
playground itself: `q1.check(q1_answer)` reads its data, settings and network, and measures its accuracy and losses
again on the spot, without retraining it; only Challenge 4 trains a small copy without the fix (about a second) to
measure how much the fix narrows the gap.

- q1: the spiral with the inputs x1 and x2 only and at most 24 hidden neurons: test accuracy of at least 85%.
- p1: a prediction: XOR with no hidden layer and the inputs x1 and x2, what happens and why.
- q2: XOR with no hidden layer, but one added feature: test accuracy of at least 95%.
- q3: overfit on purpose: the noisy circle, 30 training points or fewer, no L2, a big network; the test loss ends
  at least 0.5 above the training loss.
- q4: fix it: the same data and big network, with L2 or more training data; the gap falls to 0.35 or less, and at
  least 0.2 below the gap the same playground has without the fix (L2 at 0, 20 training points) after as many
  epochs, while the test accuracy stays at 80% or more.
"""

from __future__ import annotations

import math

from helpers.exercises.core import ChoiceExercise, CustomExercise, Wrong
from helpers.playground import FEATURES, Playground

NOTEBOOK = "08_playground"

MIN_TEST = 50  # test points a challenge needs, so that its accuracy means something
SPIRAL_NEURONS, SPIRAL_ACCURACY = 24, 0.85
XOR_ACCURACY = 0.95
NOISE, BIG, LITTLE_DATA = 0.3, 16, 30  # q3 and q4: the circle with this much noise at least, a big network
OVERFIT_TRAIN_ACCURACY, OVERFIT_GAP = 0.95, 0.5
FIXED_GAP, FIXED_ACCURACY, FIXED_EPOCHS = 0.35, 0.8, 100
FIXED_NARROWER, UNFIXED_TEST_FRACTION = 0.2, 0.9  # q4 narrows the gap of the unfixed setup by this much


def _solved(solution: str, name: str) -> Playground:
    """Run a solution's code, which uses the notebook's name `Playground`, and return the playground it made."""
    namespace = {"Playground": Playground}
    exec(solution, namespace)  # noqa: S102 - the course's own solution code
    return namespace[name]


def _challenge(title: str, name: str, checker, hint: list[str], solution: str) -> CustomExercise:
    """A challenge handed in as a Playground; its reference runs its solution's code and returns the playground."""

    def reference() -> Playground:
        return _solved(solution, f"{name}_answer")

    reference.__name__ = reference.__qualname__ = f"{name}_reference"
    return _Challenge(title, reference, checker, hint=hint, solution=solution, notebook=NOTEBOOK)


class _Challenge(CustomExercise):
    """A challenge: a playground's method handed in without its parentheses (pg.copy) is a slip, not a cheat."""

    def _refuse_handed_in(self, answer) -> None:
        owner = getattr(answer, "__self__", None)
        if isinstance(_inner(owner), Playground):
            name = getattr(answer, "__name__", "copy")
            raise Wrong(f"you handed in the method pg.{name} itself, not a playground: call it: pg.copy() with "
                        f"parentheses, as in {self._reference.__name__.split('_')[0]}_answer = pg.copy()")
        super()._refuse_handed_in(answer)


def _inner(answer):
    """A Playground, or the one an object holds as `.playground` or `.pg` (the widget); None if neither."""
    if isinstance(answer, Playground):
        return answer
    for name in ("playground", "pg"):  # the widget keeps its Playground as .pg
        inner = getattr(answer, name, None)
        if isinstance(inner, Playground):
            return inner
    return None


def _playground(answer) -> Playground:
    """The Playground handed in: a Playground, or an object holding one as `.playground` or `.pg` (the widget)."""
    inner = _inner(answer)
    if inner is not None:
        return inner
    raise Wrong(f"expected your Playground (the one you trained, such as pg), got a {type(answer).__name__}")


def _data(state: dict, preset: str) -> None:
    """Raise Wrong unless the playground holds the preset's own points, none drawn or loaded."""
    if state["data"] != preset:
        raise Wrong(f"this challenge is on the {preset} data set, and your playground holds {state['data']!r} "
                    f"data: pick {preset} in the data menu (or call set_preset)")
    if state["drawn"]:
        raise Wrong(f"you drew {state['drawn']} point(s) on the {preset}: the challenge is on its own points. "
                    "Press Undo point, or Reload data (in code: set_preset) to get its points back")


def _enough_test_points(state: dict) -> None:
    """Raise Wrong if too few test points are left for a meaningful test accuracy."""
    if state["n_test"] < MIN_TEST:
        raise Wrong(f"only {state['n_test']} points are kept for testing: with so few, the test accuracy is "
                    f"mostly luck. Move the split so that at least {MIN_TEST} are test points")


def _trained(state: dict, epochs: int = 1) -> None:
    """Raise Wrong if the network has not trained for `epochs` epochs, or if its training diverged."""
    if state["epoch"] < epochs:
        more = "has not been trained yet" if state["epoch"] == 0 else f"has trained for {state['epoch']} epochs only"
        raise Wrong(f"the network {more}: press Play (or call step) and let it learn"
                    + (f" for at least {epochs} epochs" if epochs > 1 else ""))
    if math.isnan(state["train_loss"]):  # the weights overflowed
        raise Wrong("the training diverged (the losses are nan): lower the learning rate, press Reset, train again")


def _pct(value: float) -> str:
    return f"{value:.0%}"


# ---- q1: the spiral with x1 and x2 only, and few neurons

def _check_spiral(answer) -> None:
    state = _playground(answer).state()
    _data(state, "spiral")
    if state["features"] != ("x1", "x2"):
        others = [name for name in state["features"] if name not in ("x1", "x2")]
        raise Wrong(f"the inputs must be x1 and x2 only, and you use {', '.join(state['features'])}"
                    + (f": switch off {', '.join(others)}" if others else ": switch both x1 and x2 on"))
    if state["neurons"] > SPIRAL_NEURONS:
        raise Wrong(f"your network has {state['neurons']} hidden neurons, {state['hidden']}; the challenge allows "
                    f"{SPIRAL_NEURONS} at most, all layers together")
    _enough_test_points(state)
    _trained(state)
    if state["test_accuracy"] < SPIRAL_ACCURACY:
        why = (f"it classifies {_pct(state['train_accuracy'])} of the training points, so it learned them, not the "
               "spiral between them. " if state["train_accuracy"] >= SPIRAL_ACCURACY else "")
        if why:  # it fits its points already: more epochs of the same network rarely lift the test accuracy
            raise Wrong(f"the test accuracy is {_pct(state['test_accuracy'])}; the bar is {_pct(SPIRAL_ACCURACY)}. "
                        f"{why}Training longer rarely helps now: change the network within {SPIRAL_NEURONS} hidden "
                        "neurons (more layers rather than wider ones), try another seed, or another learning rate")
        raise Wrong(f"the test accuracy is {_pct(state['test_accuracy'])}; the bar is {_pct(SPIRAL_ACCURACY)}. "
                    "Train longer, or change how the network is built (layers, activation, learning rate), "
                    f"within {SPIRAL_NEURONS} hidden neurons")


SPIRAL_SOLUTION = (
    'q1_answer = Playground("spiral", features=("x1", "x2"), hidden=(8, 8, 8), activation="relu", lr=0.1)\n'
    "q1_answer.step(300)  # in the widget: the same settings, then Play until epoch 300")



q1 = _challenge(
    "Challenge 1 (the spiral from x₁ and x₂ alone)", "q1", _check_spiral,
    hint=["Each hidden layer bends the boundary that the layer before it drew, so depth helps more than width "
          "here. Try several layers, an activation that does not flatten out for large inputs, and a larger "
          "learning rate than the default; then train for a few hundred epochs. If one start gets stuck, "
          "another seed may not.",
          "In the widget: three hidden layers, ReLU, a learning rate of 0.1, then Play for a few hundred epochs. "
          "In code: configure with hidden, activation and lr, then step; widget.redraw() then shows it, controls "
          "and all.",
          "Use the whole budget: 24 neurons shared evenly by three ReLU layers, at a learning rate of 0.1, pass "
          "from seed 0 within a few hundred epochs. How many neurons per layer is that? Watch the test accuracy "
          "to know when to stop. Once it passes, fewer neurons are a bonus: from another seed, a smaller network "
          "may pass too."],
    solution=SPIRAL_SOLUTION,
)


# ---- p1: XOR with no hidden layer

p1 = ChoiceExercise(
    "Prediction 1 (XOR with no hidden layer)", "b",
    options={"a": "it reaches 100% if it trains long enough",
             "b": "it stays far from 100% (at best about 75%): its boundary is one straight line, and no straight line "
                  "puts the two B quadrants on one side and the two A quadrants on the other",
             "c": "it reaches 100% with a larger learning rate",
             "d": "it learns the labels the wrong way round, near 0%"},
    feedback={"a": "Time does not help if no setting of the weights is right. With no hidden layer, the two scores are "
                   "weighted sums of x₁ and x₂: where they are equal is a straight line. Can a line split XOR?",
              "c": "A learning rate changes how fast the weights move, not which boundaries the network can draw. "
                   "With no hidden layer, what shape is the boundary?",
              "d": "Training lowers the loss, and the labels the wrong way round would raise it. Think about what "
                   "shape the boundary can take without a hidden layer."},
    hint="Without a hidden layer, each score is w₁x₁ + w₂x₂ + b. The boundary is where the two scores are equal.",
    solution='p1_answer = "b"  # one straight line: at most three quadrants of four on the right side',
    notebook=NOTEBOOK,
)


# ---- q2: XOR with no hidden layer and one added feature

def _check_xor(answer) -> None:
    state = _playground(answer).state()
    _data(state, "xor")
    if state["noise"]:
        raise Wrong("this challenge uses XOR without noise (noise flips labels near the axes, and no boundary can "
                    "follow them): set the noise to 0")
    if state["hidden"]:
        raise Wrong(f"this challenge has no hidden layer, and yours has {len(state['hidden'])}: remove them all, "
                    "so the inputs go straight to the output")
    added = [name for name in state["features"] if name not in ("x1", "x2")]
    if not {"x1", "x2"} <= set(state["features"]):
        raise Wrong("keep x1 and x2 on: the challenge adds one feature to them, and they are "
                    f"{'off' if not {'x1', 'x2'} & set(state['features']) else 'not both on'}")
    if not added:
        raise Wrong("with x1 and x2 alone and no hidden layer, the boundary is one straight line (Prediction 1): "
                    "add one more input feature")
    if len(added) > 1:
        raise Wrong(f"add only one feature to x1 and x2; you added {len(added)}: {', '.join(added)}. "
                    "Which one alone does the job?")
    _enough_test_points(state)
    _trained(state)
    if state["test_accuracy"] < XOR_ACCURACY:
        if state["train_accuracy"] >= XOR_ACCURACY:
            raise Wrong(f"the test accuracy is {_pct(state['test_accuracy'])}; the bar is {_pct(XOR_ACCURACY)}. "
                        "Train a little longer")
        raise Wrong(f"with {added[0]} added, the test accuracy is {_pct(state['test_accuracy'])}; the bar is "
                    f"{_pct(XOR_ACCURACY)}. Training longer will not help if this feature does not tell the classes "
                    "apart: look at the quadrants of each class, and at what this feature does there")


XOR_SOLUTION = ('q2_answer = Playground("xor", features=("x1", "x2", "x1*x2"), hidden=())\n'
                "q2_answer.step(50)  # x1·x2 is positive where XOR's class B lies, negative where class A does")



q2 = _challenge(
    "Challenge 2 (XOR with no hidden layer)", "q2", _check_xor,
    hint=["The output can only draw a straight boundary in the space of its inputs, so give it an input in which the "
          "two classes sit on opposite sides. Class B fills two opposite quadrants: look for a quantity that has "
          "one sign in those two quadrants and the other sign in the other two.",
          "Go through the features on offer (" + ", ".join(FEATURES[2:]) + ") one by one: what sign does each "
          "take in each of the four quadrants? Compare with the quadrants of class B.",
          "The feature you need is positive in the two quadrants where x1 and x2 have the same sign, and negative "
          "in the other two. Find it among the check boxes, keep zero hidden layers, and train."],
    solution=XOR_SOLUTION,
)


# ---- q3: overfit on purpose; q4: fix it

def _noisy_circle(state: dict) -> None:
    """Raise Wrong unless the playground holds the circle with enough noise and a big network."""
    _data(state, "circle")
    if state["noise"] < NOISE:
        raise Wrong(f"the noise is {_pct(state['noise'])}; these challenges need at least {_pct(NOISE)}: noisy labels "
                    "are what a big network can memorise")
    if state["neurons"] < BIG:
        raise Wrong(f"your network has {state['neurons']} hidden neurons; these challenges use a big network, "
                    f"at least {BIG}, all layers together")


def _gap(state: dict) -> float:
    """How far the test loss lies above the training loss."""
    return state["test_loss"] - state["train_loss"]


def _check_overfit(answer) -> None:
    state = _playground(answer).state()
    _noisy_circle(state)
    if state["l2"]:
        raise Wrong(f"the L2 strength is {state['l2']:g}; overfitting on purpose means no L2: set it to 0")
    if state["n_train"] > LITTLE_DATA:
        raise Wrong(f"the network trains on {state['n_train']} points; little data means {LITTLE_DATA} or fewer. "
                    "Move the split towards test")
    _trained(state)
    if state["train_accuracy"] < OVERFIT_TRAIN_ACCURACY:
        raise Wrong(f"the training accuracy is {_pct(state['train_accuracy'])}: the network has not memorised its "
                    "training points yet. Train longer")
    if _gap(state) < OVERFIT_GAP:
        raise Wrong(f"the test loss is {_gap(state):.2f} above the training loss; overfitting shows as a gap of at "
                    f"least {OVERFIT_GAP}. Keep training: watch the two loss curves part")


OVERFIT_SOLUTION = (
    'q3_answer = Playground("circle", noise=0.3, test_fraction=0.9, hidden=(8, 8, 8), activation="relu", lr=0.1)\n'
    "q3_answer.step(200)  # 20 training points, no L2: the training loss falls to 0, the test loss climbs")



q3 = _challenge(
    "Challenge 3 (overfit on purpose)", "q3", _check_overfit,
    hint=["A network overfits when it has far more freedom than its data: many neurons, few noisy points, nothing "
          "holding the weights back. Then it learns each training point, noise included, and the test loss climbs "
          "while the training loss keeps falling.",
          f"The circle with 30% noise; the split moved so that 20 of the 200 points train; at least {BIG} hidden "
          "neurons; L2 at 0; a learning rate of 0.1; then a few hundred epochs.",
          "Three layers of 8 ReLU neurons at a learning rate of 0.1 overfit in about 200 epochs, once the split "
          "leaves them 30 training points or fewer: which stop of the training-data slider does that?"],
    solution=OVERFIT_SOLUTION,
)


def _unfixed_gap(pg: Playground, epochs: int) -> tuple[float, int]:
    """The gap of the same playground without the fix, and its number of training points: L2 at 0 and, if it trains
    on more points than Challenge 3 allows, Challenge 3's split; trained from the same seed for the same epochs."""
    unfixed = pg.copy()
    unfixed.configure(l2=0.0)
    if len(unfixed.y_train) > LITTLE_DATA:
        unfixed.resplit(UNFIXED_TEST_FRACTION)
    unfixed.reset()
    unfixed.step(epochs)
    return _gap(unfixed.state()), len(unfixed.y_train)


def _check_fixed(answer) -> None:
    pg = _playground(answer)
    state = pg.state()
    _noisy_circle(state)
    if not state["l2"] and state["n_train"] <= LITTLE_DATA:
        raise Wrong(f"this is still the overfitting setup ({state['n_train']} training points, no L2): fix it "
                    "with one of the two remedies, not by making the network smaller")
    _enough_test_points(state)
    _trained(state, FIXED_EPOCHS)
    if state["epochs_since_change"] < FIXED_EPOCHS:
        since = state["epochs_since_change"]
        raise Wrong(f"the network has trained {since} epoch{'' if since == 1 else 's'} since you last changed L2, the "
                    f"data or the network, and {state['epoch'] - since} before that, with "
                    "other settings: a fix must work from the start. Press Reset (new weights at epoch 0), then "
                    f"train at least {FIXED_EPOCHS} epochs")
    if state["test_accuracy"] < FIXED_ACCURACY:
        low = (f"the test accuracy is {_pct(state['test_accuracy'])}; a fix must keep it at {_pct(FIXED_ACCURACY)} "
               f"or more. The network gets {_pct(state['train_accuracy'])} of its {state['n_train']} training points "
               "right")
        if state["train_accuracy"] >= FIXED_ACCURACY:  # it fits its points: what it lacks is data, not a weaker L2
            raise Wrong(f"{low}: {state['n_train']} noisy points do not pin the circle down. Give it more training "
                        "data (move the split towards train), with or without L2")
        if state["l2"]:
            raise Wrong(f"{low}: is the L2 so strong that the network can no longer fit the circle? Try a smaller "
                        "L2 strength")
        raise Wrong(f"{low}: it has not learned the circle yet. Train longer")
    if _gap(state) > FIXED_GAP:
        raise Wrong(f"the test loss is still {_gap(state):.2f} above the training loss; the bar is {FIXED_GAP}. "
                    "Make the remedy stronger, or use both")
    epochs = state["epochs_since_change"]
    unfixed, n_unfixed = _unfixed_gap(pg, epochs)
    if unfixed - _gap(state) < FIXED_NARROWER:
        without = "L2 at 0" + (f" and {n_unfixed} training points" if state["n_train"] > LITTLE_DATA else "")
        said = (f"your test loss ends {_gap(state):.2f} above the training loss, and the same playground with "
                f"{without} ends {unfixed:.2f} above it after the same {epochs} epochs: your change narrows the gap "
                f"by {unfixed - _gap(state):.2f}, and a fix narrows it by at least {FIXED_NARROWER}. ")
        if unfixed < OVERFIT_GAP:  # the comparison has not overfitted: nothing to fix yet, whatever the remedy
            raise Wrong(f"{said}The run without your fix has not overfitted yet in {epochs} epochs, so the check "
                        "cannot see what your change fixes: train longer (e.g. 300 epochs) or at a larger learning "
                        "rate, so that the gap would open without the fix; press Reset and train again")
        raise Wrong(f"{said}Make the remedy stronger: raise the L2 strength (0.01 rather than 0.001) or move the "
                    "split further towards train; press Reset and train again")


FIXED_SOLUTION = (
    'q4_answer = Playground("circle", noise=0.3, test_fraction=0.5, hidden=(8, 8, 8), activation="relu", lr=0.1,\n'
    "                       l2=0.01)\n"
    "q4_answer.step(200)  # five times the training points and a little L2: the two loss curves stay together")



q4 = _challenge(
    "Challenge 4 (fix the overfitting)", "q4", _check_fixed,
    hint=["Two remedies keep a big network from memorising noise: more data, so the noise of single points averages "
          "out, and a penalty on large weights, which keeps the boundary smooth. Keep the network as big as it was.",
          "Move the split back so that many more points train, or raise the L2 strength from 0 (small values first: "
          "too much L2 and the network cannot fit the circle at all). Press Reset and train a few hundred epochs at "
          "Challenge 3's learning rate of 0.1 (long enough that the gap would open without the fix), then compare "
          "the two loss curves.",
          "The network of Challenge 3 keeps its test loss close to its training loss once about 100 of the 200 "
          "points train (find that stop of the slider), with a little L2 on top if you like (0.01 works). Then press "
          "Reset and train at least 100 epochs."],
    solution=FIXED_SOLUTION,
)
