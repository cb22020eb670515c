"""helpers.value.Value, the micrograd-style autograd of notebook 05: its values and gradients equal torch.autograd's."""

import math

import pytest
import torch

from helpers.value import Value


def _torch_leaves(*numbers):
    return [torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for v in numbers]


def expression(x, y, w):
    """An expression with every operation, fan-out (x and h used twice) and a constant on each side."""
    h = (x * w + y).tanh()
    r = (h * x - 0.5).relu() if isinstance(h, Value) else torch.relu(h * x - 0.5)
    return (h - y) ** 2 + 3 * r + h * x - 2 - (1 - w) ** 3


@pytest.mark.parametrize("numbers", [(1.5, -0.3, 0.8), (-2.0, 0.7, -1.1), (0.4, 0.4, 2.0)])
def test_values_and_gradients_equal_torch(numbers):
    ours = [Value(v) for v in numbers]
    out = expression(*ours)
    out.backward()
    theirs = _torch_leaves(*numbers)
    out_t = expression(*theirs)
    out_t.backward()
    assert out.data == pytest.approx(out_t.item(), rel=1e-12)
    for v, t in zip(ours, theirs, strict=True):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)


def test_fan_out_adds_the_gradients_of_both_uses():
    x, y = Value(2.0), Value(-3.0)
    f = x * y + x  # x is used twice: ∂f/∂x = y + 1
    f.backward()
    assert f.data == -4.0 and x.grad == -2.0 and y.grad == 2.0


def test_shared_middle_value_gets_its_gradient_complete_before_passing_it_on():
    a = Value(0.7)
    b = a.tanh()
    c = b * b + b  # b feeds two nodes; its grad must be summed before tanh's backward runs
    c.backward()
    t = math.tanh(0.7)
    assert a.grad == pytest.approx((2 * t + 1) * (1 - t**2), rel=1e-12)


def test_backward_twice_without_zeroing_doubles_the_leaf_gradients_like_torch():
    x, y = Value(2.0), Value(-3.0)
    f = x * y + x
    f.backward()
    f.backward()
    xt, yt = _torch_leaves(2.0, -3.0)
    ft = xt * yt + xt
    ft.backward(retain_graph=True)
    ft.backward()
    assert (x.grad, y.grad) == (xt.grad.item(), yt.grad.item()) == (-4.0, 4.0)


def test_relu_passes_no_gradient_below_zero():
    x = Value(-1.5)
    x.relu().backward()
    assert x.grad == 0.0
    z = Value(0.5)
    (z.relu() * 4).backward()
    assert z.grad == 4.0


def test_training_a_neuron_lowers_its_loss():
    w, b = Value(-0.5), Value(0.0)
    data = [(1.0, 0.8), (-1.0, -0.6), (0.5, 0.3)]
    losses = []
    for _ in range(20):
        loss = sum(((w * x + b).tanh() - y) ** 2 for x, y in data)
        w.grad = b.grad = 0.0
        loss.backward()
        for p in (w, b):
            p.data -= 0.2 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.05 * losses[0]


def test_repr_shows_data_and_grad():
    assert repr(Value(1.25)) == "Value(data=1.2500, grad=0.0000)"


def test_a_value_of_something_else_than_one_number_is_a_course_error():
    from helpers.errors import CourseError
    from helpers.value import ValueInputError

    for bad in ("2.0", [1.0, 2.0], None):
        with pytest.raises(ValueInputError, match="one real number") as err:
            Value(bad)
        assert isinstance(err.value, CourseError) and isinstance(err.value, TypeError)
