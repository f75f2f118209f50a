"""Literal arithmetic that Cython would compute with C's rules instead of Python's.

Cython gives number literals C types even in untyped code, and the results of ``float()`` and
``len()`` too, and computes an operation between two of them in C. For ``+ - * /`` of floats
and for comparisons that is CPython's result, but not for three operators (found by autocy's
random-program tests, ``tests/test_random_programs.py``):

* ``**`` becomes C ``pow()``: ``0.0 ** -1.25`` gives ``inf`` where CPython raises
  ZeroDivisionError, ``2.0 ** 1e300`` gives ``inf`` where CPython raises OverflowError;
* ``//`` of floats becomes ``floor(a / b)``: ``0.5 // 0.1`` gives ``5.0``, CPython ``4.0``;
* ``%`` of floats keeps the sign of a zero result from ``fmod``: ``-4.0 % 2.0`` gives ``-0.0``,
  CPython ``0.0``.

C integers (``len()``, int literals within +-2**31, which Cython gives the type C ``long``,
and ``abs``/``int``/``round``/``min``/``max`` of them) also wrap around where Python ints
grow: ``1 << len(xs)`` gave 256 for 1000 items, ``len(xs) * 2147483647`` a negative number
for a ``range`` of 2**62 items, and ``len(xs) << -1`` gave 0 where CPython raises
ValueError. Each ``+ - * << >>`` whose result could leave the 64-bit range or whose shift
count could be negative or 64 and more (from the operands' ranges: ``len()`` is 0..2**63-1),
and each true division of an operand that could exceed 2**53 (C rounds it to a double first),
is rewritten too.

:func:`rewrite_literal_operations` spells each such operation as the builtin call that
means the same in Python and that Cython leaves to CPython: ``a ** b`` as ``pow(a, b)``,
``a // b`` as ``divmod(a, b)[0]`` and ``a % b`` as ``divmod(a, b)[1]`` (CPython computes
``float //`` and ``%`` with the algorithm of ``divmod``), and a C integer operand as
``pow(a, 1)``, the same int as a Python object (``pow(len(xs), 1) * 2147483647``). The text
changes only inside that expression, on its own line, so line numbers stay the user's.
"""

from __future__ import annotations

import ast

_C_BUILTINS = frozenset({"abs", "float", "int", "round", "min", "max", "len"})
"""Builtins that Cython computes in C when their arguments are C numbers."""

_C_RESULTS = frozenset({"float", "len"})
"""Builtins whose result Cython makes a C number whatever the argument (``float(x)`` a C
double, ``len(x)`` a C integer): ``float(n) ** -1.25`` is C ``pow()`` too."""

_REWRITTEN = {ast.Pow: "pow({}, {})", ast.FloorDiv: "divmod({}, {})[0]", ast.Mod: "divmod({}, {})[1]"}

_C_LONG = (-2 ** 63 + 1, 2 ** 63 - 1)
"""The range of Cython's C integers here (``long`` and ``Py_ssize_t`` are 64 bits), less its
lowest value, whose negation and ``abs()`` would overflow: no value kept in C reaches it."""

_SMALL_LITERAL = (-2 ** 31, 2 ** 31 - 1)
"""Int literals that Cython types as C ``long``; a larger one stays a Python int."""

_EXACT_IN_DOUBLE = 2 ** 53
"""Ints of at most this magnitude convert to a C double exactly."""

_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.LShift: "<<", ast.RShift: ">>", ast.Div: "/"}
"""The operations between C integers that can differ from Python's (see the module docstring)."""

_FLOAT = "float"
"""What :func:`_literal_operations` finds for a C double (which never overflows silently)."""


def _int_result(op: ast.operator, left: tuple[int, int], right: tuple[int, int]) -> tuple[int, int] | None:
    """The range of ``left op right`` for C integers in the ranges given, or None where C's
    result can differ from Python's: it may leave the 64-bit range, a shift count may be
    negative or 64 and more, or a true division's operand may round in a C double."""
    (a, b), (c, d) = left, right
    if isinstance(op, (ast.Add, ast.Sub, ast.Mult)):
        if isinstance(op, ast.Add):
            low, high = a + c, b + d
        elif isinstance(op, ast.Sub):
            low, high = a - d, b - c
        else:
            products = (a * c, a * d, b * c, b * d)
            low, high = min(products), max(products)
        return (low, high) if _C_LONG[0] <= low and high <= _C_LONG[1] else None
    if isinstance(op, ast.LShift):
        if c < 0 or d > 62:
            return None
        low, high = min(a << d, a << c), max(b << d, b << c)
        return (low, high) if _C_LONG[0] <= low and high <= _C_LONG[1] else None
    if isinstance(op, ast.RShift):
        return (min(a, 0), max(b, 0)) if 0 <= c and d <= 63 else None
    if isinstance(op, ast.Div):
        return None if max(abs(a), abs(b), abs(c), abs(d)) > _EXACT_IN_DOUBLE else _C_LONG
    return _C_LONG  # & | ^: within the operands' bits


def _literal_operations(tree: ast.Module) -> list[tuple[ast.BinOp, str]]:
    """The operations that Cython would compute with C's rules and where those differ from
    Python's, each with the template that spells it as Python (``{}`` for each operand):
    ``** // %`` whose two operands Cython may evaluate as C numbers (number literals,
    ``float()`` and ``len()`` calls, or operations and builtin calls on such values), and
    operations on C integers that can overflow (:func:`_int_result`). A rewritten operation
    is a Python object, so an operation around it needs no rewrite. Operations inside
    f-strings are left out (their positions are not reliable before Python 3.12); so are
    builtins that the module binds (Cython then calls the module's)."""
    found: list[tuple[ast.BinOp, str]] = []
    bound = {name for name in _C_BUILTINS if _bound_anywhere(tree, {name})}

    def c_number(node: ast.AST) -> tuple[int, int] | str | None:
        """The range of a C integer, _FLOAT for a C double, None for a Python object."""
        if isinstance(node, ast.JoinedStr):
            return None
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float):
                return _FLOAT
            if type(node.value) is int:
                small = _SMALL_LITERAL[0] <= node.value <= _SMALL_LITERAL[1]
                return (node.value, node.value) if small else None
            return None
        if isinstance(node, ast.UnaryOp):
            operand = c_number(node.operand)
            if operand is None:
                return None
            if isinstance(node.op, ast.Not):
                return 0, 1
            if not isinstance(operand, tuple):
                return operand if isinstance(node.op, (ast.UAdd, ast.USub)) else None
            if isinstance(node.op, ast.Invert):
                return -operand[1] - 1, -operand[0] - 1
            return (-operand[1], -operand[0]) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = c_number(node.left), c_number(node.right)
            if left is None or right is None:
                return None
            if type(node.op) in _REWRITTEN:
                found.append((node, _REWRITTEN[type(node.op)]))
                return None
            if isinstance(left, tuple) and isinstance(right, tuple):
                result = _int_result(node.op, left, right)
                if result is None:
                    symbol = _SYMBOLS[type(node.op)]
                    literal_left = isinstance(node.left, ast.Constant)
                    found.append((node, f"({{}}) {symbol} pow({{}}, 1)" if literal_left
                                  else f"pow({{}}, 1) {symbol} ({{}})"))
                return result
            return _FLOAT
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _C_BUILTINS:
            args = [c_number(a) for a in node.args]
            name = node.func.id
            if name in bound or node.keywords:
                return None
            if name in _C_RESULTS:
                return _FLOAT if name == "float" else (0, _C_LONG[1])
            if not args or any(a is None for a in args):
                return None
            if not all(isinstance(a, tuple) for a in args):
                return _FLOAT  # (the builtin of a C double: a C number, as far as ** // % go)
            # of C integers, whose values are exact ints: so is the result
            if name == "abs" and len(args) == 1:
                low, high = args[0]
                return 0, max(-low, high)
            if name in ("min", "max") and len(args) > 1:
                pick = min if name == "min" else max
                return pick(a[0] for a in args), pick(a[1] for a in args)
            return args[0] if len(args) == 1 else _C_LONG
        visit(node)
        return None

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
    ``len()`` calls (or operations on them) spelled as the equivalent builtin call, and every
    operation on C integers whose C result could differ from Python's given a C integer
    operand as a Python int (see the module docstring).

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
    rewrites = [(n, t) for n, t in _literal_operations(tree) if n.lineno == n.end_lineno]
    if not rewrites or _bound_anywhere(tree, {"pow", "divmod"}) or "\r" in source.replace("\r\n", ""):
        return source  # (a lone carriage return ends a line for ast, not for split("\n"))
    lines = source.split("\n")
    # innermost operations never need a rewrite of an enclosing one; right to left per line
    for node, template in sorted(rewrites, key=lambda r: (r[0].lineno, r[0].col_offset), reverse=True):
        line = lines[node.lineno - 1].encode("utf-8")
        left = line[node.left.col_offset:node.left.end_col_offset].decode("utf-8")
        right = line[node.right.col_offset:node.right.end_col_offset].decode("utf-8")
        call = template.format(left, right)  # (an operand's own parentheses lie outside its span)
        line = line[:node.col_offset] + call.encode("utf-8") + line[node.end_col_offset:]
        lines[node.lineno - 1] = line.decode("utf-8")
    return "\n".join(lines)

