"""Autograd inside: a number that remembers how it was made, and backpropagates through that history.

After Andrej Karpathy's micrograd. Every operation on `Value`s makes a new `Value` that keeps its inputs
(`parents`) and a small function `_backward` that applies the chain rule for that one operation:
it takes `out.grad` (∂L/∂out) and *adds* to each input's `.grad` the local derivative times it.
`loss.backward()` then visits the graph from the loss back to the inputs, each node after every node
that uses it (topological order), and calls `_backward` once per node. That is all `loss.backward()`
does in PyTorch, too, on arrays instead of single numbers.

Gradients are added with `+=`: a value used twice (fan-out) gets the sum of the two contributions.
It is also why gradients must be reset (`p.grad = 0.0`, PyTorch's `zero_grad()`) before each backward pass.
"""

from __future__ import annotations

import math
import numbers

from helpers.errors import CourseError


class ValueInputError(CourseError, TypeError):
    """A Value was made from something that is not one real number."""


class Value:
    """One number (`data`), ∂L/∂(this number) (`grad`), and the operation that made it."""

    def __init__(self, data: float, parents: tuple = (), op: str = ""):
        if not isinstance(data, numbers.Real):  # int, float, NumPy scalars; not arrays, strings, tensors
            raise ValueInputError(f"a Value holds one real number, got a {type(data).__name__}: {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.parents, self.op = parents, op
        self._backward = lambda: None  # a leaf (an input or a weight) has nobody to pass its gradient to

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # ∂out/∂self = 1, ∂out/∂other = 1: addition passes the gradient on
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():  # a product sends each side the other factor
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float):
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():  # d(x^k)/dx = k·x^(k−1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():  # tanh'(z) = 1 − tanh(z)²
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():  # relu'(z) = 1 where z > 0, else 0
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        """Add ∂(this value)/∂v to v.grad for every value v it was computed from."""
        order, seen = [], set()

        def visit(v):  # depth first: a value goes into `order` after all the values it was made from
            if v not in seen:
                seen.add(v)
                for parent in v.parents:
                    visit(parent)
                order.append(v)

        visit(self)
        for v in order:  # the in-between values start from 0; only the leaves (inputs, weights) accumulate
            if v.parents:
                v.grad = 0.0
        self.grad += 1.0  # ∂L/∂L = 1
        for v in reversed(order):  # from the loss back: each node's grad is complete before it is passed on
            v._backward()

    # the rest is spelled with the operations above
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):  # number − Value
        return other + (-self)

    __radd__ = __add__  # number + Value
    __rmul__ = __mul__  # number × Value

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"
