"""Notebook 02's exercises and predictions: right answers pass, each slip gets its own message, placeholders,
crashes, hints and the notebook's own solutions (shared `exercise_suite`), plus checks specific to these exercises."""

import math

import numpy as np
import torch

from helpers import activations as course
from helpers.activations import sigmoid, sigmoid_grad
from helpers.exercises import activations as ex
from helpers.plots.activations import chain_gradients
from tests.exercise_checks import (
    assert_accepted,
    assert_not_attempted,
    assert_rejected,
    exercise_suite,
    run_check,
)


def softmax_global_max(Z):
    """The 1-D recipe applied to a batch: one max for the whole array."""
    e = np.exp(Z - np.max(Z))
    return e / e.sum(axis=1, keepdims=True)


def softmax_rows_by_hand(Z):
    """A right answer written in the test (the module's own softmax_rows refuses to run inside an answer)."""
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def naive_sigmoid(z):
    """The formula as written: e^(−z) overflows for z below about −709."""
    return 1 / (1 + np.exp(-z))


def other_form(z):
    """The same function, top and bottom times e^z: e^z overflows for z above about 709, and inf / inf is nan."""
    return np.exp(z) / (1 + np.exp(z))


def where_of_both_forms(z):
    """Right values, but np.where computes both naive forms everywhere: each overflows on its unsafe side."""
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def stable_sigmoid_clipped(z, c):
    """The stable form on z clipped to [−c, c]."""
    e = np.exp(-np.abs(np.clip(z, -c, c)))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def exp_without_abs(z):
    """The branches of the stable form, with e^(−z) in place of e^(−|z|): wrong (and overflowing) for z < 0."""
    e = np.exp(-z)
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def silenced_naive_sigmoid(z):
    """The naive form with NumPy's warning switched off: the overflow still happens."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def torch_naive_sigmoid(z):
    """The naive form in PyTorch: torch.exp overflows to inf silently, where NumPy would warn."""
    return (1 / (1 + torch.exp(-torch.tensor(z)))).numpy()


def tanh_grad_by_difference(z, h=1e-6):
    """A forward difference of tanh written with σ: the recipe of section 2, off by about 4e-7."""
    return ((2 * sigmoid(2 * (z + h)) - 1) - (2 * sigmoid(2 * z) - 1)) / h


def tanh_grad_by_central_difference(z, h=1e-5):
    """A central difference at about the best step for float64: still off by about 1e-11."""
    return ((2 * sigmoid(2 * (z + h)) - 1) - (2 * sigmoid(2 * (z - h)) - 1)) / (2 * h)


def if_on_the_sign(z):
    """Python's `if` on a whole array."""
    if z >= 0:
        return 1 / (1 + np.exp(-z))
    return np.exp(z) / (1 + np.exp(z))


REFERENCE = {
    "q1": lambda A, a, B, c: (B @ A, B @ a + c),  # the learner's own parameter names
    "p1": "a",
    "q2": lambda z: 0.5 * (1 + np.tanh(z / 2)),  # another stable form: np.tanh never overflows
    "p2": "c",
    "q3": lambda z: 4 * sigmoid(2 * z) * (1 - sigmoid(2 * z)),
    "q4": lambda z: np.where(z > 0, z, 0.0),
    "q5": 0.25 ** 10,
    "p3": "a",
    "q6": softmax_rows_by_hand,
}

WRONG = {
    "q1": [(lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), "wrong order"),
           (lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), "also passes through the second layer's weights"),
           (lambda W1, b1, W2, b2: (W2 @ W1, b2), "lost the first layer's bias"),
           (lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1), "b2 is missing"),
           (lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2), "W2's transpose"),
           (lambda W1, b1, W2, b2: (W2 @ W1, W1 @ b1 + b2), "not through W1"),
           (lambda W1, b1, W2, b2: (W2 @ W1, W2 @ (b1 + b2)), "it does not pass through W2"),
           (lambda W1, b1, W2, b2: (W2 * W1, W2 * b1 + b2), "entry by entry"),
           (lambda W1, b1, W2, b2: ((W2 @ W1).T, W2 @ b1 + b2), "the transpose of the right one"),
           (lambda W1, b1, W2, b2: (W1.T @ W2.T, W2 @ b1 + b2), "rows = neurons"),
           (lambda W1, b1, W2, b2: W2 @ W1, "return 2 values"),
           (lambda W1, b1, W2, b2: (W2 @ W1, ...), "b is still `...`")],
    "p1": [("b", "1 / (1 + inf)"), ("c", "NumPy does not stop"), ("d", "smallest positive one"),
           ("e", "answer with one of")],
    "q2": [(naive_sigmoid, "only by luck"),
           (other_form, "inf / inf = nan"),
           (where_of_both_forms, "computes all of A and all of B first"),
           (lambda z: stable_sigmoid_clipped(z, 10), "clipped z too close to 0"),
           (lambda z: stable_sigmoid_clipped(z, 20), "clipped z too close to 0"),
           (exp_without_abs, "for negative z your values are σ(−z)"),
           (lambda z: 1 / (1 + np.exp(-np.clip(z, -710, 710))), "only by luck"),  # a cut-off past e^709.8
           (lambda z: 1 / (1 + np.exp(z)), "the mirror image"),  # the sign flipped: σ(−z)
           (silenced_naive_sigmoid, "silences NumPy's warnings"),
           (if_on_the_sign, "truth value of an array"),
           (lambda z: (z - z) / (z - z), "made a nan"),
           (course.sigmoid, "the course's own `helpers.activations.sigmoid`"),
           (torch_naive_sigmoid, "NumPy only")],
    "p2": [("a", "stretch"), ("b", "You counted one stretch"), ("d", "not its slope"), ("e", "answer with one of")],
    "q3": [(lambda z: 2 * sigmoid_grad(2 * z), "kept the outer factor 2 but not the inner one"),
           (lambda z: sigmoid_grad(2 * z), "both factors 2 are missing"),
           (lambda z: 4 * sigmoid_grad(z), "must be taken at 2z"),
           (lambda z: 2 * sigmoid(2 * z) - 1, "That is tanh itself"),
           (lambda z: 4 * sigmoid_grad(2 * z) - 1, "its slope is 0"),
           (lambda z: 1 - np.tanh(z) ** 2, "calls tanh from numpy"),  # the prompt: no tanh, derive it
           (lambda z: np.array([1 - math.tanh(v) ** 2 for v in z]), "calls tanh from math"),
           (lambda z: 1 / np.cosh(z) ** 2, "calls cosh from numpy"),  # no sigmoid at all
           (tanh_grad_by_difference, "numerical approximation of the slope"),
           (course.tanh_grad, "the course's own"),
           (lambda z: None, "did you forget `return`")],
    "q4": [(np.abs, "flips negative values"),
           (lambda z: np.minimum(0, z), "the other way round"),
           (lambda z: np.max(z), "single largest number"),
           (lambda z: max(0, z), "Python's built-in `max` is one of those questions"),  # explained, not NumPy's error
           (course.relu, "the course's own `helpers.activations.relu`"),
           (3.0, "expected a function")],
    "q5": [(0.25, "ceiling for one layer"),
           (2.5, "multiplies them"),
           (0.5 ** 10, "its slope σ′(0)"),
           (1.0, "at its steepest"),
           (1e-6, "one significant figure"),
           (9.6e-7, "not the ceiling correctly rounded"),
           (3.48e-7, "one particular input"),
           (chain_gradients("sigmoid", 10, 1.0, -0.16)[0], "largest gradient an actual input reaches"),
           (-(0.25 ** 10), "sign"),
           (0.25 ** 9, "Count the factors"),  # one per link between the layers
           (0.25 ** 11, "a₀ = x is not a layer")],
    "p3": [("b", "What is ReLU′(z) for z > 0?"), ("c", "is any z_k negative"), ("d", "how big is each factor")],
    "q6": [(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "exp(1000) overflows"),
           (softmax_global_max, "largest score of the whole batch"),
           (lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(), "one-vector recipe"),
           # not a named slip: plain feedback
           (lambda Z: softmax_rows_by_hand(Z) / len(Z), "expected [[0.     0.     1.    ]"),
           (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)) / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(),
            "sum along the row"),
           (lambda Z: np.exp(Z - np.max(Z, axis=1)) / np.exp(Z - np.max(Z, axis=1)).sum(axis=1, keepdims=True),
            "keepdims=True"),
           (lambda Z: np.exp(Z - Z.min(axis=1, keepdims=True)) / np.exp(Z - Z.min(axis=1, keepdims=True)).sum(
               axis=1, keepdims=True), "Subtract the largest")],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG))


def test_q1_template_with_both_blanks_is_not_attempted(capsys):
    assert_not_attempted(ex.q1, lambda W1, b1, W2, b2: (..., ...), capsys)


def test_q5_ceiling_is_right_and_never_reached():
    """(1/4)^10 bounds the gradient for every input, and the best input gets about 3.9e-7, below it."""
    xs = np.linspace(-4, 4, 801)
    grads = np.array([chain_gradients("sigmoid", 10, 1.0, x)[0] for x in xs])
    assert np.all(grads <= ex.q5.reference)
    assert 3.85e-7 < grads.max() < 3.95e-7


def test_q5_accepts_the_ceiling_rounded_to_two_digits(capsys):
    assert_accepted(ex.q5, 9.5e-7, capsys)
    assert_accepted(ex.q5, (1 / 4) ** 10, capsys)


def test_q5_one_rounding_rule_correctly_rounded_to_two_or_more_figures(capsys):
    """0.25**10 = 9.5367431640625e-07: any correct rounding to 2 or more significant figures passes; a mis-rounding
    (or a nudge within 1%) and the one-figure 1e-6 are refused, the message naming the rule without the value."""
    for right in (9.5e-7, 9.54e-7, 9.537e-7, 9.5367e-7, 9.53674e-7, 2 ** -20):
        assert_accepted(ex.q5, right, capsys)
    for wrong in (9.6e-7, 9.53e-7, 9.45e-7, 9.536e-7, 0.25 ** 10 * 1.009, 0.25 ** 10 * 0.995):
        out = assert_rejected(ex.q5, wrong, capsys, "not the ceiling correctly rounded")
        assert "9.5" not in out.replace(str(wrong), ""), out  # the value is not handed over
    assert_rejected(ex.q5, 1e-6, capsys, "at least two significant figures")


def test_q6_global_max_is_caught_by_rows_at_different_scales(capsys):
    out = assert_rejected(ex.q6, softmax_global_max, capsys, "Subtract each row's own max")
    assert "when called with" in out


def test_q4_refuses_the_course_relu_even_when_renamed(capsys):
    my_relu = course.relu
    assert_rejected(ex.q4, my_relu, capsys, "write that function yourself")


def test_answers_may_modify_their_input_in_place(capsys):
    def softmax_in_place(Z):
        Z -= Z.max(axis=1, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)
        return Z

    assert_accepted(ex.q6, softmax_in_place, capsys)


# ---- tripwires: each function is written, not borrowed; what the exercise allows still passes

def test_calling_the_course_function_inside_is_refused(capsys):
    assert_rejected(ex.q2, lambda z: course.sigmoid(z), capsys, "calls sigmoid from helpers.activations")
    assert_rejected(ex.q2, lambda z: torch.sigmoid(torch.tensor(z)).numpy(), capsys, "calls sigmoid from torch")
    assert_rejected(ex.q2, lambda z: torch.tensor(z).sigmoid().numpy(), capsys, "calls sigmoid from torch.Tensor")
    assert_rejected(ex.q2, lambda z: torch.special.expit(torch.tensor(z)).numpy(), capsys,
                    "calls expit from torch.special")
    assert_rejected(ex.q3, lambda z: course.tanh_grad(z), capsys, "calls tanh_grad from helpers.activations")
    assert_rejected(ex.q3, lambda z: 1 - course.tanh(z) ** 2, capsys, "calls tanh from helpers.activations")
    assert_rejected(ex.q3, lambda z: 1 - torch.tanh(torch.tensor(z)).numpy() ** 2, capsys, "calls tanh from torch")
    assert_rejected(ex.q4, lambda z: course.relu(z), capsys, "calls relu from helpers.activations")
    assert_rejected(ex.q4, lambda z: torch.relu(torch.tensor(z)).numpy(), capsys, "calls relu from torch")
    assert_rejected(ex.q6, lambda Z: course.softmax(Z, axis=1), capsys, "calls softmax from helpers.activations")


def test_tanh_grad_may_use_the_sigmoid_and_its_derivative(capsys):
    """Every closed form the prompt allows passes the exact (10⁻¹²) check."""
    assert_accepted(ex.q3, lambda z: 4 * sigmoid_grad(2 * z), capsys)
    assert_accepted(ex.q3, lambda z: 4 * sigmoid(2 * z) * (1 - sigmoid(2 * z)), capsys)
    assert_accepted(ex.q3, lambda z: 1 - (2 * sigmoid(2 * z) - 1) ** 2, capsys)


def tanh_grad_from_exp(z):
    """tanh rebuilt from exp by hand: the prompt allows σ and σ′ only, and e^(2z) overflows at z = 1000."""
    e2 = np.exp(2 * z)
    t = (e2 - 1) / (e2 + 1)
    return 1 - t ** 2


def sigmoid_grad_from_exp(z):
    """σ′ rebuilt from exp by hand (e^(−2z) overflows at z = −1000)."""
    return 4 * np.exp(-2 * z) / (1 + np.exp(-2 * z)) ** 2


def test_tanh_grad_from_exp_by_hand_is_told_the_prompts_rule(capsys):
    """'Using only sigmoid and sigmoid_grad': a tanh or σ rebuilt from exp is named, and the cases reach ±1000."""
    for answer in (tanh_grad_from_exp, sigmoid_grad_from_exp):
        out = assert_rejected(ex.q3, answer, capsys, "computes exp itself")
        assert "only" in out and "nan" in out
    assert any(np.max(np.abs(case["z"])) >= 1000 for case in ex.q3.cases)


def tanh_grad_with_comments(z):
    """Not from exp, nor np.exp(z): from σ′ alone."""
    return 4 * sigmoid_grad(2 * z)  # no np.exp( here; no tanh either


def test_tanh_grad_refusals_read_code_not_comments(capsys):
    assert_accepted(ex.q3, tanh_grad_with_comments, capsys)


def test_tanh_grad_refusal_of_tanh_quotes_the_prompt(capsys):
    """np.tanh does not compute tanh′: the refusal gives the prompt's rule (σ and σ′ only), not 'the very
    computation'."""
    out = assert_rejected(ex.q3, lambda z: 1 - np.tanh(z) ** 2, capsys, "from `sigmoid` and `sigmoid_grad` only")
    assert "very computation" not in out
    assert_rejected(ex.q3, lambda z: 1 / np.cosh(z) ** 2, capsys, "no tanh, cosh or sinh")


def test_tanh_grad_refuses_a_difference_quotient_at_any_step(capsys):
    """The prompt asks to derive tanh′: a difference quotient, even central at the best step, is told so."""
    for h in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7):
        assert_rejected(ex.q3, lambda z, h=h: tanh_grad_by_central_difference(z, h), capsys,
                        "numerical approximation of the slope")
    out = assert_rejected(ex.q3, tanh_grad_by_difference, capsys, "Derive the formula with the chain rule")
    assert "off by up to 4e-07" in out


def test_stable_sigmoid_refuses_torch_and_still_names_a_forbidden_torch_function(capsys):
    """NumPy only: a tensor's exp overflows silently, so torch's naive form would look right; torch.sigmoid is
    still named by its own tripwire."""
    assert_rejected(ex.q2, lambda z: (1 / (1 + (-torch.tensor(z)).exp())).numpy(), capsys, "NumPy only")
    assert_rejected(ex.q2, lambda z: 0.5 * (1 + torch.tanh(torch.tensor(z) / 2)).numpy(), capsys, "NumPy only")
    assert_rejected(ex.q2, lambda z: torch.sigmoid(torch.tensor(z)).numpy(), capsys, "calls sigmoid from torch")


def test_tanh_grad_refuses_np_tanh_and_puts_it_back(capsys):
    """The prompt asks for tanh′ from σ, 'no tanh': 1 − tanh² looked up is refused, and np.tanh is itself after."""
    tanh_before = np.tanh
    out = assert_rejected(ex.q3, lambda z: 1 - np.tanh(z) ** 2, capsys, "calls tanh from numpy")
    assert "only" in out
    assert np.tanh is tanh_before and np.tanh(0.5) == tanh_before(0.5)


# ---- q2: the stable sigmoid

def test_stable_sigmoid_honest_answers_with_numpy_pass(capsys):
    def with_where(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def with_masks(z):
        out = np.empty_like(z)
        pos = z >= 0
        out[pos] = 1 / (1 + np.exp(-z[pos]))
        e = np.exp(z[~pos])
        out[~pos] = e / (1 + e)
        return out

    for answer in (with_where, with_masks, lambda z: np.exp(-np.logaddexp(0, -z))):
        assert_accepted(ex.q2, answer, capsys)


def test_stable_sigmoid_accepts_a_wide_clip_and_says_what_it_costs(capsys):
    def clipped(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    ok, out = run_check(ex.q2, clipped, capsys)
    assert ok, out
    assert "Clipping z works here" in out and "e^(−|z|)" in out
    ok, out = run_check(ex.q2, REFERENCE["q2"], capsys)
    assert ok and "Clipping" not in out


def test_stable_sigmoid_feedback_says_where_it_overflowed_and_leaves_numpy_as_it_was(capsys):
    before = np.geterr()
    out = assert_rejected(ex.q2, naive_sigmoid, capsys, "at z = −1000")
    assert "when called with z=[-1000.  1000.]" in out
    assert np.geterr() == before


def test_stable_sigmoid_refuses_wrapped_course_and_torch_functions(capsys):
    import torch.nn.functional as F

    def wrapped(z):
        return np.asarray(course.sigmoid(z))

    assert_rejected(ex.q2, wrapped, capsys, "calls sigmoid from helpers.activations")
    assert_rejected(ex.q2, lambda z: F.sigmoid(torch.tensor(z)).numpy(), capsys, "calls sigmoid from torch")
    assert_rejected(ex.q2, lambda z: 0.5 * (1 + course.tanh(z / 2)), capsys, "calls tanh from helpers.activations")


def test_scipy_expit_is_forbidden_when_scipy_is_installed(capsys, monkeypatch):
    """scipy is not a dependency: a learner who has it may not hand the sigmoid to scipy.special.expit."""
    import importlib
    import sys
    import types

    from helpers.exercises.tripwires import _places

    special = types.ModuleType("scipy.special")
    special.expit = lambda z: 1 / (1 + np.exp(-z))
    special.log_expit = lambda z: -np.logaddexp(0, -z)
    scipy = types.ModuleType("scipy")
    scipy.special = special
    monkeypatch.setitem(sys.modules, "scipy", scipy)
    monkeypatch.setitem(sys.modules, "scipy.special", special)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "scipy" else None)
    try:
        fresh = importlib.reload(ex)
        assert "scipy.special.expit" in fresh.q2.forbid
        assert_rejected(fresh.q2, lambda z: special.expit(z), capsys, "calls expit from scipy.special")
    finally:
        monkeypatch.undo()
        _places.cache_clear()
        importlib.reload(ex)
    assert ("scipy.special.expit" in ex.q2.forbid) == bool(importlib.util.find_spec("scipy"))


# ---- cold read 02: loopholes through the exercise module, half-fixed forms, named slips, in-place answers

def test_calling_the_exercise_modules_own_answers_is_refused_and_the_checker_still_uses_them(capsys):
    """q.reference and helpers.exercises.activations' functions run for the checker, never inside the learner's."""
    import helpers.exercises.activations as ea
    from helpers.exercises import activations

    cheats = [(ex.q1, lambda W1, b1, W2, b2: activations.merge_layers(W1, b1, W2, b2), "merge_layers"),
              (ex.q2, lambda z: activations.stable_sigmoid(z), "stable_sigmoid"),
              (ex.q2, lambda z: ex.q2.reference(z), "stable_sigmoid"),
              (ex.q3, lambda z: ea.tanh_grad(z), "tanh_grad"),
              (ex.q4, lambda z: ea.relu(z), "relu"),
              (ex.q4, lambda z: ex.q4._reference(z), "relu"),
              (ex.q6, lambda Z: ea.softmax_rows(Z), "softmax_rows")]
    for q, cheat, name in cheats:
        out = assert_rejected(q, cheat, capsys, f"calls {name} from helpers.exercises.activations")
        assert "Do it by hand" in out
    assert not ea._LEARNER_RUNNING, "the flag is put back"
    for name in ("q1", "q2", "q3", "q4", "q6"):  # the checker itself still runs the references, outside
        assert_accepted(getattr(ex, name), REFERENCE[name], capsys)


def test_q4_refuses_relu_grad_times_z_and_accepts_honest_answers(capsys):
    from helpers.activations import relu_grad

    assert_rejected(ex.q4, lambda z: z * relu_grad(z), capsys, "calls relu_grad from helpers.activations")
    for honest in (lambda z: np.maximum(z, 0), lambda z: z * (z > 0), lambda z: np.where(z > 0, z, 0.0),
                   lambda z: np.clip(z, 0, None)):
        assert_accepted(ex.q4, honest, capsys)


def half_fixed_negative_side(z):
    """The z ≥ 0 array is safe; the z < 0 array still takes e^z, and np.where computes it at z = +1000 too."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), np.exp(z) / (1 + np.exp(z)))


def half_fixed_positive_side(z):
    """The z < 0 array is safe; the z ≥ 0 array still takes e^(−z), computed at z = −1000 too."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), e / (1 + e))


def test_q2_half_fixed_where_is_told_that_where_computes_both_arrays(capsys):
    out = assert_rejected(ex.q2, half_fixed_negative_side, capsys, "computes all of A and all of B, for every z")
    assert "for z < 0 still takes e^z" in out and "For positive z" not in out
    out = assert_rejected(ex.q2, half_fixed_positive_side, capsys, "computes all of A and all of B, for every z")
    assert "for z ≥ 0 still takes e^(−z)" in out and "only by luck" not in out
    assert_rejected(ex.q2, naive_sigmoid, capsys, "only by luck")  # no np.where: the naive form's message


def float128_sigmoid(z):
    """The naive form in long double: e^1000 fits, so nothing overflows on these cases (on Linux)."""
    return (1 / (1 + np.exp(-np.asarray(z, dtype=np.longdouble)))).astype(float)


def test_q2_refuses_long_double(capsys):
    assert_rejected(ex.q2, float128_sigmoid, capsys, "only moves the overflow further out")


def test_q4_np_max_of_zero_and_z_is_explained(capsys):
    def my_relu(z):
        return np.max(0, z)

    out = assert_rejected(ex.q4, my_relu, capsys, "its second argument is an axis")
    assert "scalar index" not in out
    assert "one of those questions" not in out and "q4.hint(3)` names it" in out  # no truth-value paragraph


def test_q4_python_max_points_to_the_hint_that_names_np_maximum(capsys):
    def my_relu(z):
        return max(0, z)

    assert_rejected(ex.q4, my_relu, capsys, "q4.hint(3)` names it")
    assert "`np.maximum`" in ex.q4.hints[2]  # the hint it points to names the function (not the whole call)


def test_q4_hints_do_not_paste_the_solution():
    assert not any("np.maximum(0, z)" in h for h in ex.q4.hints)
    assert not any("np.exp(-np.abs(z))" in h for h in ex.q2.hints)


def test_in_place_answers_pass_with_a_note_and_honest_ones_without(capsys):
    def relu_in_place(z):
        z[z < 0] = 0
        return z

    ok, out = run_check(ex.q4, relu_in_place, capsys)
    assert ok and "changes the array you give it" in out and "z no longer holds" in out
    ok, out = run_check(ex.q4, lambda z: np.maximum(0, z), capsys)
    assert ok and "changes the array" not in out


def test_q6_slips_are_named_and_no_numpy_warning_leaks(capsys):
    import warnings

    def no_keepdims(Z):
        e = np.exp(Z - np.max(Z, axis=1))
        return e / np.sum(e, axis=1)

    def sum_without_keepdims(Z):
        e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
        return e / np.sum(e, axis=1)

    def down_the_columns(Z):
        e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        return e / np.sum(e, axis=0, keepdims=True)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from the learner's code would fail the test
        assert_rejected(ex.q6, no_keepdims, capsys, "keepdims=True, in both places")
        assert_rejected(ex.q6, sum_without_keepdims, capsys, "keepdims=True there too")
        assert_rejected(ex.q6, down_the_columns, capsys, "axis=0 goes down each column")


def test_q6_refuses_torch_softmax_under_every_name_and_accepts_an_honest_torch_answer(capsys):
    """torch.special.softmax, and softmax through log_softmax or logsumexp, are the computation itself."""
    def t(Z):
        return torch.tensor(Z)

    assert_rejected(ex.q6, lambda Z: torch.special.softmax(t(Z), dim=1).numpy(), capsys,
                    "calls softmax from torch.special")
    assert_rejected(ex.q6, lambda Z: torch.exp(torch.log_softmax(t(Z), dim=1)).numpy(), capsys,
                    "calls log_softmax from torch")
    assert_rejected(ex.q6, lambda Z: t(Z).log_softmax(dim=1).exp().numpy(), capsys,
                    "calls log_softmax from torch.Tensor")
    assert_rejected(ex.q6, lambda Z: torch.exp(t(Z) - torch.logsumexp(t(Z), dim=1, keepdim=True)).numpy(), capsys,
                    "calls logsumexp from torch")
    assert_rejected(ex.q6, lambda Z: torch.special.log_softmax(t(Z), dim=1).exp().numpy(), capsys,
                    "calls log_softmax from torch.special")

    def by_hand_in_torch(Z):
        e = torch.exp(t(Z) - t(Z).max(dim=1, keepdim=True).values)
        return (e / e.sum(dim=1, keepdim=True)).numpy()

    assert_accepted(ex.q6, by_hand_in_torch, capsys)


def test_q6_the_one_vector_line_copied_for_a_batch_is_named_without_a_numpy_warning(capsys):
    """Section 5's naive `np.exp(z) / np.exp(z).sum()` with Z: no shift and one sum for the whole batch."""
    import warnings

    def my_softmax(Z):
        return np.exp(Z) / np.exp(Z).sum()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # run_check silences RuntimeWarning: check directly
        ok = ex.q6.check(my_softmax)
    out = capsys.readouterr().out
    assert not ok and "✗" in out
    assert "exp(1000) overflows" in out and "one sum for the whole batch" in out and "contains nan" not in out


def test_q4_a_loop_over_a_2d_array_is_told_that_it_gives_rows(capsys):
    def my_relu(z):
        return [max(0, v) for v in z]

    out = assert_rejected(ex.q4, my_relu, capsys, "a `for` loop over a 2-D array gives its rows")
    assert "about a whole array" not in out and "when called with z=[[" in out
    assert_rejected(ex.q4, lambda z: max(0, z), capsys, "about a whole array")  # no loop: the general message


def test_q2_one_minus_sigma_passes_with_a_note_on_lost_precision(capsys):
    def one_minus_s(z):
        e = np.exp(-np.abs(z))
        s = 1 / (1 + e)
        return np.where(z >= 0, s, 1 - s)  # 1 − σ(|z|) for z < 0: cancels for very negative z

    ok, out = run_check(ex.q2, one_minus_s, capsys)
    assert ok, out
    assert "1 − σ(|z|)" in out and "σ(−30)" in out
    for honest in (ex.q2.reference.__wrapped__, lambda z: np.exp(-np.logaddexp(0, -z))):
        ok, out = run_check(ex.q2, honest, capsys)
        assert ok and "σ(−30)" not in out, out


# ---- comments and docstrings are not code

def sigmoid_with_comments(z):
    """σ(z), like torch.sigmoid but in NumPy (no float128 needed, no np.errstate, nothing to clip)."""
    e = np.exp(-np.abs(z))  # like torch.sigmoid, but in NumPy; no need for np.errstate here
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # np.clip is not needed, nor catch_warnings


def test_stable_sigmoid_refusals_read_code_not_comments_or_docstrings(capsys):
    """The reference solution with comments that name torch, errstate, float128 and clip passes, with no note."""
    ok, out = run_check(ex.q2, sigmoid_with_comments, capsys)
    assert ok is True, out
    assert "Clipping" not in out


def float128_by_name(z):
    e = np.exp(-np.abs(z)).astype("float128")  # a string argument is code
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_stable_sigmoid_still_reads_strings_that_are_code(capsys):
    assert_rejected(ex.q2, float128_by_name, capsys, "longer float")


def test_source_drops_comments_of_a_lambda_fragment():
    """A lambda's source is its whole line, unclosed brackets included: its comments go all the same."""
    sources = [ex._source(lambda z: z),  # np.errstate
               ]
    assert "errstate" not in sources[0]
    assert "lambda z: z" in sources[0]


# ---- q1: two slips at once

def test_merge_layers_names_each_outputs_slip(capsys):
    """Two slips together, or a W slip with a right b, are each named, output by output."""
    out = assert_rejected(ex.q1, lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), capsys, "wrong order")
    assert "passes through the second layer's weights W2" in out
    out = assert_rejected(ex.q1, lambda W1, b1, W2, b2: (W2 * W1, W2 @ b1 + b2), capsys, "entry by entry")
    assert "b is right" in out
    out = assert_rejected(ex.q1, lambda W1, b1, W2, b2: (W2 @ W1 + 1, b1 + b2), capsys, "W is not right either")
    assert "passes through the second layer's weights W2" in out
    assert_rejected(ex.q1, lambda W1, b1, W2, b2: (W2 @ W1 + 1, b1 + b2 + 5), capsys, "W is not right: expected")
    out = assert_rejected(ex.q1, lambda W1, b1, W2, b2: ((W2 @ W1).T, b1 + b2), capsys, "transpose of the right one")
    assert "passes through the second layer's weights W2" in out and "expected" not in out


# ---- cold read 02_o1: the course's functions reached by another road are refused too

def test_q2_refuses_the_course_sigmoid_through_the_registry(capsys):
    """ACTIVATIONS["sigmoid"] keeps the real sigmoid in its `function`: calling it is the course's sigmoid."""
    def my_sigmoid(z):
        from helpers.activations import ACTIVATIONS
        return ACTIVATIONS["sigmoid"](z)

    assert_rejected(ex.q2, my_sigmoid, capsys, "sigmoid")
    assert_rejected(ex.q2, lambda z: course.ACTIVATIONS["sigmoid"].function(z), capsys, "sigmoid")


def test_q2_refuses_the_course_sigmoid_imported_through_the_exercise_module(capsys):
    """helpers.exercises.activations imports the course's sigmoid for its slips: it is still the course's."""
    def my_sigmoid(z):
        from helpers.exercises.activations import sigmoid
        return sigmoid(z)

    assert_rejected(ex.q2, my_sigmoid, capsys, "sigmoid")


def test_q2_refuses_the_course_sigmoid_through_the_plot_modules_pick(capsys):
    def my_sigmoid(z):
        from helpers.plots.activations import pick
        return pick("sigmoid")[1](z)

    assert_rejected(ex.q2, my_sigmoid, capsys, "sigmoid")


def test_q3_refuses_tanh_grad_through_the_registry(capsys):
    """ACTIVATIONS["tanh"].grad is the course's tanh_grad."""
    assert_rejected(ex.q3, lambda z: course.ACTIVATIONS["tanh"].grad(z), capsys, "tanh")


def test_q4_refuses_the_course_relu_through_the_registry_and_pick(capsys):
    def through_the_registry(z):
        from helpers.activations import ACTIVATIONS
        return ACTIVATIONS["relu"](z)

    def through_pick(z):
        from helpers.plots.activations import pick
        return pick("relu")[1](z)

    from helpers.exercises import neurons  # imported before the check, as a learner's earlier cell would

    def through_an_exercise_module(z):
        return neurons.relu(z)  # another exercise module's import of the course's relu

    for cheat in (through_the_registry, through_pick, through_an_exercise_module,
                  lambda z: course.ACTIVATIONS["relu"].function(z)):
        assert_rejected(ex.q4, cheat, capsys, "relu")


# ---- cold read 02_o1: `^` for a power (XOR in Python) is named, in q5's value and in the error it leaves behind

def test_q5_names_the_caret_slip_whatever_value_xor_gave(capsys):
    """4 ^ 10 = 14, 4 ^ -10 = −14, 1 / (4 ^ 10) = 1/14, 2 ^ -20 = −18 ...: each is told that ^ is XOR, not 'too big'
    or 'the sign'."""
    for power in (4 ^ 10, 4 ^ -10, 1 / (4 ^ 10), 1 / (4 ^ -10), 2 ^ 20, 2 ^ -20, 1 / (2 ^ 20), 1 / (2 ^ -20)):
        out = assert_rejected(ex.q5, power, capsys, "`^` is bitwise XOR")
        assert "`**`" in out and "sign" not in out
        assert "9.5" not in out and "0.25 ** 10" not in out  # the advice does not hand over the answer


def caret_error():
    """The TypeError that `ceiling = (1/4)^10` raises in the learner's cell."""
    try:
        eval("(1/4)^10")
    except TypeError as err:
        return err
    raise AssertionError("(1/4)^10 should raise TypeError")


def after_a_cell(monkeypatch, error):
    """The learner's previous cell ended with `error` (None: it ran), as IPython records it."""
    import types

    import IPython

    shell = types.SimpleNamespace(last_execution_result=types.SimpleNamespace(error_in_exec=error))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)


def test_q5_after_a_caret_type_error_the_check_explains_it(capsys, monkeypatch):
    """`ceiling = (1/4)^10` stops the cell, so `ceiling` is still `...`: the check says why, not 'Not attempted'."""
    after_a_cell(monkeypatch, caret_error())
    out = assert_rejected(ex.q5, ..., capsys, "`^` is bitwise XOR")
    assert "unsupported operand type(s) for ^" in out and "`**`" in out and "9.5" not in out
    after_a_cell(monkeypatch, None)  # the cell fixed and run again: no word about the old error
    ok, out = run_check(ex.q5, 0.25 ** 10, capsys)
    assert ok and "XOR" not in out, out
    assert_not_attempted(ex.q5, ..., capsys)


def test_q5_a_caret_error_after_an_earlier_answer_is_noted_before_the_verdict(capsys, monkeypatch):
    after_a_cell(monkeypatch, caret_error())
    out = assert_rejected(ex.q5, 0.25, capsys, "ceiling for one layer")  # the value from before the error
    assert "`^` is bitwise XOR" in out and "still holds" in out


def test_q5_other_errors_leave_the_placeholder_not_attempted(capsys, monkeypatch):
    after_a_cell(monkeypatch, TypeError("unsupported operand type(s) for +: 'int' and 'str'"))
    assert_not_attempted(ex.q5, ..., capsys)
    after_a_cell(monkeypatch, None)
    assert_not_attempted(ex.q5, ..., capsys)


def test_q1_last_hint_leaves_the_bias_to_the_learner():
    """The last hint gives W in words but not b's formula: the learner still works out where b1 goes."""
    last = ex.q1.hints[-1]
    assert "W2" in last and "W1" in last
    assert "b1 goes through W2" not in last and "before b2 is added" not in last
