"""A small neural-network library in NumPy: layers that know their own backward pass.

In the spirit of micrograd's ``nn.py``, but on arrays instead of single numbers. Every layer has

    forward(x)         -> its output, remembering what the backward pass will need;
    backward(grad_out) -> the gradient of the loss with respect to its input,
                          after *adding* the gradients of its own parameters to their ``.grad``.

Gradients accumulate, exactly as in PyTorch, so call ``zero_grad()`` before each backward pass.
Unlike PyTorch's graph, a layer remembers only its last input: ``Sequential.backward`` refuses the gradient of a
loss on an earlier output if the network has run on other data since (``StaleForwardError``), instead of returning
gradients of the wrong batch.
A first layer reads data, whose gradient nobody needs: ``Linear(..., needs_input_grad=False)`` skips that
matrix product (its backward returns None), as PyTorch does for inputs that do not require a gradient.
The layouts match PyTorch: ``Linear.W`` is (out, in) like ``nn.Linear.weight`` and ``Linear.b`` is (out,),
so weights can be copied between the two and the gradients compared one to one.

A training step reads just like its PyTorch twin:

    logits = model(x)                       # forward
    loss = loss_fn(logits, labels)
    optimizer.zero_grad()
    model.backward(loss_fn.backward())      # backward (PyTorch: loss.backward())
    optimizer.step()                        # update
"""

from __future__ import annotations

import weakref

import numpy as np

from helpers.activations import ACTIVATIONS
from helpers.errors import CourseError, as_float_array
from helpers.losses import mse, mse_grad, softmax_cross_entropy, softmax_cross_entropy_grad

# ----------------------------------------------------------------------------- errors a learner may meet


class LayerInputError(CourseError, ValueError):
    """A layer, network or optimiser got an input or a setting it cannot use (the message says how to fix it)."""


class OrderError(CourseError, RuntimeError):
    """backward() was called before forward()."""


class NotALayerError(CourseError, TypeError):
    """Sequential was given something that is not a layer."""


class StaleForwardError(CourseError, RuntimeError):
    """backward() got the gradient of a loss on an earlier output, after the network had run on other data."""


# ----------------------------------------------------------------------------- which output a loss's gradient is of

_LOSS_GRADIENT: list = [None]  # (weak ref to the gradient a loss's backward() returned last, weak ref to its input)


def _remember_loss_gradient(grad: np.ndarray, pred) -> np.ndarray:
    """Note that `grad` is the gradient of a loss on the predictions `pred`, for Sequential.backward; return grad."""
    try:
        _LOSS_GRADIENT[0] = (weakref.ref(grad), weakref.ref(pred))
    except TypeError:  # predictions that cannot be referenced weakly (a list): nothing to check against
        _LOSS_GRADIENT[0] = None
    return grad


def _loss_input_of(grad_out):
    """The predictions whose loss gave `grad_out`, if it is the gradient a loss's backward() returned last; or None."""
    last = _LOSS_GRADIENT[0]
    if last is None or last[0]() is not grad_out:
        return None
    return last[1]()


# ----------------------------------------------------------------------------- parameters and modules


class Parameter:
    """An array of weights (`data`) and the gradient of the loss with respect to it (`grad`)."""

    def __init__(self, data):
        self.data = np.asarray(data)  # any shape
        self.grad = np.zeros_like(self.data)  # same shape as data

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the weights."""
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base of every layer: `module(x)` runs forward; parameters() lists its Parameters."""

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        """Compute the output from the input (and remember what backward needs)."""
        raise NotImplementedError

    def backward(self, grad_out):
        """Turn dL/d(output) into dL/d(input), adding parameter gradients to their .grad."""
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        """Every Parameter of this module (none for an activation)."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter gradient to zero (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad[...] = 0


def _as_batch(x, who: str, features: int | None = None) -> np.ndarray:
    """Return x as a 2-D float batch (n, features), or raise a LayerInputError that says how to fix it."""
    x = as_float_array(x, f"the input of {who}", LayerInputError, keep_float_dtype=True)  # float32 stays float32
    if x.ndim != 2:
        want = f"(n, {features})" if features is not None else "(n, features)"
        fix = ("add a batch axis with x.reshape(1, -1)" if x.ndim < 2
               else "flatten each example with x.reshape(len(x), -1)")
        raise LayerInputError(f"{who} expects a batch of shape {want}, got shape {x.shape}: {fix}")
    if features is not None and x.shape[1] != features:
        raise LayerInputError(f"{who} got input with {x.shape[1]} features; it expects shape (n, {features})")
    return x


def _check_grad(grad_out, cached: np.ndarray | None, who: str) -> np.ndarray:
    """Check that backward comes after forward and that grad_out has the forward output's shape."""
    if cached is None:
        raise OrderError(f"{who}.backward() was called before forward(): run the forward pass first")
    grad_out = np.asarray(grad_out)
    if grad_out.shape != cached.shape:
        raise LayerInputError(f"{who}.backward() got a gradient of shape {grad_out.shape}, "
                         f"but its forward output had shape {cached.shape}")
    return grad_out


# ----------------------------------------------------------------------------- layers


class Linear(Module):
    """Z = X Wᵀ + b: a fully connected layer, W (out, in) and b (out,) laid out like torch.nn.Linear.

    `needs_input_grad=False` (for a first layer, whose input is data) skips the product that makes dL/dX.
    """

    def __init__(self, in_features: int, out_features: int, init: str = "he", rng=None,
                 dtype=np.float64, needs_input_grad: bool = True):
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise LayerInputError(f"Linear needs a positive whole number for {name}, got {value!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.needs_input_grad = bool(needs_input_grad)
        rng = np.random.default_rng(rng)
        self.W = Parameter(_init_weights(init, self.in_features, self.out_features, rng).astype(dtype))  # (out, in)
        self.b = Parameter(np.zeros(self.out_features, dtype=dtype))  # (out,)
        self._X: np.ndarray | None = None  # the last input, (n, in)
        self._Z: np.ndarray | None = None  # the last output, (n, out): only its shape is used

    def forward(self, x):
        """(n, in) -> (n, out)."""
        X = _as_batch(x, repr(self), self.in_features)  # (n, in)
        self._X = X
        self._Z = X @ self.W.data.T + self.b.data  # (n, in) @ (in, out) + (out,) -> (n, out)
        return self._Z

    def backward(self, grad_out):
        """dL/dZ (n, out) -> dL/dX (n, in), or None if not needs_input_grad; adds dL/dW (out, in) and dL/db (out,)."""
        grad_out = _check_grad(grad_out, self._Z, "Linear")  # (n, out): dL/dZ
        self.W.grad += grad_out.T @ self._X  # (out, n) @ (n, in) -> (out, in)
        self.b.grad += grad_out.sum(axis=0)  # (out,): b is added to every row, so its gradients add up
        if not self.needs_input_grad:
            return None  # the input is data: nobody needs dL/dX, so skip its matrix product
        return grad_out @ self.W.data  # (n, out) @ (out, in) -> (n, in): dL/dX

    def parameters(self) -> list[Parameter]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        flag = ", needs_input_grad=False" if not self.needs_input_grad else ""
        return f"Linear({self.in_features}→{self.out_features}{flag})"


def _init_weights(init: str, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Random starting weights (n_out, n_in): 'he' for ReLU, 'xavier' for tanh/sigmoid, 'torch' = PyTorch's default."""
    if init == "he":  # variance 2/n_in keeps ReLU activations from shrinking layer after layer
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
    if init == "xavier":  # variance 2/(n_in + n_out), for tanh and sigmoid
        return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))
    if init == "torch":  # nn.Linear's default: uniform in ±1/√n_in
        bound = 1.0 / np.sqrt(n_in)
        return rng.uniform(-bound, bound, size=(n_out, n_in))
    raise LayerInputError(f"unknown init {init!r}: use 'he', 'xavier' or 'torch'")


class ReLU(Module):
    """ReLU(x) = max(0, x), element by element; its gradient passes where x > 0 and stops elsewhere."""

    def __init__(self):
        self._mask: np.ndarray | None = None  # where x > 0, same shape as x

    def forward(self, x):
        """(n, d) -> (n, d)."""
        x = _as_batch(x, "ReLU")
        self._mask = x > 0
        return np.where(self._mask, x, 0).astype(x.dtype, copy=False)

    def backward(self, grad_out):
        """dL/dy -> dL/dx = dL/dy · 1[x > 0] (0 at x = 0, as in PyTorch)."""
        grad_out = _check_grad(grad_out, self._mask, "ReLU")
        return np.where(self._mask, grad_out, 0).astype(grad_out.dtype, copy=False)

    def __repr__(self) -> str:
        return "ReLU()"


class _Activation(Module):
    """An element-wise activation g from helpers.activations, by name: y = g(x), dL/dx = dL/dy · g′(x)."""

    name = ""  # a key of helpers.activations.ACTIVATIONS

    def __init__(self):
        self._x: np.ndarray | None = None  # the input, kept for backward

    def forward(self, x):
        """(n, d) -> (n, d)."""
        x = _as_batch(x, type(self).__name__)
        self._x = x
        return ACTIVATIONS[self.name](x).astype(x.dtype, copy=False)  # computed in float64, returned in x's dtype

    def backward(self, grad_out):
        """dL/dy -> dL/dx = dL/dy · g′(x)."""
        grad_out = _check_grad(grad_out, self._x, type(self).__name__)
        return grad_out * ACTIVATIONS[self.name].grad(self._x).astype(grad_out.dtype, copy=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(_Activation):
    """σ(x) = 1 / (1 + e^(−x)); its derivative is σ(x)(1 − σ(x))."""

    name = "sigmoid"


class Tanh(_Activation):
    """tanh(x); its derivative is 1 − tanh(x)²."""

    name = "tanh"


class Sequential(Module):
    """Layers applied one after another; backward visits them in reverse order (the chain rule)."""

    def __init__(self, *layers: Module):
        for layer in layers:
            if not isinstance(layer, Module):
                raise NotALayerError(f"Sequential takes layers (Linear, ReLU, ...), got {type(layer).__name__}")
        self.layers = list(layers)
        self._last_output = None  # what forward returned last: the batch the layers now remember
        self._outputs = weakref.WeakValueDictionary()  # id -> every output of forward still in use somewhere

    def forward(self, x):
        """Feed x through every layer in turn."""
        for layer in self.layers:
            x = layer(x)
        self._last_output = x
        try:
            self._outputs[id(x)] = x
        except TypeError:  # an output that cannot be referenced weakly: it is just not recognised later
            pass
        return x

    def _check_layers_hold_the_loss_batch(self, grad_out) -> None:
        """Raise StaleForwardError if grad_out is a loss's gradient on an earlier output of this network, and the
        network has run forward since on other data (or other weights): its layers no longer hold that batch."""
        pred = _loss_input_of(grad_out)
        if pred is None or pred is self._last_output or self._outputs.get(id(pred)) is not pred:
            return  # not a loss on this network's outputs, or on its last one: the layers hold what it saw
        last = self._last_output
        if np.shape(last) == np.shape(pred) and np.array_equal(last, pred):
            return  # the same batch run again: the layers hold what the loss saw
        raise StaleForwardError(
            f"backward() got the gradient of a loss on an earlier output of this network (shape {np.shape(pred)}), "
            f"but the network has run forward since, on other data (its last output has shape {np.shape(last)}): "
            "its layers now remember that batch, not the one the loss saw, so the gradients would be wrong. "
            "Run other data (validation points, a plot) through the network only after backward() and step(), or "
            "run the training batch through it once more just before backward()")

    def backward(self, grad_out):
        """Feed dL/d(output) back through every layer, last to first; returns dL/d(input) (None if not needed)."""
        self._check_layers_hold_the_loss_batch(grad_out)
        for i, layer in reversed(list(enumerate(self.layers))):
            grad_out = layer.backward(grad_out)
            if grad_out is None:  # a layer whose input is data: the layers before it get no gradient
                if i > 0:
                    raise LayerInputError(f"{layer!r} has needs_input_grad=False, but layers before it need "
                                     "its input's gradient: only the first layer may skip it")
                return None
        return grad_out

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


ACTIVATION_LAYERS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


def MLP(sizes, activation: str = "relu", rng=None, dtype=np.float64) -> Sequential:  # noqa: N802 - reads like a class
    """A multi-layer perceptron: Linear layers of the given sizes with an activation between them (none at the end)."""
    sizes = list(sizes)
    if len(sizes) < 2:
        raise LayerInputError(f"MLP needs at least an input and an output size, got {sizes}")
    if activation not in ACTIVATION_LAYERS:
        raise LayerInputError(f"unknown activation {activation!r}: use one of {sorted(ACTIVATION_LAYERS)}")
    rng = np.random.default_rng(rng)
    init = "he" if activation == "relu" else "xavier"
    layers: list[Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ACTIVATION_LAYERS[activation]())
    return Sequential(*layers)


# ----------------------------------------------------------------------------- losses


class CrossEntropyLoss:
    """Softmax + cross-entropy on raw scores (logits), averaged over the batch, like torch.nn.CrossEntropyLoss."""

    def __init__(self):
        self._logits = self._labels = None  # remembered by forward for backward

    def __call__(self, logits, labels) -> float:
        return self.forward(logits, labels)

    def forward(self, logits, labels) -> float:
        """L = mean over the batch of −log softmax(logits)[label]; logits (n, k), labels (n,) class indices."""
        self._logits, self._labels = logits, labels
        return softmax_cross_entropy(labels, logits)  # helpers.losses: stable log-sum-exp

    def backward(self):
        """dL/dlogits = (softmax(logits) − one_hot(labels)) / n, shape (n, k)."""
        if self._logits is None:
            raise OrderError("CrossEntropyLoss.backward() was called before forward(): compute the loss first")
        grad = softmax_cross_entropy_grad(self._labels, self._logits)  # (n, k), float64
        grad = grad.astype(_float_dtype(self._logits), copy=False)  # float32 in, float32 out
        return _remember_loss_gradient(grad, self._logits)


class MSELoss:
    """Mean squared error over every element, like torch.nn.MSELoss."""

    def __init__(self):
        self._pred = self._target = None  # remembered by forward for backward

    def __call__(self, pred, target) -> float:
        return self.forward(pred, target)

    def forward(self, pred, target) -> float:
        """L = mean((pred − target)²); pred and target have the same shape."""
        self._pred, self._target = pred, target
        return mse(target, pred)

    def backward(self):
        """dL/dpred = 2 (pred − target) / (number of elements)."""
        if self._pred is None:
            raise OrderError("MSELoss.backward() was called before forward(): compute the loss first")
        grad = mse_grad(self._target, self._pred).astype(_float_dtype(self._pred), copy=False)
        return _remember_loss_gradient(grad, self._pred)


def _float_dtype(x) -> np.dtype:
    """x's dtype if it is a float type, else float64 (so float32 training stays float32)."""
    dtype = np.asarray(x).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


# ----------------------------------------------------------------------------- optimisers


class Optimizer:
    """Base of the optimisers: holds the parameters and the learning rate; step() updates the weights."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not lr > 0:
            raise LayerInputError(f"the learning rate must be positive, got lr={lr}")
        self.lr = lr

    def step(self) -> None:
        """Move every parameter a little, using its .grad."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter gradient to zero."""
        for p in self.params:
            p.grad[...] = 0


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (the same update as torch.optim.SGD)."""

    def __init__(self, params, lr: float, momentum: float = 0.0):
        super().__init__(params, lr)
        if not 0 <= momentum < 1:
            raise LayerInputError(f"momentum must lie in [0, 1), got {momentum}")
        self.momentum = momentum
        self.velocity = [np.zeros_like(p.data) for p in self.params]  # one per parameter, same shape

    def step(self) -> None:
        """w ← w − lr·g, or with momentum: v ← μ·v + g, then w ← w − lr·v."""
        for p, v in zip(self.params, self.velocity, strict=True):
            if self.momentum:
                v *= self.momentum
                v += p.grad
                p.data -= self.lr * v
            else:
                p.data -= self.lr * p.grad


class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by a running size of the gradient (as torch.optim.Adam)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0  # number of steps taken, for the bias correction
        self.m = [np.zeros_like(p.data) for p in self.params]  # running mean of g
        self.v = [np.zeros_like(p.data) for p in self.params]  # running mean of g²

    def step(self) -> None:
        """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr · m̂ / (√v̂ + ε), with m̂, v̂ bias-corrected."""
        self.t += 1
        correct1, correct2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            m *= self.beta1
            m += (1 - self.beta1) * p.grad
            v *= self.beta2
            v += (1 - self.beta2) * p.grad**2
            p.data -= self.lr * (m / correct1) / (np.sqrt(v / correct2) + self.eps)
