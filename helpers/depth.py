"""Gradients in a deep, freshly initialised network: how much reaches each hidden layer (notebook 02)."""

from __future__ import annotations

from functools import partial

import torch

from helpers.activations import HIDDEN, ActivationInputError
from helpers.activations import activation as course_activation


def initialiser(activation: str):
    """The usual starting-weight rule for an activation: Glorot (Xavier) for sigmoid and tanh, He (Kaiming) for ReLU."""
    if activation == "relu":
        return partial(torch.nn.init.kaiming_normal_, nonlinearity="relu")
    gain = torch.nn.init.calculate_gain(activation)  # 1 for sigmoid, 5/3 for tanh
    return partial(torch.nn.init.xavier_normal_, gain=gain)


def hidden_gradient_norms(activation: str, depth: int = 10, width: int = 32, batch: int = 64,
                          seed: int = 0) -> list[float]:
    """The size (norm) of the gradient reaching each hidden layer's output, first layer first; length depth."""
    torch.manual_seed(seed)
    if activation not in HIDDEN:  # the registry's hidden-layer names; torch has a function of the same name
        course_activation(activation)  # an unknown name: a CourseError that lists the names
        raise ActivationInputError(f"{activation!r} is not a hidden-layer choice here: use one of {', '.join(HIDDEN)}")
    g, init = getattr(torch, activation), initialiser(activation)  # torch's version, for autograd
    h = torch.randn(batch, width)  # (batch, width): random inputs
    hidden = []
    for _ in range(depth):
        layer = torch.nn.Linear(width, width)
        init(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        h = g(layer(h))  # (batch, width)
        h.retain_grad()  # keep the gradient of this intermediate result
        hidden.append(h)
    torch.nn.Linear(width, 1)(h).sum().backward()  # one output neuron; its sum stands in for a loss
    return [h_k.grad.norm().item() for h_k in hidden]
