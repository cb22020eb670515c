"""The tripwires close the loopholes a cold read found: tensor methods, ufunc modules (scipy.special), forbidden
helpers bound as default arguments, and classes reached through the submodule that defines them."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import math
import sys
import types

import numpy as np
import pytest
import torch

import helpers.activations
from helpers.activations import sigmoid
from helpers.exercises.core import FunctionExercise
from helpers.exercises.tripwires import AUTOGRAD, places
from tests.exercise_checks import assert_accepted, assert_rejected

Z = {"z": np.array([-2.0, 0.0, 3.0])}


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


Q_SIGMOID = FunctionExercise("Own sigmoid", _sigmoid, [Z], hint=["one over one plus e to the minus z", "1 / (1 + ...)"],
                             forbid=("helpers.activations.sigmoid", "torch.sigmoid", "torch.nn.functional"))


def _step(w):
    return w - 0.1 * 2 * w  # one gradient step on w², learning rate 0.1


Q_STEP = FunctionExercise("Own step", _step, [{"w": np.array([1.0, -2.0])}],
                          hint=["move against the gradient yourself", "w - lr * grad"], forbid=("torch.optim",))


def _tensor_state() -> dict:
    """What the tripwires change on torch.Tensor and in torch.optim: all must be as before after a check."""
    return {"own": {k for k in vars(torch.Tensor) if k in ("sigmoid", "sigmoid_", "softmax", "relu", "tanh")},
            "sgd": (torch.optim.SGD, sys.modules["torch.optim.sgd"].SGD), "sigmoid": helpers.activations.sigmoid}


# ---- tensor methods: t.sigmoid() is torch.sigmoid

@pytest.mark.parametrize("cheat", [
    lambda z: torch.tensor(z).sigmoid().numpy(),
    lambda z: torch.nn.Parameter(torch.tensor(z)).sigmoid().detach().numpy(),
    lambda z: torch.tensor(z).sigmoid_().numpy(),
    lambda z: torch.Tensor.sigmoid(torch.tensor(z)).numpy(),
    lambda z: np.exp(torch.tensor(z).log_softmax(0).numpy()),  # F.log_softmax's twin
])
def test_a_tensor_method_that_does_the_forbidden_computation_is_refused(cheat, capsys):
    before = _tensor_state()
    out = assert_rejected(Q_SIGMOID, cheat, capsys, "from torch.Tensor")
    assert "Do it by hand: one over one plus" in out
    assert _tensor_state() == before


def test_other_tensor_methods_and_properties_stay_usable(capsys):
    assert_accepted(Q_SIGMOID, lambda z: (1 + (-torch.tensor(z)).exp()).reciprocal().numpy(), capsys)
    twins = {name for owner, name, _, _ in places(AUTOGRAD) if owner is torch.Tensor}
    assert twins == {"backward"}  # t.grad is a property: torch.autograd.grad leaves it alone


def test_tensor_methods_are_put_back_after_a_crash(capsys):
    before = _tensor_state()

    def crashes(z):
        torch.tensor(z).exp()
        raise ValueError("boom")

    assert_rejected(Q_SIGMOID, crashes, capsys, "your function raised ValueError: boom")
    assert _tensor_state() == before
    assert torch.tensor([0.0]).sigmoid().item() == 0.5


# ---- modules of ufuncs (scipy.special): expit is a ufunc, not a function

@pytest.fixture
def special():
    """A stand-in for scipy.special (not a course dependency): a ufunc `expit` and a function `softmax`."""
    module = types.ModuleType("fake_special")
    module.__spec__ = importlib.machinery.ModuleSpec("fake_special", None)
    module.expit = np.frompyfunc(lambda z: 1 / (1 + math.exp(-z)), 1, 1)
    module.exp = np.exp  # NumPy's own ufunc, re-exported: never forbidden

    def softmax(z):
        return np.exp(z) / np.exp(z).sum()

    softmax.__module__ = "fake_special"
    module.softmax = softmax
    sys.modules["fake_special"] = module
    yield module
    del sys.modules["fake_special"]


def test_a_module_forbids_its_ufuncs_but_not_numpys(special, capsys):
    q = FunctionExercise("Own sigmoid", _sigmoid, [Z], hint=["one over one plus e to the minus z", "h"],
                         forbid=("fake_special",))
    assert {name for _, name, _, _ in places(q.forbid)} == {"expit", "softmax"}
    expit = special.expit
    assert_rejected(q, lambda z: special.expit(z).astype(float), capsys, "your function calls expit from fake_special")
    assert_rejected(q, lambda z: expit(z).astype(float), capsys, "calls expit")
    assert special.expit is expit
    assert_accepted(q, lambda z: 1 / (1 + special.exp(-z)), capsys)


def test_scipy_special_is_forbidden_where_installed_and_ignored_where_not(capsys):
    if importlib.util.find_spec("scipy") is None:
        assert places(("scipy.special",)) == []  # nothing to call: no error either
        return
    import scipy.special

    q = FunctionExercise("Own sigmoid", _sigmoid, [Z], hint=["one over one plus e to the minus z", "h"],
                         forbid=("scipy.special",))
    assert_rejected(q, lambda z: scipy.special.expit(z), capsys, "calls expit from scipy.special")
    assert_rejected(q, lambda z: scipy.special.softmax(np.stack([z, 0 * z]), axis=0)[0], capsys, "calls softmax")


# ---- default arguments: bound when the learner's def runs, before any tripwire

def test_a_forbidden_helper_bound_as_a_default_argument_is_refused(capsys):
    def positional(z, g=sigmoid):
        return g(z)

    def keyword_only(z, *, g=sigmoid):
        return g(z)

    for cheat in (positional, keyword_only):
        assert_rejected(Q_SIGMOID, cheat, capsys, "your function calls sigmoid from helpers.activations")
    assert positional.__defaults__ == (sigmoid,) and keyword_only.__kwdefaults__ == {"g": sigmoid}


def test_defaults_are_put_back_after_a_crash_and_allowed_defaults_pass(capsys):
    def crashes(z, g=sigmoid, k=2):
        raise ValueError("boom")

    assert_rejected(Q_SIGMOID, crashes, capsys, "your function raised ValueError: boom")
    assert crashes.__defaults__ == (sigmoid, 2)

    def honest(z, e=np.exp):
        return 1 / (1 + e(-z))

    assert_accepted(Q_SIGMOID, honest, capsys)


# ---- a class through the submodule that defines it: torch.optim.SGD is torch.optim.sgd.SGD

def _descend(w, make):
    t = torch.tensor(w, requires_grad=True)
    opt = make([t])
    (t ** 2).sum().backward()
    opt.step()
    return t.detach().numpy()


@pytest.mark.parametrize("source", [
    "def cheat(w):\n    from torch.optim.sgd import SGD\n    return descend(w, lambda p: SGD(p, lr=0.1))",
    "def cheat(w):\n    import importlib\n    sgd = importlib.import_module('torch.optim.sgd')\n"
    "    return descend(w, lambda p: sgd.SGD(p, lr=0.1))",
    "def cheat(w):\n    return descend(w, lambda p: torch.optim.SGD(p, lr=0.1))",
])
def test_an_optimiser_reached_through_its_submodule_is_refused(source, capsys):
    ns = {"torch": torch, "descend": _descend}
    exec(source, ns)  # noqa: S102 - a learner's cell
    before = _tensor_state()
    assert_rejected(Q_STEP, ns["cheat"], capsys, "your function calls SGD from torch.optim")
    assert _tensor_state() == before


def test_a_single_class_forbids_its_home_module_too_and_a_step_by_hand_passes(capsys):
    q = FunctionExercise("Own step", _step, [{"w": np.array([1.0, -2.0])}],
                         hint=["move against the gradient yourself", "h"], forbid=("torch.optim.SGD",))

    def cheat(w):
        from torch.optim.sgd import SGD
        return _descend(w, lambda p: SGD(p, lr=0.1))

    assert_rejected(q, cheat, capsys, "calls SGD from torch.optim")

    def by_hand(w):
        t = torch.tensor(w, requires_grad=True)
        (t ** 2).sum().backward()
        with torch.no_grad():
            t -= 0.1 * t.grad
        return t.detach().numpy()

    assert_accepted(Q_STEP, by_hand, capsys)


# ---- a forbidden function reached by a route no namespace shows: a registry, a stored attribute, another module

@pytest.mark.parametrize("cheat", [
    lambda z: helpers.activations.ACTIVATIONS["sigmoid"](z),  # the registry's entry holds the function itself
    lambda z: helpers.activations.ACTIVATIONS["sigmoid"].function(z),
    lambda z: dict(f=sigmoid)["f"](z),  # stored away before the check began
    lambda z: importlib.import_module("helpers.exercises.activations").sigmoid(z),
])
def test_a_forbidden_function_trips_however_it_is_reached(cheat, capsys):
    assert_rejected(Q_SIGMOID, cheat, capsys, "your function calls sigmoid from helpers.activations")
    assert helpers.activations.sigmoid(0.0) == 0.5 and helpers.activations.ACTIVATIONS["sigmoid"](0.0) == 0.5


def test_a_swapped_body_is_put_back_after_a_crash_and_names_its_own_function(capsys):
    code = sigmoid.__code__

    def crashes(z):
        helpers.activations.ACTIVATIONS["sigmoid"](z)
        raise ValueError("boom")

    assert_rejected(Q_SIGMOID, crashes, capsys, "your function calls sigmoid from helpers.activations")
    assert sigmoid.__code__ is code and "__nn_tripwire__" not in vars(helpers.activations)
    relu_exercise = FunctionExercise("Own ReLU", lambda z: np.maximum(z, 0), [Z], hint=["keep the larger", "max"],
                                     forbid=("helpers.activations",))
    assert_rejected(relu_exercise, lambda z: helpers.activations.ACTIVATIONS["relu"](z), capsys,
                    "your function calls relu from helpers.activations")
