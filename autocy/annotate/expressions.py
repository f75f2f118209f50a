"""Expression facts under an assignment of variable kinds: the kind of each expression, the
range of each C integer, and whether evaluating it can run user code.

An operation is typed (gets a non-OBJECT kind) only when the C computation the emitter will
produce gives CPython's result for every value of its operands' kinds. Two classes:

* *exact* operations are correct for all values and may appear anywhere (float ``+ - * /``,
  complex ``+ - *``, int arithmetic proven within 64 bits, float ``//`` and ``%``, ...);
* *checked* operations raise instead of giving a different result (64-bit integer overflow,
  a float power whose result would be complex, a ``math`` call whose name was rebound, a list
  element of an unexpected type). They are typed only inside statements the emitter can
  *retry* on Python objects: statements whose evaluation runs no user code
  (:meth:`ExprTyper.pure`); elsewhere the same operation stays a Python object operation.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autocy.annotate.kinds import ARRAYS, CONTAINERS, NUMBERS, Kind
from autocy.annotate.literals import AS_PYTHON
from autocy.annotate.runtime import INT64_MAX, INT64_MIN, MATH_FUNCTIONS

if TYPE_CHECKING:
    from autocy.annotate.records import Record

Interval = tuple[int, int]

SEQUENCES = (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES)

STR_METHODS = {
    **dict.fromkeys(("lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title",
                     "capitalize", "swapcase", "replace", "join", "center", "ljust", "rjust",
                     "zfill", "expandtabs"), Kind.STR),
    **dict.fromkeys(("split", "rsplit", "splitlines"), Kind.LIST),
    **dict.fromkeys(("startswith", "endswith", "isalpha", "isdigit", "isalnum", "isspace",
                     "islower", "isupper", "isdecimal", "isnumeric", "isidentifier",
                     "isprintable", "istitle", "isascii"), Kind.BOOL),
    **dict.fromkeys(("find", "rfind", "count"), Kind.CINT),
}
"""Methods of an exact ``str``: result kind. None of them runs user code, except ``join``
(iterates its argument) which is therefore only pure over an exact container."""

CONTAINER_METHODS = {
    Kind.LIST: {"copy": Kind.LIST, "count": Kind.CINT, "index": Kind.CINT},
    Kind.DICT: {"copy": Kind.DICT},
    Kind.SET: {"copy": Kind.SET},
}

DISPLAYS = {ast.List: Kind.LIST, ast.Tuple: Kind.TUPLE, ast.Dict: Kind.DICT, ast.Set: Kind.SET,
            ast.JoinedStr: Kind.STR, ast.ListComp: Kind.LIST, ast.SetComp: Kind.SET,
            ast.DictComp: Kind.DICT}
"""Displays and comprehensions and the exact type they build."""

# Before 3.14, CPython turns the real operand of a mixed complex operation into complex(x, 0.0);
# 3.14 changed those rules, so mixed complex arithmetic is only typed before it.
MIXED_COMPLEX = sys.version_info < (3, 14)

_ORDERED = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)

LEN_BOUND = 2 ** 62
"""Upper bound of ``len()`` of a builtin container (far above any real one)."""


OPERATOR_METHODS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
                    ast.FloorDiv: "__floordiv__", ast.Mod: "__mod__", ast.MatMult: "__matmul__",
                    ast.LShift: "__lshift__", ast.RShift: "__rshift__", ast.BitAnd: "__and__", ast.BitOr: "__or__",
                    ast.BitXor: "__xor__"}
"""The method a binary operator calls on its left operand first (when both have one type;
``**`` is left out: it takes CPython's ternary protocol)."""


@dataclass(frozen=True)
class Callee:
    """A specialized module-level function, or method, as its callers in the same module see it.

    Attributes:
        params: the kind each parameter is guarded as (OBJECT: not guarded), in order.
        result: DOUBLE or CINT when every call returns a value of that kind (a typed call
            then returns it as a C value), else OBJECT.
        pure: calling it runs no user code and changes nothing outside it.
        bounds: per parameter, the range +-bound its guard checks for a CINT (0 for others): a
            direct call checks an argument not proven within it.
        c_only: its C-result specialization runs no Python code at all (see
            :func:`autocy.annotate.hoist.c_only_function`), so a loop that calls it may check
            the guard of the call once, before the loop.
        flagging: it also has a flagging C-result variant, ``_autocy_specf_<name>``, that
            notes a failure instead of raising (see :mod:`autocy.annotate.flagging`).
    """

    params: tuple[Kind, ...]
    result: Kind = Kind.OBJECT
    pure: bool = False
    bounds: tuple[int, ...] = ()
    c_only: bool = False
    flagging: bool = False


@dataclass
class ModuleFacts:
    """What the annotator knows about a module's names.

    Attributes:
        bound: names bound at module level.
        math_modules: names bound (once) to the ``math`` module by ``import math [as m]``.
        math_functions: name -> ``math`` function name, for names bound (once) by
            ``from math import sqrt [as s]`` to a function of :data:`MATH_FUNCTIONS`.
        functions: name -> :class:`Callee`, the module's specialized functions (a call to one
            with arguments of its parameters' kinds goes straight to its specialization,
            while the name still names its dispatcher).
        methods: method name -> ``(qualname, callee)`` of the one specialized method of a
            module class with that name (names two classes specialize are left out): a call
            ``obj.name(args)``, or an operator of its dunder name, goes straight to its
            specialization while the lookup of ``name`` on ``obj`` finds its dispatcher (see
            :meth:`ExprTyper.method_callee`).
        records: class name -> :class:`~autocy.annotate.records.Record`, the module's record
            classes, whose temporary instances typed code may keep in C doubles.
    """

    bound: set[str] = field(default_factory=set)
    math_modules: set[str] = field(default_factory=set)
    math_functions: dict[str, str] = field(default_factory=dict)
    functions: dict[str, Callee] = field(default_factory=dict)
    methods: dict[str, tuple[str, Callee]] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)


def whole_slice(part: ast.Slice) -> bool:
    """``[:]``: a slice with no bounds and no step."""
    return part.lower is None and part.upper is None and part.step is None


def _fits(interval: Interval | None) -> Interval | None:
    if interval is None or interval[0] < INT64_MIN or interval[1] > INT64_MAX:
        return None
    return interval


class ExprTyper:
    """Expression kinds, integer intervals and purity under one assignment of variable kinds.

    Args:
        kinds: variable -> kind, for the typed variables of the function.
        locals_: every local name of the function.
        module: the module's name facts.
        intervals: CINT variable -> proven ``(low, high)`` range (absent: any 64-bit value).
        elements: list/tuple variable -> the kind its elements were observed as.
        retry_nodes: ids of the expression nodes inside statements that can be retried
            (checked operations are typed only there); None means every node (used to decide
            which statements can be retried).
        assume_int: the ``int-overflow`` assumption is on (``assume`` in the settings): C int
            ``+ - * // -x abs()`` are plain C operations, never checked (an *assumed* typing).
        attributes: ``(variable, attribute)`` -> the kind (DOUBLE) that attribute of the
            instances an untyped local held was observed as; ``v.a`` is then read as that kind
            where it lives in the instance, a checked operation (see :meth:`attribute_read`).
    """

    def __init__(self, kinds: dict[str, Kind], locals_: set[str], module: ModuleFacts,
                 intervals: dict[str, Interval] | None = None,
                 elements: dict[str, Kind] | None = None, retry_nodes: set[int] | None = None,
                 assume_int: bool = False, attributes: dict[tuple[str, str], Kind] | None = None):
        self.kinds = kinds
        self.locals = locals_
        self.module = module
        self.intervals = intervals or {}
        self.elements = elements or {}
        self.retry_nodes = retry_nodes
        self.assume_int = assume_int
        self.attributes = attributes or {}

    # -------------------------------------------------------------- small facts

    def var(self, name: str) -> Kind:
        """The kind of a variable (OBJECT when untyped)."""
        return self.kinds.get(name, Kind.OBJECT)

    def builtin(self, node: ast.expr, name: str) -> bool:
        """``node`` names the builtin ``name`` (not shadowed by a local or a module name)."""
        return (isinstance(node, ast.Name) and node.id == name and name not in self.locals
                and name not in self.module.bound)

    def math_function(self, func: ast.expr) -> str | None:
        """The ``math`` function a call's ``func`` names (``sqrt`` or ``math.sqrt``), if any."""
        if isinstance(func, ast.Name) and func.id not in self.locals:
            return self.module.math_functions.get(func.id)
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in self.module.math_modules and func.value.id not in self.locals
                and func.attr in MATH_FUNCTIONS):
            return func.attr
        return None

    def callee(self, node: ast.Call) -> Callee | None:
        """The specialized module function a call goes straight to, if it does: its name is
        not a local, and it gets exactly one positional argument of each parameter's kind."""
        func = node.func
        if not isinstance(func, ast.Name) or func.id in self.locals or node.keywords:
            return None
        callee = self.module.functions.get(func.id)
        if callee is None or len(node.args) != len(callee.params):
            return None
        for arg, kind in zip(node.args, callee.params):
            if isinstance(arg, ast.Starred) or (kind is not Kind.OBJECT and self.of(arg) is not kind):
                return None
        return callee

    def method_callee(self, node: ast.Call) -> tuple[str, Callee] | None:
        """``(qualname, callee)`` of the specialized method a call ``obj.name(args)`` goes
        straight to while the lookup of ``name`` on ``obj`` finds the method's dispatcher (a
        guard checked at run time, see ``__autocy_method_is``), with exactly one positional
        argument of each parameter's kind after the instance; else None."""
        func = node.func
        if not isinstance(func, ast.Attribute) or node.keywords or self.of(func.value) is not Kind.OBJECT:
            return None
        if isinstance(func.value, ast.Name) and func.value.id in self.module.math_modules:
            return None
        method = self.module.methods.get(func.attr)
        if method is None or len(node.args) != len(method[1].params) - 1:
            return None
        for arg, kind in zip(node.args, method[1].params[1:]):
            if isinstance(arg, ast.Starred) or (kind is not Kind.OBJECT and self.of(arg) is not kind):
                return None
        return method

    def operator_callee(self, node: ast.BinOp) -> tuple[str, Callee] | None:
        """``(qualname, callee)`` of the specialized method ``__op__`` an operator on two
        objects goes straight to while both operands have the same type and the lookup of
        ``__op__`` on it finds the method's dispatcher (see ``__autocy_binop_is``); else None."""
        dunder = OPERATOR_METHODS.get(type(node.op))
        method = self.module.methods.get(dunder) if dunder else None
        if method is None or method[1].params != (Kind.OBJECT, Kind.OBJECT):
            return None
        if self.of(node.left) is not Kind.OBJECT or self.of(node.right) is not Kind.OBJECT:
            return None
        return method

    def attribute_read(self, node: ast.AST) -> Kind | None:
        """The kind ``v.a`` is read as, where ``v`` is an untyped local and the profile saw
        attribute ``a`` of the instances ``v`` held as one exact type with a kind (None
        otherwise). The read goes to where the attribute lives in the instance, through an
        inline cache (:mod:`autocy.inline_caches`), and checks the value's exact type: a
        checked operation (anything else, or an attribute elsewhere, fails the read), typed
        only where its statement can be retried."""
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in self.locals and node.value.id not in self.kinds and self.checked_ok(node)):
            return None
        return self.attributes.get((node.value.id, node.attr))

    def checked_ok(self, node: ast.AST) -> bool:
        """True when a checked operation at ``node`` may be typed (its statement can be retried)."""
        return self.retry_nodes is None or id(node) in self.retry_nodes

    # -------------------------------------------------------------- kinds

    def of(self, node: ast.expr) -> Kind:  # noqa: C901 - one case per node type
        """The kind of ``node``'s value in typed code (OBJECT: a Python object operation)."""
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            return self.var(node.id)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unaryop(node)
        if isinstance(node, ast.BoolOp):
            return Kind.BOOL if all(self.of(v) is Kind.BOOL for v in node.values) else Kind.OBJECT
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            if self.of(node.value) is Kind.COMPLEX and node.attr in ("real", "imag"):
                return Kind.DOUBLE
            return self.attribute_read(node) or Kind.OBJECT
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if type(node) in DISPLAYS:
            return DISPLAYS[type(node)]
        if isinstance(node, ast.IfExp):
            body, orelse = self.of(node.body), self.of(node.orelse)
            return body if body is orelse and body is not Kind.NUM else Kind.OBJECT
        return Kind.OBJECT

    @staticmethod
    def constant(value: object) -> Kind:
        """The kind of a literal."""
        if isinstance(value, bool):
            return Kind.BOOL
        if isinstance(value, int):
            return Kind.CINT if INT64_MIN <= value <= INT64_MAX else Kind.OBJECT
        return {float: Kind.DOUBLE, complex: Kind.COMPLEX, str: Kind.STR,
                bytes: Kind.BYTES}.get(type(value), Kind.OBJECT)

    def binop(self, node: ast.BinOp) -> Kind:
        return self.combine(node.left, node.op, node.right, node)

    def augmented(self, stmt: ast.AugAssign) -> Kind:
        """The kind of the value ``target op value`` that an augmented assignment stores."""
        return self.combine(stmt.target, stmt.op, stmt.value, stmt.value)

    def combine(self, left_node: ast.expr, op: ast.operator, right_node: ast.expr,
                site: ast.AST) -> Kind:  # noqa: C901 - one case per operator
        """The kind of ``left op right``; ``site`` is the node whose statement decides whether
        checked operations may be typed."""
        left, right = self.of(left_node), self.of(right_node)
        real = (Kind.DOUBLE, Kind.CINT)
        if Kind.NUM in (left, right):  # a float partner makes it float arithmetic on its double
            if {left, right} != {Kind.NUM, Kind.DOUBLE}:
                return Kind.OBJECT
            left = right = Kind.DOUBLE
        if Kind.NPF64 in (left, right):  # NumPy's scalar arithmetic, checked for FPU flags
            numeric = left in real + (Kind.NPF64,) and right in real + (Kind.NPF64,)
            ops = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)
            return Kind.NPF64 if numeric and isinstance(op, ops) and self.checked_ok(site) else Kind.OBJECT
        if isinstance(op, (ast.Add, ast.Sub, ast.Mult)) and Kind.COMPLEX in (left, right):
            other = right if left is Kind.COMPLEX else left
            if other is Kind.COMPLEX or (MIXED_COMPLEX and other in real):
                return Kind.COMPLEX
            return Kind.OBJECT
        if left in real and right in real and Kind.DOUBLE in (left, right):
            if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)):
                return Kind.DOUBLE
            if isinstance(op, ast.Pow):
                return Kind.DOUBLE if self.nonneg(left_node) or self.checked_ok(site) else Kind.OBJECT
            return Kind.OBJECT
        if left is Kind.CINT and right is Kind.CINT:
            return self.int_binop(left_node, op, right_node, site)
        if isinstance(op, ast.Add) and left is right and left in SEQUENCES:
            return left
        if isinstance(op, ast.Mult):
            if left in SEQUENCES and right is Kind.CINT:
                return left
            if right in SEQUENCES and left is Kind.CINT:
                return right
        return Kind.OBJECT

    def int_binop(self, left: ast.expr, op: ast.operator, right: ast.expr, site: ast.AST) -> Kind:
        """int op int: C when exact (proven range or an exact helper), checked otherwise."""
        if isinstance(op, ast.Div):
            return Kind.DOUBLE  # _autocy_itruediv is exact
        if isinstance(op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.RShift, ast.Mod)):
            return Kind.CINT  # exact in C / the exact helpers
        if isinstance(op, ast.FloorDiv) and self.floordiv_exact(left, right):
            return Kind.CINT
        if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
            if self.combine_interval(left, op, right) is not None or self.checked_ok(site) or self.assume_int:
                return Kind.CINT
        if isinstance(op, ast.LShift):  # (checked even when int-overflow is assumed: C's << of a
            # negative count or a lost bit is undefined, not a wrapped result)
            if self.combine_interval(left, op, right) is not None or self.checked_ok(site):
                return Kind.CINT
        return Kind.OBJECT

    def floordiv_exact(self, left: ast.expr, right: ast.expr) -> bool:
        """int // int overflows 64 bits only for INT64_MIN // -1: exact when that is excluded."""
        numerator, divisor = self.interval(left), self.interval(right)
        return (numerator is not None and numerator[0] > INT64_MIN) or (
            divisor is not None and not divisor[0] <= -1 <= divisor[1])

    def unaryop(self, node: ast.UnaryOp) -> Kind:
        operand = self.of(node.operand)
        if isinstance(node.op, ast.Not):
            return Kind.BOOL
        if isinstance(node.op, ast.UAdd) and operand in (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.NPF64):
            return operand
        if isinstance(node.op, ast.USub):
            if operand in (Kind.DOUBLE, Kind.COMPLEX, Kind.NPF64):
                return operand
            if operand is Kind.CINT and (self.interval(node) is not None or self.checked_ok(node) or self.assume_int):
                return Kind.CINT
        if isinstance(node.op, ast.Invert) and operand is Kind.CINT:
            return Kind.CINT
        return Kind.OBJECT

    def compare(self, node: ast.Compare) -> Kind:
        if all(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in node.ops):
            return Kind.BOOL
        operands = [self.of(node.left)] + [self.of(c) for c in node.comparators]
        ordered = all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq))
                      for op in node.ops)
        if ordered and all(k in (Kind.DOUBLE, Kind.CINT, Kind.BOOL, Kind.NUM) for k in operands):
            return Kind.BOOL  # (int/float comparisons are exact, and so are a NUM's doubles)
        if ordered and all(k in (Kind.STR, Kind.BYTES) for k in operands) and len(set(operands)) == 1:
            return Kind.BOOL
        if all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops) and all(
                k in (Kind.COMPLEX, Kind.DOUBLE, Kind.CINT) for k in operands):
            return Kind.BOOL
        return Kind.OBJECT

    def python_int_operand(self, node: ast.expr) -> ast.expr | None:
        """``x`` of ``_autocy_py_int(x)``, the literal pass's spelling of a C integer operand as
        a Python int (:mod:`autocy.annotate.literals`), when typed code computes ``x`` as a C
        int: its arithmetic on ``x`` is proven or checked, so it takes ``x`` itself (and
        ``range(len(xs) + 1)`` stays a C loop); else None."""
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == AS_PYTHON
                and len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)
                and self.of(node.args[0]) is Kind.CINT):
            return node.args[0]
        return None

    def call(self, node: ast.Call) -> Kind:  # noqa: C901 - one case per builtin
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return Kind.OBJECT
        if self.python_int_operand(node) is not None:
            return Kind.CINT
        args = [self.of(a) for a in node.args]
        func = node.func
        one = len(args) == 1
        if self.builtin(func, "len") and one and (args[0] in CONTAINERS or args[0] is Kind.INTLIST):
            return Kind.CINT
        if self.builtin(func, "abs") and one:
            if args[0] in (Kind.DOUBLE, Kind.COMPLEX):
                return Kind.DOUBLE
            if args[0] is Kind.NPF64:
                return Kind.NPF64
            if args[0] is Kind.CINT and (self.interval(node) is not None or self.checked_ok(node) or self.assume_int):
                return Kind.CINT
            return Kind.OBJECT
        if self.builtin(func, "complex") and 1 <= len(args) <= 2 and all(a in (Kind.DOUBLE, Kind.CINT) for a in args):
            return Kind.COMPLEX
        if self.builtin(func, "float") and one and args[0] in (Kind.DOUBLE, Kind.CINT, Kind.NPF64):
            return Kind.DOUBLE
        if self.builtin(func, "int") and one and args[0] is Kind.CINT:
            return Kind.CINT
        if (self.builtin(func, "min") or self.builtin(func, "max")) and len(args) >= 2 \
                and len(set(args)) == 1 and args[0] in (Kind.DOUBLE, Kind.CINT):
            return args[0]
        for name, kind in (("list", Kind.LIST), ("dict", Kind.DICT), ("set", Kind.SET)):
            if self.builtin(func, name) and not args:
                return kind
        if self.math_function(func) and one and args[0] in (Kind.DOUBLE, Kind.CINT, Kind.NPF64) \
                and self.checked_ok(node):
            return Kind.DOUBLE
        callee = self.callee(node)
        if callee is not None and callee.pure and callee.result is not Kind.OBJECT and self.checked_ok(node):
            return callee.result
        method = self.method_callee(node)
        if method is not None and method[1].pure and method[1].result is not Kind.OBJECT and self.checked_ok(node) \
                and self.pure(func.value):
            return method[1].result
        if isinstance(func, ast.Attribute):
            receiver = self.of(func.value)
            if receiver is Kind.STR and func.attr in STR_METHODS:
                return STR_METHODS[func.attr]
            return CONTAINER_METHODS.get(receiver, {}).get(func.attr, Kind.OBJECT)
        return Kind.OBJECT

    def array_index(self, node: ast.Subscript) -> list[ast.expr] | None:
        """The C-int indices of a full index into a typed array variable (``a[i, j]`` of a 2-D
        array), else None."""
        value = self.of(node.value)
        if value not in ARRAYS or not isinstance(node.value, ast.Name):
            return None
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(index) != value.ndim or not all(self.of(i) is Kind.CINT for i in index):
            return None
        return index

    def subscript(self, node: ast.Subscript) -> Kind:
        if self.array_index(node) is not None:
            return Kind.NPF64
        value = self.of(node.value)
        if value is Kind.INTLIST:  # (only a whole copy, xs[:], is ever taken of one)
            if isinstance(node.slice, ast.Slice):
                return Kind.INTLIST if whole_slice(node.slice) else Kind.OBJECT
            return Kind.CINT if self.of(node.slice) is Kind.CINT else Kind.OBJECT
        if isinstance(node.slice, ast.Slice):
            return value if value in SEQUENCES else Kind.OBJECT
        index = self.of(node.slice)
        if index is not Kind.CINT:
            return Kind.OBJECT
        if value is Kind.STR:
            return Kind.STR
        if value is Kind.BYTES:
            return Kind.CINT
        if value in (Kind.LIST, Kind.TUPLE) and isinstance(node.value, ast.Name) and self.checked_ok(node):
            element = self.elements.get(node.value.id, Kind.OBJECT)
            return element if element in (Kind.DOUBLE, Kind.CINT) else Kind.OBJECT
        return Kind.OBJECT

    # -------------------------------------------------------------- checked operations

    def is_checked(self, node: ast.expr) -> bool:
        """True when ``node`` itself is a typed operation that may raise for a value where
        CPython's result differs (so its statement must be retried on failure)."""
        kind = self.of(node)
        if kind is Kind.OBJECT:
            return False
        if isinstance(node, ast.BinOp):
            return self.checked_combination(node.left, node.op, node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.USub) and kind is Kind.CINT and self.interval(node) is None \
                and not self.assume_int
        if isinstance(node, ast.Call):
            if self.math_function(node.func) or self.callee(node) is not None \
                    or self.method_callee(node) is not None:
                return True
            return self.builtin(node.func, "abs") and kind is Kind.CINT and self.interval(node) is None \
                and not self.assume_int
        if isinstance(node, ast.Subscript):
            return self.of(node.value) in (Kind.LIST, Kind.TUPLE) and not isinstance(node.slice, ast.Slice)
        return self.attribute_read(node) is not None

    def c_condition(self, node: ast.expr) -> bool:
        """A comparison of C numbers with a NumPy scalar among them: its value is a
        ``numpy.bool_`` (so the comparison is an object), but as a condition it is the C test."""
        if not isinstance(node, ast.Compare) or not all(type(op) in _ORDERED for op in node.ops):
            return False
        kinds = {self.of(o) for o in [node.left, *node.comparators]}
        return Kind.NPF64 in kinds and kinds <= {Kind.NPF64, Kind.DOUBLE, Kind.CINT}

    def checked_combination(self, left: ast.expr, op: ast.operator, right: ast.expr) -> bool:
        """True when a typed ``left op right`` is a checked operation."""
        if Kind.NPF64 in (self.of(left), self.of(right)):
            return True
        if self.of(left) is Kind.CINT and self.of(right) is Kind.CINT:
            if isinstance(op, ast.LShift):
                return self.combine_interval(left, op, right) is None
            if self.assume_int or (isinstance(op, ast.FloorDiv) and self.floordiv_exact(left, right)):
                return False
            return isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)) \
                and self.combine_interval(left, op, right) is None
        return isinstance(op, ast.Pow) and not self.nonneg(left)

    def needs_retry(self, node: ast.AST) -> bool:
        """True when any typed expression under ``node`` is a checked operation."""
        return any(isinstance(sub, ast.expr) and self.is_checked(sub) for sub in ast.walk(node))

    # -------------------------------------------------------------- integer ranges

    def interval(self, node: ast.expr) -> Interval | None:  # noqa: C901
        """The proven range of an integer expression whose every intermediate result fits 64
        bits, or None when nothing is proven."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, int) and not isinstance(value, bool):
                return _fits((value, value))
            return None
        if isinstance(node, ast.Name):
            return self.intervals.get(node.id) if self.var(node.id) is Kind.CINT else None
        if isinstance(node, ast.Call) and self.builtin(node.func, "len") and len(node.args) == 1 \
                and not node.keywords and self.call(node) is Kind.CINT:
            return (0, LEN_BOUND)
        if isinstance(node, ast.Call) and (operand := self.python_int_operand(node)) is not None:
            return self.interval(operand)
        if isinstance(node, ast.Call) and self.builtin(node.func, "abs") and len(node.args) == 1:
            inner = self.interval(node.args[0])
            if inner is None:
                return None
            low, high = inner
            return _fits((0 if low <= 0 <= high else min(abs(low), abs(high)), max(abs(low), abs(high))))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.interval(node.operand)
            if inner is None:
                return None
            return inner if isinstance(node.op, ast.UAdd) else _fits((-inner[1], -inner[0]))
        if isinstance(node, ast.BinOp):
            return self.combine_interval(node.left, node.op, node.right)
        return None

    def combine_interval(self, left_node: ast.expr, op: ast.operator, right_node: ast.expr) -> Interval | None:
        """The proven range of ``left op right`` for integer operands (None if unproven)."""
        left, right = self.interval(left_node), self.interval(right_node)
        if isinstance(op, ast.BitAnd) and self.of(left_node) is self.of(right_node) is Kind.CINT:
            # x & m for m >= 0 is within [0, m], whatever x is
            masks = [high for low, high in (left or (-1, 0), right or (-1, 0)) if low >= 0]
            return (0, min(masks)) if masks else None
        if left is None or right is None:
            return None
        (a, b), (c, d) = left, right
        if isinstance(op, ast.Add):
            return _fits((a + c, b + d))
        if isinstance(op, ast.Sub):
            return _fits((a - d, b - c))
        if isinstance(op, ast.Mult):
            products = (a * c, a * d, b * c, b * d)
            return _fits((min(products), max(products)))
        if isinstance(op, ast.FloorDiv) and c == d and c > 0:
            return _fits((a // c, b // c))
        if isinstance(op, ast.Mod) and c == d and c > 0:
            return (0, c - 1)
        if isinstance(op, ast.LShift) and 0 <= c and d <= 62:
            return _fits((min(a << c, a << d), max(b << c, b << d)))
        if isinstance(op, ast.RShift) and 0 <= c:  # (towards minus infinity, as Python's)
            return (min(a >> c, a >> d), max(b >> c, b >> d))
        return None

    # -------------------------------------------------------------- other proofs

    def nonneg(self, node: ast.expr) -> bool:
        """True when a float expression is provably >= 0 or NaN (so ``x ** y`` is never complex)."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and node.value >= 0
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mult) and ast.dump(node.left) == ast.dump(node.right) \
                    and self.pure(node.left):
                return True
            if isinstance(node.op, (ast.Add, ast.Mult, ast.Div)):
                return self.nonneg(node.left) and self.nonneg(node.right)
            return False
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            if self.builtin(node.func, "abs"):
                return True
            return self.math_function(node.func) in ("sqrt", "exp", "fabs", "cosh")
        interval = self.interval(node)
        return interval is not None and interval[0] >= 0

    def pure(self, node: ast.expr) -> bool:  # noqa: C901 - one case per node type
        """True when evaluating ``node`` runs no user code and changes nothing outside the
        function (it may raise). Only then can a statement be evaluated a second time."""
        if isinstance(node, (ast.Constant, ast.Name)):
            return True
        kind = self.of(node)
        children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
            kinds = [self.of(o) for o in operands]
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                return kinds[0] is not Kind.OBJECT and self.pure(node.operand)
            if kind is Kind.OBJECT and not all(k in NUMBERS for k in kinds):
                return False  # an object operator may run user code (str % obj calls __str__)
            return all(self.pure(o) for o in operands)
        if isinstance(node, ast.BoolOp):
            return all(self.of(v) is not Kind.OBJECT and self.pure(v) for v in node.values)
        if isinstance(node, ast.Compare):
            return kind is Kind.BOOL and all(self.of(o) is not Kind.OBJECT and self.pure(o) for o in children) \
                and not any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
        if isinstance(node, ast.Call):
            callee = self.callee(node)
            if callee is not None:
                return callee.pure and all(self.pure(a) for a in node.args)
            method = self.method_callee(node)
            if method is not None and kind is not Kind.OBJECT:
                return method[1].pure and all(self.pure(a) for a in node.args) and self.pure(node.func.value)
            if kind is Kind.OBJECT or not all(self.pure(a) for a in node.args):
                return False
            if isinstance(node.func, ast.Attribute) and not self.math_function(node.func):
                receiver = self.of(node.func.value)
                if node.func.attr == "join":
                    return receiver is Kind.STR and all(self.of(a) in CONTAINERS for a in node.args) \
                        and self.pure(node.func.value)
                return receiver in (Kind.STR, Kind.LIST, Kind.DICT, Kind.SET) \
                    and node.func.attr not in ("count", "index") and self.pure(node.func.value)
            return True
        if isinstance(node, ast.Attribute):
            return kind in (Kind.DOUBLE, Kind.CINT) and self.pure(node.value)
        if isinstance(node, ast.Subscript):
            value = self.of(node.value)
            index = self.array_index(node)
            if index is not None:
                return all(self.pure(i) for i in index)
            if isinstance(node.slice, ast.Slice):
                parts = [p for p in (node.slice.lower, node.slice.upper, node.slice.step) if p is not None]
                return value in SEQUENCES and all(self.of(p) is Kind.CINT and self.pure(p) for p in parts) \
                    and self.pure(node.value)
            return ((value in SEQUENCES or value is Kind.INTLIST) and self.of(node.slice) is Kind.CINT
                    and self.pure(node.value) and self.pure(node.slice))
        if isinstance(node, (ast.List, ast.Tuple)):
            return all(self.pure(e) for e in node.elts)
        if isinstance(node, ast.IfExp):
            return all(self.of(n) is not Kind.OBJECT and self.pure(n) for n in (node.test, node.body, node.orelse))
        return False
