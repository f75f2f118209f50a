"""Which loops may check their guards once, before the loop, instead of on every call.

A typed call such as ``math.sqrt(d)`` is guarded by ``math.sqrt is <the real sqrt>`` (so
rebinding ``math.sqrt`` keeps working). Evaluated on every iteration, that attribute lookup
cost about 30 ns, more than the rest of a distance-matrix loop body. The guard's value can
only change when Python code runs, and the interpreter (a finalizer, another thread, a signal
handler) never runs inside compiled code that calls nothing. So a ``range()`` loop whose
typed code is *C only* (every statement computes on C values, memoryview elements and list
elements unboxed in place, with no call but ``math`` functions, and stores C values, boxed
into list elements of the same type at most) evaluates its guards once,
before the loop; so does a C-only loop over the items of a local exact list or tuple
(:func:`c_only_sequence_loop`), which also reads its items with no bounds check and no new
reference. Inside such a loop nothing else runs either: a failed check or an exception
of checked code leaves the typed code for the object copy (see :mod:`autocy.annotate.emit`),
which looks the names up again.

The same holds for a direct call of another specialized function of the module
(``eval_a(i, j)`` guarded by ``eval_a is <its dispatcher>``) when that function's C-result
specialization is itself C only, with no checked operation (so it never deoptimizes into
Python code) and no ``math`` call (whose guard reads a module attribute): see
:func:`c_only_function`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from autocy.annotate.analysis import FunctionAnalysis, loop_shape, range_call, range_parts
from autocy.annotate.expressions import ExprTyper
from autocy.annotate.kinds import NUMBERS, Kind, stores_in_c

_C_OPERATORS = (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)

Updates = Callable[[ast.AugAssign], bool]
"""Whether the emitter computes ``xs[i] op= v`` in C (``_Emitter.element_update``)."""


def c_only(typer: ExprTyper, node: ast.expr) -> bool:
    """True when the typed code of ``node`` runs no Python code: C values, operators on them,
    ``math`` functions of them, float64 memoryview elements and unboxed list elements.

    Args:
        typer: the function's expression typer.
        node: an expression of the function body.
    """
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float, bool)
    kind = typer.of(node)
    if kind not in NUMBERS:
        return False
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, _C_OPERATORS):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot))
                                                 for op in node.ops):
            return False
        return all(c_only(typer, child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    if isinstance(node, ast.Call) and typer.python_int_operand(node) is not None:
        return c_only(typer, node.args[0])
    if isinstance(node, ast.Call):
        callee = typer.callee(node)
        hoistable = typer.math_function(node.func) is not None or (callee is not None and callee.c_only)
        return not node.keywords and hoistable and all(c_only(typer, arg) for arg in node.args)
    if isinstance(node, ast.Attribute):  # z.real, z.imag of a C complex
        return c_only(typer, node.value)
    if isinstance(node, ast.Subscript):
        index = typer.array_index(node)
        if index is not None:
            return all(c_only(typer, i) for i in index)
        return (kind in (Kind.DOUBLE, Kind.CINT) and isinstance(node.value, ast.Name)
                and typer.of(node.value) in (Kind.LIST, Kind.TUPLE)
                and not isinstance(node.slice, ast.Slice) and typer.of(node.slice) is Kind.CINT
                and c_only(typer, node.slice))
    return False


def c_only_block(typer: ExprTyper, stmts: list[ast.stmt], updates: Updates) -> bool:
    """True when every statement of ``stmts`` (nested blocks included) runs no Python code on
    its typed path: assignments of C values to typed names and float64 array elements,
    ``xs[i] op= v`` that ``updates`` computes in C, ``if`` on C conditions, ``range()`` loops
    over C bounds, ``pass``/``break``/``continue``."""
    return all(_c_only_stmt(typer, stmt, updates) for stmt in stmts)


def _c_only_stmt(typer: ExprTyper, stmt: ast.stmt, updates: Updates) -> bool:
    if isinstance(stmt, (ast.Pass, ast.Break, ast.Continue)):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):  # a docstring
        return True
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        return _c_only_store(typer, stmt.targets[0], stmt.value)
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Subscript):
        return updates(stmt) and c_only(typer, stmt.target.slice) and c_only(typer, stmt.value)
    if isinstance(stmt, ast.AugAssign):
        return (isinstance(stmt.target, ast.Name) and typer.of(stmt.target) in NUMBERS
                and stores_in_c(typer.of(stmt.target), typer.augmented(stmt)) and c_only(typer, stmt.value))
    if isinstance(stmt, ast.If):
        return (c_only(typer, stmt.test) and c_only_block(typer, stmt.body, updates)
                and c_only_block(typer, stmt.orelse, updates))
    if isinstance(stmt, ast.For):
        return c_only_range_loop(typer, stmt, updates) or c_only_sequence_loop(typer, stmt, updates)
    if isinstance(stmt, ast.Return):  # (leaves the loop: what the return boxes runs no code)
        return stmt.value is not None and c_only(typer, stmt.value)
    return False


def _c_only_store(typer: ExprTyper, target: ast.expr, value: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        kind = typer.of(target)
        return kind in NUMBERS and stores_in_c(kind, typer.of(value)) and c_only(typer, value)
    if isinstance(target, ast.Subscript):
        index = typer.array_index(target)
        return (index is not None and typer.of(value) in (Kind.DOUBLE, Kind.NPF64, Kind.CINT)
                and all(c_only(typer, i) for i in index) and c_only(typer, value))
    return False


def c_only_range_loop(typer: ExprTyper, loop: ast.For, updates: Updates) -> bool:
    """True for ``for i in range(...)`` over C bounds whose body and ``else`` are C only."""
    if loop_shape(typer, loop) != "range" or typer.of(loop.target) is not Kind.CINT:
        return False
    bounds = [part for part in range_parts(range_call(typer, loop.iter)) if isinstance(part, ast.expr)]
    return (all(c_only(typer, part) for part in bounds)
            and c_only_block(typer, loop.body, updates) and c_only_block(typer, loop.orelse, updates))


def c_only_sequence_loop(typer: ExprTyper, loop: ast.For, updates: Updates) -> bool:
    """True for ``for x in xs`` or ``for i, x in enumerate(xs[, start])`` over a local exact
    list or tuple ``xs``, into a C number ``x`` (float, int or int-or-float) and a C int ``i``,
    whose body and ``else`` are C only. Nothing inside can change the length of ``xs`` (a list's
    length changes only through Python code, and C-only code stores into lists only
    ``ys[i] op= v``, which replaces one element), so its items are read by index with no
    bounds check and no new reference, each checked for its kind; a failed check deoptimizes
    to the top of the body with that item, as the checked loop does."""
    shape = loop_shape(typer, loop)
    if shape not in ("sequence", "enumerate"):
        return False
    target, iterable = loop.target, loop.iter
    if shape == "enumerate":
        counter, target = target.elts
        if typer.of(counter) is not Kind.CINT or not all(c_only(typer, arg) for arg in iterable.args[1:]):
            return False
        iterable = iterable.args[0]
    return (isinstance(iterable, ast.Name) and typer.of(iterable) in (Kind.LIST, Kind.TUPLE)
            and isinstance(target, ast.Name) and typer.of(target) in (Kind.DOUBLE, Kind.CINT, Kind.NUM)
            and c_only_block(typer, loop.body, updates) and c_only_block(typer, loop.orelse, updates))


def math_calls(typer: ExprTyper, loop: ast.For) -> list[ast.Call]:
    """The calls of ``math`` functions in ``loop``, nested ones included, in source order."""
    return [node for node in ast.walk(loop) if isinstance(node, ast.Call) and typer.math_function(node.func)]


def direct_calls(typer: ExprTyper, loop: ast.For) -> list[ast.Call]:
    """The direct calls in ``loop`` of specialized functions that are C only, in source order."""
    return [node for node in ast.walk(loop) if isinstance(node, ast.Call)
            and (callee := typer.callee(node)) is not None and callee.c_only]


def c_only_function(analysis: FunctionAnalysis) -> bool:
    """True when the C-result specialization of a function runs no Python code: its body is
    C only (:func:`c_only_block`, returns included), has no checked operation and no loop
    over a sequence's items (nothing deoptimizes into the object copy: an exception, such as
    a ZeroDivisionError, leaves it instead) and calls no ``math`` function. Only such
    functions' call guards may be hoisted out of a caller's loop.

    Args:
        analysis: the function's analysis (not rejected).
    """
    typer = analysis.typer()
    body = analysis.node.body
    nodes = [n for stmt in body for n in ast.walk(stmt)]
    return (c_only_block(typer, body, lambda stmt: False)
            and not any(isinstance(n, ast.expr) and typer.is_checked(n) for n in nodes)
            and not any(isinstance(n, ast.For) and loop_shape(typer, n) != "range" for n in nodes)
            and not any(isinstance(n, ast.Call) and typer.math_function(n.func) for n in nodes))
