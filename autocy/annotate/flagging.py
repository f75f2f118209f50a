"""Which typed expressions may be evaluated as a *flagging* statement: with no call on any path.

A typed statement whose value can fail (a float division by zero, an int overflow, a list
element that is not a float, a ``math`` domain error, a rebound function) normally raises from
a C helper, and Cython checks for that exception after the helper returns. Both are calls, and
a call anywhere in a loop body, even on a path that never runs, made gcc keep the loop's C
doubles in memory instead of registers: an accumulation ``total += a * b`` then waits for a
store and a load on every iteration (the benchmark suite's spectral norm ran 2.2x slower than
without them, its n-body 2.4x).

A flagging statement uses the helpers' flagging variants instead (``_autocy_<name>_f``, see
:func:`autocy.annotate.runtime._flagging_helpers`), which note a failure in a C flag and
return 0. The statement computes its value into a temporary, takes the flag and, when set,
deoptimizes to its own start before storing anything: the object copy evaluates it again
and raises what CPython raises. That is only correct when evaluating the expression has no
effect but its value, so every operation in it must be one of the C operations below.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from autocy.annotate.analysis import FunctionAnalysis
from autocy.annotate.expressions import ExprTyper
from autocy.annotate.hoist import c_only_function
from autocy.annotate.kinds import Kind

_C_VALUES = (Kind.DOUBLE, Kind.CINT, Kind.BOOL, Kind.NPF64)
_NUMBERS = (Kind.DOUBLE, Kind.CINT, Kind.NPF64)
_DOUBLE_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_CINT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift,
             ast.RShift)
_ORDERED = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)

Element = Callable[[ast.Subscript], bool]
"""Whether the emitter reads ``xs[i]`` with no check: a float element of a list whose index
was checked before its loop (``_autocy_item_d``), or an element of a float64 memoryview whose
every index was checked before its loop. Other float and int elements of exact lists and
tuples are read with the index and the element checked (``_autocy_seq_d_f``)."""


def flaggable_op(kind: Kind, op: ast.operator, left: Kind, right: Kind) -> bool:
    """True when ``left op right`` of the typed kinds, giving ``kind``, is a C operator or a
    helper with a flagging variant: ``+ - * /`` giving a double (an int operand converted, an
    int-or-float NUM operand with a float partner as the double it holds, as the typer has
    it) and of ``numpy.float64`` scalars (``_autocy_np_*``), and ``+ - * // %``, shifts and bit
    operations of two C ints. Int ``/`` (``_autocy_itruediv``) and float ``// % **`` are not."""
    if kind is Kind.DOUBLE:
        operands = {left, right}
        return isinstance(op, _DOUBLE_OPS) and (operands == {Kind.NUM, Kind.DOUBLE} or (
            operands <= {Kind.DOUBLE, Kind.CINT} and Kind.DOUBLE in operands))
    if kind is Kind.NPF64:
        return isinstance(op, _DOUBLE_OPS) and {left, right} <= set(_NUMBERS)
    return kind is Kind.CINT and isinstance(op, _CINT_OPS) and left is Kind.CINT and right is Kind.CINT


def flaggable(typer: ExprTyper, node: ast.expr, element: Element) -> bool:  # noqa: C901 - one case per node
    """True when the typed code of ``node`` is C values and operations only, each of them a
    C operator or a helper with a flagging variant, and the value is a C double, int or bool
    (or a ``numpy.float64`` held as a double).

    Args:
        typer: the function's expression typer.
        node: an expression of the function body.
        element: see :data:`Element`.
    """
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float, bool)
    kind = typer.of(node)
    if isinstance(node, ast.Name):  # (a NUM only as an operand of a flaggable operation)
        return kind in _C_VALUES or kind is Kind.NUM
    if kind not in _C_VALUES:
        return False
    if isinstance(node, ast.BinOp):
        return (flaggable_op(kind, node.op, typer.of(node.left), typer.of(node.right))
                and flaggable(typer, node.left, element) and flaggable(typer, node.right, element))
    if isinstance(node, ast.UnaryOp):
        negation = isinstance(node.op, ast.Not) or (isinstance(node.op, (ast.USub, ast.UAdd)) and kind is not Kind.BOOL)
        return negation and flaggable(typer, node.operand, element)
    if isinstance(node, ast.BoolOp):
        return kind is Kind.BOOL and all(flaggable(typer, v, element) for v in node.values)
    if isinstance(node, ast.Compare):  # (of NumPy scalars: a numpy.bool_, not a C value)
        kinds = {typer.of(o) for o in [node.left, *node.comparators]}
        return (all(isinstance(op, _ORDERED) for op in node.ops) and len(kinds) == 1 and kinds <= {Kind.DOUBLE, Kind.CINT}
                and all(flaggable(typer, o, element) for o in [node.left, *node.comparators]))
    if isinstance(node, ast.IfExp):
        return kind is not Kind.BOOL and all(flaggable(typer, part, element) for part in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Subscript):  # (any other element: _autocy_seq_d_f, _autocy_seq_i_f, _autocy_il_get_f)
        return element(node) or (
            kind in (Kind.DOUBLE, Kind.CINT) and isinstance(node.value, ast.Name)
            and typer.of(node.value) in (Kind.LIST, Kind.TUPLE, Kind.INTLIST) and not isinstance(node.slice, ast.Slice)
            and typer.of(node.slice) is Kind.CINT and flaggable(typer, node.slice, element))
    if isinstance(node, ast.Call):
        return _flaggable_call(typer, node, kind, element)
    if isinstance(node, ast.Attribute):  # a float attribute read where the instance keeps it
        return typer.attribute_read(node) is not None
    return False


def _flaggable_call(typer: ExprTyper, node: ast.Call, kind: Kind, element: Element) -> bool:
    if node.keywords or not all(isinstance(a, ast.expr) and not isinstance(a, ast.Starred) for a in node.args):
        return False
    if not all(flaggable(typer, a, element) and typer.of(a) in _NUMBERS for a in node.args):
        return False
    func, kinds = node.func, {typer.of(a) for a in node.args}
    callee = typer.callee(node)
    if callee is not None:
        return (callee.flagging and all(p in (Kind.DOUBLE, Kind.CINT) for p in callee.params)
                and Kind.NPF64 not in kinds)
    if typer.math_function(func):
        return kind is Kind.DOUBLE and len(node.args) == 1
    if typer.builtin(func, "abs") or typer.builtin(func, "float"):
        return len(node.args) == 1 and Kind.NPF64 not in kinds
    if typer.builtin(func, "min") or typer.builtin(func, "max"):
        return kinds == {kind}
    return False


def flagging_function(analysis: FunctionAnalysis, result: Kind) -> bool:
    """True when the function gets a flagging C-result variant, ``_autocy_specf_<name>``: its
    body (after a docstring) is one ``return`` of a flaggable expression of kind ``result``
    (DOUBLE or CINT), and its C-result specialization is C only
    (:func:`~autocy.annotate.hoist.c_only_function`).

    Args:
        analysis: the function's analysis (not rejected).
        result: the function's result kind as its callers see it.
    """
    body = analysis.node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if result not in (Kind.DOUBLE, Kind.CINT) or len(body) != 1 or not isinstance(body[0], ast.Return):
        return False
    value = body[0].value
    typer = analysis.typer()
    return (value is not None and typer.of(value) is result and c_only_function(analysis)
            and flaggable(typer, value, lambda node: False))
