"""Owned float lists held as C arrays of doubles for the length of one C-only loop.

A C-only ``range()`` loop that owns the float lists it indexes (``_Emitter.owned_lists``:
every element an exact float, every stored one referenced by its list alone) reads and writes
the values inside the float objects. That is still a chain of loads per element (the list's
item array, the item, its value), and as CPython builds extensions with
``-fno-strict-aliasing``, the C compiler reloads all of them after every store: the n-body
kernel ran at about half the speed of its hand-typed version, which copies its lists into C
arrays of doubles once. This module says which owned lists the loop may hold that way; the
emitter does so only when the loop stores into one of them (with no store, nothing is
reloaded, and the lists are read in place).

A list held as an array is copied into it before the loop and, if the loop stores into it,
copied back into its own floats when the loop is left in any way (a ``try``/``finally``:
the end, ``break``, ``return``, a deoptimization, an exception). Inside, no Python code runs,
so nothing else can see the list meanwhile; what the loop itself reads must come from the
array too. So a list qualifies only when every use of its name in the loop is

* ``xs[v + c]`` (``v``, ``v - c``: :func:`index_offset`), a float element indexed by the
  variable of an enclosing ``range()`` loop with a positive step, in that loop's body, which
  does not assign ``xs``: the emitter checks these indices against ``len(xs)`` before that
  loop (``index_ranges``), so the array is only read and written in bounds, and these are the
  reads and stores it compiles without checks (``owned_element``); or
* ``len(xs)``, which no store changes.

A name assigned, iterated, passed, or indexed any other way keeps the list as it is. Two
names for one list would see each other's stores through the list but not through two copies:
the emitter takes the arrays only when each such list is a different object from every other
owned list (checked at run time, with the ownership).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from autocy.annotate.analysis import assigned_names, loop_shape, range_call, range_parts
from autocy.annotate.expressions import ExprTyper


def index_offset(node: ast.expr, var: str) -> int | None:
    """``c`` when ``node`` is ``var``, ``var + c``, ``c + var`` or ``var - c`` for an int
    constant ``c`` within +-2**20, else None."""
    if isinstance(node, ast.Name):
        return 0 if node.id == var else None
    if not isinstance(node, ast.BinOp) or not isinstance(node.op, (ast.Add, ast.Sub)):
        return None
    left, right = node.left, node.right
    if isinstance(node.op, ast.Add) and isinstance(left, ast.Constant):
        left, right = right, left
    if not (isinstance(left, ast.Name) and left.id == var and isinstance(right, ast.Constant)
            and type(right.value) is int and abs(right.value) <= 2 ** 20):
        return None
    return right.value if isinstance(node.op, ast.Add) else -right.value


def array_lists(typer: ExprTyper, loop: ast.For, owned: Iterable[str],
                float_element: Callable[[ast.AST], bool]) -> set[str]:
    """The lists of ``owned`` that the C-only ``range()`` loop ``loop`` may hold as C arrays
    (see the module docstring).

    Args:
        typer: the function's expression typer.
        loop: the outermost C-only ``range()`` loop that owns the lists.
        owned: the names of the lists it owns.
        float_element: whether a node is ``xs[i]``, a float element of an exact list read
            with a C int index (``_Emitter.float_element``).

    Returns:
        The names (a subset of ``owned``) every use of which in ``loop`` is a checked float
        element or ``len()``.
    """
    candidates = set(owned)
    rejected: set[str] = set()

    def visit(node: ast.AST, frames: list[tuple[str, set[str]]]) -> None:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in candidates:
            name = node.value.id
            if not (float_element(node) and any(index_offset(node.slice, var) is not None and name not in assigned
                                                for var, assigned in frames)):
                rejected.add(name)
            visit(node.slice, frames)
            return
        if (isinstance(node, ast.Call) and typer.builtin(node.func, "len") and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Name) and node.args[0].id in candidates):
            return
        if isinstance(node, ast.Name) and node.id in candidates:
            rejected.add(node.id)
            return
        if isinstance(node, ast.For):
            visit(node.target, frames)
            visit(node.iter, frames)
            inner = frames
            if loop_shape(typer, node) == "range" and range_parts(range_call(typer, node.iter))[2] > 0:
                inner = [*frames, (node.target.id, assigned_names(node.body))]
            for stmt in node.body:
                visit(stmt, inner)
            for stmt in node.orelse:
                visit(stmt, frames)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, frames)

    visit(loop, [])
    return candidates - rejected
