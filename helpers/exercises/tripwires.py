"""Tripwires: while a learner's function runs, the callables an exercise forbids raise instead of computing.

An exercise that asks the learner to write a computation names what would do it for them, e.g.
`forbid=("helpers.losses.mse_grad", "helpers.gradcheck", "torch.nn.functional")`: a dotted name is one callable
(a function, a class, or a method such as "torch.Tensor.backward"); a module stands for every public function,
class and ufunc it defines (a package that is not installed, such as scipy, forbids nothing). A forbidden torch
function also forbids the tensor method of its name (`t.relu()` for torch.relu or F.relu). While the learner's
function runs, each is swapped for a tripwire: where the spec names it, in its home module (torch.optim.sgd for
torch.optim.SGD), in the function's globals (the notebook's names), closure and default arguments, and in every
`helpers` module that imports it; a plain Python function's body is swapped too, so it trips however it is reached
(a registry's entry such as ACTIVATIONS["relu"], an attribute holding it). All is put back afterwards, even when
the learner's function raises. The checker's own code runs outside, with the real ones.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Sequence

import numpy as np

_ABSENT = object()  # a class attribute that was inherited, not its own: taken away again afterwards


class Tripped(Exception):
    """The learner's function called a forbidden callable; `what` names it (e.g. "mse_grad from helpers.losses")."""

    def __init__(self, what: str):
        super().__init__(f"{what} is off limits in this exercise")
        self.what = what


def _lookup(path: str):
    """The module or object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            found = getattr(found, part)  # AttributeError: a typo in an exercise's `forbid`
        return found
    raise ImportError(f"cannot import {path!r}")


def _defined_in(obj, module: str) -> bool:
    """True for a function or (non-exception) class that `module` defines, or a C function it exposes."""
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return False
    if isinstance(obj, np.ufunc):  # e.g. scipy.special.expit; NumPy's own (np.exp) are never forbidden
        return getattr(np, obj.__name__, None) is not obj
    home = getattr(obj, "__module__", None) or ""
    if inspect.isbuiltin(obj) and not home.startswith("helpers"):
        return True  # e.g. torch.nn.functional.linear, which lives in torch._C._nn
    return (inspect.isfunction(obj) or inspect.isclass(obj)) and (home == module or home.startswith(module + "."))


def _tensor_twins(owner, name: str) -> list[tuple[object, str, str]]:
    """The tensor methods that compute what torch function `name` does: t.relu() and t.relu_() for torch.relu."""
    if not inspect.ismodule(owner) or not owner.__name__.startswith("torch"):
        return []
    import torch

    return [(torch.Tensor, method, "torch.Tensor") for method in (name, name + "_")
            if callable(inspect.getattr_static(torch.Tensor, method, None))]  # not t.grad, a property


@functools.cache
def _places(spec: str) -> tuple[tuple[object, str, str], ...]:
    """(owner, attribute, owner's dotted name) of every callable a spec names."""
    if importlib.util.find_spec(spec.split(".")[0]) is None:
        return ()  # an optional package the learner has not installed: nothing to call
    found = _lookup(spec)
    if inspect.ismodule(found):
        named = [(found, name, spec) for name, obj in vars(found).items()
                 if not name.startswith("_") and _defined_in(obj, found.__name__)]
    else:
        owner_path, name = spec.rsplit(".", 1)
        named = [(_lookup(owner_path), name, owner_path)]
    return tuple(named + [twin for owner, name, _ in named for twin in _tensor_twins(owner, name)])


def _get(owner, name: str):
    """The attribute as stored: a class's own entry (so a staticmethod stays one), or a module's."""
    if inspect.isclass(owner):
        return next((vars(c)[name] for c in owner.__mro__ if name in vars(c)), None)
    return vars(owner).get(name)


def places(forbid: Sequence) -> list[tuple[object, str, object, str]]:
    """(owner, attribute, callable, "name from owner") for every entry of `forbid`: dotted names, or callables."""
    found = []
    for spec in forbid:
        if isinstance(spec, str):
            found += [(owner, name, _get(owner, name), f"{name} from {path}") for owner, name, path in _places(spec)]
        else:  # a callable itself: its home module holds it, if it is there under its own name
            home, name = getattr(spec, "__module__", None) or "", getattr(spec, "__name__", "")
            owner = sys.modules.get(home)
            found.append((owner if owner and _get(owner, name) is spec else None, name, spec, f"{name} from {home}"))
    return found


def _namespaces(fn) -> list[dict]:
    """Where a learner's function finds names: its globals, and every loaded `helpers` module (exercises aside)."""
    own = getattr(getattr(fn, "func", fn), "__globals__", None)
    course = [vars(m) for name, m in list(sys.modules.items()) if m is not None
              and (name == "helpers" or name.startswith("helpers.")) and not name.startswith("helpers.exercises")]
    return ([own] if own is not None else []) + course


def _cells(fn) -> list[tuple[object, object]]:
    """(cell, value) for the closure of a learner's function: the names it takes from an enclosing function."""
    found = []
    for cell in getattr(getattr(fn, "func", fn), "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # an empty cell: a name not yet assigned
            found.append((cell, cell.cell_contents))
    return found


def _homes(owner, name: str, obj) -> list[dict]:
    """Where a forbidden callable lives: its owner module, and the module that defines it (torch.optim.sgd)."""
    found = [vars(owner)]
    home = sys.modules.get(getattr(obj, "__module__", None) or "")
    if home is not None and home is not owner and vars(home).get(name) is obj:
        found.append(vars(home))
    return found


def _sites(fn, forbid: Sequence) -> list[tuple[object, object, object, str]]:
    """(where, name, original, label) for every place `fn` can reach a forbidden callable from."""
    found = places(forbid)
    labels = {id(obj): label for _, _, obj, label in found}
    sites: dict[tuple[int, object], tuple] = {}
    for owner, name, obj, label in found:
        if owner is None or obj is None:
            continue
        if inspect.isclass(owner):  # shadowed on the class itself (torch's C base classes cannot be changed)
            sites[(id(owner), name)] = (owner, name, vars(owner).get(name, _ABSENT), label)
        else:
            for ns in _homes(owner, name, obj):
                sites[(id(ns), name)] = (ns, name, obj, label)
    inner = getattr(fn, "func", fn)
    for ns in [*_namespaces(fn), getattr(inner, "__kwdefaults__", None) or {}]:
        for name, value in list(ns.items()):
            if id(value) in labels:
                sites.setdefault((id(ns), name), (ns, name, value, labels[id(value)]))
    for i, value in enumerate(getattr(inner, "__defaults__", None) or ()):  # def f(z, g=sigmoid): bound at def
        if id(value) in labels:
            sites[(id(inner), i)] = (inner, i, value, labels[id(value)])
    for cell, value in _cells(fn):
        if id(value) in labels:
            sites[(id(cell), "")] = (cell, "cell_contents", value, labels[id(value)])
    return list(sites.values())


def _put(where, name, value) -> None:
    """Set a name in a namespace dict, a positional default (name: its index), or an attribute of a class."""
    if isinstance(where, dict):
        where[name] = value
    elif isinstance(name, int):
        defaults = list(where.__defaults__)
        defaults[name] = value
        where.__defaults__ = tuple(defaults)
    elif value is _ABSENT:
        delattr(where, name)
    else:
        setattr(where, name, value)


class _Tripwire:
    """A stand-in that raises Tripped when called or asked for an attribute (SimpleNN.forward), and records it
    (in case the learner's code catches the exception)."""

    def __init__(self, label: str, calls: list):
        self.label, self.calls = label, calls

    def __call__(self, *args, **kwargs):
        self.calls.append(self.label)
        raise Tripped(self.label)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # Python's own look-ups (__wrapped__, __name__): not the learner's
            raise AttributeError(name)
        return self()


_TRIP = "__nn_tripwire__"  # the name a forbidden function's stand-in body calls, put in its module while a check runs


class _Recorder:
    """What a swapped body calls: records its label and raises Tripped (one per module, shared by its functions)."""

    def __init__(self, calls: list):
        self.calls = calls

    def __call__(self, label: str):
        self.calls.append(label)
        raise Tripped(label)


def _stand_in(*args, **kwargs):
    return __nn_tripwire__("LABEL")  # noqa: F821 - put in the forbidden function's globals by `tripwires`


def _bodies(forbid: Sequence) -> list[tuple[object, object, str]]:
    """(function, its code, label) for every plain Python function `forbid` names: its body itself is swapped, so it
    trips however it is reached (a registry such as ACTIVATIONS["relu"], an attribute, another module's import)."""
    found = {}
    for _, _, obj, label in places(forbid):
        fn = getattr(obj, "__func__", obj)  # a staticmethod's function
        if inspect.isfunction(fn) and not fn.__code__.co_freevars and id(fn) not in found:
            found[id(fn)] = (fn, fn.__code__, label)
    return list(found.values())


def _swap_body(fn, label: str) -> None:
    """Give `fn` a body that calls the tripwire with its label (same name, so tracebacks still read right)."""
    stand_in = _stand_in.__code__
    consts = tuple(label if c == "LABEL" else c for c in stand_in.co_consts)
    fn.__code__ = stand_in.replace(co_consts=consts, co_name=fn.__code__.co_name,
                                   co_qualname=fn.__code__.co_qualname)


@contextlib.contextmanager
def tripwires(fn, forbid: Sequence):
    """While the block runs, every callable in `forbid` that `fn` can reach raises Tripped; all is restored after."""
    calls: list[str] = []
    sites = _sites(fn, forbid) if forbid else []
    bodies = _bodies(forbid) if forbid else []
    for where, name, _, label in sites:
        _put(where, name, _Tripwire(label, calls))
    for body_fn, _, label in bodies:
        body_fn.__globals__[_TRIP] = _Recorder(calls)
        _swap_body(body_fn, label)
    try:
        yield
    except Exception:
        if not calls:
            raise
    finally:
        for body_fn, code, _ in bodies:
            body_fn.__code__ = code
            body_fn.__globals__.pop(_TRIP, None)
        for where, name, original, _ in reversed(sites):
            _put(where, name, original)
    if calls:
        raise Tripped(calls[0])


AUTOGRAD = ("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward")  # autograd derives for you
