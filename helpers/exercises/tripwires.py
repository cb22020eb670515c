"""Tripwires: while a learner's function runs, the callables an exercise forbids raise instead of computing.

An exercise that asks the learner to write a computation names what would do it for them, e.g.
`forbid=("helpers.losses.mse_grad", "helpers.gradcheck", "torch.nn.functional")`: a dotted name is one callable
(a function, a class, or a method such as "torch.Tensor.backward"); a module stands for every public function and
class it defines. While the learner's function runs, each is swapped for a tripwire: where the spec names it, in the
function's globals (the notebook's names) and closure, and in every `helpers` module that imports it. All is put
back afterwards, even when the learner's function raises. The checker's own code runs outside, with the real ones.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import sys
from collections.abc import Sequence


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
    home = getattr(obj, "__module__", None) or ""
    if inspect.isbuiltin(obj) and not home.startswith("helpers"):
        return True  # e.g. torch.nn.functional.linear, which lives in torch._C._nn
    return (inspect.isfunction(obj) or inspect.isclass(obj)) and (home == module or home.startswith(module + "."))


@functools.cache
def _places(spec: str) -> tuple[tuple[object, str, str], ...]:
    """(owner, attribute, owner's dotted name) of every callable a spec names."""
    found = _lookup(spec)
    if inspect.ismodule(found):
        return tuple((found, name, spec) for name, obj in vars(found).items()
                     if not name.startswith("_") and _defined_in(obj, found.__name__))
    owner_path, name = spec.rsplit(".", 1)
    return ((_lookup(owner_path), name, owner_path),)


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


def _sites(fn, forbid: Sequence) -> list[tuple[object, str, object, str]]:
    """(namespace or class, name, original, label) for every place a forbidden callable is reachable from `fn`."""
    found = places(forbid)
    labels = {id(obj): label for _, _, obj, label in found}
    sites: dict[tuple[int, str], tuple] = {}
    for owner, name, obj, label in found:
        if owner is not None and obj is not None:
            where = next(c for c in owner.__mro__ if name in vars(c)) if inspect.isclass(owner) else vars(owner)
            sites[(id(where), name)] = (where, name, obj, label)
    for ns in _namespaces(fn):
        for name, value in list(ns.items()):
            if id(value) in labels:
                sites.setdefault((id(ns), name), (ns, name, value, labels[id(value)]))
    for cell, value in _cells(fn):
        if id(value) in labels:
            sites[(id(cell), "")] = (cell, "cell_contents", value, labels[id(value)])
    return list(sites.values())


def _put(where, name: str, value) -> None:
    """Set a name in a namespace dict, or an attribute of a class."""
    if isinstance(where, dict):
        where[name] = value
    else:
        setattr(where, name, value)


def _tripwire(label: str, calls: list):
    """A stand-in that records the call and raises Tripped (recorded, in case the learner's code catches it)."""
    def tripwire(*args, **kwargs):
        calls.append(label)
        raise Tripped(label)
    return tripwire


@contextlib.contextmanager
def tripwires(fn, forbid: Sequence):
    """While the block runs, every callable in `forbid` that `fn` can reach raises Tripped; all is restored after."""
    calls: list[str] = []
    sites = _sites(fn, forbid) if forbid else []
    for where, name, _, label in sites:
        _put(where, name, _tripwire(label, calls))
    try:
        yield
    except Exception:
        if not calls:
            raise
    finally:
        for where, name, original, _ in reversed(sites):
            _put(where, name, original)
    if calls:
        raise Tripped(calls[0])


AUTOGRAD = ("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward")  # autograd derives for you
