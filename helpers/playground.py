"""The playground's engine: data on a plane, a small network from `helpers.nn`, its training, and export to code.

Everything notebook 08's widget shows lives in one `Playground` object; the widget only reads it and calls its
methods, so a learner can also drive it from code:

    pg = Playground("spiral", features=("x1", "x2"), hidden=(6, 6))
    pg.step(100)                               # 100 epochs of minibatch SGD
    pg.accuracy("test")                        # how well it classifies points it never trained on
    print(pg.export_torch())                   # the same network and training loop in PyTorch

The network ends in two scores (logits), one per class, and is trained with the course's softmax cross-entropy
(`helpers.nn.CrossEntropyLoss`, PyTorch's `nn.CrossEntropyLoss`); the decision map shows softmax's probability of
class B (label 1). L2 adds `l2 · W` to each weight matrix's gradient (not to the biases), as PyTorch's
`weight_decay` does; the losses shown are the cross-entropy alone, without the L2 term.

One *step* is one minibatch update; one *epoch* is one pass over the training points, shuffled by the seeded
generator `np.random.default_rng([seed, epoch])`, in minibatches of `batch_size` (the last one may be smaller).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np

from helpers.activations import softmax
from helpers.errors import CourseError
from helpers.nn import MLP, SGD, CrossEntropyLoss, Linear

PRESETS = ("circle", "xor", "gauss", "spiral")
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
                  "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}
FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1^2": "x1**2", "x2^2": "x2**2", "x1*x2": "x1 * x2",
                "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)"}  # each feature as NumPy code, for the exports
ACTIVATIONS = ("relu", "tanh", "sigmoid")
LIMIT = 6.0  # the plane is [-LIMIT, LIMIT]², as in TensorFlow Playground
MAX_NOISE = 0.5  # TensorFlow Playground's noise slider goes from 0 to 50 %
MAX_LAYERS, MAX_NEURONS = 4, 8
MAX_POINTS = 5000
CLASS_NAMES = ("A", "B")  # label 0 is class A, label 1 is class B


class PlaygroundError(CourseError, ValueError):
    """A setting, a point or a data file the playground cannot use (the message says which and why)."""


# ----------------------------------------------------------------------------- data


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Class B inside radius 2.5, class A in a ring from 3.5 to 5; noise moves the point that decides the label."""
    inside = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, inside), rng.uniform(3.5, 5, n - inside)])  # (n,)
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # (n, 2)
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    y = np.linalg.norm(X + jitter, axis=1) < 2.5  # near the edge, noise can flip a label
    return X, y


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Class B where x1·x2 ≥ 0 (two opposite quadrants), points kept 0.3 away from the axes."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # (n, 2): a gap along both axes
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    y = (X + jitter).prod(axis=1) >= 0
    return X, y


def _gauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds, class B around (2, 2), class A around (-2, -2); noise widens them."""
    variance = 0.5 + 3.5 * noise / MAX_NOISE  # 0.5 without noise, 4 at the most noise
    b = n // 2
    centres = np.where(np.arange(n)[:, None] < b, 2.0, -2.0)  # (n, 1): B first, then A
    X = centres + rng.normal(0, np.sqrt(variance), (n, 2))
    y = np.arange(n) < b
    return X, y


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, class B and class A half a turn apart."""
    b = n // 2
    i = np.concatenate([np.arange(b) / b, np.arange(n - b) / (n - b)])  # (n,): 0 .. 1 along each arm
    r = 5 * i
    t = 1.75 * 2 * np.pi * i + np.where(np.arange(n) < b, 0.0, np.pi)  # arm A is arm B turned by π
    X = np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1, 1, (n, 2)) * noise
    y = np.arange(n) < b
    return X, y


_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}


def make_data(preset: str, n: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X (n, 2) float64 inside the plane (3 decimals), y (n,) int64 in {0, 1}, shuffled; the same for the same seed."""
    if preset not in _MAKERS:
        raise PlaygroundError(f"unknown data set {preset!r}: choose one of {', '.join(PRESETS)}")
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[preset](rng, n, noise)
    order = rng.permutation(n)  # mix the classes, so that no slice of the data holds one class only
    X = np.clip(np.round(X[order], 3), -LIMIT, LIMIT)  # (n, 2)
    return X, y[order].astype(np.int64)


def _check_n(n) -> int:
    """n as a whole number of points from 4 to MAX_POINTS, or a PlaygroundError."""
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or not 4 <= n <= MAX_POINTS:
        raise PlaygroundError(f"the number of points must be a whole number from 4 to {MAX_POINTS}, got {n!r}")
    return int(n)


def _check_noise(noise) -> float:
    """noise as a float from 0 to MAX_NOISE, or a PlaygroundError."""
    if not isinstance(noise, int | float | np.number) or not 0 <= noise <= MAX_NOISE:
        raise PlaygroundError(f"noise must be a number from 0 to {MAX_NOISE} (0 to 50 %), got {noise!r}")
    return float(noise)


def _check_fraction(test_fraction) -> float:
    """test_fraction as a float from 0.1 to 0.9, or a PlaygroundError."""
    if not isinstance(test_fraction, int | float | np.number) or not 0.1 <= test_fraction <= 0.9:
        raise PlaygroundError(f"test_fraction (the share of points kept for testing) must be from 0.1 to 0.9, "
                              f"got {test_fraction!r}")
    return float(test_fraction)


def split(X: np.ndarray, y: np.ndarray, test_fraction: float, seed: int = 0) -> tuple[np.ndarray, ...]:
    """X_train, y_train, X_test, y_test: test_fraction of each class goes to the test set, chosen by the seed."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)  # (n,)
    for label in (0, 1):
        members = np.flatnonzero(y == label)
        test[rng.permutation(members)[:round(len(members) * test_fraction)]] = True
    return X[~test], y[~test], X[test], y[test]


def _label(value, where: str) -> int:
    """0, 1, 'A' or 'B' (any case, as text or number) as the label 0 or 1; else a PlaygroundError."""
    text = str(value).strip().upper()
    labels = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "A": 0, "B": 1}
    if text not in labels:
        raise PlaygroundError(f"{where}: the label {str(value).strip()!r} is neither 0/1 nor A/B")
    return labels[text]


def _point(x1, x2, where: str) -> tuple[float, float]:
    """(x1, x2) as floats inside the plane; else a PlaygroundError saying which coordinate is wrong."""
    values = []
    for name, text in (("x1", x1), ("x2", x2)):
        try:
            value = float(text)
        except (TypeError, ValueError):
            raise PlaygroundError(f"{where}: {name} = {str(text).strip()!r} is not a number") from None
        if not np.isfinite(value):
            raise PlaygroundError(f"{where}: {name} = {str(text).strip()!r} is not a finite number")
        values.append(value)
    if max(abs(v) for v in values) > LIMIT:
        raise PlaygroundError(f"{where}: the point ({values[0]:g}, {values[1]:g}) lies outside the plane "
                              f"[-{LIMIT:g}, {LIMIT:g}] × [-{LIMIT:g}, {LIMIT:g}]: scale your data to fit")
    return values[0], values[1]


def _is_number(text: str) -> bool:
    """True if the text reads as a float."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Lines `x1, x2, label` (label 0/1 or A/B; an optional header; # comments) -> X (n, 2), y (n,).

    A PlaygroundError names the first bad line and why: not 3 fields, not a number, a label that is not 0/1 or
    A/B, a point outside the plane; or a file with no points, one point, or points of one class only."""
    points, labels, header = [], [], None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        fields = [field.strip() for field in re.split(r"[,;\t]", line)]
        if not points and header is None and _is_header(fields):
            header = f"line {number} ({line!r})"
            continue  # a header such as "x1,x2,label"
        where = f"line {number} ({line!r})"
        if len(fields) != 3:
            raise PlaygroundError(f"{where}: {len(fields)} field{'s' * (len(fields) != 1)}, expected 3: "
                                  "x1, x2, label")
        if len(points) == MAX_POINTS:
            raise PlaygroundError(f"{where}: too many points, at most {MAX_POINTS}")
        points.append(_point(fields[0], fields[1], where))
        labels.append(_label(fields[2], where))
    if not points and header:
        raise PlaygroundError(f"the file holds no points: {header} holds no numbers, so it was read as a "
                              "header. Write one point per line, as x1, x2, label")
    if not points:
        raise PlaygroundError("the file holds no points: write one point per line, as x1, x2, label")
    if len(points) < 2:
        raise PlaygroundError("the file holds only 1 point: the network needs at least 2, of both classes")
    if len(set(labels)) < 2:
        raise PlaygroundError(f"every point has label {labels[0]} (class {CLASS_NAMES[labels[0]]}): the network "
                              "needs points of both classes, 0 (A) and 1 (B)")
    return np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64)


def _is_header(fields: list[str]) -> bool:
    """True if a first line is a header: neither of its first two fields is a number."""
    return not any(_is_number(field) for field in fields[:2])


# ----------------------------------------------------------------------------- features and the grid


def feature_matrix(X: np.ndarray, names) -> np.ndarray:
    """The network's inputs: (n, 2) points -> (n, len(names)), one column per feature name."""
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    x1, x2 = X[:, 0], X[:, 1]  # (n,) each
    columns = {"x1": x1, "x2": x2, "x1^2": x1**2, "x2^2": x2**2, "x1*x2": x1 * x2,
               "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    return np.stack([columns[name] for name in names], axis=1)  # (n, k)


def grid_points(resolution: int = 50) -> np.ndarray:
    """(resolution², 2) points covering the plane, row by row from the top (x2 = LIMIT) and left to right."""
    if not isinstance(resolution, int | np.integer) or not 2 <= resolution <= 500:
        raise PlaygroundError(f"resolution must be a whole number from 2 to 500, got {resolution!r}")
    xs = np.linspace(-LIMIT, LIMIT, resolution)
    x1, x2 = np.meshgrid(xs, xs[::-1])  # (res, res) each: row 0 is the top of the plane, as in an image
    return np.column_stack([x1.ravel(), x2.ravel()])


# ----------------------------------------------------------------------------- settings


def _check_features(features) -> tuple[str, ...]:
    """A non-empty choice from FEATURES, returned in FEATURES' order."""
    chosen = (features,) if isinstance(features, str) else tuple(features)
    unknown = [name for name in chosen if name not in FEATURES]
    if unknown:
        raise PlaygroundError(f"unknown feature {unknown[0]!r}: choose from {', '.join(FEATURES)}")
    if not chosen:
        raise PlaygroundError("choose at least one input feature, such as x1")
    return tuple(name for name in FEATURES if name in chosen)


def _check_hidden(hidden) -> tuple[int, ...]:
    """0 to MAX_LAYERS hidden layers of 1 to MAX_NEURONS neurons each, as a tuple of ints."""
    if isinstance(hidden, int | np.integer):
        hidden = (hidden,)
    sizes = tuple(hidden)
    if len(sizes) > MAX_LAYERS:
        raise PlaygroundError(f"at most {MAX_LAYERS} hidden layers, got {len(sizes)}")
    for size in sizes:
        if not isinstance(size, int | np.integer) or isinstance(size, bool) or not 1 <= size <= MAX_NEURONS:
            raise PlaygroundError(f"each hidden layer has 1 to {MAX_NEURONS} neurons, got {size!r} in {sizes}")
    return tuple(int(size) for size in sizes)


def _check_number(name: str, value, low: float, high: float, low_included: bool = True) -> float:
    """A float setting within [low, high] (or (low, high] when not low_included)."""
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool) and value <= high
    ok = ok and (value >= low if low_included else value > low)
    if not ok:
        bound = "from" if low_included else "above"
        raise PlaygroundError(f"{name} must be a number {bound} {low:g} up to {high:g}, got {value!r}")
    return float(value)


def _check_whole(name: str, value, low: int, high: int) -> int:
    """A whole-number setting within [low, high]."""
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or not low <= value <= high:
        raise PlaygroundError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


_CHECKS = {
    "features": _check_features,
    "hidden": _check_hidden,
    "activation": lambda v: v if v in ACTIVATIONS else _fail(f"activation must be one of {', '.join(ACTIVATIONS)}, "
                                                               f"got {v!r}"),
    "lr": lambda v: _check_number("the learning rate lr", v, 0.0, 10.0, low_included=False),
    "batch_size": lambda v: _check_whole("batch_size", v, 1, MAX_POINTS),
    "l2": lambda v: _check_number("the L2 strength l2", v, 0.0, 10.0),
    "seed": lambda v: _check_whole("seed", v, 0, 2**32 - 1),
}
DIVERGED = ("the training diverged: the weights grew too large for numbers to hold. Lower the learning rate "
            "(or the L2 strength), then press Reset")
REBUILD = ("features", "hidden", "activation", "seed")  # settings that need new weights; lr, batch_size, l2 do not


def _fail(message: str):
    raise PlaygroundError(message)


# ----------------------------------------------------------------------------- the playground


class Playground:
    """The whole state: data, settings, network, training history. The widget only reads it and calls its methods."""

    def __init__(self, preset="circle", n=200, noise=0.0, test_fraction=0.5, features=("x1", "x2"), hidden=(4, 2),
                 activation="tanh", lr=0.03, batch_size=10, l2=0.0, seed=0):
        settings = {"features": features, "hidden": hidden, "activation": activation, "lr": lr,
                    "batch_size": batch_size, "l2": l2, "seed": seed}
        for name, value in settings.items():
            setattr(self, name, _CHECKS[name](value))
        self.data, self.n, self.noise, self.test_fraction = preset, n, noise, test_fraction
        self.set_preset(preset, n, noise, test_fraction)  # builds the network too

    # ---- data (every method keeps the old data when it raises)

    def set_preset(self, preset, n=None, noise=None, test_fraction=None) -> None:
        """New data from a preset (None keeps the current n, noise or split), then new weights from the seed."""
        n = self.n if n is None else n
        noise = self.noise if noise is None else noise
        test_fraction = _check_fraction(self.test_fraction if test_fraction is None else test_fraction)
        X, y = make_data(preset, n, noise, self.seed)
        self._set_data(X, y, preset, test_fraction)
        self.n, self.noise = n, noise

    def load_csv(self, path_or_text) -> None:
        """Data from a CSV file or its text (`x1, x2, label` per line), split by test_fraction; new weights."""
        X, y = parse_csv(_csv_text(path_or_text))
        self._set_data(X, y, "csv", self.test_fraction)  # n and noise stay: they are the presets' settings

    def resplit(self, test_fraction) -> None:
        """Split the points there are now again, test_fraction of each class for testing; new weights. Loaded and
        drawn points are kept (drawn ones join the data, named 'drawn'); a preset's own points split as the preset."""
        test_fraction = _check_fraction(test_fraction)
        if self.data in PRESETS and not self.drawn:
            self.set_preset(self.data, test_fraction=test_fraction)
            return
        X, y = np.vstack([self.X_train, self.X_test]), np.concatenate([self.y_train, self.y_test])
        self._set_data(X, y, "csv" if self.data == "csv" else "drawn", test_fraction)

    def _set_data(self, X: np.ndarray, y: np.ndarray, name: str, test_fraction: float) -> None:
        """Split the points into training and test sets, forget drawn points, and reset the network."""
        self.X_train, self.y_train, self.X_test, self.y_test = split(X, y, test_fraction, self.seed)
        self.data, self.test_fraction, self.drawn = name, test_fraction, 0
        self.reset()

    def add_point(self, x1, x2, label) -> None:
        """Add a drawn point (label 0/1 or 'A'/'B') to the training set; the weights stay as they are."""
        point = _point(x1, x2, "the drawn point")
        label = _label(label, f"the point ({point[0]:g}, {point[1]:g})")
        if len(self.y_train) + len(self.y_test) >= MAX_POINTS:
            raise PlaygroundError(f"the plane holds {MAX_POINTS} points already: clear it or undo some")
        self.X_train = np.vstack([self.X_train, [point]])  # (n_train + 1, 2)
        self.y_train = np.append(self.y_train, np.int64(label))
        self.drawn += 1
        self.changed_at = self.epoch

    @property
    def can_undo(self) -> bool:
        """True if a drawn point can be undone."""
        return self.drawn > 0

    def undo(self) -> None:
        """Remove the last drawn point."""
        if not self.can_undo:
            raise PlaygroundError("nothing to undo: no point was drawn since the data were last chosen or cleared")
        self.X_train, self.y_train = self.X_train[:-1], self.y_train[:-1]
        self.drawn -= 1
        self.changed_at = self.epoch

    def clear(self) -> None:
        """Remove every point (training and test): the plane is empty, ready to draw on."""
        self.X_train, self.X_test = np.zeros((0, 2)), np.zeros((0, 2))
        self.y_train, self.y_test = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        self.data, self.drawn = "drawn", 0
        self.changed_at = self.epoch

    # ---- settings

    def configure(self, **settings) -> None:
        """Change settings; features, hidden, activation or seed rebuild the network (epoch 0), while lr,
        batch_size and l2 apply from the next step on (TensorFlow Playground keeps the network for a new learning
        rate only, and restarts for a new batch size or regularisation rate)."""
        unknown = sorted(set(settings) - set(_CHECKS))
        if unknown:
            raise PlaygroundError(f"unknown setting {unknown[0]!r}: the settings are {', '.join(_CHECKS)}")
        checked = {name: _CHECKS[name](value) for name, value in settings.items()}  # all checked before any change
        rebuild = any(checked[name] != getattr(self, name) for name in checked if name in REBUILD)
        if "l2" in checked and checked["l2"] != self.l2:
            self.changed_at = self.epoch  # the epochs before trained another model: see epochs_since_change
        for name, value in checked.items():
            setattr(self, name, value)
        self._optimizer.lr = self.lr
        if rebuild:
            self.reset()

    def reset(self) -> None:
        """New weights drawn from the seed, epoch 0, history cleared."""
        sizes = [len(self.features), *self.hidden, 2]  # features -> hidden layers -> 2 scores
        self.net = MLP(sizes, self.activation, rng=self.seed)
        self._optimizer = SGD(self.net.parameters(), lr=self.lr)
        self._loss_fn = CrossEntropyLoss()
        self.epoch = 0
        self.changed_at = 0  # the epoch of the last change of the data, the split, the network or L2
        self.step_losses: list[float] = []  # the minibatch loss of every step since the reset
        self.history = [(0, self.loss("train"), self.loss("test"))]

    # ---- training

    def linears(self) -> list[Linear]:
        """The network's Linear layers, first to last."""
        return [layer for layer in self.net.layers if isinstance(layer, Linear)]

    def step(self, epochs: int = 1) -> None:
        """Train for `epochs` epochs: each shuffles the training points and takes one SGD step per minibatch."""
        epochs = _check_whole("epochs", epochs, 1, 100_000)
        if len(self.y_train) == 0:
            if len(self.y_test):  # a small data set split at a low training share: every point went to the test set
                raise PlaygroundError(f"there are no training points: all {len(self.y_test)} points are test points: "
                                      "raise the training-data slider (in code: resplit with a smaller "
                                      "test_fraction), or draw some points")
            raise PlaygroundError("there are no training points: pick a data set, load a CSV or draw some points")
        inputs = feature_matrix(self.X_train, self.features)  # (n_train, k)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by _update, not by warnings
            for _ in range(epochs):
                order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.y_train))
                for start in range(0, len(order), self.batch_size):
                    batch = order[start:start + self.batch_size]
                    self.step_losses.append(self._update(inputs[batch], self.y_train[batch]))
                self.epoch += 1
                self.history.append((self.epoch, self.loss("train"), self.loss("test")))

    def _update(self, inputs: np.ndarray, labels: np.ndarray) -> float:
        """One SGD step on one minibatch, inputs (b, k) and labels (b,); returns the minibatch's loss."""
        logits = self.net(inputs)  # forward, (b, 2)
        if not np.all(np.isfinite(logits)):
            raise PlaygroundError(DIVERGED)
        loss = self._loss_fn(logits, labels)
        self._optimizer.zero_grad()
        self.net.backward(self._loss_fn.backward())  # backward
        for layer in self.linears():  # L2 on the weights: the gradient of (l2 / 2)·ΣW² is l2·W
            layer.W.grad += self.l2 * layer.W.data
        self._optimizer.step()  # update
        return loss

    def _points(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """The points and labels of 'train' or 'test'."""
        if which not in ("train", "test"):
            raise PlaygroundError(f"which must be 'train' or 'test', got {which!r}")
        return (self.X_train, self.y_train) if which == "train" else (self.X_test, self.y_test)

    def loss(self, which: str = "train") -> float:
        """The mean cross-entropy on the training or test points (nan when there are none)."""
        X, y = self._points(which)
        if len(y) == 0:
            return float("nan")
        with np.errstate(over="ignore", invalid="ignore"):
            logits = self.net(feature_matrix(X, self.features))  # (m, 2)
        return float(CrossEntropyLoss()(logits, y)) if np.all(np.isfinite(logits)) else float("nan")

    def accuracy(self, which: str = "train") -> float:
        """The share of training or test points on the right side of the boundary (nan when there are none)."""
        X, y = self._points(which)
        if len(y) == 0:
            return float("nan")
        return float(np.mean((self.predict_proba(X) > 0.5) == y))

    def predict_proba(self, X) -> np.ndarray:
        """The probability of class B (label 1) at each point: X (m, 2) raw points -> (m,)."""
        with np.errstate(over="ignore", invalid="ignore"):
            logits = self.net(feature_matrix(X, self.features))  # (m, 2)
            return softmax(logits)[:, 1]

    def grid_outputs(self, resolution: int = 50) -> tuple[np.ndarray, list[np.ndarray]]:
        """The output probability over the plane (res, res), and one (res, res) map per hidden neuron, layer by
        layer after its activation; row 0 is the top of the plane. One forward pass over the grid."""
        res = int(resolution)
        a = feature_matrix(grid_points(res), self.features)  # (res², k)
        neurons = []
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.net.layers:
                a = layer(a)
                if not isinstance(layer, Linear):  # an activation: its output is what the hidden neurons show
                    neurons += [column.reshape(res, res) for column in a.T]
            output = softmax(a)[:, 1].reshape(res, res)
        return output, neurons

    def weights(self) -> list[np.ndarray]:
        """W (out, in) of each Linear layer, first to last: a copy, for the edges' widths."""
        return [layer.W.data.copy() for layer in self.linears()]

    @property
    def neurons(self) -> int:
        """The number of hidden neurons, all layers together."""
        return sum(self.hidden)

    def state(self) -> dict:
        """What a challenge's check() reads: data, settings, epoch, losses and accuracies now. epochs_since_change
        counts the epochs trained since the data, the split, the network or L2 last changed (Reset starts it at 0)."""
        return {"data": self.data, "noise": self.noise, "n_train": len(self.y_train), "n_test": len(self.y_test),
                "drawn": self.drawn, "features": self.features, "hidden": self.hidden, "neurons": self.neurons,
                "activation": self.activation, "lr": self.lr, "batch_size": self.batch_size, "l2": self.l2,
                "seed": self.seed, "epoch": self.epoch, "epochs_since_change": self.epoch - self.changed_at,
                "train_loss": self.loss("train"), "test_loss": self.loss("test"),
                "train_accuracy": self.accuracy("train"), "test_accuracy": self.accuracy("test")}

    def copy(self) -> Playground:
        """A frozen copy: data, settings, network and history as they are now. Hand a challenge `pg.copy()`, and
        later changes of `pg` (the next challenge in the widget) leave what you handed in as it was."""
        return copy.deepcopy(self)

    def __repr__(self) -> str:
        layers = " → ".join(str(size) for size in (len(self.features), *self.hidden, 2))
        return (f"Playground({self.data!r}, {len(self.y_train)} training and {len(self.y_test)} test points, "
                f"network {layers}, {self.activation if self.hidden else 'no activation'}, epoch {self.epoch})")

    # ---- export

    def export_torch(self) -> str:
        """A runnable PyTorch script: the data, the features, this network with its current weights, the loss,
        the optimiser and the training loop with the same settings (float64, the same minibatches)."""
        return _export(self, "torch")

    def export_numpy(self) -> str:
        """The same script with the course's NumPy layers (`helpers.nn`); run it from the course's folder."""
        return _export(self, "numpy")


def _csv_text(path_or_text) -> str:
    """The text of a CSV given as text, a path, or bytes (an uploaded file)."""
    if isinstance(path_or_text, bytes | bytearray | memoryview):
        try:
            return bytes(path_or_text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlaygroundError("the file is not text (UTF-8): save it as a .csv text file") from None
    if isinstance(path_or_text, Path) or (isinstance(path_or_text, str) and not re.search(r"[\n,;\t]", path_or_text)
                                          and path_or_text.strip()):
        path = Path(path_or_text)
        if not path.is_file():
            raise PlaygroundError(f"no file {str(path)!r}: give the path of a CSV file, or its text")
        return _csv_text(path.read_bytes())
    if not isinstance(path_or_text, str):
        raise PlaygroundError(f"load_csv takes the text of a CSV file, its path or its bytes, "
                              f"got a {type(path_or_text).__name__}")
    return path_or_text


# ----------------------------------------------------------------------------- export to code


def _numbers(values) -> str:
    """A flat list of numbers as exact Python literals."""
    return ", ".join(repr(v) for v in np.asarray(values).tolist())


def _rows(name: str, X: np.ndarray, per_line: int = 4) -> str:
    """`name = np.array([...])` for an (n, 2) array, a few points per line."""
    lines = [" ".join(f"[{a!r}, {b!r}]," for a, b in X[i:i + per_line].tolist()) for i in range(0, len(X), per_line)]
    body = "".join(f"\n    {line}" for line in lines)
    return f"{name} = np.array([{body}\n]).reshape(-1, 2)  # ({len(X)}, 2)"


def _labels(name: str, y: np.ndarray, per_line: int = 30) -> str:
    """`name = np.array([...])` for labels, several per line."""
    lines = [_numbers(y[i:i + per_line]) + "," for i in range(0, len(y), per_line)]
    body = "".join(f"\n    {line}" for line in lines)
    return f"{name} = np.array([{body}\n], dtype=np.int64)  # ({len(y)},)"


_LAYER = {"torch": {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()"},
          "numpy": {"relu": "ReLU()", "tanh": "Tanh()", "sigmoid": "Sigmoid()"}}
_PREFIX = {"torch": "nn.", "numpy": ""}

_HEADER = '''"""A network exported from the course's playground (notebooks/08_playground.ipynb) at epoch {epoch}.

{what}
It rebuilds the playground's network with its weights at epoch {epoch}, then trains it with the same settings:
minibatch SGD, batch size {batch_size}, learning rate {lr!r}, L2 strength {l2!r} on the weights (not the biases),
the training points shuffled each epoch as the playground shuffles them. One step is one minibatch update.
"""
'''

_TORCH_SETUP = '''import numpy as np
import torch
from torch import nn
'''

_NUMPY_SETUP = '''import numpy as np

from helpers.activations import softmax
from helpers.nn import SGD, CrossEntropyLoss, Linear, ReLU, Sequential, Sigmoid, Tanh
'''

_COMMON = '''
{settings}

# ---- the data: points (x1, x2) of the plane [-6, 6]², label 0 is class A, label 1 is class B
{data}

# ---- the input features the network sees
FEATURES = {features!r}


def features(X):
    """(m, 2) points -> (m, {k}) inputs of the network, one column per feature."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([{columns}], axis=1)


# ---- the network: {k} features -> {layers} -> 2 scores (logits), one per class
model = {prefix}Sequential(
{model}
)
# The playground's weights at epoch {epoch}: (W, b) of each Linear layer, W is (out, in).
WEIGHTS = [
{weights}
]
'''

_TORCH_TRAIN = '''model = model.double()  # the playground computes in float64 (the data arrays are float64 too)
linears = [layer for layer in model if isinstance(layer, nn.Linear)]
with torch.no_grad():
    for layer, (W, b) in zip(linears, WEIGHTS):
        layer.weight.copy_(torch.tensor(W))
        layer.bias.copy_(torch.tensor(b))

# ---- the loss (softmax cross-entropy of the two scores) and the optimiser: L2 is weight_decay on the weights
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD([{"params": [layer.weight for layer in linears], "weight_decay": L2},
                             {"params": [layer.bias for layer in linears], "weight_decay": 0.0}], lr=LR)


def predict_proba(X):
    """The probability of class B (label 1) at each point: (m, 2) -> (m,)."""
    with torch.no_grad():
        return torch.softmax(model(torch.tensor(features(X))), dim=1)[:, 1].numpy()


def mean_loss(X, y):
    """The mean cross-entropy on points X (m, 2) with labels y (m,)."""
    with torch.no_grad():
        return loss_fn(model(torch.tensor(features(X))), torch.tensor(y)).item()


def train_epoch(epoch):
    """One epoch: shuffle the training points as the playground does, then one SGD step per minibatch.
    Returns the loss of each step (each minibatch)."""
    inputs, labels = torch.tensor(features(X_train)), torch.tensor(y_train)
    order = np.random.default_rng([SEED, epoch]).permutation(len(labels))
    losses = []
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        loss = loss_fn(model(inputs[batch]), labels[batch])  # forward
        optimizer.zero_grad()
        loss.backward()  # backward
        optimizer.step()  # update
        losses.append(loss.item())
    return losses
'''

_NUMPY_TRAIN = '''linears = [layer for layer in model.layers if isinstance(layer, Linear)]
for layer, (W, b) in zip(linears, WEIGHTS):
    layer.W.data[...] = W
    layer.b.data[...] = b

# ---- the loss (softmax cross-entropy of the two scores) and the optimiser
loss_fn = CrossEntropyLoss()
optimizer = SGD(model.parameters(), lr=LR)


def predict_proba(X):
    """The probability of class B (label 1) at each point: (m, 2) -> (m,)."""
    return softmax(model(features(X)))[:, 1]


def mean_loss(X, y):
    """The mean cross-entropy on points X (m, 2) with labels y (m,)."""
    return CrossEntropyLoss()(model(features(X)), y)


def train_epoch(epoch):
    """One epoch: shuffle the training points as the playground does, then one SGD step per minibatch.
    Returns the loss of each step (each minibatch)."""
    inputs = features(X_train)
    order = np.random.default_rng([SEED, epoch]).permutation(len(y_train))
    losses = []
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        loss = loss_fn(model(inputs[batch]), y_train[batch])  # forward
        optimizer.zero_grad()
        model.backward(loss_fn.backward())  # backward
        for layer in linears:  # L2 on the weights: the gradient of (L2 / 2)·ΣW² is L2·W
            layer.W.grad += L2 * layer.W.data
        optimizer.step()  # update
        losses.append(loss)
    return losses
'''

_MAIN = '''

def report(epoch):
    """Print the losses and the accuracies."""
    line = f"epoch {epoch}: train loss {mean_loss(X_train, y_train):.4f}"
    line += f", accuracy {np.mean((predict_proba(X_train) > 0.5) == y_train):.3f}"
    if len(y_test):
        line += f"; test loss {mean_loss(X_test, y_test):.4f}"
        line += f", accuracy {np.mean((predict_proba(X_test) > 0.5) == y_test):.3f}"
    print(line)


if __name__ == "__main__":
    report(EPOCH)
    for epoch in range(EPOCH, EPOCH + EPOCHS):
        train_epoch(epoch)
        if (epoch + 1 - EPOCH) % 10 == 0:
            report(epoch + 1)
'''


def _export(pg: Playground, kind: str) -> str:
    """The exported script, kind 'torch' or 'numpy'."""
    act, prefix = _LAYER[kind][pg.activation], _PREFIX[kind]
    sizes = [len(pg.features), *pg.hidden, 2]
    model = ",\n".join(f"    {prefix}Linear({a}, {b})" + (f", {act}" if i < len(sizes) - 2 else "")
                       for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)))
    weights = "\n".join(f"    ([{', '.join(f'[{_numbers(row)}]' for row in layer.W.data)}],\n"
                        f"     [{_numbers(layer.b.data)}]),"
                        for layer in pg.linears())
    settings = (f"EPOCH = {pg.epoch}  # the playground's epoch when this was exported\n"
                f"EPOCHS = 100  # how many epochs to train when run as a script\n"
                f"SEED = {pg.seed}\nLR = {pg.lr!r}\nBATCH_SIZE = {pg.batch_size}\nL2 = {pg.l2!r}")
    data = "\n".join([_rows("X_train", pg.X_train), _labels("y_train", pg.y_train),
                      _rows("X_test", pg.X_test), _labels("y_test", pg.y_test)])
    what = ("PyTorch, in float64 as the playground computes. Run it with `python <this file>`."
            if kind == "torch" else
            "The course's NumPy layers (helpers.nn): run it from the course's folder, `python <this file>`.")
    header = _HEADER.format(epoch=pg.epoch, what=what, batch_size=pg.batch_size, lr=pg.lr, l2=pg.l2)
    common = _COMMON.format(settings=settings, data=data, features=list(pg.features), k=len(pg.features),
                            columns=", ".join(FEATURE_CODE[name] for name in pg.features),
                            layers=" -> ".join(str(s) for s in pg.hidden) or "no hidden layer",
                            prefix=prefix, model=model, epoch=pg.epoch, weights=weights)
    setup, train = (_TORCH_SETUP, _TORCH_TRAIN) if kind == "torch" else (_NUMPY_SETUP, _NUMPY_TRAIN)
    return header + setup + common + "\n" + train + _MAIN
