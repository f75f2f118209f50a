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

C integers also wrap around where Python ints grow. Cython makes C integers of int literals
within +-2**31 (C ``long``), ``len()``, ``hash()``, ``ord()``, ``isinstance()``, ``not``, ``in``,
``is``, comparisons of C numbers, and ``abs``/``int``/``round``/``min``/``max``/``divmod``,
``and``/``or`` and ``x if c else y`` of C integers: ``1 << len(xs)`` gave 256 for 1000 items,
``len(xs) * 2147483647`` a negative number for a ``range`` of 2**62 items,
``(len(xs) > 1) << 63`` gave 0, and ``len(xs) << -1`` gave 0 where CPython raises ValueError.
Each ``+ - * << >> // %`` whose result could leave the 64-bit range or whose shift count could
be negative or 64 and more (from the operands' ranges: ``len()`` is 0..2**63-1), each true
division of an operand that could exceed 2**53 (C rounds it to a double first), and each
negation or ``abs()`` of the lowest 64-bit value is rewritten too. (``//`` and ``%`` of C
integers otherwise keep Python's rules in Cython, and stay C.) Mixed with a C double, a C
integer becomes a double: ``max(0, float(s))`` gave ``0.0`` where CPython returns the int
``0``, and ``float(x) == len(xs)`` compared ``len(xs)`` rounded to a double where CPython
compares exactly; the C integers of such a ``min()``/``max()``, and those of such a
comparison that could exceed 2**53, are spelled as Python ints too.

:func:`literal_respellings` spells each such operation as a call that means the same
in Python and that Cython leaves to CPython, of a helper of the module's ``.pxd``
(:data:`LITERAL_PXD`, which no name of the module can shadow): ``a ** b`` as
``_autocy_py_pow(a, b)`` (CPython's ``pow``), ``a // b`` and ``a % b`` with a float as
``_autocy_py_divmod(a, b)[0]`` and ``[1]`` (CPython's ``divmod``, whose algorithm its float ``//``
and ``%`` use), and a C integer operand as ``_autocy_py_int(a)``, the same number as a Python
object (``_autocy_py_int(len(xs)) * 2147483647``). The text changes only inside that
expression, which keeps its line breaks, so line numbers stay the user's.

One more literal is rewritten for another reason: with type inference off (autocy's
``infer_types=False``), Cython iterates a bytes literal, or a constant expression it folds
into one (``b"ab" * 2``, ``b"a" + b"b"``, ``b"abc"[1:]``, ``b"" or b"xy"``), as C chars that
become bytes of length 1: ``for c in b"\\x00\\xff"`` gave ``b"\\x00"`` and ``b"\\xff"`` where
CPython gives ``0`` and ``255`` (found by the random programs). Such an iterable of a ``for``
loop or a comprehension is spelled ``_autocy_py_iterable(...)``, the same object as a Python
object, which Cython iterates as CPython does.
"""

from __future__ import annotations

import ast

from autocy.annotate.respell import Respelling, Span, bound_names

_C_BUILTINS = frozenset({"abs", "int", "round", "min", "max"})
"""Builtins that Cython computes in C when their arguments are C numbers."""

_REWRITTEN = {ast.Pow: "_autocy_py_pow({}, {})", ast.FloorDiv: "_autocy_py_divmod({}, {})[0]",
              ast.Mod: "_autocy_py_divmod({}, {})[1]"}
AS_PYTHON = "_autocy_py_int"
"""The helper that gives a C integer operand to an operation as a Python object; typed code,
whose int arithmetic is proven or overflow-checked, computes with the operand itself
(:meth:`autocy.annotate.expressions.ExprTyper.python_int_operand`)."""

LITERAL_PXD = r'''
# ---- autocy: Python's arithmetic for the operations spelled anew (autocy/annotate/literals.py) ----
from cpython.number cimport PyNumber_Power as _autocy_number_power, PyNumber_Divmod as _autocy_number_divmod

cdef inline object _autocy_py_pow(object a, object b):
    return _autocy_number_power(a, b, None)

cdef inline object _autocy_py_divmod(object a, object b):
    return _autocy_number_divmod(a, b)

cdef inline object _autocy_py_int(object x):
    return x

cdef inline object _autocy_py_iterable(object x):
    return x
'''
"""The helpers the rewritten operations call, for the module's ``.pxd``: ``pow()``, ``divmod()``
and a C number as a Python object, as C functions (the C API calls behind the builtins), so
a module that binds ``pow`` or ``divmod`` itself gets its operations rewritten too."""

_C_LONG = (-2 ** 63, 2 ** 63 - 1)
"""The range of Cython's C integers here (``long``, ``Py_ssize_t``, ``Py_hash_t``: 64 bits)."""

_SMALL_LITERAL = (-2 ** 31, 2 ** 31 - 1)
"""Int literals that Cython types as C ``long``; a larger one stays a Python int."""

_EXACT_IN_DOUBLE = 2 ** 53
"""Ints of at most this magnitude convert to a C double exactly."""

_FLOAT = "float"
"""What :func:`_literal_operations` finds for a C double (which never overflows silently)."""

_C_RESULTS: dict[str, tuple[int, int] | str] = {
    "float": _FLOAT, "len": (0, _C_LONG[1]), "hash": _C_LONG, "ord": (0, 0x10FFFF), "isinstance": (0, 1)}
"""Builtins whose result Cython makes a C number whatever the arguments: a C double
(:data:`_FLOAT`) or a C integer in the range given."""

Range = tuple[int, int]
"""The least and greatest value a C integer expression can have."""


def _fits(low: int, high: int) -> Range | None:
    """The range ``low..high``, or None when it does not fit in a 64-bit C integer."""
    return (low, high) if _C_LONG[0] <= low and high <= _C_LONG[1] else None


def _int_result(op: ast.operator, left: Range, right: Range) -> Range | None:
    """The range of ``left op right`` for C integers in the ranges given, or None where C's
    result can differ from Python's: it may leave the 64-bit range, a shift count may be
    negative or 64 and more, or a true division's operand may round in a C double. (Cython
    computes ``//`` and ``%`` of C integers with Python's rules.)"""
    (a, b), (c, d) = left, right
    if isinstance(op, ast.Add):
        return _fits(a + c, b + d)
    if isinstance(op, ast.Sub):
        return _fits(a - d, b - c)
    if isinstance(op, ast.Mult):
        products = (a * c, a * d, b * c, b * d)
        return _fits(min(products), max(products))
    if isinstance(op, ast.LShift):
        return _fits(min(a << d, a << c), max(b << d, b << c)) if 0 <= c and d <= 62 else None
    if isinstance(op, ast.RShift):
        return (min(a, 0), max(b, 0)) if 0 <= c and d <= 63 else None
    if isinstance(op, ast.Div):
        return None if max(-a, b, -c, d) > _EXACT_IN_DOUBLE else _C_LONG
    if isinstance(op, (ast.FloorDiv, ast.Mod)) and c <= -1 <= d and a == _C_LONG[0]:
        return None  # the lowest value by -1: it overflows in C (and traps on x86-64)
    if isinstance(op, ast.FloorDiv):  # monotonic in each operand on each side of a zero divisor
        divisors = [y for y in (c, d, -1, 1) if c <= y <= d and y != 0]
        quotients = [x // y for x in (a, b) for y in divisors] or [0]
        return _fits(min(quotients), max(quotients))
    if isinstance(op, ast.Mod):  # the sign of the divisor, and smaller
        if c >= 0:
            return 0, max(0, min(d - 1, b) if a >= 0 else d - 1)
        if d <= 0:
            return min(0, max(c + 1, a) if b <= 0 else c + 1), 0
        return c + 1, d - 1
    return _C_LONG  # & | ^: within the operands' bits


def _hull(values: list[Range | str | None]) -> Range | str | None:
    """What one of ``values`` is, for an expression that gives one of them (``a or b``)."""
    if any(v is None for v in values):
        return None
    if any(v == _FLOAT for v in values):
        return _FLOAT
    return min(v[0] for v in values), max(v[1] for v in values)


def _literal_operations(tree: ast.Module) -> list[tuple[ast.expr, str, list[ast.expr]]]:
    """The operations that Cython would compute with C's rules where those differ from
    Python's, each with the template that spells it as Python and the operands whose text
    fills its ``{}``: ``** // %`` whose two operands Cython may evaluate as C numbers (number
    literals, ``float()`` and ``len()`` calls, or operations and builtin calls on such values;
    ``//`` and ``%`` only with a C double), and operations on C integers that can overflow
    (:func:`_int_result`), negate or ``abs()`` the lowest C integer. A rewritten operation is
    a Python object, so an operation around it needs no rewrite. Operations inside f-strings
    are left out (their positions are not reliable before Python 3.12); so are builtins that
    the module binds (Cython then calls the module's, whose result is a Python object)."""
    found: list[tuple[ast.expr, str, list[ast.expr]]] = []
    builtins = _C_BUILTINS | set(_C_RESULTS) | {"divmod"}
    bound = bound_names(tree, builtins)

    def as_python(node: ast.expr) -> None:
        """Spell the C integer ``node`` as a Python int, which makes the operation it is an
        operand of CPython's."""
        found.append((node, AS_PYTHON + "({})", [node]))

    def c_number(node: ast.AST) -> Range | str | None:  # noqa: C901, PLR0911 - one case per node type
        """The range of a C integer, _FLOAT for a C double, None for a Python object."""
        if isinstance(node, ast.JoinedStr):
            return None
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float):
                return _FLOAT
            if type(node.value) is int and _SMALL_LITERAL[0] <= node.value <= _SMALL_LITERAL[1]:
                return node.value, node.value
            return None
        if isinstance(node, ast.UnaryOp):
            operand = c_number(node.operand)
            if isinstance(node.op, ast.Not):  # a C bint, whatever the operand
                return 0, 1
            if operand is None:
                return None
            if not isinstance(operand, tuple):
                return operand if isinstance(node.op, (ast.UAdd, ast.USub)) else None
            if isinstance(node.op, ast.Invert):
                return -operand[1] - 1, -operand[0] - 1
            if isinstance(node.op, ast.USub):
                if _fits(-operand[1], -operand[0]) is None:
                    as_python(node.operand)
                    return None
                return -operand[1], -operand[0]
            return operand
        if isinstance(node, ast.BinOp):
            left, right = c_number(node.left), c_number(node.right)
            if left is None or right is None:
                return None
            both_ints = isinstance(left, tuple) and isinstance(right, tuple)
            if isinstance(node.op, ast.Pow) or (type(node.op) in _REWRITTEN and not both_ints):
                found.append((node, _REWRITTEN[type(node.op)], [node.left, node.right]))
                return None
            if not both_ints:
                return _FLOAT
            result = _int_result(node.op, left, right)
            if result is None:
                as_python(node.right if isinstance(node.left, ast.Constant) else node.left)
            return result
        if isinstance(node, ast.Compare):  # a C bint: in, is, or a comparison of C numbers
            nodes = [node.left, *node.comparators]
            operands = [c_number(n) for n in nodes]
            if _FLOAT in operands:  # C compares a double with an int made a double, CPython exactly
                for operand, kind in zip(nodes, operands):
                    if isinstance(kind, tuple) and max(-kind[0], kind[1]) > _EXACT_IN_DOUBLE:
                        as_python(operand)
            c_bint = any(isinstance(o, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for o in node.ops)
            return (0, 1) if c_bint or all(o is not None for o in operands) else None
        if isinstance(node, ast.BoolOp):
            return _hull([c_number(v) for v in node.values])
        if isinstance(node, ast.IfExp):
            c_number(node.test)
            return _hull([c_number(node.body), c_number(node.orelse)])
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "divmod"
                and "divmod" not in bound and len(node.value.args) == 2 and not node.value.keywords
                and isinstance(node.slice, ast.Constant) and node.slice.value in (0, 1)):
            left, right = (c_number(a) for a in node.value.args)
            if isinstance(left, tuple) and isinstance(right, tuple):  # (a C tuple of C integers)
                op = ast.FloorDiv() if node.slice.value == 0 else ast.Mod()
                result = _int_result(op, left, right)
                if result is None:
                    as_python(node.value.args[0])
                return result
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in builtins:
            args = [c_number(a) for a in node.args]
            for keyword in node.keywords:
                c_number(keyword.value)
            name = node.func.id
            if name in bound or node.keywords:
                return None
            if name in _C_RESULTS:
                return _C_RESULTS[name]
            if name == "divmod" or not args or any(a is None for a in args):
                return None
            if not all(isinstance(a, tuple) for a in args):
                if name in ("min", "max"):  # C makes every argument a double; CPython returns one
                    for arg, kind in zip(node.args, args):
                        if isinstance(kind, tuple):
                            as_python(arg)
                    return None
                return _FLOAT  # (the builtin of a C double: a C number, as far as ** // % go)
            # of C integers, whose values are exact ints: so is the result
            if name == "abs" and len(args) == 1:
                low, high = args[0]
                if _fits(0, -low) is None:
                    as_python(node.args[0])
                    return None
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
    return list({id(r[0]): r for r in found}.values())  # (a node spelled once)


def literal_respellings(tree: ast.Module) -> list[Respelling]:
    """Every ``**``, ``//`` and ``%`` between number literals, ``float()`` or ``len()`` calls
    (or operations on them) spelled as a call of a helper of :data:`LITERAL_PXD`, and every
    operation on C integers whose C result could differ from Python's given a C integer
    operand as a Python object (see the module docstring), for
    :func:`~autocy.annotate.respell.respell`. The respelled text calls the helpers of
    :data:`LITERAL_PXD` and parses to the same program given them (a rewritten ``float()`` or
    ``len()`` that the module rebinds is merely spelled differently)."""
    found = _literal_operations(tree) + [(node, "_autocy_py_iterable({})", [node])
                                         for node in _iterated_bytes_literals(tree)]
    return [Respelling(Span.of(node), template, tuple(Span.of(o) for o in operands))
            for node, template, operands in found]


_CONSTANT_PARTS = (ast.Constant, ast.BinOp, ast.BoolOp, ast.UnaryOp, ast.IfExp, ast.Subscript, ast.Slice,
                   ast.operator, ast.boolop, ast.unaryop, ast.expr_context)


def _iterated_bytes_literals(tree: ast.Module) -> list[ast.expr]:
    """The iterables of ``for`` loops and comprehensions that are constant expressions with a
    bytes literal in them, which Cython may fold into a bytes literal and iterate as C chars
    (see the module docstring); none inside f-strings, whose positions are not reliable
    before Python 3.12."""
    in_fstrings = {id(n) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr) for n in ast.walk(f)}
    iterables = [n.iter for n in ast.walk(tree) if isinstance(n, (ast.For, ast.comprehension))]
    return [node for node in iterables
            if id(node) not in in_fstrings and all(isinstance(n, _CONSTANT_PARTS) for n in ast.walk(node))
            and any(isinstance(n, ast.Constant) and isinstance(n.value, bytes) for n in ast.walk(node))]
