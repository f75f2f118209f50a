"""``sum()``, ``min()`` or ``max()`` of a generator expression over a list of floats, as a C
loop with a fallback.

``total = sum(x * k for x in xs)`` makes a generator and a float object per item, and adds
them with CPython's ``sum()``. Up to Python 3.11, that ``sum()`` of floats is a C double that
starts at ``0.0`` (the int ``0`` plus the first float) and gets each item added in order; the
items are CPython's float arithmetic. So where the generator expression is ``(E for x in xs)``
or ``(E for a, b in zip(xs, ys))`` with ``xs`` and ``ys`` local lists or tuples of exact
floats, and ``E`` made of the loop's variables, other locals that hold exact floats, number
literals, ``+ - * /``, unary ``-`` and ``abs()``, a loop over C doubles gives the same
float: the same operations, rounded the same way, in the same order (``-ffp-contract=off``
keeps gcc from fusing them). ``zip()`` stops at the shortest list, as the loop does (a list's iterator has
no effects, so the item ``zip()`` takes from a longer list before it stops is not missed).
From Python 3.12 on, ``sum()`` of floats adds with Neumaier's compensation, so there a
``sum()`` statement always runs as written.

``max()`` keeps its first item and replaces it by each later item that compares greater
(``item > best``, ``min()``: ``item < best``); for floats that comparison is C's, NaN
included, in every Python version, and so is the loop's. Its result is the winning item
itself: a new float where ``E`` computes one, and where ``E`` is a bare name, the object that
name held (the list's element, or the local), as in CPython.

The loop runs no Python code, so nothing can change ``xs`` or the locals while it runs, and
it has no effect until it is done. It gives up (before its statement has done anything) for
no items (``sum()`` returns the int ``0``, ``min()`` and ``max()`` raise ValueError), an item
or local that is no exact float, and a zero divisor (Python raises ZeroDivisionError). The
statement then runs as written, from its start.

Taken where the call is the whole value of an assignment to names or of a ``return`` (so
nothing in the statement runs before it), and the locals it reads are certainly bound (an
unbound one raises NameError in CPython only when an item is computed).
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

from autocy.annotate.closures import PLACEHOLDER, Closures
from autocy.annotate.runtime import EXACT_DOUBLE_BOUND

BUILTINS = ("sum", "min", "max") if sys.version_info < (3, 12) else ("min", "max")
"""The builtins whose loops are made for the Python this build is for (the one running the
annotator): ``sum()`` only before 3.12 (see the module docstring)."""

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


@dataclass(frozen=True)
class ReductionLoop:
    """``builtin((element for var in iterable))``, or ``for a, b in zip(xs, ys)``:
    ``builtin`` is ``"sum"``, ``"min"`` or ``"max"``, ``items`` are ``(var, iterable)``
    pairs, ``names`` the other locals ``element`` reads, in order of first use."""

    builtin: str
    items: tuple[tuple[str, str], ...]
    element: ast.expr
    names: tuple[str, ...]

    @property
    def kept_name(self) -> str | None:
        """The name whose object ``min()``/``max()`` returns when ``element`` is a bare
        name (unary ``+`` of a float is the float itself), else None (a new float)."""
        node = self.element
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            node = node.operand
        return node.id if isinstance(node, ast.Name) and self.builtin != "sum" else None


def reduction_loop(node: ast.AST, closures: Closures, local_names: set[str],
                   is_builtin: Callable[[ast.expr, str], bool]) -> ReductionLoop | None:
    """The :class:`ReductionLoop` of ``node`` (in the analysis' copy of the function, with
    closures as placeholder calls), or None when it is no ``sum()``, ``min()`` or ``max()``
    call the loop can compute.

    Args:
        node: any node.
        closures: the function's closures (see :mod:`autocy.annotate.closures`).
        local_names: the function's locals and parameters.
        is_builtin: ``is_builtin(func, name)`` tells whether a call's ``func`` is the
            builtin ``name`` (``sum``, ``min``, ``max``, ``zip``).
    """
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return None
    builtin = next((name for name in BUILTINS if is_builtin(node.func, name)), None)
    if builtin is None:
        return None
    placeholder = node.args[0]
    if not (isinstance(placeholder, ast.Call) and isinstance(placeholder.func, ast.Name)
            and placeholder.func.id.startswith(PLACEHOLDER)):
        return None
    number = int(placeholder.func.id[len(PLACEHOLDER):])
    if number not in closures.consumed:
        return None
    generator = ast.parse(closures.sources[number], mode="eval").body
    if not isinstance(generator, ast.GeneratorExp) or len(generator.generators) != 1:
        return None
    loop = generator.generators[0]
    items = None if loop.ifs or loop.is_async else _items(loop, local_names, is_builtin)
    if items is None:
        return None
    names: list[str] = []
    variables = {var for var, _ in items}
    if _computable(generator.elt, variables, local_names, names,
                   lambda func, name: func.id not in variables and is_builtin(func, name)) != "float":
        return None
    return ReductionLoop(builtin, items, generator.elt, tuple(names))


def _items(loop: ast.comprehension, local_names: set[str],
           is_builtin: Callable[[ast.expr, str], bool]) -> tuple[tuple[str, str], ...] | None:
    """``(var, iterable)`` for ``for x in xs``, one pair per name for ``for a, b in zip(xs, ys)``
    (distinct names, locals as the iterables, no keywords), else None."""
    if isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name) and loop.iter.id in local_names:
        return ((loop.target.id, loop.iter.id),)
    if not (isinstance(loop.target, ast.Tuple) and isinstance(loop.iter, ast.Call)
            and is_builtin(loop.iter.func, "zip") and not loop.iter.keywords):
        return None
    targets, iterables = loop.target.elts, loop.iter.args
    if not (targets and len(targets) == len(iterables) and all(isinstance(t, ast.Name) for t in targets)
            and len({t.id for t in targets}) == len(targets)
            and all(isinstance(i, ast.Name) and i.id in local_names for i in iterables)):
        return None
    return tuple((t.id, i.id) for t, i in zip(targets, iterables, strict=True))


def _computable(node: ast.expr, variables: set[str], local_names: set[str], names: list[str],
                is_builtin: Callable[[ast.Name, str], bool]) -> str | None:
    """``"float"`` or ``"int"``, the type of ``node``'s value, when the loop computes it in C
    doubles exactly as CPython does (see the module docstring), else None; collects the
    locals other than the loop's ``variables`` it reads into ``names``. An operation of two
    ints (exact in Python, rounded in a double) is left to CPython, but for a true division,
    which CPython rounds once as C does; so is a literal too large for a double (``1e999``).
    ``abs()`` of a float is C's ``fabs()`` (both clear the sign bit, of NaN too)."""
    if isinstance(node, ast.Constant):
        if type(node.value) is float:
            return "float" if math.isfinite(node.value) else None
        return "int" if type(node.value) is int and abs(node.value) <= EXACT_DOUBLE_BOUND else None
    if isinstance(node, ast.Name):
        if node.id not in variables and node.id not in names:
            if node.id not in local_names:
                return None
            names.append(node.id)
        return "float"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _computable(node.operand, variables, local_names, names, is_builtin)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and is_builtin(node.func, "abs")
            and len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)):
        return _computable(node.args[0], variables, local_names, names, is_builtin)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _computable(node.left, variables, local_names, names, is_builtin)
        right = _computable(node.right, variables, local_names, names, is_builtin)
        if left is None or right is None or (left == right == "int" and not isinstance(node.op, ast.Div)):
            return None
        return "float"
    return None


def element_code(node: ast.expr, values: dict[str, str], divisors: list[str]) -> str:
    """``node`` as a C double expression of the Cython code, each name read from its C double
    in ``values``; the code of each divisor goes to ``divisors`` (the loop gives up when one
    is zero)."""
    if isinstance(node, ast.Constant):
        return repr(float(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.Call):  # (abs(), see _computable)
        return f"_autocy_fabs({element_code(node.args[0], values, divisors)})"
    if isinstance(node, ast.UnaryOp):
        operand = element_code(node.operand, values, divisors)
        return f"(-{operand})" if isinstance(node.op, ast.USub) else operand
    left, right = element_code(node.left, values, divisors), element_code(node.right, values, divisors)
    if isinstance(node.op, ast.Div):
        divisors.append(right)
    return f"({left} {_OPERATORS[type(node.op)]} {right})"
