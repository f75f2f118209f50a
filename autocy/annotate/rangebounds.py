"""``range()`` bounds computed on objects, given C-int locals of their own.

A ``for`` loop runs as a C loop only over C-int bounds (:func:`~autocy.annotate.analysis.range_call`).
A bound computed from an untyped value, ``range(1, self.degree + 1)``, is an object, so the loop
iterated a ``range`` object and checked every index it gave (bm_chaos's spline: two such loops
nested, per point). :func:`hoist_range_bounds` gives such bounds names of their own, assigned just
before the loop: ``_ac_rb1 = self.degree + 1; for ik in range(1, _ac_rb1)``. The analysis then
types the new names as C ints like any local (a guard where the value enters: an exact int within
the loop variable's bound, else the code deoptimizes with the value computed, and the generic
``range()`` raises or iterates as Python does), and the loop is a C loop. The same holds for
the ``range()`` inside ``reversed(range(...))``.

The rewrite keeps Python's order of evaluation: every argument up to the last one hoisted that is
not a constant is hoisted, in order, so nothing the loop's ``range()`` evaluated before a hoisted
argument is evaluated after it now. Each assignment carries the argument's line, so a traceback
points where the user's code does.
"""

from __future__ import annotations

import ast
import copy
import itertools

from autocy.annotate.expressions import ExprTyper
from autocy.annotate.kinds import Kind

PREFIX = "_ac_rb"
"""How the new locals are named (``_ac_rb1``, ``_ac_rb2``, ...): autocy's reserved prefix."""


def hoist_range_bounds(function: ast.FunctionDef, typer: ExprTyper,
                       kinds: dict[str, Kind]) -> tuple[ast.FunctionDef, dict[str, str]]:
    """A copy of ``function`` in which the object bounds of its C-int ``range()`` loops are
    assigned to new locals just before the loop.

    Args:
        function: the function's AST (not changed).
        typer: the expression typer of an analysis of ``function`` without the new locals.
        kinds: that analysis' typed variables.

    Returns:
        ``(new function, {new local: the loop variable whose bound it holds})``; the function
        itself and ``{}`` when no loop qualifies: a ``for v in range(...)`` of the function's
        own scope over a C-int ``v``, with a constant step, whose bounds are not all C ints
        and are not of a kind that cannot be an int (a float, a str, ...).
    """
    wanted = {(loop.lineno, loop.col_offset): _last_object_bound(loop, typer)
              for loop in _own_loops(function.body) if _qualifies(loop, typer, kinds)}
    if not wanted:
        return function, {}
    function = copy.deepcopy(function)
    fresh = (f"{PREFIX}{k}" for k in itertools.count(1))
    hoisted: dict[str, str] = {}

    def rewrite(body: list[ast.stmt]) -> list[ast.stmt]:
        result = []
        for stmt in body:
            if isinstance(stmt, ast.For) and (stmt.lineno, stmt.col_offset) in wanted:
                result.extend(_hoist(stmt, wanted[stmt.lineno, stmt.col_offset], fresh, hoisted, typer))
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list) and not _new_scope(stmt):
                    setattr(stmt, field, rewrite(getattr(stmt, field)))
            for handler in getattr(stmt, "handlers", []):
                handler.body = rewrite(handler.body)
            result.append(stmt)
        return result

    function.body = rewrite(function.body)
    return function, hoisted


def _new_scope(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def _own_loops(body: list[ast.stmt]):
    """The ``for`` statements of this scope (not of nested functions or classes)."""
    for stmt in body:
        if _new_scope(stmt):
            continue
        if isinstance(stmt, ast.For):
            yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _own_loops(inner)
        for handler in getattr(stmt, "handlers", []):
            yield from _own_loops(handler.body)


def reversed_range(typer: ExprTyper, node: ast.expr) -> ast.Call | None:
    """The ``range(...)`` call of ``reversed(range(...))`` with one or two arguments (``node``
    a call of the builtins themselves), else None."""
    if isinstance(node, ast.Call) and typer.builtin(node.func, "reversed") and len(node.args) == 1 \
            and not node.keywords:
        inner = node.args[0]
        if isinstance(inner, ast.Call) and typer.builtin(inner.func, "range") and not inner.keywords \
                and 1 <= len(inner.args) <= 2:
            return inner
    return None


def _range_of(loop: ast.For, typer: ExprTyper) -> ast.expr:
    """The ``range()`` call a loop iterates: ``loop.iter``, or the one inside
    ``reversed(range(...))`` (which :func:`~autocy.annotate.analysis.range_call` takes as a
    ``range()`` too)."""
    return reversed_range(typer, loop.iter) or loop.iter


def _qualifies(loop: ast.For, typer: ExprTyper, kinds: dict[str, Kind]) -> bool:
    call = _range_of(loop, typer)
    if not (isinstance(loop.target, ast.Name) and kinds.get(loop.target.id) is Kind.CINT
            and isinstance(call, ast.Call) and typer.builtin(call.func, "range") and not call.keywords
            and 1 <= len(call.args) <= 3 and not any(isinstance(a, ast.Starred) for a in call.args)):
        return False
    if len(call.args) == 3 and not constant_step(typer, call.args[2]):
        return False
    bounds = call.args[:2]
    return (any(typer.of(a) is not Kind.CINT for a in bounds)
            and all(typer.of(a) in (Kind.CINT, Kind.OBJECT) for a in bounds))


def constant_step(typer: ExprTyper, step: ast.expr) -> bool:
    """Whether a ``range()`` step is a nonzero constant (proven so), as a C loop needs."""
    interval = typer.interval(step)
    return interval is not None and interval[0] == interval[1] != 0


def _last_object_bound(loop: ast.For, typer: ExprTyper) -> int:
    """The position of the last of the loop's ``range()`` bounds that is not a C int."""
    return max(k for k, a in enumerate(_range_of(loop, typer).args[:2]) if typer.of(a) is not Kind.CINT)


def _hoist(loop: ast.For, last: int, fresh, hoisted: dict[str, str], typer: ExprTyper) -> list[ast.stmt]:
    """The assignments of the loop's ``range()`` arguments up to position ``last`` to new locals
    (constants stay), the loop's ``range()`` rewritten to read them."""
    args = _range_of(loop, typer).args
    assignments = []
    for k in range(last + 1):
        if isinstance(args[k], ast.Constant):
            continue
        name = next(fresh)
        hoisted[name] = loop.target.id
        store = ast.Assign(targets=[ast.Name(name, ast.Store())], value=args[k])
        assignments.append(ast.fix_missing_locations(ast.copy_location(store, args[k])))
        args[k] = ast.copy_location(ast.Name(name, ast.Load()), args[k])
    return assignments
