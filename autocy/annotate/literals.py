"""Literal arithmetic that Cython would compute with C's rules instead of Python's.

Cython gives number literals C types even in untyped code, and the results of ``float()`` and
``len()`` too, and computes an operation between two of them in C. For ``+ - * /`` and
comparisons that is CPython's result, but not for three operators (found by autocy's
random-program tests, ``tests/test_random_programs.py``):

* ``**`` becomes C ``pow()``: ``0.0 ** -1.25`` gives ``inf`` where CPython raises
  ZeroDivisionError, ``2.0 ** 1e300`` gives ``inf`` where CPython raises OverflowError;
* ``//`` of floats becomes ``floor(a / b)``: ``0.5 // 0.1`` gives ``5.0``, CPython ``4.0``;
* ``%`` of floats keeps the sign of a zero result from ``fmod``: ``-4.0 % 2.0`` gives ``-0.0``,
  CPython ``0.0``.

:func:`rewrite_literal_operations` spells each such operation as the builtin call that
means the same in Python and that Cython leaves to CPython: ``a ** b`` as ``pow(a, b)``,
``a // b`` as ``divmod(a, b)[0]`` and ``a % b`` as ``divmod(a, b)[1]`` (CPython computes
``float //`` and ``%`` with the algorithm of ``divmod``). The text changes only inside that
expression, on its own line, so line numbers stay the user's.
"""

from __future__ import annotations

import ast

_C_BUILTINS = frozenset({"abs", "float", "int", "round", "min", "max", "len"})
"""Builtins that Cython computes in C when their arguments are C numbers."""

_C_RESULTS = frozenset({"float", "len"})
"""Builtins whose result Cython makes a C number whatever the argument (``float(x)`` a C
double, ``len(x)`` a C integer): ``float(n) ** -1.25`` is C ``pow()`` too."""

_REWRITTEN = {ast.Pow: "pow({}, {})", ast.FloorDiv: "divmod({}, {})[0]", ast.Mod: "divmod({}, {})[1]"}


def _literal_operations(tree: ast.Module) -> list[ast.BinOp]:
    """The ``** // %`` operations whose two operands Cython may evaluate as C numbers: number
    literals, ``float()`` and ``len()`` calls, or operations and builtin calls on such values.
    A rewritten operation is a Python object, so an operation around it needs no rewrite.
    Operations inside f-strings are left out (their positions are not reliable before Python
    3.12)."""
    found: list[ast.BinOp] = []

    def c_number(node: ast.AST) -> bool:
        if isinstance(node, ast.JoinedStr):
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.UnaryOp):
            return c_number(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = c_number(node.left), c_number(node.right)
            if left and right and type(node.op) in _REWRITTEN:
                found.append(node)
                return False
            return left and right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _C_BUILTINS:
            flags = [c_number(a) for a in node.args]
            if node.func.id in _C_RESULTS:
                return not node.keywords
            return bool(flags) and all(flags) and not node.keywords
        visit(node)
        return False

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            c_number(child)

    visit(tree)
    return found


def _bound_anywhere(tree: ast.Module, names: set[str]) -> bool:
    """True when any scope of the module binds one of ``names`` (then the builtin the rewrite
    calls might not be the builtin)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and node.id in names:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names:
            return True
        if isinstance(node, ast.arg) and node.arg in names:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name).split(".")[0] in names for a in node.names):
            return True
    return False


def rewrite_literal_operations(source: str, tree: ast.Module) -> str:
    """``source`` with every ``**``, ``//`` and ``%`` between number literals, ``float()`` or
    ``len()`` calls (or operations on them) spelled as the equivalent builtin call (see the
    module docstring).

    An operation written over several lines, or in a module that binds ``pow`` or ``divmod``
    itself (or ends lines with a lone carriage return), is left as it is. The result parses to
    the same program (a rewritten ``float()`` or ``len()`` that the module rebinds is merely
    spelled differently).

    Args:
        source: a module's source text.
        tree: ``ast.parse(source)``.

    Returns:
        The text (the same object when nothing needed a change).
    """
    rewrites = [n for n in _literal_operations(tree) if n.lineno == n.end_lineno]
    if not rewrites or _bound_anywhere(tree, {"pow", "divmod"}) or "\r" in source.replace("\r\n", ""):
        return source  # (a lone carriage return ends a line for ast, not for split("\n"))
    lines = source.split("\n")
    # innermost operations never need a rewrite of an enclosing one; right to left per line
    for node in sorted(rewrites, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        line = lines[node.lineno - 1].encode("utf-8")
        left = line[node.left.col_offset:node.left.end_col_offset].decode("utf-8")
        right = line[node.right.col_offset:node.right.end_col_offset].decode("utf-8")
        template = _REWRITTEN[type(node.op)]
        call = template.format(left, right)  # (an operand's own parentheses lie outside its span)
        line = line[:node.col_offset] + call.encode("utf-8") + line[node.end_col_offset:]
        lines[node.lineno - 1] = line.decode("utf-8")
    return "\n".join(lines)

