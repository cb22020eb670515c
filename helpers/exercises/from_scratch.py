"""Exercises for notebook 07 (MNIST from scratch): two predictions (how much of dZ1 the ReLU blocks, where the
trained network's input gradient is large), then the learner writes the 784-128-10 network's forward pass, derives
the gradient at the logits from integer labels, writes the backward pass, one epoch of minibatch SGD, and the
gradient with respect to the input images (a saliency map).

The gradient at the logits is checked against `numerical_grad` (central differences); the forward and backward
passes and the input gradient against `torch.autograd`, on real MNIST training images, one tensor at a time, in the
order they are computed; the message names the first tensor that differs (its shape, if that is what is wrong) and,
for the common slips, what went wrong. A second batch of another size catches a batch size written in as 64.
`yours_or_reference` lets the notebook train with the learner's functions once they pass, and with the reference
until then.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable

import numpy as np
import torch

from helpers.activations import softmax
from helpers.data import MNIST_MEAN, MNIST_STD, raw_folder
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    NotAttempted,
    Wrong,
    as_array,
    call_learner,
)
from helpers.exercises.tripwires import AUTOGRAD
from helpers.gradcheck import numerical_grad
from helpers.losses import softmax_cross_entropy

NOTEBOOK = "07_mnist_from_scratch"
N_CHECK = 64  # the check batch: 64 training images, like one minibatch
N_OTHER = 37  # a second batch of another size: a batch size written in as 64 fails there
FORWARD_NAMES = ("Z1", "H", "Z2")
BACKWARD_NAMES = ("dZ2", "dW2", "db2", "dH", "dZ1", "dW1", "db1")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


# ----------------------------------------------------------------------------- the check data


@functools.lru_cache(maxsize=4)
def mnist_batch(n: int = N_CHECK) -> tuple[np.ndarray, np.ndarray]:
    """The first n MNIST training images (n, 784) float64, normalised as in the notebook, and their labels (n,).

    Read straight from the raw files; without them (a fresh clone), n random images stand in, so tests still run.
    """
    folder = raw_folder()
    try:
        with open(folder / "train-images-idx3-ubyte", "rb") as f:
            pixels = np.frombuffer(f.read(16 + 784 * n)[16:], dtype=np.uint8)
        with open(folder / "train-labels-idx1-ubyte", "rb") as f:
            labels = np.frombuffer(f.read(8 + n)[8:], dtype=np.uint8)
        if pixels.size != 784 * n or labels.size != n:
            raise OSError("short file")
    except OSError:
        rng = np.random.default_rng(1)
        pixels, labels = rng.integers(0, 256, size=784 * n), rng.integers(0, 10, size=n)
    X = (pixels.reshape(n, 784) / 255.0 - MNIST_MEAN) / MNIST_STD  # (n, 784)
    return X, labels.astype(np.int64)


def check_params(seed: int = 3, w2_scale: float = 1.0) -> list[np.ndarray]:
    """Float64 weights [W1 (128, 784), b1 (128,), W2 (10, 128), b2 (10,)] with non-zero biases, for the checks."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0, np.sqrt(2 / 784), size=(128, 784)), rng.normal(0, 0.1, size=128),
            w2_scale * rng.normal(0, np.sqrt(2 / 128), size=(10, 128)), rng.normal(0, 0.1, size=10)]


def autograd_tensors(X, labels, params) -> dict[str, np.ndarray]:
    """Z1, H, Z2 and every gradient of the mean cross-entropy (dX included), computed by torch.autograd (float64)."""
    W1, b1, W2, b2 = (torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params)
    X_t = torch.tensor(X, dtype=torch.float64, requires_grad=True)  # (n, 784): its gradient is the saliency
    Z1 = X_t @ W1.T + b1  # (n, 128)
    H = torch.relu(Z1)  # (n, 128)
    Z2 = H @ W2.T + b2  # (n, 10)
    for t in (Z1, H, Z2):
        t.retain_grad()  # keep the gradients of these intermediate tensors too
    torch.nn.functional.cross_entropy(Z2, torch.from_numpy(labels)).backward()
    values = {"Z1": Z1, "H": H, "Z2": Z2, "dZ2": Z2.grad, "dW2": W2.grad, "db2": b2.grad, "dH": H.grad,
              "dZ1": Z1.grad, "dW1": W1.grad, "db1": b1.grad, "dX": X_t.grad}
    return {name: t.detach().numpy() for name, t in values.items()}


# ----------------------------------------------------------------------------- comparing one tensor at a time


def _differs(got: np.ndarray, expected: np.ndarray) -> bool:
    """True if got is not within float rounding of expected (tolerance scaled to the tensor's size)."""
    return not np.allclose(got, expected, rtol=1e-5, atol=1e-7 * max(float(np.abs(expected).max()), 1e-12))


def _differs_numerically(got: np.ndarray, expected: np.ndarray) -> bool:
    """True if got is not within the error of central differences (about 1e-9 here) of expected."""
    return not np.allclose(got, expected, rtol=1e-4, atol=1e-8)


def _shape_advice(name: str, shape: tuple, expected: tuple, n: int) -> str:
    """Why a tensor may have the wrong shape."""
    if name == "dZ2" and shape == (n,):
        return (": one number per image, but the loss has one derivative per logit. Every logit k of an image gets "
                "its probability p_k, and the true digit's gets 1 less")
    if name == "H" and len(shape) == 1 and shape[0] in expected:
        return (": np.max reduces along an axis (the largest entry of each column, or of each row). ReLU compares "
                "entry by entry, each with 0, and keeps Z1's shape: np.maximum(Z1, 0)")
    if name == "dX" and shape == (n, 128):
        return (": (n, 128) is the shape of H and Z1. Go on down: through the ReLU's mask to dZ1, then through the "
                "first layer to its input X")
    if len(shape) == 2 and shape == expected[::-1]:
        return ": it looks transposed. Swap the two factors of the product, or transpose one of them (.T)"
    if len(expected) == 1 and shape == (n,):
        return ": a bias gradient adds up over the examples of the batch (axis=0), one number per neuron"
    if name.startswith("d"):
        return f", the shape of {name[1:]}: a gradient always has the shape of the variable it belongs to"
    return ""


def compare_tensors(got: tuple, expected: dict[str, np.ndarray], names: tuple[str, ...], slips: Callable,
                    n: int, against: str = "torch.autograd's", where: str = "", differs: Callable = _differs,
                    redo: str = "from the rules") -> None:
    """Compare got[i] with expected[names[i]], in order; raise Wrong naming the first tensor that differs.

    `slips(name, right)` lists (wrong value, message) pairs for that tensor, computed from the right tensors before it;
    `against` names where the expected tensors come from, `where` which batch they are for, `redo` where the
    learner can recompute a tensor from.
    """
    order = _wrong_order(got, expected, names, differs)
    if order:
        raise Wrong(order)
    right: dict[str, np.ndarray] = {}
    for name, g in zip(names, got, strict=True):
        agreed = f" ({', '.join(right)} agree{'s' if len(right) == 1 else ''})" if right else ""
        first = (f"{name} differs from {against}{where}" if len(names) == 1
                 else f"{name} is the first tensor that differs from {against}{where}{agreed}")
        if g is ...:
            raise Wrong(f"{name} is still `...`: replace it with its formula")
        if g is None:
            raise Wrong(f"{name} is None: did you forget to compute it?")
        arr, exp = as_array(g), expected[name]
        if arr.shape != exp.shape:
            raise Wrong(f"{first}: its shape is {arr.shape}, but it should be {exp.shape}"
                        f"{_shape_advice(name, arr.shape, exp.shape, n)}.")
        if not np.all(np.isfinite(arr)):
            raise Wrong(f"{first}: it contains nan or inf.")
        if differs(arr, exp):
            for value, message in slips(name, right):
                if value.shape == exp.shape and not differs(arr, value):
                    raise Wrong(f"{first}: {message}")
            raise Wrong(f"{first}: {_how_off(arr, exp, n, differs, redo)}")
        right[name] = arr


def _wrong_order(got: tuple, expected: dict[str, np.ndarray], names: tuple[str, ...],
                 differs: Callable = _differs) -> str:
    """What to say when the returned shapes are the right ones in another order ("" when they are not)."""
    if len(names) < 2 or any(g is ... or g is None for g in got):
        return ""
    try:
        shapes = [np.shape(g) for g in got]
    except Exception:  # noqa: BLE001 - a ragged list or an odd object: compare_tensors names it, tensor by tensor
        return ""
    right_shapes = [expected[name].shape for name in names]
    if sorted(shapes) != sorted(right_shapes):
        return ""
    order = ", ".join(names)
    found = [next((name for name in names if expected[name].shape == shape and not differs(as_array(g),
                                                                                            expected[name])), None)
             for g, shape in zip(got, shapes, strict=True)]
    if sorted(found, key=str) == sorted(names) and found != list(names):  # also two of one shape swapped (H, Z1)
        return f"these are the right tensors in the wrong order: you return {', '.join(found)}; return {order}."
    if shapes == right_shapes:
        return ""
    return (f"the shapes come in the wrong order, {', '.join(str(s) for s in shapes)}: return {order}, in this "
            f"order, each with the shape of its variable.")


def _how_off(arr: np.ndarray, exp: np.ndarray, n: int, differs: Callable = _differs,
             redo: str = "from the rules") -> str:
    """A hint at how a tensor is off (a factor n, the sign, zeros), without printing it."""
    for factor, words in ((n, f"it is n = {n} times too big"), (1 / n, f"it is n = {n} times too small"),
                          (-1, "it has the wrong sign")):
        if not differs(arr, factor * exp):
            return words + "."
    wrong = int(np.sum(~np.isclose(arr, exp, rtol=1e-5, atol=1e-7 * max(float(np.abs(exp).max()), 1e-12))))
    return f"{wrong} of its {exp.size} entries are wrong. Recompute it {redo}, step by step."


def _unpack(got, names: tuple[str, ...]) -> tuple:
    """The learner's returned tuple, checked for its length (placeholders raise NotAttempted)."""
    if got is ...:
        raise NotAttempted
    if got is None:
        raise Wrong("your function returned None: did you forget `return`?")
    if not isinstance(got, tuple | list) or len(got) != len(names):
        count = len(got) if isinstance(got, tuple | list) else "one value"
        raise Wrong(f"return {len(names)} values, in this order: {', '.join(names)} (got {count})")
    if all(g is ... for g in got):
        raise NotAttempted
    return tuple(got)


def _need_function(answer) -> None:
    """Raise Wrong unless the answer is a function."""
    if not callable(answer):
        raise Wrong(f"expected a function (def ...), got {type(answer).__name__}")


# ----------------------------------------------------------------------------- p1, p2: predictions

p1 = ChoiceExercise(
    "Prediction 1 (how much of dZ1 the ReLU blocks)", "b",
    options={"a": "almost none of them", "b": "about half of them", "c": "almost all of them"},
    feedback={"a": "The mask 1[Z1 > 0] is 0 wherever a hidden neuron's Z1 is negative. With random weights of "
                   "mean 0, how often is a weighted sum negative?",
              "c": "The mask is 0 only where Z1 ≤ 0. The weights are random with mean 0: is a weighted sum "
                   "negative almost always, or about as often as it is positive?"},
    hint="dZ1 = dH ⊙ 1[Z1 > 0] is 0 wherever Z1 ≤ 0. The starting weights are random, with mean 0.",
    solution='p1_answer = "b"  # Z1 is as often negative as positive with zero-mean weights: the mask blocks ~half',
)

p2 = ChoiceExercise(
    "Prediction 2 (where the trained network's input gradient is large)", "c",
    options={"a": "only on the strokes of the digit, and 0 everywhere else",
             "b": "on and around the strokes, and close to 0 on the pixels that almost never have ink",
             "c": "spread over the whole image, the pixels that almost never have ink included"},
    feedback={"a": "A pixel's gradient passes back through that pixel's own weights in W1, whether or not the pixel "
                   "has ink: it is not multiplied by the pixel's value. Are those weights 0?",
              "b": "Follow the weights of one pixel j near the edge in training: their gradient is dZ1ᵀ X[:, j], and "
                   "that pixel is background in almost every training image, the same value each time. Does that "
                   "teach the column of W1 anything about digits, or move it away from its random start?"},
    hint="A pixel's gradient passes back through the weights that connect it to the hidden neurons, whether or not "
         "it has ink. The pixels near the edges are background in almost every training image. What does training "
         "do to weights whose input never changes?",
    solution='p2_answer = "c"  # pixels that never vary in training keep their random weights, and dX shows them',
)


# ----------------------------------------------------------------------------- q1: the forward pass

IN_PLACE_RELU = ("your ReLU changed Z1 in place. H = Z1 makes no copy: H and Z1 are one array, so setting the "
                 "negative entries of H to 0 sets those of Z1 too, and the Z1 you return is no longer the weighted "
                 "sums X W1ᵀ + b1. Make a new array for H: copy first, or use np.maximum(Z1, 0).")
RELU_ON_Z1 = ("your ReLU changed Z1 itself: Z1 has no negative entries left, so it is no longer the weighted sums "
              "X W1ᵀ + b1. Z1 must keep its negative entries (for ReLU the mask Z1 > 0 happens to survive, but a "
              "backward pass through sigmoid, tanh or leaky ReLU reads Z1's values), so put ReLU(Z1) in a new "
              "array, for example np.maximum(Z1, 0), and leave Z1 as it is. Or, if your Z1 keeps its negative "
              "entries, you return ReLU(Z1) (H, or a copy of it) in Z1's place: return Z1, H, Z2.")
SAME_ARRAY = ("you return one array as both, and it holds ReLU(Z1), so the Z1 you return is no longer the weighted "
              "sums X W1ᵀ + b1. Either you return H in Z1's place (return Z1, H, Z2), or your ReLU changed Z1 in "
              "place: H = Z1 makes no copy, so setting the negative entries of H to 0 sets those of Z1 too. Keep Z1 "
              "as it is and make a new array for H, for example np.maximum(Z1, 0).")
AMBIGUOUS = ("an array met a question that needs one True or False: Python's built-in max (or min, or an `if`) "
             "compares whole arrays. ReLU compares each entry with 0 on its own: np.maximum(Z1, 0).")
TRANSPOSED_LAYER = ("each layer's output has one row per image, Z1 (n, 128) and Z2 (n, 10): for a batch the layer "
                    "is Z = A Wᵀ + b (notebook 03), not W Aᵀ + b as for one column vector.")


def forward(X, W1, b1, W2, b2):
    """The 784-128-10 network: Z1 = X W1ᵀ + b1, H = ReLU(Z1), Z2 = H W2ᵀ + b2; returns (Z1, H, Z2)."""
    Z1 = X @ W1.T + b1  # (n, 128)
    H = np.maximum(Z1, 0)  # (n, 128)
    Z2 = H @ W2.T + b2  # (n, 10)
    return Z1, H, Z2


def _forward_slips(name: str, right: dict, X, W1, b1, W2, b2) -> list[tuple[np.ndarray, str]]:
    """What the common forward-pass slips give for `name`, from the right tensors before it."""
    Z1 = X @ W1.T + b1
    H = right.get("H", np.maximum(Z1, 0))
    if name == "Z1":
        return [(X @ W1.T, "the bias is missing: Z1 = X W1ᵀ + b1."), (np.maximum(Z1, 0), RELU_ON_Z1)]
    if name == "H":
        return [(Z1, "H still has negative entries: H is ReLU(Z1), the negative entries become 0."),
                (1 / (1 + np.exp(-Z1)), "that is the sigmoid of Z1; this network's hidden layer uses ReLU.")]
    return [(H @ W2.T, "the bias is missing: Z2 = H W2ᵀ + b2."),
            (Z1 @ W2.T + b2, "Z2 is computed from Z1; the second layer reads H, the output of the ReLU."),
            (np.maximum(H @ W2.T + b2, 0), "the output layer has no ReLU: the logits Z2 may be negative."),
            (softmax(H @ W2.T + b2, axis=1), "those are probabilities: Z2 is the logits, before any softmax "
                                             "(the loss applies the softmax).")]


def _changed_through(a, b, expected: np.ndarray) -> bool:
    """True if a and b are one NumPy array (one changed in place changes the other) and a is no longer `expected`."""
    return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.shares_memory(a, b)
            and (a.shape != expected.shape or _differs(a, expected)))


def _check_forward(answer) -> None:
    _need_function(answer)
    X, labels = mnist_batch()
    params = check_params()
    expected = autograd_tensors(X, labels, params)
    described = "a batch X of 64 MNIST images (64, 784) and weights W1 (128, 784), b1 (128,), W2 (10, 128), b2 (10,)"
    try:
        got = _unpack(call_learner(answer, [X.copy(), *[p.copy() for p in params]], described), FORWARD_NAMES)
    except Wrong as err:
        n = len(X)
        if "could not be broadcast" in str(err) and any(f"({k},{n})" in str(err) for k in (128, 10)):
            raise Wrong(f"{err}\n  {TRANSPOSED_LAYER}") from None
        if "truth value of an array" in str(err):
            raise Wrong(f"{err}\n  {AMBIGUOUS}") from None
        raise
    if _changed_through(got[0], got[1], expected["Z1"]):
        raise Wrong(f"Z1 and H are the same array: {SAME_ARRAY if got[0] is got[1] else IN_PLACE_RELU}")
    compare_tensors(got, expected, FORWARD_NAMES, lambda name, right: _forward_slips(name, right, X, *params),
                    len(X), against="PyTorch's")


q1 = CustomExercise(
    "Exercise 1 (the forward pass)", forward, _check_forward,
    hint=["Two layers, each the layer formula of notebook 03 (the input times the transposed weights, plus the "
          "bias): the first reads the images; ReLU keeps the positive part, as a new array; the second layer reads "
          "that hidden output. No activation after the second layer.",
          "Three lines, one per tensor, with the layer formula Z = A Wᵀ + b from notebook 03: the first layer "
          "reads X, the second reads H. In NumPy, Wᵀ is W.T and ReLU is np.maximum(Z, 0), which leaves Z as it is."],
    forbid=("helpers.forward", "helpers.nn", "torch.nn.functional"),
    solution='''def forward(X, W1, b1, W2, b2):
    Z1 = X @ W1.T + b1       # (n, 784) @ (784, 128) + (128,) -> (n, 128)
    H = np.maximum(Z1, 0)    # (n, 128): ReLU, a new array (Z1 stays as it is)
    Z2 = H @ W2.T + b2       # (n, 128) @ (128, 10) + (10,) -> (n, 10): the logits
    return Z1, H, Z2''',
)


# ----------------------------------------------------------------------------- q2: the gradient at the logits

LABELS_ADVICE = ("labels holds each image's digit as an integer 0..9, shape (n,), not one-hot rows: the true "
                 "digit's logit is the only one that gets the extra −1. Build the one-hot rows Y from the labels "
                 "(section 1), or subtract 1 at [each row, its label].")


def logits_grad(labels, Z2):
    """∂L/∂Z2 for L = the mean over the n images of −log softmax(Z2)[i, labels[i]]: (softmax(Z2) − Y) / n."""
    Y = np.eye(Z2.shape[1], dtype=Z2.dtype)[labels]  # (n, K) one-hot rows, in the logits' float type
    return (softmax(Z2, axis=1) - Y) / len(Z2)  # (n, K)


def _dZ2_slips(Z2, labels) -> list[tuple[np.ndarray, str]]:
    """What the common slips give for dZ2 = ∂L/∂Z2, from integer labels."""
    n, k = Z2.shape
    P, Y = softmax(Z2, axis=1), np.eye(k)[labels]  # (n, K), (n, K)
    columns = P.copy()
    columns[:, labels] -= 1  # a common indexing slip: whole columns, not one entry per row
    slips = [(P - Y, f"it is n = {n} times too big: the loss is the mean over the batch, so divide by n."),
             ((P - 1) / n, "you took 1 off every entry of each row: only the true digit's entry gets the −1, row "
                           "i, column labels[i]. (P[:, labels] does the same when the batch holds every digit: it "
                           "picks whole columns.)"),
             (columns / n, "P[:, labels] picks whole columns, every image's entry for each digit that occurs in "
                           "the batch, so the −1 lands in many places of each row. Take one entry per row: row i, "
                           "column labels[i], which is what P[np.arange(n), labels] indexes."),
             ((Y - P) / n, "the sign is flipped: dL/dz_k is p_k for a wrong digit, positive, and p_k − 1 for the "
                           "true one. Check the sign of each of the two terms of the loss."),
             ((P - labels[:, None]) / n, LABELS_ADVICE),
             ((softmax(Z2, axis=0) - Y) / n, "the softmax must run along each row (axis=1): one probability "
                                             "distribution per image."),
             ((P - 1) * Y / n, "only the true digit's entry of each row is filled in, and the wrong digits' entries "
                               "are not 0: log Σ e^{z_j} depends on every z_k (the fact above question 1), so each "
                               "wrong digit k gets its p_k."),
             ((np.exp(Z2) / np.exp(Z2).sum() - Y) / n, "the softmax is normalised over the whole batch: each row "
                                                      "(one image) must sum to 1, so divide e^Z2 by each row's "
                                                      "sum, E.sum(axis=1, keepdims=True), or use softmax(Z2, "
                                                      "axis=1)."),
             (-Y / n, "the wrong digits' entries are all 0, but log Σ e^{z_j} depends on every z_k (the fact "
                      "above question 1): each wrong digit k gets p_k, and the true digit gets p_y on top of its −1."),
             ((P - Y) / (n * k), f"it is K = {k} times too small: L is the mean over the n images, not over the "
                                 f"n × K entries of Z2. Divide by n, the number of rows."),
             ((P - Y) / k, f"you divide by {k}, the number of digits K: L is the mean over the n images, so "
                           f"divide by n = len(Z2), the number of rows."),
             (P / n, "the −1 at the true digit is missing: it comes from the first term of the loss, −z_y."),
             ((Z2 - Y) / n, "the softmax is missing: the derivative of log Σ e^z is the probability p_k, not z_k."),
             (-Y / np.maximum(P, 1e-300) / n, "that is ∂L/∂P, the gradient at the probabilities. Differentiate with "
                                              "respect to the logits z: write −log p_y as −z_y + log Σ e^z first.")]
    if n != N_CHECK:
        slips.append(((P - Y) / N_CHECK, f"you divide by {N_CHECK}, the size of the first batch, but this batch has "
                                         f"{n} images: divide by n, the number of rows, len(Z2). The last minibatch "
                                         f"of an epoch is smaller than 64."))
    return slips


def _call_with_labels(answer, args: list, described: str, n: int, in_backward: bool = False):
    """call_learner, with advice for the common crashes of a gradient from integer labels: labels (n,) broadcast
    against (n, 10), one-hot rows of width n, the arguments of logits_grad swapped, Exercise 2 still `...`."""
    try:
        return call_learner(answer, args, described)
    except Wrong as err:
        text = str(err)
        if "could not be broadcast" in text and f"({n},{n})" in text:
            advice = ("one-hot rows have one column per digit, 10, not one per image: np.eye(10)[labels] gives "
                      "(n, 10), np.eye(n) gives (n, n).")
        elif "could not be broadcast" in text and f"({n},)" in text:
            advice = ("an array of shape (n,) met one of shape (n, 10). Two usual causes: a sum over each row "
                      "without keepdims=True (a hand-made softmax: E.sum(axis=1) is (n,), E.sum(axis=1, "
                      "keepdims=True) is (n, 1) and divides row by row); or the labels: " + LABELS_ADVICE)
        elif "axis 1 is out of bounds for array of dimension 1" in text:
            advice = ("an array with one axis reached the softmax: the labels (n,) in place of the logits? "
                      "logits_grad takes the labels first, then the logits, logits_grad(labels, Z2), like "
                      "softmax_cross_entropy(labels, Z2).")
        elif in_backward and "'ellipsis'" in text:
            advice = ("a value is still `...`: if dZ2 comes from your logits_grad, Exercise 2 still returns `...`; "
                      "finish it first, or write dZ2's formula here.")
        else:
            raise
        raise Wrong(f"{err}\n  {advice}") from None


def _logits_check_batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The logits (n, 10) of the check network on the first n MNIST training images, and their labels (n,)."""
    X, labels = mnist_batch(n)
    return forward(X, *check_params())[2], labels


def _check_logits_grad(answer) -> None:
    _need_function(answer)
    for n in (N_CHECK, N_OTHER):
        Z2, labels = _logits_check_batch(n)
        expected = numerical_grad(lambda z, labels=labels: softmax_cross_entropy(labels, z), Z2)  # (n, 10)
        described = f"labels ({n},): the digits of {n} MNIST images, integers 0..9, Z2 ({n}, 10): their logits"
        got = _call_with_labels(answer, [labels.copy(), Z2.copy()], described, n)
        if got is ...:
            raise NotAttempted
        if got is None:
            raise Wrong("your function returned None: did you forget `return`?")
        if isinstance(got, tuple | list) and len(got) != n:
            raise Wrong("return one array, dZ2, of shape (n, 10)")
        where = "" if n == N_CHECK else f" on a second batch, of {n} images (the batch of {N_CHECK} passed)"
        compare_tensors((got,), {"dZ2": expected}, ("dZ2",), lambda name, right, Z2=Z2, labels=labels:
                        _dZ2_slips(Z2, labels), n, against="the numerical gradient", where=where,
                        differs=_differs_numerically, redo="from questions 1 to 4")


q2 = CustomExercise(
    "Exercise 2 (the gradient at the logits, derived)", logits_grad, _check_logits_grad,
    hint=["Treat two cases for one logit z_k: k is the true digit y, or it is not. The first term of the loss, "
          "minus the true digit's logit, depends on z_k only when k is y. The second term is the fact derived above. "
          "And the batch's loss is a mean over the images.",
          "Differentiate each of the two terms with respect to one logit: the first gives −1 for the true digit "
          "only, the second gives that logit's probability. Then the mean: every image's gradient is divided by "
          "the number of images, and image i's loss touches only row i.",
          "For one image, ∂L/∂z_k = p_k − 1[k = y]: the probabilities, with 1 taken off at the true digit. For the "
          "batch, stack the rows and divide by the number of images: (P − Y)/n, with P = softmax(Z2, axis=1) and "
          "Y the one-hot rows of section 1, which you build from the integer labels (a row of np.eye(10) per "
          "label)."],
    forbid=("helpers.losses", "helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    solution='''def logits_grad(labels, Z2):
    n = len(Z2)                          # the batch size: the loss is the mean over the n images
    P = softmax(Z2, axis=1)              # (n, 10): p_k, one row per image
    Y = np.eye(10, dtype=Z2.dtype)[labels]   # (n, 10): 1 at the true digit (section 1's one-hot rows)
    return (P - Y) / n                   # p_k - 1[k = y] for each image, divided by n''',
)


# ----------------------------------------------------------------------------- q3: the backward pass


def backward(X, labels, Z1, H, Z2, W2):
    """Every gradient of the mean softmax cross-entropy, last layer first: (dZ2, dW2, db2, dH, dZ1, dW1, db1)."""
    dZ2 = logits_grad(labels, Z2)  # (n, 10): loss -> logits (Exercise 2)
    dW2 = dZ2.T @ H  # (10, 128)
    db2 = dZ2.sum(axis=0)  # (10,)
    dH = dZ2 @ W2  # (n, 128)
    dZ1 = dH * (Z1 > 0)  # (n, 128): the ReLU mask
    dW1 = dZ1.T @ X  # (128, 784)
    db1 = dZ1.sum(axis=0)  # (128,)
    return dZ2, dW2, db2, dH, dZ1, dW1, db1


def _backward_slips(name: str, right: dict, X, labels, Z1, H, Z2, W2) -> list[tuple[np.ndarray, str]]:
    """What the common backward-pass slips give for `name`, from the right tensors before it."""
    n = len(X)
    once = "the 1/n of the mean is already inside dZ2; divide only once."
    if name == "dZ2":
        return _dZ2_slips(Z2, labels)
    dZ2 = right.get("dZ2")
    if name == "dW2":
        return [(dZ2.T @ Z1, "the second layer's input is H (after the ReLU), not Z1: dW2 = dZ2ᵀ H."),
                (dZ2.T @ H / n, once)]
    if name == "db2":
        return [(dZ2.mean(axis=0), once + " The bias gradient is the plain sum over the batch.")]
    if name == "dH":
        return [(dZ2 @ W2 * (Z1 > 0), "the ReLU mask belongs to the next step: dH is the gradient at H, before "
                                      "the mask; dZ1 = dH ⊙ 1[Z1 > 0] comes after.")]
    dH = right.get("dH")
    if name == "dZ1":
        return [(dH, "the ReLU mask is missing: the gradient passes only where Z1 > 0 and is 0 elsewhere."),
                (dH * Z1, "multiply by the mask 1[Z1 > 0], an array of 0s and 1s, not by Z1 itself."),
                (dH * H, "multiply by the mask 1[Z1 > 0], an array of 0s and 1s, not by H itself."),
                (dH * (Z1 <= 0), "the mask is reversed: the gradient passes where Z1 > 0."),
                (np.maximum(dH, 0), "that is a ReLU applied to the gradient dH. The mask comes from the forward "
                                    "pass, 1[Z1 > 0], not from the sign of dH: where a neuron was on, its gradient "
                                    "passes unchanged, negative or not.")]
    dZ1 = right.get("dZ1")
    if name == "dW1":
        return [(dH.T @ X, "use dZ1 (after the ReLU mask), not dH: dW1 = dZ1ᵀ X."), (dZ1.T @ X / n, once)]
    return [(dH.sum(axis=0), "use dZ1 (after the ReLU mask), not dH."),
            (dZ1.mean(axis=0), once + " The bias gradient is the plain sum over the batch.")]


def _check_backward(answer) -> None:
    _need_function(answer)
    params = check_params()
    for n in (N_CHECK, N_OTHER):
        X, labels = mnist_batch(n)
        expected = autograd_tensors(X, labels, params)
        inputs = [X, labels, expected["Z1"], expected["H"], expected["Z2"], params[2]]
        described = (f"X ({n}, 784): {n} MNIST images, labels ({n},): their digits, integers 0..9, Z1 ({n}, 128), "
                     f"H ({n}, 128) and Z2 ({n}, 10) from the forward pass, W2 (10, 128)")
        got = _unpack(_call_with_labels(answer, [a.copy() for a in inputs], described, n, in_backward=True),
                      BACKWARD_NAMES)
        if _changed_through(got[3], got[4], expected["dH"]):
            raise Wrong("dH and dZ1 are the same array: your ReLU mask changed dH in place. dZ1 = dH makes no copy, "
                        "so setting entries of dZ1 to 0 sets those of dH too. Make a new array for dZ1: copy dH "
                        "first, or multiply dH by the mask.")
        where = "" if n == N_CHECK else f" on a second batch, of {n} images (the batch of {N_CHECK} passed)"
        compare_tensors(got, expected, BACKWARD_NAMES, lambda name, right, inputs=inputs:
                        _backward_slips(name, right, *inputs), n, where=where)


q3 = CustomExercise(
    "Exercise 3 (the backward pass)", backward, _check_backward,
    hint=["Start at the loss with Exercise 2's gradient at the logits. Then the linear layer's rules for the second "
          "layer, the ReLU's mask, and the linear rules again for the first layer. Every gradient has the shape of "
          "its variable.",
          "dZ2 is Exercise 2's result (you may call your logits_grad, labels first). Then apply the Linear rules "
          "with G = dZ2 and the second layer's input A = H, then the ReLU rule with the mask (Z1 > 0), then the "
          "Linear rules again with G = dZ1 and A = X. Each gradient has its variable's shape."],
    forbid=("helpers.losses", "helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    solution='''def backward(X, labels, Z1, H, Z2, W2):
    n = len(X)
    dZ2 = (softmax(Z2, axis=1) - np.eye(10, dtype=Z2.dtype)[labels]) / n   # (n, 10): Exercise 2's logits_grad
    dW2 = dZ2.T @ H                       # (10, n) @ (n, 128) -> (10, 128), like W2
    db2 = dZ2.sum(axis=0)                 # (10,), like b2
    dH = dZ2 @ W2                         # (n, 10) @ (10, 128) -> (n, 128), like H
    dZ1 = dH * (Z1 > 0)                   # (n, 128): the ReLU mask, a new array
    dW1 = dZ1.T @ X                       # (128, n) @ (n, 784) -> (128, 784), like W1
    db1 = dZ1.sum(axis=0)                 # (128,), like b1
    return dZ2, dW2, db2, dH, dZ1, dW1, db1''',
)


# ----------------------------------------------------------------------------- q4: one epoch of minibatch SGD


def train_epoch(params, X, labels, forward, backward, lr, batch_size, rng):
    """One pass over (X, labels) in shuffled minibatches of SGD; updates params in place; returns the losses."""
    W1, b1, W2, b2 = params  # the four weight arrays: update them in place (W1 -= ...)
    order = rng.permutation(len(X))  # a fresh shuffle
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        Xb, labels_b = X[idx], labels[idx]  # (b, 784), (b,)
        Z1, H, Z2 = forward(Xb, W1, b1, W2, b2)
        losses.append(softmax_cross_entropy(labels_b, Z2))
        dZ2, dW2, db2, dH, dZ1, dW1, db1 = backward(Xb, labels_b, Z1, H, Z2, W2)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    return losses


def _train_variant(params, X, labels, lr, batch_size, rng, shuffle=True, sign=-1.0, skip=(), reshuffle=False,
                   labels_in_order=False, sample=False):
    """train_epoch with one slip switched on: no shuffle, a new shuffle for every minibatch, a fresh random sample
    for every minibatch, the labels taken in their original order, a step uphill, or a parameter left out of the
    update."""
    order = rng.permutation(len(X)) if shuffle and not (reshuffle or sample) else np.arange(len(X))
    losses = []
    for start in range(0, len(X), batch_size):
        if reshuffle:
            order = rng.permutation(len(X))
        idx = rng.permutation(len(X))[:batch_size] if sample else order[start:start + batch_size]
        labels_b = labels[start:start + batch_size] if labels_in_order else labels[idx]
        Z1, H, Z2 = forward(X[idx], *params)
        losses.append(softmax_cross_entropy(labels_b, Z2))
        grads = backward(X[idx], labels_b, Z1, H, Z2, params[2])
        for i, g in enumerate((grads[5], grads[6], grads[1], grads[2])):  # dW1, db1, dW2, db2
            if PARAM_NAMES[i] not in skip:
                params[i] += sign * lr * g
    return losses


def _one_step_culprit(answer, X, labels, start: list[np.ndarray], lr: float, seed: int) -> str:
    """Which update line is wrong, from one step on a single minibatch (X holds one batch_size of images).

    Over an epoch one wrong line spoils every weight through the later minibatches; after one step, each weight
    has moved by its own line only.
    """
    params = [p.copy() for p in start]
    described = (f"params = [W1, b1, W2, b2], one minibatch of {len(X)} MNIST images and their labels, the "
                 f"reference forward and backward, lr={lr}, batch_size={len(X)}, rng=np.random.default_rng({seed})")
    call_learner(answer, [params, X.copy(), labels.copy(), forward, backward, lr, len(X),
                          np.random.default_rng(seed)], described)
    grads = backward(X, labels, *forward(X, *start), start[2])
    grads = dict(zip(PARAM_NAMES, (grads[5], grads[6], grads[1], grads[2]), strict=True))  # dW1, db1, dW2, db2
    wrong = [name for name, p, s in zip(PARAM_NAMES, params, start, strict=True)
             if np.shape(p) != s.shape or _differs(as_array(p), s - lr * grads[name])]
    if not wrong:
        return ("one step on a single minibatch updates every weight right, but the weights end the epoch wrong: "
                "step every minibatch with the gradients of that same minibatch, W1 -= lr * dW1 and so on.")
    name = wrong[0]
    fine = [other for other in PARAM_NAMES if other not in wrong]
    state = (f"after a single step (one minibatch of {len(X)} images), {', '.join(wrong)} "
             f"{'is' if len(wrong) == 1 else 'are'} wrong" + (f" and {', '.join(fine)} right" if fine else ""))
    moved, g = as_array(params[PARAM_NAMES.index(name)]) - start[PARAM_NAMES.index(name)], grads[name]
    if moved.shape == g.shape and not _differs(moved, lr * g):
        why = f"{name} stepped uphill: gradient descent moves against the gradient"
    elif moved.shape == g.shape and not _differs(moved, -g):
        why = f"{name}'s step leaves out lr: the step is lr times the gradient"
    else:
        why = f"the update of {name} is off"
    return f"{state}. {why}, {name} -= lr * d{name}."


def _check_train_epoch(answer) -> None:
    _need_function(answer)
    X, labels = mnist_batch(200)
    lr, batch_size, seed = 0.2, 64, 7
    start = check_params(seed=4, w2_scale=0.1)

    def run(variant: Callable) -> tuple[list, list[np.ndarray]]:
        params = [p.copy() for p in start]
        return variant(params, np.random.default_rng(seed)), params

    ref_losses, ref_params = run(lambda p, rng: train_epoch(p, X, labels, forward, backward, lr, batch_size, rng))
    described = (f"params = [W1, b1, W2, b2], 200 MNIST images X (200, 784) and their labels (200,), the reference "
                 f"forward and backward, lr={lr}, batch_size={batch_size}, rng=np.random.default_rng({seed})")
    drawn = []  # whether the learner's function drew from the rng it was given

    def learner(p, rng):
        before = rng.bit_generator.state
        out = call_learner(answer, [p, X.copy(), labels.copy(), forward, backward, lr, batch_size, rng], described)
        drawn.append(rng.bit_generator.state != before)
        return out

    got, params = run(learner)
    if got is ...:
        raise NotAttempted
    if got is None:
        raise Wrong("your function returned None: did you forget `return losses`?")
    try:
        losses = [float(v) for v in got]
    except (TypeError, ValueError):
        raise Wrong("return the list of losses, one number per minibatch") from None
    slips = {
        "you did not shuffle: start with order = rng.permutation(len(X)) and take each minibatch's rows from "
        "order, so every epoch sees the images in a new order.": dict(shuffle=False),
        "you shuffle again for every minibatch: shuffle once, before the loop over the minibatches, so that the "
        "epoch uses every image exactly once.": dict(reshuffle=True),
        "each minibatch is a fresh random sample, so some images come twice in an epoch and others never: shuffle "
        "once, before the loop, and take consecutive slices of that one order, order[start:start + batch_size].":
            dict(sample=True),
        "the minibatch's labels do not belong to its images: take them with the same indices as the images, "
        "labels[idx] next to X[idx], not labels[start:start + batch_size].": dict(labels_in_order=True),
        "you stepped uphill: gradient descent moves against the gradient, W1 -= lr * dW1.": dict(sign=1.0),
        "the step must be lr times the gradient: W1 -= lr * dW1.": dict(sign=-1.0 / lr),
    }
    n_batches = len(ref_losses)
    if len(losses) != n_batches:
        dropped = " Did you leave out the last, smaller minibatch? range(0, len(X), batch_size) includes it." \
            if len(losses) == n_batches - 1 else ""
        raise Wrong(f"return one loss per minibatch: 200 images in minibatches of {batch_size} make {n_batches} "
                    f"minibatches (the last one has {200 % batch_size} images), but you returned {len(losses)}."
                    f"{dropped}")
    if all(np.array_equal(p, s) for p, s in zip(params, start, strict=True)):
        raise Wrong("the weights in params did not change. `W1 = W1 - lr * dW1` makes a new array and leaves "
                    "the one in params as it was; update in place with `W1 -= lr * dW1`.")
    right = np.allclose(losses, ref_losses, rtol=1e-6) and not any(
        _differs(p, r) for p, r in zip(params, ref_params, strict=True))
    for message, kw in ({} if right else slips).items():
        v_losses, v_params = run(lambda p, rng, kw=kw: _train_variant(p, X, labels, lr, batch_size, rng, **kw))
        if np.allclose(losses, v_losses, rtol=1e-6) and not any(
                _differs(p, v) for p, v in zip(params, v_params, strict=True)):
            raise Wrong(message)
    if not right and not drawn[0]:
        raise Wrong("the order is not drawn from the generator passed in: shuffle with the function's own rng, "
                    "order = rng.permutation(len(X)), not np.random.permutation or a new generator. The same rng "
                    "gives the same order as the reference's, and the notebook's runs the same every time.")
    if _differs(np.array(losses[:1]), np.array(ref_losses[:1])):
        if not any(_differs(p, r) for p, r in zip(params, ref_params, strict=True)):
            lower = " (it is lower than expected: taken after the update?)" if losses[0] < ref_losses[0] else ""
            raise Wrong(f"the weights end the epoch right, so every step used the right minibatch, but the first "
                        f"loss is not that minibatch's loss{lower}: record the loss of the minibatch's own logits "
                        f"Z2, before its update.")
        raise Wrong("the first minibatch differs from the reference's: shuffle once, before the loop, and take "
                    "the minibatches in that order, each with its own labels.")
    for name, p, s in zip(PARAM_NAMES, params, start, strict=True):
        if np.array_equal(p, s):
            raise Wrong(f"{name} never changed: update it in place too, {name} -= lr * d{name}. If you wrote "
                        f"`{name} = {name} - lr * d{name}`, that makes a new array and leaves the one in params "
                        f"as it was.")
    if any(_differs(p, r) for p, r in zip(params, ref_params, strict=True)):
        raise Wrong(_one_step_culprit(answer, X[:batch_size], labels[:batch_size], start, lr, seed))
    if _differs(np.array(losses), np.array(ref_losses)):
        raise Wrong("the weights are right, but the losses after the first are not: append the loss of each "
                    "minibatch, computed from its logits Z2 before the update.")


q4 = CustomExercise(
    "Exercise 4 (one epoch of minibatch SGD)", train_epoch, _check_train_epoch,
    hint=["Shuffle the order of the rows once, then walk through it a minibatch at a time. For each minibatch: "
          "forward, loss, backward (it takes the minibatch's labels), and a step against the gradient that changes "
          "the four weight arrays in place. Collect every minibatch's loss in a list and return it.",
          "order = rng.permutation(len(X)); then for start in range(0, len(X), batch_size): idx = "
          "order[start:start + batch_size], the images X[idx] and labels[idx], forward, loss, backward, and four "
          "in-place updates such as W1 -= lr * dW1. Append each loss to a list and return it."],
    forbid=("helpers.nn", "torch.optim"),
    # solution: train_epoch's own source (above), which uses only the notebook's names
)




# ----------------------------------------------------------------------------- q5: the gradient at the input


def input_grad(X, labels, params, forward, backward):
    """∂L/∂X (n, 784): the gradient of the mean loss with respect to the pixels, the first layer's ∂L/∂A = dZ1 W1."""
    W1, b1, W2, b2 = params
    Z1, H, Z2 = forward(X, W1, b1, W2, b2)
    dZ1 = backward(X, labels, Z1, H, Z2, W2)[4]  # (n, 128): the gradient at Z1, after the ReLU mask
    return dZ1 @ W1  # (n, 128) @ (128, 784) -> (n, 784), like X


def _input_slips(name: str, right: dict, X, labels, params) -> list[tuple[np.ndarray, str]]:
    """What the common slips give for dX."""
    W1, b1, W2, b2 = params
    Z1, H, Z2 = forward(X, *params)
    dZ2, dW2, db2, dH, dZ1, dW1, db1 = backward(X, labels, Z1, H, Z2, W2)
    return [(dH @ W1, "the ReLU mask is missing: go through the ReLU first, dZ1 (after the mask), then the first "
                      "layer."),
            (dZ1 @ W1 * len(X), f"it is n = {len(X)} times too big: dZ1 already holds the 1/n of the mean, and "
                                f"nothing more is needed."),
            (-(dZ1 @ W1), "the sign is flipped: this is the gradient itself, not the step against it."),
            ((dZ1 @ W1) * X, "X is what you differentiate by, not a factor: the rule for a layer's input is G W, "
                             "with no X in it (X is in the rule for the weights, Gᵀ X).")] + [
        ((dZ1 @ W1) * mask, "the input gradient is not masked by the pixel values: X is the layer's input, not an "
                            "activation, and its gradient is G W, nonzero on background pixels too.")
        for mask in (X > X.min(), X > 0, X != 0)]


def _check_input_grad(answer) -> None:
    _need_function(answer)
    X, labels = mnist_batch()
    params = check_params()
    expected = autograd_tensors(X, labels, params)
    described = ("X (64, 784): 64 MNIST images, labels (64,): their digits, params = [W1, b1, W2, b2], and the "
                 "reference forward and backward")
    got = call_learner(answer, [X.copy(), labels.copy(), [p.copy() for p in params], forward, backward], described)
    if got is ...:
        raise NotAttempted
    if got is None:
        raise Wrong("your function returned None: did you forget `return`?")
    if isinstance(got, tuple | list):
        raise Wrong(f"return one array, dX, of shape (64, 784) (got {len(got)} values)")
    compare_tensors((got,), expected, ("dX",), lambda name, right: _input_slips(name, right, X, labels, params),
                    len(X))


q5 = CustomExercise(
    "Exercise 5 (the gradient at the input: a saliency map)", input_grad, _check_input_grad,
    hint=["The images are the first layer's input, so their gradient is that layer's third Linear rule, the one "
          "that gives the gradient at the input A. Its G is the gradient arriving at the first layer's output, "
          "after the ReLU. Your forward and backward already compute everything it needs.",
          "Run forward, then backward: the fifth of its seven results is dZ1, the G of the first layer. The Linear "
          "rule for the input is G times the layer's weights W (no transpose): (n, 128) times (128, 784)."],
    forbid=("helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    solution='''def input_grad(X, labels, params, forward, backward):
    W1, b1, W2, b2 = params
    Z1, H, Z2 = forward(X, W1, b1, W2, b2)
    dZ1 = backward(X, labels, Z1, H, Z2, W2)[4]   # (n, 128): the gradient at Z1, after the ReLU mask
    return dZ1 @ W1                               # (n, 128) @ (128, 784) -> (n, 784), like X''',
)


# ----------------------------------------------------------------------------- yours, once it passes


def passes(exercise: CustomExercise, answer) -> bool:
    """True if `answer` passes the exercise's check (run silently; the exercise's status is left alone)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exercise.verify(answer)
    except Exception:  # noqa: BLE001 - any failure, or the placeholder, means "not yet"
        return False
    return True


def yours_or_reference(name: str, yours, exercise: CustomExercise):
    """Your function if it passes its exercise's check now, else the reference; prints which one is used."""
    if passes(exercise, yours):
        print(f"{name}: yours (it passes {exercise.title})")
        return yours
    print(f"{name}: the reference (yours does not pass {exercise.title} yet)")
    return exercise.reference
