"""Render one analysed function as Cython pure-Python-mode code: a typed specialization, and a
dispatcher that guards it.

The output for ``def f(a, b): ...`` is, after the module's own (untouched) code::

    _autocy_generic_f = f                      # the original function: the generic path
    @cy.cfunc
    @cy.locals(a=cy.double, ...)
    def _autocy_spec_f(a, b):
        while True:
            ...typed copy of the body...       # a failed guard: _ac_at = <point>; break
            break
        if _ac_at == 0:
            return None
        return _autocy_resume_f(_ac_at, ...)   # every variable, typed ones boxed
    @cy.cfunc
    def _autocy_resume_f(_ac_at, ...):
        ...the object copy resumes at _ac_at (see resume.py)...
    def f(a, b):                               # the dispatcher, under the original name
        if type(a) is float and ...:           # exact-type guards on entry
            return _autocy_spec_f(a, b)
        return _autocy_generic_f(a, b)

A method ``C.m`` is specialized the same way; its dispatcher is assigned to ``C.m``, wrapped
in ``staticmethod``, ``classmethod`` or ``property`` as the original was.

A generator function's specialization and object copy are ``def`` generators (Cython makes
no ``cdef`` generator), the deoptimized exit is ``return (yield from _autocy_resume_f(...))``,
and the dispatcher names the generator it returns after itself (``_autocy_named_generator``).

Expressions of a typed kind are emitted as C expressions that compute what CPython computes
(see :mod:`autocy.annotate.expressions`); anything else is emitted as a Python-object
expression whose typed operands are boxed first, so Cython never applies a C operator whose
result could differ. A statement with *checked* operations (a helper that raises where C
would differ from CPython: an int overflow, a float // by zero, a rebound function) is emitted
as::

    _ac_pt = <point>
    x = <C expression with checked helpers>
    _ac_pt = 0

and the typed body runs inside one ``try`` whose handler turns an exception raised while
``_ac_pt`` is set into a deoptimization at that point: the object copy evaluates the same
statement again on Python objects, raising what CPython raises, and finishes the call. This is
correct because the analysis only allows it where evaluating the expression runs no user code
(evaluating it twice is unobservable); an exception anywhere else propagates unchanged. (A
``try`` per statement cost 5 ns per iteration of a NumPy stencil loop, a third of its time.)
The one exception is ``obj[i] op= value`` and ``obj.a op= value``, whose container load may
run user code: there the value alone is evaluated again, on objects, in a local ``try``.

A statement of C values whose every way to fail has a flagging helper is emitted without
any call instead (see :mod:`autocy.annotate.flagging`)::

    _ac_t3 = total + _autocy_fdiv_f(a, _autocy_item_d_f(xs, i))
    if _autocy_take_failure():
        _ac_at = <point>                       # the object copy evaluates it again
        break
    total = _ac_t3

Every emitted line records the line of the user's statement it comes from, so the compile
stage can point tracebacks at the user's ``.py``.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from autocy.annotate.analysis import (FunctionAnalysis, assigned_names, block_leaves, call_prefix, loop_shape,
                                      none_test, range_call, range_parts)
from autocy.annotate.aswritten import AS_WRITTEN, emit_written
from autocy.annotate.closures import restore
from autocy.annotate.expressions import OPERATOR_METHODS, Callee, ExprTyper
from autocy.annotate.flagging import flaggable, flaggable_op
from autocy.annotate.floatarrays import array_lists, index_offset
from autocy.annotate.hoist import c_only_range_loop, c_only_sequence_loop, direct_calls, math_calls
from autocy.annotate.intlists import element_stores, fill_parts, made_list, prefix_reversal
from autocy.annotate.kinds import ARRAYS, CONTAINERS, NUMBERS, Kind, stores_in_c
from autocy.annotate.lines import Lines
from autocy.annotate.records import (RegionCompiler, certainly_bound, find_made_value, find_region,
                                     made_local)
from autocy.annotate.resume import LoopResume, ObjectCopy, Point, object_code, shadow
from autocy.annotate.runtime import CHAR_PREDICATES, CINT_BOUND, CY, MATH_FUNCTIONS
from autocy.annotate.reductions import ReductionLoop, element_code
from autocy.annotate.vectorize import CHUNK, fast_body, stored_rows

_COMPOUND = (ast.If, ast.For, ast.While)
"""Statements with statement blocks that the specializer handles."""

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
        ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
        ast.BitAnd: "&", ast.MatMult: "@"}
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_CMP_CODE = {ast.Lt: 0, ast.LtE: 1, ast.Eq: 2, ast.NotEq: 3, ast.Gt: 4, ast.GtE: 5}
_CMP_FLIP = {0: 4, 1: 5, 2: 2, 3: 3, 4: 0, 5: 1}
_INT_HELPERS = {ast.Add: "_autocy_iadd", ast.Sub: "_autocy_isub", ast.Mult: "_autocy_imul",
                ast.FloorDiv: "_autocy_ifloordiv", ast.Mod: "_autocy_imod", ast.RShift: "_autocy_irshift",
                ast.LShift: "_autocy_ilshift"}
_FLOAT_HELPERS = {ast.FloorDiv: "_autocy_ffloordiv", ast.Mod: "_autocy_fmod_py", ast.Pow: "_autocy_pow"}
_MIXED = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
_UNBOX = {Kind.DOUBLE: "_autocy_d_of({})", Kind.CINT: "_autocy_cint_value({})", Kind.BOOL: "({} is True)",
          Kind.NUM: "_autocy_num_value({})"}
"""How an object that passed its kind's check is read into a C variable. (Cython's own
conversion would call CPython for other objects and check for an exception: a call in the
loop, which costs the loop's C doubles their registers; see flagging.py.)"""
_NUMPY_CHAIN = (ast.Add, ast.Sub, ast.Mult)
_NUMPY_QUIET = "_autocy_np_under_ignored()"
"""The region condition under which a ``numpy.float64`` product skips its underflow check."""
"""The NumPy scalar operations a flagging statement checks as one chain (see numpy_chain)."""
_NUMPY_HELPERS = {ast.Add: "_autocy_np_add", ast.Sub: "_autocy_np_sub", ast.Mult: "_autocy_np_mul",
                  ast.Div: "_autocy_np_div", ast.FloorDiv: "_autocy_np_floordiv", ast.Mod: "_autocy_np_mod"}


@dataclass
class Typed:
    """An emitted expression: its kind and code; COMPLEX has ``code`` = real, ``imag`` = imaginary;
    NUM has ``code`` = the double, ``imag`` = the C flag that says the value is an int."""

    kind: Kind
    code: str
    imag: str = ""


def memoryview(name: str) -> str:
    """The typed memoryview that shadows the ARRAY variable ``name``."""
    return f"_ac_mv_{name}"


def int_flag(name: str) -> str:
    """The C flag that says the NUM variable ``name`` holds an int (its double is that int)."""
    return f"_ac_n_{name}"


def complex_names(name: str) -> tuple[str, str]:
    """The two C doubles a COMPLEX variable ``name`` is lowered to."""
    return f"_ac_{name}_re", f"_ac_{name}_im"


def target_leaves(target: ast.expr) -> list[ast.expr]:
    """The single targets an assignment target stores to, in order (through tuples, lists
    and starred targets): names, subscripts and attributes."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return [leaf for element in target.elts for leaf in target_leaves(element)]
    if isinstance(target, ast.Starred):
        return target_leaves(target.value)
    return [target]


class AttributeSites:
    """Numbers the inline caches of one module's typed attribute accesses: each gets a cache
    of its own, ``_autocy_attr_site(k)`` (the module's ``.pxd`` declares ``count`` of them)."""

    def __init__(self) -> None:
        self.count = 0

    def new(self) -> str:
        """The C expression for the cache of one more site."""
        self.count += 1
        return f"_autocy_attr_site({self.count - 1})"


def invariant_key(node: ast.expr, local_names: set[str], assigned: set[str]) -> str | None:
    """A key for the value of ``node`` that stays the same while the names in ``assigned`` are
    not assigned: a local variable not among them (no other code can rebind a local of a
    compiled function), or an int constant; None for anything else."""
    if isinstance(node, ast.Name) and node.id in local_names and node.id not in assigned:
        return node.id
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return repr(node.value)
    return None


def mangle(qualname: str) -> str:
    """``C.m`` -> ``C_autocy_dot_m``: a generated name's part for a (method's) qualname;
    :func:`autocy.compile.user_frame_names` turns it back into ``C.m`` in tracebacks."""
    return qualname.replace(".", "_autocy_dot_")


class _Emitter:  # noqa: PLR0904 - one method per construct
    def __init__(self, analysis: FunctionAnalysis, c_result: Kind | None = None,
                 guarded_loops: set[int] | None = None, sites: AttributeSites | None = None):
        self.a = analysis
        self.sites = sites if sites is not None else AttributeSites()
        self.c_result = c_result  # DOUBLE/CINT: the variant that returns a C value (or raises)
        self.kinds = analysis.kinds
        self.typer: ExprTyper = analysis.typer()
        self.out = Lines()
        self.points: list[Point] = []
        self.loops: dict[int, LoopResume] = {}
        self.path: list[tuple[list[ast.stmt], int]] = []
        self.temps: dict[str, str] = {}
        # loops that need their state kept for a resume point inside: from a first pass over
        # the body (see specialization()), or, in that pass, those whose item is guarded
        self.guarded_loops = guarded_loops if guarded_loops is not None else {
            id(n) for n in ast.walk(analysis.node) if isinstance(n, ast.For) and self.loop_guarded(n)}
        self.owners = {id(block): n for n in ast.walk(analysis.node)
                       if isinstance(n, (ast.If, ast.While, ast.For)) for block in (n.body, n.orelse)}
        self.maybe_assigned: set[str] = set()  # names some resume point may have assigned
        self.loops_with_points: set[int] = set()
        # inside a C-only loop (see hoist.py): guard code -> the bint local holding its value
        self.hoisted: dict[str, str] | None = None
        # inside a C-only loop: the lists whose float elements it owns (see owned_lists)
        self.owned: frozenset[str] | None = None
        # inside such a loop: owned list -> the C array of doubles holding it (floatarrays.py)
        self.arrays: dict[str, str] = {}
        # range() loop variable -> {(array, dimension): (lowest, highest) offset} of the
        # memoryview indices checked before that loop (see index_ranges)
        self.checked_indices: dict[str, dict[tuple[str, int], tuple[int, int]]] = {}
        # inside such loops: (array, dimension) -> (stop, highest offset) for each enclosing
        # loop whose check proved stop - 1 + offset < the length (see implied_by_enclosing)
        self.checked_stops: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self.reevaluated = False  # some statement deoptimizes when its checked code raises
        self.flagging = False  # emitting the flagging variants of the helpers (see flagging.py)
        # id of a call argument evaluated before its statement -> the C temporary holding it
        self.substitutes: dict[int, Typed] = {}
        self.flags = 0  # how many flagging helpers were emitted
        self.intlist_sequences: set[str] = set()  # the _ac_seq_<n> of loops over lists of C ints

    # ------------------------------------------------------------ facts

    def typed_name(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id in self.kinds

    def retried(self, stmt: ast.stmt) -> bool:
        """The statement is emitted with a retry on Python objects (it has checked operations)."""
        if id(stmt) not in self.a.retry:
            return False
        if isinstance(stmt, ast.AugAssign) and self.typed_name(stmt.target):
            return id(stmt) not in self.a.bounded and (
                self.needs_retry(stmt.value) or self.typer.checked_combination(stmt.target, stmt.op, stmt.value))
        value = stmt.test if isinstance(stmt, ast.If) else stmt.value
        return self.needs_retry(value)

    def needs_retry(self, node: ast.AST) -> bool:
        """Some typed expression under ``node`` is a checked operation (an element of an owned
        list, read with no check, is not)."""
        return any(isinstance(sub, ast.expr) and self.typer.is_checked(sub) and not self.owned_element(sub)
                   for sub in ast.walk(node))

    def owned_element(self, node: ast.AST) -> bool:
        """``xs[i]``, a float element of a list the loop being emitted owns (see
        :meth:`owned_lists`), its index checked before the loop: read and stored with no check."""
        return (bool(self.owned) and self.float_element(node) and node.value.id in self.owned
                and self.checked_index(node.value.id, 0, node.slice))

    def parallel(self, target: ast.expr, value: ast.expr) -> bool:
        """``a, b = x, y`` with every typed name given a value of its kind."""
        if not (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
                and len(target.elts) == len(value.elts)):
            return False
        for t, v in zip(target.elts, value.elts):
            if isinstance(t, ast.Starred) or isinstance(v, ast.Starred):
                return False
            if self.typed_name(t) and (self.typer.of(v) is not self.kinds[t.id] or self.kinds[t.id] is Kind.NUM):
                return False
            if isinstance(t, (ast.Tuple, ast.List)) and not self.parallel(t, v):
                return False
        return True

    def loop_guarded(self, loop: ast.For) -> bool:
        shape = loop_shape(self.typer, loop)
        if shape == "range":
            return False
        leaves = [n for n in target_leaves(loop.target) if isinstance(n, ast.Name) and n.id in self.kinds]
        if shape == "enumerate":
            leaves = [n for n in leaves if n is not loop.target.elts[0]]
        if isinstance(loop.target, ast.Name) and self.typer.of(loop.iter) in (Kind.STR, Kind.BYTES):
            return False
        return bool(leaves)

    def flagged(self, helper: str) -> str:
        """The name of ``helper``, or of its flagging variant (``<helper>_f``) while a
        flagging statement is emitted (see :mod:`autocy.annotate.flagging`)."""
        if not self.flagging:
            return helper
        self.flags += 1
        return f"{helper}_f"

    def flaggable(self, node: ast.expr) -> bool:
        """``node`` may be evaluated by a flagging statement (:func:`flagging.flaggable`)."""
        def element(sub: ast.Subscript) -> bool:
            index = self.typer.array_index(sub)
            if index is not None:
                return all(self.checked_index(sub.value.id, dim, part) and flaggable(self.typer, part, element)
                           for dim, part in enumerate(index))
            return self.float_element(sub) and self.checked_index(sub.value.id, 0, sub.slice)

        return flaggable(self.typer, node, element)

    def temp(self, kind: Kind) -> str:
        name = f"_ac_t{len(self.temps)}"
        self.temps[name] = Kind.OBJECT.declaration() if kind is Kind.COMPLEX else kind.declaration()
        return name

    # ------------------------------------------------------------ expressions

    def box(self, t: Typed) -> str:
        """A Python-object expression for ``t`` (the same value CPython would have). An int
        constant is written as itself: Cython keeps it a Python int in an object context (and
        folds literal arithmetic exactly, as Python does) and takes its fast paths for ``x += 1``
        or ``x == 1``, which a cast to object hides (bm_richards' ``i.count -= 1``).

        Raises:
            AssertionError: for a list of C ints, which no Python code may see (its uses are
                all typed: :mod:`autocy.annotate.intlists`).
        """
        if t.kind is Kind.INTLIST:
            raise AssertionError(f"the list of C ints {t.code} reached Python code")
        if t.kind is Kind.COMPLEX:
            return f"_autocy_complex({t.code}, {t.imag})"
        if t.kind is Kind.NPF64:
            return f"_autocy_npf64({t.code})"
        if t.kind is Kind.NUM:
            return f"_autocy_box_num({t.code}, {t.imag})"
        if t.kind is Kind.CINT and t.code.isdecimal():
            return t.code
        if t.kind in (Kind.DOUBLE, Kind.CINT, Kind.BOOL):
            return f"{CY}.cast(object, {t.code})"
        return t.code

    def obj(self, node: ast.expr) -> str:
        """A Python-object expression for ``node``; an element of an exact list or tuple that
        typed code would unbox (``xs[i] = xs[i + 1]``), or an attribute it would read as a
        float, is passed on as the object itself (the same object, not an equal new one), and
        so is the branch ``x if c else y`` takes, and the operand of ``+x``."""
        if id(node) in self.substitutes:
            return self.box(self.substitutes[id(node)])
        if (isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice)
                and self.typer.of(node.value) in (Kind.LIST, Kind.TUPLE)
                and self.typer.of(node) in (Kind.DOUBLE, Kind.CINT)):
            return self.item(node)
        if self.typer.attribute_read(node) is not None:
            return f"{node.value.id}.{node.attr}"
        if isinstance(node, ast.IfExp) and self.typer.of(node) is not Kind.OBJECT:  # the branch's own object
            return f"({self.obj(node.body)} if {self.truth(node.test)} else {self.obj(node.orelse)})"
        if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd)
                and self.typer.of(node) in (Kind.DOUBLE, Kind.CINT)):  # +x of an exact float or int is x
            return self.obj(node.operand)
        return self.box(self.expr(node))

    def as_double(self, t: Typed) -> str:
        """A C double expression for a CINT, DOUBLE or NPF64 value."""
        return f"{CY}.cast({CY}.double, {t.code})" if t.kind is Kind.CINT else t.code

    def as_complex(self, t: Typed) -> tuple[str, str]:
        return (t.code, t.imag) if t.kind is Kind.COMPLEX else (self.as_double(t), "0.0")

    def expr(self, node: ast.expr) -> Typed:  # noqa: C901 - one case per node type
        if id(node) in self.substitutes:  # an argument evaluated before its statement
            return self.substitutes[id(node)]
        kind = self.typer.of(node)
        if isinstance(node, ast.Constant):
            if kind is Kind.COMPLEX:
                return Typed(kind, repr(node.value.real), repr(node.value.imag))
            if kind is Kind.CINT and not -(2 ** 31) <= node.value < 2 ** 31:
                # (Cython makes a Python int of a literal beyond 32 bits: crc & 0xFFFFFF00 boxed
                # crc for every byte of crcmod's CRC-32 loop; a cast literal is a C constant)
                return Typed(kind, f"{CY}.cast({CY}.longlong, {node.value!r})")
            return Typed(kind, repr(node.value))
        if isinstance(node, ast.Name):
            if kind is Kind.COMPLEX:
                return Typed(kind, *complex_names(node.id))
            if kind is Kind.NUM:
                return Typed(kind, node.id, int_flag(node.id))
            return Typed(kind, node.id)
        if isinstance(node, ast.BinOp):
            method = self.typer.operator_callee(node)  # (two object operands: an object result)
            if method is not None:
                return self.operator_call(node, method)
            return self.binop(node.left, node.op, node.right, kind)
        if isinstance(node, ast.UnaryOp):
            return self.unaryop(node, kind)
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            parts = [self.expr(v) for v in node.values]
            if kind is Kind.BOOL:
                return Typed(kind, "(" + word.join(p.code for p in parts) + ")")
            return Typed(kind, "(" + word.join(self.box(p) for p in parts) + ")")
        if isinstance(node, ast.Compare):
            return self.compare(node, kind)
        if isinstance(node, ast.Call):
            return self.call(node, kind)
        if isinstance(node, ast.Attribute):
            if self.typer.attribute_read(node) is not None:  # a float or int where the instance keeps it
                helper = self.flagged("_autocy_attr_d" if kind is Kind.DOUBLE else "_autocy_attr_i")
                return Typed(kind, f"{helper}({self.sites.new()}, {node.value.id}, {node.attr!r})")
            value = self.expr(node.value)
            if value.kind is Kind.COMPLEX and node.attr in ("real", "imag"):
                return Typed(Kind.DOUBLE, value.code if node.attr == "real" else value.imag)
            return Typed(kind, f"{self.box(value)}.{node.attr}")
        if isinstance(node, ast.Subscript):
            return self.subscript(node, kind)
        if isinstance(node, ast.IfExp):
            body, orelse = self.expr(node.body), self.expr(node.orelse)
            test = self.truth(node.test)
            if kind is Kind.COMPLEX:
                return Typed(kind, f"({body.code} if {test} else {orelse.code})",
                             f"({body.imag} if {test} else {orelse.imag})")
            if kind in (Kind.DOUBLE, Kind.CINT, Kind.BOOL):
                return Typed(kind, f"({body.code} if {test} else {orelse.code})")
            return Typed(kind, f"({self.box(body)} if {test} else {self.box(orelse)})")
        if isinstance(node, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in node.elts):
            items = ", ".join(self.obj(e) for e in node.elts)
            if isinstance(node, ast.List):
                return Typed(kind, f"[{items}]")
            return Typed(kind, f"({items}{',' if len(node.elts) == 1 else ''})")
        return Typed(kind, self.generic(node))

    def generic(self, node: ast.expr) -> str:
        """Any expression, evaluated on Python objects: typed names are boxed first, and so
        are the C ints read from a list of C ints (``xs[i]``, ``len(xs)``: the list itself is
        no Python object)."""
        return "(" + self.boxed(node) + ")"

    def boxed(self, node: ast.AST) -> str:
        """The source of ``node`` (an expression, a target or a statement without blocks),
        with every typed value it reads boxed as :meth:`generic` does."""
        emitter = self
        copied = copy.deepcopy(node)
        original = {id(c): o for c, o in zip(ast.walk(copied), ast.walk(node))}  # (typed by id)

        class Boxer(ast.NodeTransformer):
            def visit_Name(self, name: ast.Name) -> ast.AST:
                if name.id in emitter.kinds and isinstance(name.ctx, ast.Load):
                    return ast.Name(id=emitter.box(emitter.expr(name)), ctx=ast.Load())
                return name

            def visit_Subscript(self, sub: ast.Subscript) -> ast.AST:
                return self.int_list_read(sub) or self.generic_visit(sub)

            def visit_Call(self, call: ast.Call) -> ast.AST:
                return self.int_list_read(call) or self.generic_visit(call)

            def int_list_read(self, read: ast.Subscript | ast.Call) -> ast.AST | None:
                source = original[id(read)]
                inner = source.value if isinstance(source, ast.Subscript) else (source.args or [None])[0]
                if emitter.typer.of(source) is Kind.CINT and isinstance(inner, ast.Name) \
                        and emitter.typer.of(inner) is Kind.INTLIST:
                    return ast.Name(id=emitter.box(emitter.expr(source)), ctx=ast.Load())
                return None

        return ast.unparse(Boxer().visit(copied))

    def written_simple(self, stmt: ast.stmt) -> str:
        """A statement without blocks inside a statement run as written (see
        :mod:`autocy.annotate.aswritten`), on Python objects."""
        if isinstance(stmt, ast.Return):
            return self.returned("None" if stmt.value is None else self.generic(stmt.value))
        return self.boxed(stmt)

    def binop(self, left_node: ast.expr, op: ast.operator, right_node: ast.expr, kind: Kind) -> Typed:  # noqa: C901
        if kind is Kind.NPF64 and self.flagging and isinstance(op, _NUMPY_CHAIN):
            return Typed(kind, f"{self.flagged('_autocy_np_finite')}({self.numpy_chain(left_node, op, right_node)})")
        left, right = self.expr(left_node), self.expr(right_node)
        symbol = _OPS[type(op)]
        if kind is Kind.COMPLEX:
            (ar, ai), (br, bi) = self.as_complex(left), self.as_complex(right)
            if isinstance(op, ast.Mult):  # _Py_c_prod
                return Typed(kind, f"({ar} * {br} - {ai} * {bi})", f"({ar} * {bi} + {ai} * {br})")
            return Typed(kind, f"({ar} {symbol} {br})", f"({ai} {symbol} {bi})")  # _Py_c_sum / _Py_c_diff
        if kind is Kind.NPF64:
            helper = self.flagged("_autocy_np_div") if isinstance(op, ast.Div) else _NUMPY_HELPERS[type(op)]
            return Typed(kind, f"{helper}({self.as_double(left)}, {self.as_double(right)})")
        if kind is Kind.DOUBLE:
            if left.kind is Kind.CINT and right.kind is Kind.CINT:  # int / int
                return Typed(kind, f"_autocy_itruediv({left.code}, {right.code})")
            lcode, rcode = self.as_double(left), self.as_double(right)
            if type(op) in _FLOAT_HELPERS:
                return Typed(kind, f"{_FLOAT_HELPERS[type(op)]}({lcode}, {rcode})")
            if self.flagging and isinstance(op, ast.Div):
                return Typed(kind, f"{self.flagged('_autocy_fdiv')}({lcode}, {rcode})")
            return Typed(kind, f"({lcode} {symbol} {rcode})")
        if kind is Kind.CINT:
            checked = self.typer.checked_combination(left_node, op, right_node)
            if type(op) in _INT_HELPERS and (checked or not isinstance(op, (ast.Add, ast.Sub, ast.Mult))):
                return Typed(kind, f"{self.flagged(_INT_HELPERS[type(op)])}({left.code}, {right.code})")
            return Typed(kind, f"({left.code} {symbol} {right.code})")
        if kind in CONTAINERS:
            lcode = left.code if left.kind is Kind.CINT else self.box(left)
            rcode = right.code if right.kind is Kind.CINT else self.box(right)
            return Typed(kind, f"({lcode} {symbol} {rcode})")
        if type(op) in _MIXED and {left.kind, right.kind} == {Kind.DOUBLE, Kind.OBJECT}:
            order = "od" if left.kind is Kind.OBJECT else "do"
            return Typed(kind, f"_autocy_{_MIXED[type(op)]}_{order}({left.code}, {right.code})")
        return Typed(kind, f"({self.box(left)} {symbol} {self.box(right)})")

    def numpy_chain(self, left_node: ast.expr, op: ast.operator, right_node: ast.expr) -> str:
        """C code of ``numpy.float64`` ``+ - *`` operations nested in one another, in a flagging
        statement; the caller checks the chain's result once (``_autocy_np_finite_f``).

        Why one check is enough: NumPy reports the FPU flags each operation raises. An
        overflow or an invalid operation gives an infinity or a NaN, and ``+ - *`` of an
        infinity or a NaN give one again, so a finite result of the chain means none happened
        (a non-finite one is a failure, also where NumPy would report nothing: the object
        copy then computes as NumPy does). An addition or a subtraction whose result is
        subnormal is exact (Hauser 1996), so it never raises the underflow flag; a product
        is checked for underflow itself (``_autocy_np_mulu_f``), unless NumPy's error state
        ignores underflow (its default) as checked before the enclosing C-only loop (see
        hoist_guards). A division, a call or any other operand is computed with its own checks.
        The stencil of the benchmark suite ran 2x faster than with a full check per operation,
        and 1.5x faster again without the underflow checks."""
        parts = []
        for node in (left_node, right_node):
            if isinstance(node, ast.BinOp) and isinstance(node.op, _NUMPY_CHAIN) and self.typer.of(node) is Kind.NPF64:
                parts.append(self.numpy_chain(node.left, node.op, node.right))
            else:
                parts.append(self.as_double(self.expr(node)))
        if isinstance(op, ast.Mult):
            quiet = self.hoisted.get(_NUMPY_QUIET, "0") if self.hoisted is not None else "0"
            return f"{self.flagged('_autocy_np_mulu')}({parts[0]}, {parts[1]}, {quiet})"
        return f"({parts[0]} {_OPS[type(op)]} {parts[1]})"

    def unaryop(self, node: ast.UnaryOp, kind: Kind) -> Typed:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            return Typed(Kind.BOOL, f"(not {self.truth_of(operand)})")
        if kind is Kind.COMPLEX:
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return Typed(kind, f"({sign}{operand.code})", f"({sign}{operand.imag})")
        if kind is Kind.CINT and isinstance(node.op, ast.USub) and self.typer.is_checked(node):
            return Typed(kind, f"{self.flagged('_autocy_ineg')}({operand.code})")
        if kind is not Kind.OBJECT:
            sign = {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}[type(node.op)]
            return Typed(kind, f"({sign}{operand.code})")
        sign = {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}[type(node.op)]
        return Typed(kind, f"({sign}{self.box(operand)})")

    def compare(self, node: ast.Compare, kind: Kind) -> Typed:
        reduced = self.abs_compare(node)
        if reduced:
            return Typed(Kind.BOOL, reduced)
        tested = none_test(node)
        if tested is not None and self.typer.var(tested.id) in NUMBERS:  # a C value is never None
            return Typed(kind, str(isinstance(node.ops[0], ast.IsNot)))
        operands = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
        kinds = {o.kind for o in operands}
        if kind is Kind.BOOL and kinds <= {Kind.DOUBLE, Kind.CINT, Kind.BOOL, Kind.NUM} \
                and all(type(op) in _CMP_CODE for op in node.ops):
            operands = [Typed(Kind.DOUBLE, o.code) if o.kind is Kind.NUM else o for o in operands]
            parts = []
            for op, a, b in zip(node.ops, operands, operands[1:]):
                code = _CMP_CODE[type(op)]
                if a.kind is Kind.CINT and b.kind is Kind.DOUBLE:
                    parts.append(f"_autocy_cmp_id({a.code}, {b.code}, {code})")
                elif a.kind is Kind.DOUBLE and b.kind is Kind.CINT:
                    parts.append(f"_autocy_cmp_id({b.code}, {a.code}, {_CMP_FLIP[code]})")
                else:
                    parts.append(f"({a.code} {_CMP[type(op)]} {b.code})")
            return Typed(kind, "(" + " and ".join(parts) + ")")
        if kind is Kind.BOOL and Kind.COMPLEX in kinds and len(operands) == 2:
            (ar, ai), (br, bi) = self.as_complex(operands[0]), self.as_complex(operands[1])
            equal = f"({ar} == {br} and {ai} == {bi})"
            return Typed(kind, equal if isinstance(node.ops[0], ast.Eq) else f"(not {equal})")
        mixed = self.mixed_compare(node, operands) if kind is Kind.OBJECT else None
        if mixed:
            return Typed(kind, mixed)
        native = kind is Kind.BOOL and kinds <= {Kind.STR, Kind.BYTES}
        codes = [o.code if native else self.box(o) for o in operands]
        text = codes[0] + "".join(f" {_CMP[type(op)]} {c}" for op, c in zip(node.ops, codes[1:]))
        return Typed(kind, f"({text})")

    def mixed_compare(self, node: ast.Compare, operands: list[Typed]) -> str | None:
        """``a <op> b`` of a C double or int and a Python object (a module constant such as
        ``EPSILON``, an untyped value), in that order, through ``_autocy_cmp_<do|od|io|oi>``:
        compared in C when the object is an exact float, or an exact int within +-2**62 (as
        CPython compares two floats, two ints, or an int and a float exactly), else the rich
        comparison of the boxed number with the object, whose result is kept as it is."""
        if len(operands) != 2 or type(node.ops[0]) not in _CMP_CODE:
            return None
        (a, b), code = operands, _CMP_CODE[type(node.ops[0])]
        letters = {Kind.DOUBLE: "d", Kind.CINT: "i", Kind.OBJECT: "o"}
        pair = letters.get(a.kind, "") + letters.get(b.kind, "")
        if pair not in ("do", "od", "io", "oi"):
            return None
        return f"_autocy_cmp_{pair}({a.code}, {b.code}, {code})"

    def abs_compare(self, node: ast.Compare) -> str | None:
        """``abs(z) < c`` (also ``<= > >=``) for a complex ``z`` and a constant ``c`` in
        [1e-100, 1e100]: decided from ``re*re + im*im`` when that is far enough from ``c*c``
        to be certain, else by the exact ``abs`` (``_autocy_cabs_cmp`` in runtime.py)."""
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
            return None
        left, right = node.left, node.comparators[0]
        if not (isinstance(left, ast.Call) and self.typer.builtin(left.func, "abs") and len(left.args) == 1
                and not left.keywords and self.typer.of(left.args[0]) is Kind.COMPLEX):
            return None
        if not (isinstance(right, ast.Constant) and type(right.value) in (int, float)
                and 1e-100 <= right.value <= 1e100):
            return None
        z = self.expr(left.args[0])
        below = isinstance(node.ops[0], (ast.Lt, ast.LtE))
        strict = isinstance(node.ops[0], (ast.Lt, ast.Gt))
        return f"_autocy_cabs_cmp({z.code}, {z.imag}, {float(right.value)!r}, {below}, {strict})"

    def call(self, node: ast.Call, kind: Kind) -> Typed:  # noqa: C901 - one case per builtin
        func, typer = node.func, self.typer
        callee = typer.callee(node)
        if callee is not None:
            return self.direct_call(node, callee, kind)
        method = typer.method_callee(node)
        if method is not None:
            return self.method_call(node, method, kind)
        if kind is Kind.OBJECT or node.keywords:
            return self.plain_call(node, kind)
        operand = typer.python_int_operand(node)
        if operand is not None:
            return self.expr(operand)
        args = [self.expr(a) for a in node.args]
        if typer.builtin(func, "abs"):
            arg = args[0]
            if arg.kind is Kind.COMPLEX:
                return Typed(kind, f"_autocy_cabs({arg.code}, {arg.imag})")
            if arg.kind is Kind.CINT and typer.is_checked(node):
                return Typed(kind, f"{self.flagged('_autocy_iabs')}({arg.code})")
            return Typed(kind, f"abs({arg.code})")
        if typer.builtin(func, "complex"):
            imag = self.as_double(args[1]) if len(args) == 2 else "0.0"
            return Typed(kind, self.as_double(args[0]), imag)
        if typer.builtin(func, "float"):
            return Typed(kind, self.as_double(args[0]))
        if typer.builtin(func, "int"):
            return Typed(kind, args[0].code)
        if typer.builtin(func, "len") and args[0].kind is Kind.INTLIST:
            return Typed(kind, f"_autocy_il_len({args[0].code})")
        if typer.builtin(func, "len"):
            return Typed(kind, f"len({args[0].code})")
        if typer.builtin(func, "min") or typer.builtin(func, "max"):
            helper = f"_autocy_{'min' if typer.builtin(func, 'min') else 'max'}_{'d' if kind is Kind.DOUBLE else 'i'}"
            code = args[0].code
            for arg in args[1:]:
                code = f"{helper}({code}, {arg.code})"
            return Typed(kind, code)
        if isinstance(func, ast.Attribute) and func.attr in CHAR_PREDICATES and not args \
                and kind is Kind.BOOL and typer.of(func.value) is Kind.STR:
            return Typed(kind, f"_autocy_str_{func.attr}({self.obj(func.value)})")
        math = typer.math_function(func)
        if math:
            helper = MATH_FUNCTIONS[math] if math == "fabs" else self.flagged(MATH_FUNCTIONS[math])
            value = f"{helper}({self.as_double(args[0])})"
            return Typed(kind, f"{self.flagged('_autocy_guarded_d')}({self.guard(self.math_guard(func, math))}, {value})")
        return self.plain_call(node, kind)

    def guard(self, same: str) -> str:
        """The code of a guard condition: the local it was checked into before the enclosing
        C-only loop (see hoist_guards), else the condition itself."""
        return self.hoisted.get(same, same) if self.hoisted is not None else same

    def math_guard(self, func: ast.expr, math: str) -> str:
        """The condition that ``func`` still names the ``math`` function ``math``."""
        return f"{self.obj(func)} is _autocy_orig_{math}"

    def direct_call(self, node: ast.Call, callee: Callee, kind: Kind) -> Typed:
        """A call of another specialized function of the module, straight to its
        specialization while its name still names its dispatcher (``_autocy_fn_<name>``) and
        every C int argument is within its parameter's guard bound (checked unless proven)."""
        name = node.func.id
        args, checks = self.direct_arguments(node.args, callee.params, callee.bounds)
        boxed = ", ".join(self.obj(a) for a in node.args)
        return self.guarded_call(name, ", ".join(args), [self.guard(f"{name} is _autocy_fn_{name}")] + checks,
                                 f"{name}({boxed})", node, kind)

    def direct_arguments(self, nodes: list[ast.expr], params: tuple[Kind, ...],
                         bounds: tuple[int, ...]) -> tuple[list[str], list[str]]:
        """The code of each argument of a direct call, as its parameter takes it (a C value for
        a typed parameter), and the checks that C int arguments are within their parameters'
        guard bounds (``+-bound``; none where the argument's range is proven)."""
        args, checks = [], []
        for arg, param, bound in zip(nodes, params, bounds or [0] * len(nodes)):
            t = self.expr(arg)
            args.append(t.code if param is not Kind.OBJECT and t.kind is not Kind.COMPLEX else self.box(t))
            interval = self.typer.interval(arg) if param is Kind.CINT else None
            if param is Kind.CINT and not (interval and -bound <= interval[0] and interval[1] <= bound):
                limit = "_AUTOCY_CINT_BOUND" if bound == CINT_BOUND else str(bound)  # (a C constant)
                checks.append(f"-{limit} <= {t.code} <= {limit}")
        return args, checks

    def guarded_call(self, key: str, call: str, checks: list[str], otherwise: str, node: ast.Call,
                     kind: Kind) -> Typed:
        """``_autocy_spec_<key>(call)`` (or its C-result variant for a typed ``kind``) while
        every check holds, else ``otherwise``, the call as the source makes it; in a statement
        that can be retried, a failed check fails the statement instead (it is evaluated again
        on objects, where only then the other function runs)."""
        same = " and ".join(checks)
        if kind in (Kind.DOUBLE, Kind.CINT):  # a pure callee, in a statement that can be retried
            suffix = "d" if kind is Kind.DOUBLE else "i"
            if self.flagging:
                self.flags += 1
                return Typed(kind, f"(_autocy_specf_{key}({call}) if ({same}) else _autocy_rebound_{suffix}_f())")
            return Typed(kind, f"(_autocy_spec{suffix}_{key}({call}) if ({same}) else _autocy_rebound_{suffix}())")
        if self.typer.checked_ok(node):  # retried if rebound: the new function runs only then
            return Typed(kind, f"(_autocy_spec_{key}({call}) if _autocy_same({same}) else None)")
        return Typed(kind, f"(_autocy_spec_{key}({call}) if ({same}) else {otherwise})")

    def once(self, node: ast.expr) -> tuple[str, str]:
        """``(first, again)``: the code that evaluates ``node`` to an object the first time, and
        the code that gives the same object again: a temporary the first one sets (even for a
        name, which the code evaluated in between, such as the arguments, could rebind)."""
        temp = self.temp(Kind.OBJECT)
        return f"({temp} := {self.obj(node)})", temp

    def method_call(self, node: ast.Call, method: tuple[str, Callee], kind: Kind) -> Typed:
        """``obj.name(args)`` of a specialized method, straight to its specialization while the
        lookup of ``name`` on ``obj`` finds the method's dispatcher and no instance attribute of
        that name (``_autocy_method_is``, an inline cache of its own; no Python code runs, as
        in CPython's lookup of a plain function) and every C int argument is within its
        parameter's guard bound. ``obj`` is evaluated once, before the arguments."""
        qualname, callee = method
        key = mangle(qualname)
        first, again = self.once(node.func.value)
        same = f"_autocy_method_is({self.sites.new()}, {first}, {node.func.attr!r}, _autocy_dispatch_{key}, 1)"
        args, checks = self.direct_arguments(node.args, callee.params[1:], callee.bounds[1:])
        boxed = ", ".join(self.obj(a) for a in node.args)
        return self.guarded_call(key, ", ".join([again] + args), [same] + checks,
                                 f"{again}.{node.func.attr}({boxed})", node, kind)

    def operator_call(self, node: ast.BinOp, method: tuple[str, Callee]) -> Typed:
        """``a <op> b`` on two objects, straight to the specialization of ``__op__`` while both
        have one type whose lookup of ``__op__`` finds the method's dispatcher (so CPython
        would call it, and nothing before it: ``_autocy_binop_is``); its NotImplemented is
        CPython's TypeError. Each operand is evaluated once, in order."""
        qualname, callee = method
        key = mangle(qualname)
        (left, a), (right, b) = self.once(node.left), self.once(node.right)
        symbol = _OPS[type(node.op)]
        same = f"_autocy_binop_is({self.sites.new()}, {left}, {right}, {OPERATOR_METHODS[type(node.op)]!r}, " \
               f"_autocy_dispatch_{key})"
        return Typed(Kind.OBJECT, f"(_autocy_op_result(_autocy_spec_{key}({a}, {b}), {symbol!r}, {a}, {b}) "
                                  f"if {same} else ({a} {symbol} {b}))")

    def plain_call(self, node: ast.Call, kind: Kind) -> Typed:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return Typed(kind, self.generic(node))
        args = ", ".join(self.obj(a) for a in node.args)
        return Typed(kind, f"{self.obj(node.func)}({args})")

    def subscript(self, node: ast.Subscript, kind: Kind) -> Typed:
        if self.typer.of(node.value) is Kind.INTLIST:  # (a copy xs[:] is made by intlist_assign)
            if kind is not Kind.CINT:
                raise AssertionError(f"a list of C ints indexed other than by a C int: {ast.unparse(node)}")
            return Typed(kind, f"{self.flagged('_autocy_il_get')}({node.value.id}, {self.expr(node.slice).code})")
        index = self.typer.array_index(node)
        if index is not None:
            return Typed(kind, f"{memoryview(node.value.id)}[{', '.join(self.expr(i).code for i in index)}]")
        if isinstance(node.slice, ast.Slice):
            parts = []
            for part in (node.slice.lower, node.slice.upper, node.slice.step):
                if part is None:
                    parts.append("")
                else:
                    t = self.expr(part)
                    parts.append(t.code if t.kind is Kind.CINT else self.box(t))
            text = ":".join(parts) if parts[2] else ":".join(parts[:2])
            return Typed(kind, f"{self.obj(node.value)}[{text}]")
        if self.owned_element(node) and node.value.id in self.arrays:
            return Typed(kind, f"{self.arrays[node.value.id]}[{self.expr(node.slice).code}]")
        if self.owned_element(node):
            return Typed(kind, f"_autocy_owned_d({node.value.id}, {self.expr(node.slice).code})")
        if self.float_element(node) and self.checked_index(node.value.id, 0, node.slice):
            return Typed(kind, f"{self.flagged('_autocy_item_d')}({node.value.id}, {self.expr(node.slice).code})")
        container = self.typer.of(node.value)
        if self.flagging and container in (Kind.LIST, Kind.TUPLE) and kind in (Kind.DOUBLE, Kind.CINT):
            self.flags += 1
            helper = "_autocy_seq_d_f" if kind is Kind.DOUBLE else "_autocy_seq_i_f"
            return Typed(kind, f"{helper}({self.obj(node.value)}, {self.expr(node.slice).code})")
        item = self.item(node)
        if container in (Kind.LIST, Kind.TUPLE) and kind is Kind.DOUBLE:
            return Typed(kind, f"_autocy_unbox_d({item})")
        if container in (Kind.LIST, Kind.TUPLE) and kind is Kind.CINT:
            return Typed(kind, f"_autocy_unbox_i({item})")
        return Typed(kind, item)

    def item(self, node: ast.Subscript) -> str:
        """``xs[i]`` read as an object, with a C index where the index is a C int."""
        if self.typer.of(node.value) is Kind.INTLIST:
            raise AssertionError("an element of a list of C ints is read or stored as an object")
        index = self.expr(node.slice)
        index_code = index.code if index.kind is Kind.CINT else self.box(index)
        return f"{self.obj(node.value)}[{index_code}]"

    def truth_of(self, t: Typed) -> str:
        """``t``'s truth as a C truth value that a ``bint`` can hold: a C number is compared
        with zero (stored into a ``bint``, C would convert it, dropping the high bits of an int
        and the fraction of a double: chess's ``bits & mask`` for a square above 31 was
        false). NaN is true and -0.0 false, as in Python."""
        if t.kind is Kind.COMPLEX:
            return f"({t.code} != 0.0 or {t.imag} != 0.0)"
        if t.kind in (Kind.CINT, Kind.DOUBLE, Kind.NUM, Kind.NPF64):
            return f"({t.code} != 0)"
        return t.code

    def truth(self, node: ast.expr) -> str:
        """A condition: C truth value with Python's short-circuit order."""
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + word.join(self.truth(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"(not {self.truth(node.operand)})"
        if self.typer.c_condition(node):  # numpy.bool_ as a value, the C test as a condition
            operands = [self.as_double(self.expr(o)) for o in [node.left, *node.comparators]]
            parts = [f"({a} {_CMP[type(op)]} {b})" for op, a, b in zip(node.ops, operands, operands[1:])]
            return "(" + " and ".join(parts) + ")"
        return self.truth_of(self.expr(node))

    # ------------------------------------------------------------ guards and stores

    def here(self) -> tuple[list[ast.stmt], int]:
        return self.path[-1]

    def deopt(self, ind: int, line: int, block: list[ast.stmt], index: int, prefix: list[str]) -> None:
        """Leave typed code: resume at ``block[index]`` after running ``prefix``. The ``break``
        leaves the innermost loop; every loop with a resume point inside is followed by
        ``if _ac_at != 0: break``, up to the loop that wraps the whole typed body."""
        self.out.add(ind, f"_ac_at = {self.point(line, block, index, prefix)}", line)
        self.out.add(ind, "break", line)

    def point(self, line: int, block: list[ast.stmt], index: int, prefix: list[str]) -> int:
        """Register a resume point at ``block[index]`` (after ``prefix``); returns its number."""
        number = len(self.points) + 1
        self.points.append(Point(number, id(block), index, prefix, line))
        self.loops_with_points.update(id(b[i]) for b, i in self.path if isinstance(b[i], ast.For))
        # (a point that resumes at the statement being emitted leaves it before it stored anything)
        again = bool(self.path) and self.path[-1][0] is block and self.path[-1][1] == index
        stored = self.assigned_before(current=not again)
        if not again and prefix:  # the rest of an unpacking, which the prefix stores in the resume
            later = {n.id for code in prefix for n in ast.walk(ast.parse(code))
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            stored = self.assigned_before(current=False) | (stored - later)
        self.maybe_assigned |= stored
        return number

    def assigned_before(self, current: bool = True) -> set[str]:
        """The names the statement being emitted (unless not ``current``), or anything that
        can run before it, may have stored to: every earlier statement of each enclosing block
        and every statement of each enclosing loop (an earlier iteration). Only these are passed
        to the resume function: Cython refuses to compile a read of a local it proves
        unassigned (the bm_chaos specializations, whose every point was in the statement that
        first binds ``v = GVector(...)``, did not compile before). A compound statement that
        holds the point counts only through its loops (an ``if`` whose body assigns a name
        after the point has not assigned it yet), and a branch of an earlier ``if`` that ends in
        ``return`` or ``raise`` not at all (sortedcontainers' ``SortedItemsView.__getitem__``
        binds ``keys`` only in a branch that returns: passing it did not compile)."""
        names: set[str] = set()
        for depth, (block, index) in enumerate(self.path):
            simple = current and depth == len(self.path) - 1 and not isinstance(block[index], _COMPOUND)
            names |= _reaching_assignments(block[:index + 1] if simple else block[:index])
            owner = self.owners.get(id(block))
            if isinstance(owner, (ast.For, ast.While)):
                names |= assigned_names([owner])
        return names

    def set_typed(self, name: str, t: Typed, ind: int, line: int) -> None:
        add = self.out.add
        if self.kinds[name] in ARRAYS:
            add(ind, f"{name} = {t.code}", line)
            add(ind, f"{memoryview(name)} = {name}", line)
            return
        if self.kinds[name] is Kind.COMPLEX:
            re_name, im_name = complex_names(name)
            add(ind, f"_ac_tr = {t.code}", line)
            add(ind, f"_ac_ti = {t.imag}", line)
            add(ind, f"{re_name} = _ac_tr", line)
            add(ind, f"{im_name} = _ac_ti", line)
        elif self.kinds[name] is Kind.NUM:  # a float, an int (within +-2**53) or another NUM
            value = f"{CY}.cast({CY}.double, {t.code})" if t.kind is Kind.CINT else t.code
            add(ind, f"{name} = {value}", line)
            add(ind, f"{int_flag(name)} = {t.imag if t.kind is Kind.NUM else t.kind is Kind.CINT}", line)
        else:
            add(ind, f"{name} = {t.code}", line)

    def unbox_or_deopt(self, name: str, source: str, ind: int, line: int, resume: tuple[list[ast.stmt], int],
                       prefix: list[str]) -> None:
        """Check the object in ``source`` and unbox it into typed ``name``, or deoptimize."""
        kind = self.kinds[name]
        check = kind.check(source, self.a.bounds.get(name, CINT_BOUND))
        self.out.add(ind, f"if not ({check}):", line)
        self.deopt(ind + 1, line, resume[0], resume[1], prefix)
        if kind is Kind.COMPLEX:
            re_name, im_name = complex_names(name)
            self.out.add(ind, f"{re_name} = _autocy_creal({source})", line)
            self.out.add(ind, f"{im_name} = _autocy_cimag({source})", line)
        elif kind in _UNBOX:  # the exact type is checked: no conversion that calls or raises
            self.out.add(ind, f"{name} = {_UNBOX[kind].format(source)}", line)
            if kind is Kind.NUM:
                self.out.add(ind, f"{int_flag(name)} = type({source}) is int", line)
        else:
            self.out.add(ind, f"{name} = {source}", line)
            if kind in ARRAYS:
                self.out.add(ind, f"{memoryview(name)} = {name}", line)

    def after(self) -> tuple[list[ast.stmt], int]:
        block, index = self.here()
        return block, index + 1

    def reevaluate(self, fast: list[str], ind: int, line: int) -> None:
        """Emit ``fast``, the checked code of the statement being emitted, so that an exception
        it raises deoptimizes to the start of that statement (see the module docstring)."""
        block, index = self.here()
        self.out.add(ind, f"_ac_pt = {self.point(line, block, index, [])}", line)
        for code in fast:
            self.out.add(ind, code, line)
        self.out.add(ind, "_ac_pt = 0", line)
        self.reevaluated = True

    def flagging_value(self, make: Callable[[], Typed], ind: int, line: int) -> Typed | None:
        """Emit the value ``make()`` builds, with the flagging helpers, into a temporary;
        when a helper failed, deoptimize to the start of the statement being emitted (nothing
        is stored yet; the object copy evaluates it again and raises what CPython raises).
        Returns the temporary, or None (nothing emitted) when the value has no helper that
        can fail: then the plain code of the statement is as good."""
        saved, self.flagging, self.flags = self.flags, True, 0
        try:
            value = make()
        finally:
            self.flagging, flags, self.flags = False, self.flags, saved
        if not flags:
            return None
        temp = self.temp(value.kind)
        self.out.add(ind, f"{temp} = {value.code}", line)
        self.out.add(ind, "if _autocy_take_failure():", line)
        block, index = self.here()
        self.deopt(ind + 1, line, block, index, [])
        return Typed(value.kind, temp)

    def retry(self, fast: list[str], ind: int, line: int) -> None:
        """Emit ``fast`` lines inside ``try``, setting ``_ac_retry`` when anything in them raises;
        the caller emits the retry under ``if _ac_retry:`` (only for a value whose statement
        cannot be evaluated again, see the module docstring)."""
        add = self.out.add
        add(ind, "_ac_retry = 0", line)
        add(ind, "try:", line)
        for code in fast:
            add(ind + 1, code, line)
        add(ind, "except Exception:", line)
        add(ind + 1, "_ac_retry = 1", line)

    def assign_name(self, stmt: ast.stmt, name: str, value: ast.expr, ind: int) -> None:
        line, kind = stmt.lineno, self.kinds[name]
        if kind is Kind.INTLIST:
            self.intlist_assign(name, value, ind, line)
            return
        prefix = [f"{shadow(name)} = _ac_o"]
        if not stores_in_c(kind, self.typer.of(value)):
            self.out.add(ind, f"_ac_o = {self.obj(value)}", line)
            self.unbox_or_deopt(name, "_ac_o", ind, line, self.after(), prefix)
            return
        if kind in (Kind.DOUBLE, Kind.CINT, Kind.NPF64, Kind.NUM) and self.flaggable(value):
            flagged = self.flagging_value(lambda: self.expr(value), ind, line)
            if flagged is not None:
                self.set_typed(name, flagged, ind, line)
                return
        if not self.retried(stmt):
            self.set_typed(name, self.expr(value), ind, line)
            return
        self.typed_reevaluated(name, self.expr(value), ind, line)

    def typed_reevaluated(self, name: str, fast: Typed, ind: int, line: int) -> None:
        saved, self.out = self.out, Lines()
        self.set_typed(name, fast, 0, line)
        fast_lines, self.out = self.out.text, saved
        self.reevaluate([text.strip() for text in fast_lines], ind, line)

    def store_object(self, target: ast.expr, source: str, ind: int, line: int) -> None:
        """Store the object in ``source`` into an untyped target, unpacking as Python does;
        typed names inside a tuple target are guarded one by one."""
        if isinstance(target, (ast.Tuple, ast.List)) and any(
                isinstance(n, ast.Name) and n.id in self.kinds for n in ast.walk(target)):
            leaves: list[tuple[ast.expr, str]] = []
            pattern = self.unpack_pattern(target, leaves)
            self.out.add(ind, f"{pattern} = {source}", line)
            block, index = self.after()
            for position, (leaf, temp) in enumerate(leaves):
                rest = [f"{object_code(t, set(self.kinds))} = {v}" for t, v in leaves[position:]]
                if self.typed_name(leaf):
                    self.unbox_or_deopt(leaf.id, temp, ind, line, (block, index), rest)
                else:
                    self.out.add(ind, f"{self.target(leaf)} = {temp}", line)
            return
        self.out.add(ind, f"{self.target(target)} = {source}", line)

    def unpack_pattern(self, target: ast.expr, leaves: list[tuple[ast.expr, str]]) -> str:
        if isinstance(target, (ast.Tuple, ast.List)):
            inner = ", ".join(self.unpack_pattern(e, leaves) for e in target.elts)
            return f"({inner}{',' if len(target.elts) == 1 else ''})"
        temp = self.temp(Kind.OBJECT)
        leaves.append((target, temp))
        return temp

    def target(self, node: ast.expr) -> str:
        """An assignment target that holds Python objects (its index expressions may be typed)."""
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            return self.item(node)
        if isinstance(node, ast.Attribute):
            return f"{self.obj(node.value)}.{node.attr}"
        if isinstance(node, ast.Name):
            return node.id
        return self.generic(node)[1:-1]

    # ------------------------------------------------------------ statements

    def block(self, stmts: list[ast.stmt], ind: int) -> None:
        emitted = len(self.out.text)
        region_end = -1
        for index, stmt in enumerate(stmts):
            if index <= region_end:
                continue
            region_end = self.record_region(stmts, index, ind)
            if region_end >= index:
                continue
            self.path.append((stmts, index))
            points = len(self.points)
            if self.indices_in_range(stmt):  # every index checked before its loop
                self.out.add(ind, f"with {CY}.boundscheck(False), {CY}.wraparound(False):", stmt.lineno)
                self.stmt(stmt, ind + 1)
            else:
                self.stmt(stmt, ind)
            self.path.pop()
            if isinstance(stmt, (ast.For, ast.While)) and len(self.points) > points:
                self.out.add(ind, "if _ac_at != 0:", stmt.lineno)
                self.out.add(ind + 1, "break", stmt.lineno)
        if len(self.out.text) == emitted:
            self.out.add(ind, "pass", stmts[0].lineno if stmts else self.a.node.lineno)

    def record_region(self, stmts: list[ast.stmt], index: int, ind: int) -> int:
        """Emit the region of a temporary record instance made by ``stmts[index]``, if one
        starts there, or the statement alone when it makes a record instance from instances
        it need not make (see :mod:`autocy.annotate.records`): its fast path, then its
        statements as usual where that does not apply. Returns the index of the region's last
        statement, or -1 (nothing emitted)."""
        if not self.a.record_locals:
            return -1

        def compiler() -> RegionCompiler:
            return RegionCompiler(self.kinds, self.a.module.records, self.sites.new, self.record_temp,
                                  self.certainly_bound(stmts, index), self.a.locals, self.typer.math_function)

        region = None
        if made_local(stmts[index], self.a.record_locals) is not None:
            region = find_region(stmts, index, self.a.node, self.a.record_locals, compiler())
        if region is None:
            region = find_made_value(stmts, index, self.a.record_locals, compiler())
        if region is None:
            return -1
        add, line, ok = self.out.add, stmts[index].lineno, self.temp(Kind.BOOL)
        for temp, code in region.prelude:
            add(ind, f"{temp} = {code}", line)
        add(ind, f"{ok} = {' and '.join(region.guards)}", line)
        add(ind, f"if {ok}:", line)
        for temp, code in region.steps:
            add(ind + 1, f"{temp} = {code}", line)
        add(ind, f"{ok} = (not _autocy_take_failure()) and {ok}", line)  # (the flag is always taken)
        add(ind, f"if {ok}:", line)
        cls = region.record.name
        for local, value in region.results:
            add(ind + 1, f"{local} = {value if isinstance(value, str) else self.record_instance(cls, value)}", line)
        if region.made:
            made = self.record_instance(cls, region.made)
            stmt = stmts[index]
            add(ind + 1, self.returned(made) if isinstance(stmt, ast.Return) else f"{stmt.targets[0].id} = {made}",
                line)
        add(ind, "else:", line)
        for k in range(region.start, region.end + 1):
            self.path.append((stmts, k))
            self.stmt(stmts[k], ind + 1)
            self.path.pop()
        return region.end

    def record_temp(self, declaration: str) -> str:
        """A new temporary of a C type (a declaration of ``_autocy_cython``) for a record
        region."""
        name = f"_ac_t{len(self.temps)}"
        self.temps[name] = declaration
        return name

    @staticmethod
    def record_instance(name: str, fields: tuple[str, ...]) -> str:
        """The code that makes an instance of the record class ``name`` from its fields' C
        doubles, as its makers do (``name(x, y, z)``, the guards having checked the name)."""
        return f"{name}({', '.join(f'{CY}.cast(object, {f})' for f in fields)})"

    def certainly_bound(self, stmts: list[ast.stmt], index: int) -> set[str]:
        """The local names bound whenever ``stmts[index]`` runs (see
        :func:`autocy.annotate.records.certainly_bound`)."""
        return certainly_bound(self.a.node, self.a.params, [*self.path, (stmts, index)])

    def stmt(self, stmt: ast.stmt, ind: int) -> None:  # noqa: C901 - one case per statement type
        add, line = self.out.add, stmt.lineno
        if id(stmt) in self.a.prefixed:
            self.prefix_arguments(call_prefix(stmt), ind, line)
        if isinstance(stmt, (ast.Assign, ast.Return)) and id(stmt.value) in self.a.reductions:
            self.reduction_loop(stmt.value, self.a.reductions[id(stmt.value)], ind, line)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            if stmt.value is not None:
                self.assign(stmt, ind)
        elif isinstance(stmt, ast.AugAssign):
            self.augassign(stmt, ind)
        elif isinstance(stmt, ast.Expr):
            if not isinstance(stmt.value, ast.Constant):
                add(ind, self.obj(stmt.value), line)
        elif isinstance(stmt, ast.If):
            flagged = None
            if self.flaggable(stmt.test):
                flagged = self.flagging_value(lambda: Typed(Kind.BOOL, self.truth(stmt.test)), ind, line)
            if flagged is not None:
                add(ind, f"if {flagged.code}:", line)
            elif self.retried(stmt):
                self.reevaluate([f"_ac_c = {self.truth(stmt.test)}"], ind, line)
                add(ind, "if _ac_c:", line)
            else:
                add(ind, f"if {self.truth(stmt.test)}:", line)
            self.block(stmt.body, ind + 1)
            self.orelse(stmt, ind)
        elif isinstance(stmt, ast.While):
            add(ind, f"while {self.truth(stmt.test)}:", line)
            self.block(stmt.body, ind + 1)
            self.orelse(stmt, ind)
        elif isinstance(stmt, ast.For):
            self.for_loop(stmt, ind)
        elif isinstance(stmt, ast.Return):
            self.return_(stmt, ind)
        elif isinstance(stmt, (ast.Pass, ast.Break, ast.Continue)):
            add(ind, type(stmt).__name__.lower(), line)
        elif isinstance(stmt, ast.Raise):
            text = "raise"
            if stmt.exc is not None:
                text += f" {self.obj(stmt.exc)}"
            if stmt.cause is not None:
                text += f" from {self.obj(stmt.cause)}"
            add(ind, text, line)
        elif isinstance(stmt, ast.Delete):  # (of elements and attributes only: the analysis checks)
            add(ind, "del " + ", ".join(self.generic(target)[1:-1] for target in stmt.targets), line)
        elif isinstance(stmt, ast.Assert):
            text = f"assert {self.truth(stmt.test)}"
            if stmt.msg is not None:
                text += f", {self.obj(stmt.msg)}"
            add(ind, text, line)
        elif isinstance(stmt, AS_WRITTEN):  # (no resume point inside: see aswritten.py)
            emit_written(stmt, ind, self.out, self.boxed, self.written_simple)
        else:  # the analysis rejects every other statement; keep the generator honest
            raise AssertionError(f"unsupported statement {type(stmt).__name__} reached the emitter")

    def reduction_loop(self, call: ast.Call, loop: ReductionLoop, ind: int, line: int) -> None:
        """Compute ``call``, a ``sum()``, ``min()`` or ``max()`` of a generator expression,
        with a C loop where it can (see :mod:`autocy.annotate.reductions`), else as written,
        into an object temporary that the statement then uses. Not where a local the loop
        reads might be unbound, nor inside a C-only loop (whose fallback could not run Python
        code)."""
        if self.hoisted is not None or self.flagging or not set(loop.names) <= self.certainly_bound(*self.here()):
            return
        add = self.out.add
        result, ok, acc, item, j, n = (self.temp(Kind.OBJECT), self.temp(Kind.BOOL), self.temp(Kind.DOUBLE),
                                         self.temp(Kind.OBJECT), self.temp(Kind.CINT), self.temp(Kind.CINT))
        variables = [var for var, _ in loop.items]
        values = {name: self.temp(Kind.DOUBLE) for name in (*variables, *loop.names)}
        sequences = list(dict.fromkeys(seq for _, seq in loop.items))
        checks = [f"(type({seq}) is list or type({seq}) is tuple)" for seq in sequences]
        add(ind, f"{ok} = {' and '.join(checks + [f'type({name}) is float' for name in loop.names])}", line)
        add(ind, f"if {ok}:", line)
        add(ind + 1, f"{n} = len({sequences[0]})", line)
        for seq in sequences[1:]:  # (zip() stops at the shortest)
            add(ind + 1, f"{n} = min({n}, len({seq}))", line)
        add(ind + 1, f"{ok} = {n} > 0", line)
        add(ind, f"if {ok}:", line)
        for name in loop.names:
            add(ind + 1, f"{values[name]} = {CY}.cast({CY}.double, {name})", line)
        kept = loop.kept_name
        winner = self.temp(Kind.CINT) if kept in variables else None
        if loop.builtin == "sum":
            add(ind + 1, f"{acc} = 0.0", line)
        add(ind + 1, f"for {j} in range({n}):", line)
        for var, seq in loop.items:
            add(ind + 2, f"{item} = {seq}[{j}]", line)
            add(ind + 2, f"if type({item}) is not float:", line)
            add(ind + 3, f"{ok} = False", line)
            add(ind + 3, "break", line)
            add(ind + 2, f"{values[var]} = {CY}.cast({CY}.double, {item})", line)
        divisors: list[str] = []
        code = element_code(loop.element, values, divisors)
        if divisors:
            add(ind + 2, f"if {' or '.join(f'{d} == 0.0' for d in divisors)}:", line)
            add(ind + 3, f"{ok} = False", line)
            add(ind + 3, "break", line)
        if loop.builtin == "sum":
            add(ind + 2, f"{acc} = {acc} + {code}", line)
        else:  # the first item, then each one that compares greater (max) or less (min)
            value = self.temp(Kind.DOUBLE)
            add(ind + 2, f"{value} = {code}", line)
            add(ind + 2, f"if {j} == 0 or {value} {'>' if loop.builtin == 'max' else '<'} {acc}:", line)
            add(ind + 3, f"{acc} = {value}", line)
            if winner is not None:
                add(ind + 3, f"{winner} = {j}", line)
        add(ind + 1, f"if {ok}:", line)
        if winner is not None:
            add(ind + 2, f"{result} = {dict(loop.items)[kept]}[{winner}]", line)
        elif kept is not None:
            add(ind + 2, f"{result} = {kept}", line)
        else:
            add(ind + 2, f"{result} = {CY}.cast(object, {acc})", line)
        add(ind, f"if not {ok}:", line)
        add(ind + 1, f"{result} = {self.obj(call)}", line)
        self.substitutes[id(call)] = Typed(Kind.OBJECT, result)

    def prefix_arguments(self, call: ast.Call, ind: int, line: int) -> None:
        """Evaluate the arguments of ``call`` that hold a checked operation into C temporaries
        before the statement that makes the call (see
        :func:`~autocy.annotate.analysis.call_prefix`): with the flagging helpers where they
        can be, else retried on objects when anything in them fails. Nothing has run yet
        when one fails, so the statement deoptimizes to its start. The call then passes the
        temporaries, boxed: only arguments whose objects CPython makes anew are taken (see
        :meth:`new_float`; an int from arithmetic; a bool), so no call gets an equal copy
        where Python passes an existing object on."""
        for arg in call.args:
            kind = self.typer.of(arg)
            new_int = isinstance(arg, ast.BinOp) or (isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub))
            made = kind is Kind.BOOL or self.new_float(arg) or (kind is Kind.CINT and new_int)
            if not made or not self.needs_retry(arg):
                continue
            self.substitutes[id(arg)] = self.c_result_of(lambda arg=arg: self.expr(arg), self.flaggable(arg), True,
                                                         kind, ind, line)

    def assign(self, stmt: ast.Assign | ast.AnnAssign, ind: int) -> None:
        line = stmt.lineno
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if len(targets) == 1 and self.typed_name(targets[0]):
            self.assign_name(stmt, targets[0].id, stmt.value, ind)
            return
        if len(targets) == 1 and isinstance(targets[0], ast.Subscript) and self.array_store(stmt, targets[0], ind):
            return
        if len(targets) == 1 and self.intlist_store(stmt, targets[0], ind):
            return
        if self.intlist_swap(stmt, ind):
            return
        if len(targets) == 1 and self.float_attribute_store(stmt, targets[0], ind):
            return
        reversal = self.prefix_reversal(targets[0], stmt.value) if len(targets) == 1 else None
        if reversal is not None and self.kinds[reversal[0]] is Kind.INTLIST:  # k < 0: as Python does
            xs, k = reversal
            self.out.add(ind, f"if {k} >= 0:", line)
            self.out.add(ind + 1, f"_autocy_il_reverse_prefix({xs}, {k})", line)
            self.out.add(ind, "else:", line)
            self.deopt(ind + 1, line, *self.here(), [])
            return
        if reversal is not None:  # in place when k >= 0; else (and when unbound) as Python does
            xs, k = reversal
            self.out.add(ind, f"if {k} >= 0 and {xs} is not None:", line)
            self.out.add(ind + 1, f"_autocy_reverse_prefix({xs}, {k})", line)
            self.out.add(ind, "else:", line)
            ind += 1
        if len(targets) == 1 and self.parallel(targets[0], stmt.value) and not self.retried(stmt):
            self.parallel_assign(targets[0], stmt.value, ind, line)
            return
        if self.retried(stmt):
            self.reevaluate([f"_ac_o = {self.obj(stmt.value)}"], ind, line)
        else:
            self.out.add(ind, f"_ac_o = {self.obj(stmt.value)}", line)
        typed = set(self.kinds)
        for position, target in enumerate(targets):
            if self.typed_name(target):
                rest = [f"{object_code(t, typed)} = _ac_o" for t in targets[position:]]
                self.unbox_or_deopt(target.id, "_ac_o", ind, line, self.after(), rest)
            else:
                self.store_object(target, "_ac_o", ind, line)

    def float_attribute_store(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign, target: ast.expr,
                              ind: int) -> bool:
        """``v.a = x`` or ``v.a op= x`` on a local ``v``, where the new value is a C double:
        computed in C (a flagging statement where it can be, else retried on objects when a
        checked part fails), then stored by ``_autocy_attr_set_d``, which gives an exact float
        that only the instance references its new value in place and otherwise stores a new
        float, through the instance's inline cache or else CPython's generic store. Nothing is
        stored before the value is known, so a failure deoptimizes to the statement's start.
        False (nothing emitted) for any other statement."""
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id in self.a.locals and target.value.id not in self.kinds):
            return False
        line = stmt.lineno
        if isinstance(stmt, ast.AugAssign):
            if self.typer.attribute_read(target) is None or self.typer.augmented(stmt) is not Kind.DOUBLE:
                return False
            operand = self.typer.of(stmt.value)
            flaggable = self.flaggable(target) and self.flaggable(stmt.value) \
                and flaggable_op(Kind.DOUBLE, stmt.op, Kind.DOUBLE, operand)

            def make() -> Typed:
                return self.binop(target, stmt.op, stmt.value, Kind.DOUBLE)
            checked = self.needs_retry(target) or self.needs_retry(stmt.value)
        else:
            if stmt.value is None or not self.new_float(stmt.value):
                return False
            flaggable = self.flaggable(stmt.value)

            def make() -> Typed:
                return self.expr(stmt.value)
            checked = self.retried(stmt)
        value = self.c_result_of(make, flaggable, checked, Kind.DOUBLE, ind, line)
        self.out.add(ind, f"_autocy_attr_set_d({self.sites.new()}, {target.value.id}, {target.attr!r}, "
                          f"{value.code})", line)
        return True

    def new_float(self, node: ast.expr) -> bool:
        """``node`` is a C double that CPython computes as a new float object (arithmetic, a
        negation, a ``math`` function, ``abs``), so storing an equal new float, or writing
        into the float it replaces, is all CPython does. A name, an attribute, ``x if c else
        y``, ``+x``, ``min``/``max`` or ``float(x)`` can pass an existing float on, whose
        identity the store must keep: those are stored as the objects they are."""
        if self.typer.of(node) is not Kind.DOUBLE:
            return False
        if isinstance(node, ast.BinOp):
            return True
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.USub)
        return isinstance(node, ast.Call) and (self.typer.math_function(node.func) is not None
                                               or self.typer.builtin(node.func, "abs"))

    def array_store(self, stmt: ast.stmt, target: ast.Subscript, ind: int) -> bool:
        """``a[i, j] = v`` into a typed float64 array with a C number ``v``: a store through its
        memoryview (NumPy would convert the number to float64 the same way). Returns False
        (nothing emitted) for any other store."""
        index = self.typer.array_index(target)
        value = self.typer.of(stmt.value)
        if index is None or value not in (Kind.DOUBLE, Kind.NPF64, Kind.CINT):
            return False
        line = stmt.lineno
        place = f"{memoryview(target.value.id)}[{', '.join(self.expr(i).code for i in index)}]"
        if self.flaggable(stmt.value) and not any(self.typer.needs_retry(i) for i in index):
            flagged = self.flagging_value(lambda: self.expr(stmt.value), ind, line)
            if flagged is not None:
                self.out.add(ind, f"{place} = {self.as_double(flagged)}", line)
                return True
        code = self.as_double(self.expr(stmt.value))
        if not self.retried(stmt):
            self.out.add(ind, f"{place} = {code}", line)
            return True
        self.reevaluate([f"{place} = {code}"], ind, line)
        return True

    def prefix_reversal(self, target: ast.expr, value: ast.expr) -> tuple[str, str] | None:
        """``xs[:k + 1] = xs[k::-1]`` (fannkuch's flip) on an exact list or a list of C ints
        with a C int ``k``: ``(xs, k)``, whose reversal in place (``_autocy_reverse_prefix``,
        ``_autocy_il_reverse_prefix``) leaves the same elements in the same places for every
        ``k >= 0``; None for any other statement. The right side, a slice of an exact list,
        runs no code, so both sides name one list."""
        reversal = prefix_reversal(target, value)
        if reversal is None or self.kinds.get(reversal[0]) not in (Kind.LIST, Kind.INTLIST) \
                or self.kinds.get(reversal[1]) is not Kind.CINT:
            return None
        return reversal

    def intlist_assign(self, name: str, value: ast.expr, ind: int, line: int) -> None:
        """``xs = list(range(n))``, ``[c] * n`` or ``ys[:]`` into a list of C ints (the forms
        :func:`~autocy.annotate.intlists.made_list` allows): ``n`` is evaluated first, as
        Python does, then the array is made (a copy is written over the array ``xs`` held
        when nothing else holds it and the sizes agree)."""
        how = made_list(self.typer, value, {n for n, k in self.kinds.items() if k is Kind.INTLIST})
        if how == "copy":
            self.out.add(ind, f"{name} = _autocy_il_copy({name}, {value.value.id})", line)
            return
        if how == "range":
            count = self.c_value(value.args[0].args[0], ind, line)
            self.out.add(ind, f"{name} = _autocy_il_range({count.code})", line)
            return
        if how != "fill":
            raise AssertionError(f"{ast.unparse(value)} cannot make a list of C ints")
        element, count_node = fill_parts(self.typer, value)
        count = self.c_value(count_node, ind, line)
        self.out.add(ind, f"{name} = _autocy_il_fill({element}, {count.code})", line)

    def intlist_store(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign, target: ast.expr, ind: int) -> bool:
        """``xs[i] = v`` or ``xs[i] op= v`` into a list of C ints: the value and the index as C
        ints, in Python's order (``v`` then ``i``; for ``op=``, ``i``, the element, then
        ``v``), each failure of a checked part deoptimizing to the statement's start before
        anything is stored; then the store, which raises the list's IndexError. False
        (nothing emitted) for any other statement."""
        if not (isinstance(target, ast.Subscript) and self.typer.of(target.value) is Kind.INTLIST
                and not isinstance(target.slice, ast.Slice)):
            return False
        line = stmt.lineno
        if isinstance(stmt, ast.AugAssign):
            index = self.c_value(target.slice, ind, line)
            self.substitutes[id(target.slice)] = index
            op_ok = flaggable_op(Kind.CINT, stmt.op, Kind.CINT, self.typer.of(stmt.value))
            value = self.c_result_of(
                lambda: self.binop(target, stmt.op, stmt.value, Kind.CINT),
                op_ok and self.flaggable(target) and self.flaggable(stmt.value),
                self.needs_retry(stmt.value) or self.typer.checked_combination(target, stmt.op, stmt.value),
                Kind.CINT, ind, line)
        else:
            value = self.c_value(stmt.value, ind, line)
            index = self.c_value(target.slice, ind, line)
        self.out.add(ind, f"_autocy_il_set({target.value.id}, {index.code}, {value.code})", line)
        return True

    def intlist_swap(self, stmt: ast.Assign | ast.AnnAssign, ind: int) -> bool:
        """``xs[i], ys[j] = v, w`` into elements of lists of C ints
        (:func:`~autocy.annotate.intlists.element_stores`): the values, then the indices, as C
        ints, each failure of a checked part deoptimizing to the statement's start before
        anything is stored (the indices run no user code, so computing them before the first
        store changes nothing); then the stores in order, each raising the list's IndexError.
        False (nothing emitted) for any other statement."""
        pairs = element_stores(self.typer, stmt)
        if pairs is None:
            return False
        line = stmt.lineno
        values = [self.c_value(value, ind, line) for _, value in pairs]
        indices = [self.c_value(target.slice, ind, line) for target, _ in pairs]
        for (target, _), index, value in zip(pairs, indices, values):
            self.out.add(ind, f"_autocy_il_set({target.value.id}, {index.code}, {value.code})", line)
        return True

    def c_value(self, node: ast.expr, ind: int, line: int) -> Typed:
        """``node``'s C value, evaluated here (into a temporary unless a name or a literal)
        so that a failed check deoptimizes to the start of the statement being emitted."""
        if isinstance(node, (ast.Name, ast.Constant)) or id(node) in self.substitutes:
            return self.expr(node)
        return self.c_result_of(lambda: self.expr(node), self.flaggable(node), self.needs_retry(node),
                                self.typer.of(node), ind, line)

    def c_result_of(self, make: Callable[[], Typed], flaggable: bool, checked: bool, kind: Kind,
                    ind: int, line: int) -> Typed:
        """The value ``make()`` builds, in a temporary: a flagging statement where it can be,
        else retried on objects when ``checked`` and any of it raises (see :meth:`reevaluate`)."""
        value = self.flagging_value(make, ind, line) if flaggable else None
        if value is not None:
            return value
        temp = self.temp(kind)
        fast = [f"{temp} = {make().code}"]
        if checked:
            self.reevaluate(fast, ind, line)
        else:
            self.out.add(ind, fast[0], line)
        return Typed(kind, temp)

    def parallel_assign(self, target: ast.expr, value: ast.expr, ind: int, line: int) -> None:
        """``a, b = x, y``: every value first (into temps), then the stores, as Python does."""
        pairs: list[tuple[ast.expr, ast.expr]] = []

        def flatten(t: ast.expr, v: ast.expr) -> None:
            if isinstance(t, (ast.Tuple, ast.List)):
                for ti, vi in zip(t.elts, v.elts):
                    flatten(ti, vi)
            else:
                pairs.append((t, v))

        flatten(target, value)
        stored = []
        for t, v in pairs:
            typed = self.expr(v)
            if self.typed_name(t) and typed.kind is Kind.COMPLEX:
                re_t, im_t = self.temp(Kind.DOUBLE), self.temp(Kind.DOUBLE)
                self.out.add(ind, f"{re_t} = {typed.code}", line)
                self.out.add(ind, f"{im_t} = {typed.imag}", line)
                stored.append((t, Typed(Kind.COMPLEX, re_t, im_t)))
            elif self.typed_name(t):
                temp = self.temp(typed.kind)
                self.out.add(ind, f"{temp} = {typed.code}", line)
                stored.append((t, Typed(typed.kind, temp)))
            else:
                temp = self.temp(Kind.OBJECT)
                self.out.add(ind, f"{temp} = {self.box(typed)}", line)
                stored.append((t, Typed(Kind.OBJECT, temp)))
        for t, value_t in stored:
            if self.typed_name(t):
                self.set_typed(t.id, value_t, ind, line)
            else:
                self.out.add(ind, f"{self.target(t)} = {value_t.code}", line)

    def augassign(self, stmt: ast.AugAssign, ind: int) -> None:
        line, target, symbol = stmt.lineno, stmt.target, _OPS[type(stmt.op)]
        if self.typed_name(target):
            name, kind = target.id, self.kinds[target.id]
            prefix = [f"{shadow(name)} = _ac_o"]
            combined_kind = self.typer.augmented(stmt)
            if kind.is_container:  # list += x changes the list in place
                self.out.add(ind, f"_ac_o = {name}", line)
                self.out.add(ind, f"_ac_o {symbol}= {self.obj(stmt.value)}", line)
                if combined_kind is kind:
                    self.out.add(ind, f"{name} = _ac_o", line)
                else:
                    self.unbox_or_deopt(name, "_ac_o", ind, line, self.after(), prefix)
            elif id(stmt) in self.a.bounded:
                self.out.add(ind, f"{name} = {name} + 1", line)
            elif self.flagging_update(stmt, kind, combined_kind, ind):
                pass
            elif stores_in_c(kind, combined_kind) and not self.retried(stmt):
                self.set_typed(name, self.binop(target, stmt.op, stmt.value, combined_kind), ind, line)
            elif stores_in_c(kind, combined_kind):
                self.typed_reevaluated(name, self.binop(target, stmt.op, stmt.value, combined_kind), ind, line)
            else:
                self.out.add(ind, f"_ac_o = {self.obj(target)}", line)
                self.in_place("_ac_o", stmt, ind)
                self.unbox_or_deopt(name, "_ac_o", ind, line, self.after(), prefix)
            return
        if self.float_attribute_store(stmt, target, ind):  # v.a op= x on a float attribute
            return
        if self.intlist_store(stmt, target, ind):  # xs[i] op= v on a list of C ints
            return
        if self.element_update(stmt):  # xs[i] op= v on a float (int) element: C, then boxed
            kind = self.typer.of(target)
            new = self.binop(target, stmt.op, stmt.value, kind)
            holder, index = self.obj(target.value), self.expr(target.slice)
            flagged = None
            flagging = self.flaggable(target) and self.flaggable(stmt.value) \
                and flaggable_op(kind, stmt.op, kind, self.typer.of(stmt.value))
            if flagging:
                flagged = self.flagging_value(lambda: self.binop(target, stmt.op, stmt.value, kind), ind, line)
            array = self.arrays.get(target.value.id) if self.owned_element(target) else None
            if array is not None and not flagging:  # (an exception deoptimizes before the store)
                self.reevaluate([f"{array}[{index.code}] = {new.code}"], ind, line)
                return
            if flagging and array is not None:
                value = flagged.code if flagged is not None else new.code
                self.out.add(ind, f"{array}[{index.code}] = {value}", line)
                return
            if flagging and self.owned_element(target):  # (no flagging helper: nothing can fail)
                value = flagged.code if flagged is not None else new.code
                self.out.add(ind, f"_autocy_owned_store({holder}, {index.code}, {value})", line)
                return
            if flagged is not None and kind is Kind.DOUBLE:  # the element read is a float: no Python code
                self.out.add(ind, f"_autocy_store_float({holder}, {index.code}, {flagged.code})", line)
                return
            if flagged is not None:  # (the int read is released: no Python code either)
                self.out.add(ind, f"{holder}[{index.code}] = {self.box(flagged)}", line)
                return
            if kind is Kind.DOUBLE and index.kind is Kind.CINT:  # (the read checked index and float)
                value = self.temp(Kind.DOUBLE)
                self.reevaluate([f"{value} = {new.code}", f"_autocy_store_float({holder}, {index.code}, {value})"],
                                ind, line)
                return
            self.reevaluate([f"{holder}[{index.code}] = {self.box(new)}"], ind, line)
            return
        # x[i] op= v, p.a op= v: container and index once, load, value, operator, store
        if isinstance(target, ast.Subscript):
            container = self.typer.of(target.value)
            holder = self.temp(container if container in (Kind.LIST, Kind.DICT) else Kind.OBJECT)
            self.out.add(ind, f"{holder} = {self.obj(target.value)}", line)
            index = self.expr(target.slice) if not isinstance(target.slice, ast.Slice) else None
            if index is not None and index.kind is Kind.CINT:  # a C index: the list's fast path
                key = self.temp(Kind.CINT)
                self.out.add(ind, f"{key} = {index.code}", line)
            else:
                key = self.temp(Kind.OBJECT)
                self.out.add(ind, f"{key} = {self.box(index) if index else self.generic(target.slice)}", line)
            place = f"{holder}[{key}]"
        elif isinstance(target, ast.Attribute):
            holder = self.temp(Kind.OBJECT)
            self.out.add(ind, f"{holder} = {self.obj(target.value)}", line)
            place = f"{holder}.{target.attr}"
        else:
            place = target.id
        self.out.add(ind, f"_ac_o = {place}", line)
        self.in_place("_ac_o", stmt, ind)
        self.out.add(ind, f"{place} = _ac_o", line)

    def flagging_update(self, stmt: ast.AugAssign, kind: Kind, combined: Kind, ind: int) -> bool:
        """``x op= v`` on a typed C number ``x`` (double, int, int-or-float, NumPy float64) as a
        flagging statement (see :meth:`flagging_value`); False (nothing emitted) where that
        does not apply."""
        target, value = stmt.target, stmt.value
        if not (kind in (Kind.DOUBLE, Kind.CINT, Kind.NPF64, Kind.NUM) and stores_in_c(kind, combined)
                and self.flaggable(value)
                and flaggable_op(combined, stmt.op, kind, self.typer.of(value))):
            return False
        flagged = self.flagging_value(lambda: self.binop(target, stmt.op, value, combined), ind, stmt.lineno)
        if flagged is None:
            return False
        self.set_typed(target.id, flagged, ind, stmt.lineno)
        return True

    def element_update(self, stmt: ast.AugAssign) -> bool:
        """``xs[i] op= v`` on an exact list whose element is read as a C float (int) and whose
        result is one too: computed in C and stored boxed. The statement runs no user code
        (it is checked), so the container and index, pure, may be evaluated twice; the element
        replaced is the exact float (int) just read, whose release runs no Python code. A float
        element that only the list references is given its new value in place
        (``_autocy_store_float``): no other reference can tell that object from a new one."""
        target = stmt.target
        return (isinstance(target, ast.Subscript) and id(stmt) in self.a.retry
                and self.typer.of(target.value) is Kind.LIST
                and self.typer.of(target) in (Kind.DOUBLE, Kind.CINT)
                and self.typer.augmented(stmt) is self.typer.of(target))

    def in_place(self, holder: str, stmt: ast.AugAssign, ind: int) -> None:
        """``holder op= value`` on objects (value evaluated here, after the load)."""
        line, value = stmt.lineno, stmt.value
        if self.retried(stmt) or self.typer.needs_retry(value):
            self.retry([f"_ac_v = {self.obj(value)}"], ind, line)
            self.out.add(ind, "if _ac_retry:", line)
            self.out.add(ind + 1, f"_ac_v = {self.generic(value)}", line)
            operand = Typed(Kind.OBJECT, "_ac_v")
        else:
            operand = self.expr(value)
        if operand.kind is Kind.DOUBLE and type(stmt.op) in _MIXED:
            self.out.add(ind, f"{holder} = _autocy_i{_MIXED[type(stmt.op)]}_od({holder}, {operand.code})", line)
        else:
            self.out.add(ind, f"{holder} {_OPS[type(stmt.op)]}= {self.box(operand)}", line)

    def returned(self, code: str) -> str:
        """``return`` of an object: unboxed (or raising) in the variant that returns a C value."""
        if self.c_result is None:
            return f"return {code}"
        return f"return _autocy_unbox_{'d' if self.c_result is Kind.DOUBLE else 'i'}({code})"

    def return_(self, stmt: ast.Return, ind: int) -> None:
        line = stmt.lineno
        if stmt.value is None:
            self.out.add(ind, self.returned("None"), line)
        elif self.retried(stmt) and self.c_result is not None and self.typer.of(stmt.value) is self.c_result:
            temp = self.temp(self.c_result)  # (the C value itself: no float object in between)
            self.reevaluate([f"{temp} = {self.expr(stmt.value).code}"], ind, line)
            self.out.add(ind, f"return {temp}", line)
        elif self.retried(stmt):
            self.reevaluate([f"_ac_o = {self.obj(stmt.value)}"], ind, line)
            self.out.add(ind, self.returned("_ac_o"), line)
        elif self.c_result is not None and self.typer.of(stmt.value) is self.c_result:
            self.out.add(ind, f"return {self.expr(stmt.value).code}", line)
        else:
            self.out.add(ind, self.returned(self.obj(stmt.value)), line)

    def orelse(self, stmt: ast.If | ast.While | ast.For, ind: int) -> None:
        if stmt.orelse:
            self.out.add(ind, "else:", stmt.orelse[0].lineno)
            self.block(stmt.orelse, ind + 1)

    # ------------------------------------------------------------ loops

    def for_loop(self, stmt: ast.For, ind: int) -> None:
        shape = loop_shape(self.typer, stmt)
        guarded = id(stmt) in self.guarded_loops
        if self.typer.of(stmt.iter) is Kind.INTLIST:
            self.intlist_loop(stmt, ind)
        elif shape == "range":
            self.range_loop(stmt, ind, guarded)
        elif (isinstance(stmt.target, ast.Name) and self.kinds.get(stmt.target.id) is Kind.CINT
              and self.typer.of(stmt.iter) is Kind.BYTES):
            self.bytes_loop(stmt, ind)
        elif not guarded:  # no guard in the loop: typed targets only get exact values
            self.out.add(ind, f"for {self.target(stmt.target)} in {self.obj(stmt.iter)}:", stmt.lineno)
            self.block(stmt.body, ind + 1)
            self.orelse(stmt, ind)
        elif shape == "sequence" or (shape == "enumerate" and self.typer.of(stmt.iter.args[0]) in (Kind.LIST, Kind.TUPLE)):
            self.sequence_loop(stmt, ind, shape)
        elif shape == "zip":
            self.zip_loop(stmt, ind)
        else:
            self.iterator_loop(stmt, ind)

    def loop_number(self, stmt: ast.For) -> int:
        if id(stmt) not in self.loops:
            self.loops[id(stmt)] = LoopResume(len(self.loops) + 1)
        return self.loops[id(stmt)].number

    def range_loop(self, stmt: ast.For, ind: int, guarded: bool) -> None:
        line = stmt.lineno
        start, stop, step = range_parts(range_call(self.typer, stmt.iter))
        c_only = c_only_range_loop(self.typer, stmt, self.element_update)
        region = self.hoisted is None and c_only and self.hoist_guards(stmt, ind)
        start_code, stop_code = self.expr(start).code, self.expr(stop).code
        ranges = self.index_ranges(stmt, c_only) if step > 0 else {}
        if ranges:
            start_code, stop_code = self.check_indices(ranges, (start, stop), (start_code, stop_code), ind, line)
        invariant_stop = invariant_key(stop, self.a.locals, assigned_names(stmt.body) | {stmt.target.id})
        facts = [] if invariant_stop is None else [(key, (invariant_stop, high)) for key, (_, high) in ranges.items()]
        for key, fact in facts:
            self.checked_stops.setdefault(key, []).append(fact)
        owned = self.owned_lists(stmt) if c_only and self.owned is None else {}
        if owned:  # two copies: the owned lists' elements read and stored unchecked, or checked
            bounds = start_code, stop_code
            if not ranges:  # (else check_indices evaluated them into temporaries)
                bounds = self.temp(Kind.CINT), self.temp(Kind.CINT)
                self.out.add(ind, f"{bounds[0]} = {start_code}", line)
                self.out.add(ind, f"{bounds[1]} = {stop_code}", line)
            owns = [f"_autocy_own_floats({xs}, {int(stored)}, {bounds[0]}, {bounds[1]})"
                    for xs, stored in sorted(owned.items())]
            held = array_lists(self.typer, stmt, owned, self.float_element) if any(owned.values()) else set()
            arrays = {xs: f"_ac_fa{len(self.temps) + k}" for k, xs in enumerate(sorted(held))}
            owns += [f"{a} is not {b}" for a, b in sorted({tuple(sorted((xs, other)))
                                                           for xs in arrays for other in owned if other != xs})]
            for xs, array in arrays.items():
                self.temps[array] = f"{CY}.p_double"
                self.out.add(ind, f"{array} = {CY}.NULL", line)
                owns.append(f"_autocy_floats_in({xs}, {CY}.address({array}))")
            self.out.add(ind, f"if {' and '.join(owns)}:", line)
            self.owned, self.arrays = frozenset(owned), arrays
            if arrays:  # (left in any way: the stored values go back into the lists' floats)
                self.out.add(ind + 1, "try:", line)
            self.range_loop_copy(stmt, ind + 1 + bool(arrays), guarded, bounds, step, ranges)
            if arrays:
                self.out.add(ind + 1, "finally:", line)
                for xs, array in arrays.items():
                    self.out.add(ind + 2, f"_autocy_floats_out({xs}, {array}, {int(owned[xs])})", line)
            self.out.add(ind, "else:", line)
            for xs, array in arrays.items():  # (those made before a later one failed)
                self.out.add(ind + 1, f"_autocy_floats_out({xs}, {array}, 0)", line)
            self.owned, self.arrays = frozenset(), {}  # (no region inside: its check would fail the same way)
            self.range_loop_copy(stmt, ind + 1, guarded, bounds, step, ranges)
            self.owned = None
        elif c_only and ranges and step == 1 and self.vectorized_loop(stmt, ind, guarded, (start_code, stop_code),
                                                                      ranges):
            pass
        else:
            self.range_loop_copy(stmt, ind, guarded, (start_code, stop_code), step, ranges)
        for key, _fact in facts:
            self.checked_stops[key].pop()
        if region:
            self.hoisted = None

    def vectorized_loop(self, stmt: ast.For, ind: int, guarded: bool, bounds: tuple[str, str],
                        ranges: dict[tuple[str, int], tuple[int, int]]) -> bool:
        """A C-only ``range()`` loop with step 1 whose indices were checked before it, run in
        branch-free chunks that gcc vectorizes, then checked from where a chunk failed (see
        :mod:`autocy.annotate.vectorize`). False, with nothing emitted, when the loop's
        statements do not qualify (:func:`stored_rows`); only the checked loop when the body
        emitted for them does not (:func:`fast_body`)."""
        stores = stored_rows(self.typer, stmt)
        if stores is None:
            return False
        rows, assigned = stores
        line, var = stmt.lineno, stmt.target.id
        start, stop = bounds
        done = self.temp(Kind.CINT)
        saved, self.out = self.out, Lines()
        self.range_loop_copy(stmt, 0, guarded, (done, stop), 1, ranges)
        checked, self.out = self.out, saved
        head = next(k for k, text in enumerate(checked.text) if text.startswith("for "))
        accumulator = f"_ac_vb{len(self.temps)}"
        fast = fast_body(checked.text[head + 1:], accumulator)
        self.out.add(ind, f"{done} = {start}", line)
        if fast is not None:
            self.temps[accumulator] = f"{CY}.ulonglong"
            count = self.temp(Kind.CINT)
            body, guards = fast
            copies = []
            for array, leading, offset in rows:
                buffer = f"_ac_vc{len(self.temps)}"
                self.temps[buffer] = f"{CY}.double[{CHUNK}]"
                index = ", ".join([self.expr(part).code for part in leading] + [f"{done} + {offset}"])
                copies.append((buffer, f"{CY}.address({memoryview(array)}[{index}])"))
            values = [(name, self.temp(self.kinds[name])) for name in assigned]
            add = self.out.add
            add(ind, f"while {' and '.join(sorted(guards) + [f'{done} < {stop}'])}:", line)
            add(ind + 1, f"{count} = {stop} - {done}", line)
            add(ind + 1, f"if {count} > {CHUNK}:", line)
            add(ind + 2, f"{count} = {CHUNK}", line)
            add(ind + 1, f"with {CY}.boundscheck(False), {CY}.wraparound(False):", line)
            for buffer, cells in copies:
                add(ind + 2, f"_autocy_copy_cells({buffer}, {cells}, {count})", line)
            for name, value in values:
                add(ind + 1, f"{value} = {name}", line)
            add(ind + 1, f"{accumulator} = 0", line)
            add(ind + 1, f"for {var} in range({done}, {done} + {count}, 1):", line)
            for text, origin in zip(body, checked.origin[head + 1:]):
                self.out.add(ind + 1, text, origin)  # (the body's lines are indented once already)
            add(ind + 1, f"if _autocy_vector_failed({accumulator}):", line)
            add(ind + 2, f"with {CY}.boundscheck(False), {CY}.wraparound(False):", line)
            for buffer, cells in reversed(copies):
                add(ind + 3, f"_autocy_copy_cells({cells}, {buffer}, {count})", line)
            for name, value in values:
                add(ind + 2, f"{name} = {value}", line)
            add(ind + 2, "break", line)
            add(ind + 1, f"{done} += {count}", line)
        for text, origin in zip(checked.text, checked.origin):
            self.out.add(ind, text, origin)
        return True

    def owned_lists(self, loop: ast.For) -> dict[str, bool]:
        """The lists a C-only ``range()`` loop may own: ``{name: stored}`` for each exact list
        whose float elements it reads (``xs[i]``) or updates (``xs[i] op= v``, stored=True),
        when it stores into no other list and no other element kind. With
        ``_autocy_own_floats`` true for each before the loop (every element an exact float, a
        stored list's floats referenced by that list only), the loop reads those elements with
        no check and gives updated elements their new value in place: no Python code runs
        inside, so nothing can take a reference or store another object meanwhile; a loop that
        stores holds the lists in C arrays of doubles while it runs (:mod:`floatarrays`). Empty when
        no element is indexed by a ``range()`` variable (``i``, ``i + c``): only such indices
        are checked before their loop, so no read or store would skip its check. Empty too for
        a loop that only reads and has no loop inside: it reads each element about once, so its
        checked copy's inline type check costs less than a pass over the lists before it
        (spectral norm spent 15% of its time in those passes)."""
        owned: dict[str, bool] = {}
        for node in ast.walk(loop):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript):
                if not (self.float_element(node.target) and self.element_update(node)):
                    return {}
                owned[node.target.value.id] = True
        counters = [n.target.id for n in ast.walk(loop) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
                    and loop_shape(self.typer, n) == "range"]
        elements = [n for n in ast.walk(loop) if self.float_element(n)]
        if not any(index_offset(n.slice, var) is not None for n in elements for var in counters):
            return {}
        if not owned and not any(isinstance(n, ast.For) and n is not loop for n in ast.walk(loop)):
            return {}
        for node in elements:
            owned.setdefault(node.value.id, False)
        return owned

    def range_loop_copy(self, stmt: ast.For, ind: int, guarded: bool, bounds: tuple[str, str], step: int,
                        ranges: dict[tuple[str, int], tuple[int, int]]) -> None:
        """The ``for`` over ``range(*bounds, step)``, its body and ``else``; ``ranges``: the
        indices checked before it (see :meth:`index_ranges`)."""
        line, name = stmt.lineno, stmt.target.id
        start_code, stop_code = bounds
        facts = self.hoist_inner_checks(stmt, ind, line)
        if not guarded:
            self.out.add(ind, f"for {name} in range({start_code}, {stop_code}, {step}):", line)
        else:
            number = self.loop_number(stmt)
            self.out.add(ind, f"_ac_start_{number} = {start_code}", line)
            self.out.add(ind, f"_ac_stop_{number} = {stop_code}", line)
            self.out.add(ind, f"for {name} in range(_ac_start_{number}, _ac_stop_{number}, {step}):", line)
            self.loops[id(stmt)].setup = [
                f"_ac_it_{number} = iter(range({shadow(name)} + {step}, _ac_stop_{number}, {step}))"]
        self.checked_indices[name] = ranges
        self.block(stmt.body, ind + 1)
        del self.checked_indices[name]
        for key, _fact in facts:
            self.checked_stops[key].pop()
        self.orelse(stmt, ind)

    def hoist_inner_checks(self, loop: ast.For, ind: int, line: int) -> list[tuple[tuple[str, int], tuple[str, int]]]:
        """Check before ``loop`` what the ``range()`` loops of its body check before each of
        their runs (see :meth:`check_indices`), where that cannot change while ``loop`` runs:
        a stop that is a local its body does not assign (or a constant), a start whose proven
        range keeps the indices in, arrays its body does not assign, and lists only when
        ``loop`` runs no Python code. A failed check deoptimizes to ``loop``, which then runs
        as Python (the inner loops may not have checked anything: an empty one checks nothing;
        a deoptimization is never wrong, only slower). n-body's two loops over the bodies
        checked seven lists at each step (0.0267 s -> 0.0251 s with the check once).

        Returns the facts established for :meth:`implied_by_enclosing`, to be dropped after
        ``loop``'s body."""
        assigned = assigned_names(loop.body) | {loop.target.id}
        lists_stay = c_only_range_loop(self.typer, loop, self.element_update)
        conditions: dict[str, None] = {}
        facts = []
        for inner in loop.body:
            if not (isinstance(inner, ast.For) and loop_shape(self.typer, inner) == "range"):
                continue
            start, stop, step = range_parts(range_call(self.typer, inner.iter))
            key, first = invariant_key(stop, self.a.locals, assigned), self.typer.interval(start)
            if step <= 0 or key is None or first is None:
                continue
            ranges = self.index_ranges(inner, c_only_range_loop(self.typer, inner, self.element_update))
            if not ranges or any(first[0] < -low for low, _high in ranges.values()) or any(
                    array in assigned or (self.kinds[array] is Kind.LIST and not lists_stay) for array, _dim in ranges):
                continue
            for (array, dim), (_low, high) in sorted(ranges.items()):
                if not self.implied_by_enclosing(array, dim, key, high):
                    conditions[f"{self.expr(stop).code} <= {self.length(array, dim)} - {high}"] = None
                facts.append(((array, dim), (key, high)))
        if conditions:
            self.out.add(ind, f"if not ({' and '.join(conditions)}):", line)
            block, index = self.here()
            self.deopt(ind + 1, line, block, index, [])
        for key, fact in facts:
            self.checked_stops.setdefault(key, []).append(fact)
        return facts

    def index_ranges(self, loop: ast.For, c_only: bool) -> dict[tuple[str, int], tuple[int, int]]:
        """The memoryview indices ``v + c`` (``v``, ``v - c``) in the body of a ``range()`` loop
        over ``v``: ``{(array, dimension): (lowest c, highest c)}``, for the arrays the loop
        does not assign (a memoryview's shape cannot change while it exists). When the loop is
        ``c_only`` (see hoist.py), also the float elements ``xs[v + c]`` read from lists the
        loop does not assign, as ``(xs, 0)``: no Python code, which alone could change a list's
        length, runs inside such a loop."""
        var, assigned = loop.target.id, assigned_names(loop.body)
        ranges: dict[tuple[str, int], tuple[int, int]] = {}
        for stmt in loop.body:
            for node in ast.walk(stmt):
                index = self.typer.array_index(node) if isinstance(node, ast.Subscript) else None
                if index is None and c_only and self.float_element(node):
                    index = [node.slice]
                if index is None or node.value.id in assigned:
                    continue
                for dim, part in enumerate(index):
                    offset = index_offset(part, var)
                    if offset is not None:
                        low, high = ranges.get((node.value.id, dim), (offset, offset))
                        ranges[(node.value.id, dim)] = (min(low, offset), max(high, offset))
        return ranges

    def check_indices(self, ranges: dict[tuple[str, int], tuple[int, int]], bounds: tuple[ast.expr, ast.expr],
                      codes: tuple[str, str], ind: int, line: int) -> tuple[str, str]:
        """Before a ``range(start, stop)`` loop (step > 0; ``bounds`` the expressions, ``codes``
        their C code): check that every index of ``ranges`` stays within its array's dimension
        for every value of the loop variable, or deoptimize to the loop (which then runs, and
        raises or wraps, as Python does). A condition that is proven is left out: a start whose
        proven range keeps it in, or a stop an enclosing loop checked (:meth:`implied_by_enclosing`;
        in n-body's ``for j in range(i + 1, n)`` inside ``for i in range(n)`` both are: 0.0292 s
        -> 0.0267 s without the seven lists' checks before each inner loop). Returns the C
        temporaries that now hold ``start`` and ``stop``."""
        low_t, high_t = self.temp(Kind.CINT), self.temp(Kind.CINT)
        self.out.add(ind, f"{low_t} = {codes[0]}", line)
        self.out.add(ind, f"{high_t} = {codes[1]}", line)
        start = self.typer.interval(bounds[0])
        stop = invariant_key(bounds[1], self.a.locals, set())
        # start + low >= 0 and stop - 1 + high < length, arranged so that nothing can overflow
        conditions = []
        for (array, dim), (low, high) in sorted(ranges.items()):
            if start is None or start[0] < -low:
                conditions.append(f"{low_t} >= {-low}")
            if not self.implied_by_enclosing(array, dim, stop, high):
                conditions.append(f"{high_t} <= {self.length(array, dim)} - {high}")
        if conditions:
            self.out.add(ind, f"if not ({low_t} >= {high_t} or ({' and '.join(conditions)})):", line)
            block, index = self.here()
            self.deopt(ind + 1, line, block, index, [])
        return low_t, high_t

    def implied_by_enclosing(self, array: str, dim: int, stop: str | None, high: int) -> bool:
        """Whether an enclosing ``range()`` loop's check proved ``stop - 1 + high`` below the
        length of ``array``'s dimension ``dim`` for this ``stop``: the same variable (which its
        body does not assign) or constant, checked there with an offset at least ``high``. The
        length is the one checked there: a memoryview's shape never changes, and a list is
        checked only in a loop that runs no Python code (see :meth:`index_ranges`); inside the
        enclosing loop's body, its range was not empty, so its check ran."""
        return stop is not None and any(key == stop and checked >= high
                                        for key, checked in self.checked_stops.get((array, dim), ()))

    def length(self, name: str, dim: int) -> str:
        """The C length of dimension ``dim`` of the array (list) variable ``name``."""
        return f"len({name})" if self.kinds[name] is Kind.LIST else f"{memoryview(name)}.shape[{dim}]"

    def float_element(self, node: ast.AST) -> bool:
        """``xs[i]``: a float element read from an exact list with a C int index."""
        return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and not isinstance(node.slice, ast.Slice) and self.typer.of(node.value) is Kind.LIST
                and self.typer.of(node.slice) is Kind.CINT and self.typer.of(node) is Kind.DOUBLE)

    def checked_index(self, name: str, dim: int, part: ast.expr) -> bool:
        """``part``, the index of dimension ``dim`` into ``name``, was checked before its loop."""
        return any(index_offset(part, var) is not None and (name, dim) in ranges
                   for var, ranges in self.checked_indices.items())

    def indices_in_range(self, stmt: ast.stmt) -> bool:
        """An assignment whose every subscript is a memoryview element with each index checked
        before an enclosing loop: it may run without bounds checks and wraparound."""
        if not isinstance(stmt, (ast.Assign, ast.AugAssign)) or not self.checked_indices:
            return False
        subscripts = [n for n in ast.walk(stmt) if isinstance(n, ast.Subscript)]
        for node in subscripts:
            index = self.typer.array_index(node)
            if index is None:
                return False
            if not all(self.checked_index(node.value.id, dim, part) for dim, part in enumerate(index)):
                return False
        return bool(subscripts)

    def hoist_guards(self, loop: ast.For, ind: int) -> bool:
        """Check the ``math`` and direct-call guards of a C-only loop before it (see
        hoist.py), and whether NumPy's error state ignores underflow where the loop multiplies
        ``numpy.float64`` values (it can only change when Python code runs, too). Returns True
        when the loop starts such a region."""
        guards = {self.math_guard(call.func, self.typer.math_function(call.func)): None
                  for call in math_calls(self.typer, loop)}
        guards.update({f"{call.func.id} is _autocy_fn_{call.func.id}": None for call in direct_calls(self.typer, loop)})
        if any(isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and self.typer.of(node) is Kind.NPF64
               for node in ast.walk(loop)):
            guards[_NUMPY_QUIET] = None
        if not guards:
            return False
        self.hoisted = {}
        for same in guards:
            self.hoisted[same] = name = f"_ac_g{len(self.temps)}"
            self.temps[name] = Kind.BOOL.declaration()
            self.out.add(ind, f"{name} = {same}", loop.lineno)
        return True

    def loop_item(self, stmt: ast.For, source: str, ind: int) -> None:
        """Store the loop's current item (an object in ``source``) into its target; a typed
        target is guarded, and a failed guard resumes at the top of the body."""
        line, target = stmt.lineno, stmt.target
        body_start = (stmt.body, 0)
        if self.typed_name(target):
            self.unbox_or_deopt(target.id, source, ind, line, body_start, [f"{shadow(target.id)} = {source}"])
            return
        leaves: list[tuple[ast.expr, str]] = []
        pattern = self.unpack_pattern(target, leaves)
        self.out.add(ind, f"{pattern} = {source}", line)
        for position, (leaf, temp) in enumerate(leaves):
            rest = [f"{object_code(t, set(self.kinds))} = {v}" for t, v in leaves[position:]]
            if self.typed_name(leaf):
                self.unbox_or_deopt(leaf.id, temp, ind, line, body_start, rest)
            else:
                self.out.add(ind, f"{self.target(leaf)} = {temp}", line)

    def sequence_loop(self, stmt: ast.For, ind: int, shape: str) -> None:
        """An exact list or tuple by index, as its iterator would go (checking the length
        before every item); ``enumerate()`` over one counts with the index. A C-only loop
        (see hoist.py) checks its guards and reads the length once, before the loop, and
        reads each item straight into its C variable (:meth:`c_only_item`)."""
        add, line = self.out.add, stmt.lineno
        number = self.loop_number(stmt)
        seq, k = f"_ac_seq_{number}", f"_ac_k_{number}"
        iterable = stmt.iter.args[0] if shape == "enumerate" else stmt.iter
        self.temps[seq] = self.typer.of(iterable).declaration()
        add(ind, f"{seq} = {self.obj(iterable)}", line)
        if shape == "enumerate":
            offset = self.expr(stmt.iter.args[1]).code if len(stmt.iter.args) == 2 else "0"
            offset_name = f"_ac_from_{number}"
            add(ind, f"{offset_name} = {offset}", line)
        add(ind, f"{k} = 0", line)
        c_only = c_only_sequence_loop(self.typer, stmt, self.element_update)
        region = self.hoisted is None and c_only and self.hoist_guards(stmt, ind)
        if c_only:
            length = self.temp(Kind.CINT)
            add(ind, f"{length} = len({seq})", line)
            add(ind, f"while {k} < {length}:", line)
        else:
            add(ind, f"while {k} < len({seq}):", line)
            add(ind + 1, f"_ac_o = {seq}[{k}]", line)
        value = stmt.target.elts[1] if shape == "enumerate" else stmt.target
        if c_only:
            self.c_only_item(value.id, seq, k, ind + 1, line)
        add(ind + 1, f"{k} += 1", line)
        setup = [f"_ac_it_{number} = iter({seq})", f"_ac_it_{number}.__setstate__({k})"]
        if shape == "enumerate":
            counter = stmt.target.elts[0]
            add(ind + 1, f"{counter.id} = {offset_name} + {k} - 1", line)
            setup.append(f"_ac_it_{number} = enumerate(_ac_it_{number}, {shadow(counter.id)} + 1)")
        if c_only:  # the item was not of its kind: resume at the top of the body with it
            add(ind + 1, "if _autocy_take_failure():", line)
            add(ind + 2, f"_ac_o = {seq}[{k} - 1]", line)
            self.deopt(ind + 2, line, stmt.body, 0, [f"{shadow(value.id)} = _ac_o"])
        else:
            item = ast.For(target=value, iter=stmt.iter, body=stmt.body, orelse=[], lineno=line)
            self.loop_item(item, "_ac_o", ind + 1)
        self.loops[id(stmt)].setup = setup
        self.block(stmt.body, ind + 1)
        self.orelse(stmt, ind)
        if region:
            self.hoisted = None

    def bytes_loop(self, stmt: ast.For, ind: int) -> None:
        """``for x in data`` over exact bytes into a C int ``x``: by index (bytes never change
        and their iterator runs no Python code), each item an int 0..255 read in C with no
        guard. (Cython's own loop over bytes into a C integer reads the items as C ``char``:
        negative above 127 where ``char`` is signed.)"""
        add, line = self.out.add, stmt.lineno
        number = self.loop_number(stmt)
        seq, k = f"_ac_seq_{number}", f"_ac_k_{number}"
        self.temps[seq] = Kind.BYTES.declaration()
        add(ind, f"{seq} = {self.obj(stmt.iter)}", line)
        add(ind, f"{k} = 0", line)
        add(ind, f"while {k} < len({seq}):", line)
        add(ind + 1, f"{stmt.target.id} = {seq}[{k}]", line)
        add(ind + 1, f"{k} += 1", line)
        self.loops[id(stmt)].setup = [f"_ac_it_{number} = iter({seq})", f"_ac_it_{number}.__setstate__({k})"]
        self.block(stmt.body, ind + 1)
        self.orelse(stmt, ind)

    def intlist_loop(self, stmt: ast.For, ind: int) -> None:
        """``for x in xs`` over a list of C ints into a C int ``x``: by index, as the list's
        iterator goes (the array the loop started with, its length checked before every
        item, stores into it seen). An item beyond ``x``'s guard bound deoptimizes to the top
        of the body with that item (as a guarded item of a list does); the object copy then
        iterates the list the array stands for (the same list as the variable's, see
        :meth:`resume_function`)."""
        add, line = self.out.add, stmt.lineno
        number = self.loop_number(stmt)
        seq, k, name = f"_ac_seq_{number}", f"_ac_k_{number}", stmt.target.id
        self.temps[seq] = Kind.INTLIST.declaration()
        self.intlist_sequences.add(seq)
        bound = self.a.bounds.get(name, CINT_BOUND)
        limit = "_AUTOCY_CINT_BOUND" if bound == CINT_BOUND else str(bound)
        item = self.temp(Kind.CINT)
        add(ind, f"{seq} = {stmt.iter.id}", line)
        add(ind, f"{k} = 0", line)
        add(ind, f"while {k} < _autocy_il_len({seq}):", line)
        add(ind + 1, f"{item} = _autocy_il_get({seq}, {k})", line)
        add(ind + 1, f"{k} += 1", line)
        add(ind + 1, f"if not (-{limit} <= {item} <= {limit}):", line)
        add(ind + 2, f"_ac_o = {CY}.cast(object, {item})", line)
        self.deopt(ind + 2, line, stmt.body, 0, [f"{shadow(name)} = _ac_o"])
        add(ind + 1, f"{name} = {item}", line)
        self.loops[id(stmt)].setup = [f"_ac_it_{number} = iter({seq})", f"_ac_it_{number}.__setstate__({k})"]
        self.block(stmt.body, ind + 1)
        self.orelse(stmt, ind)

    def c_only_item(self, name: str, seq: str, k: str, ind: int, line: int) -> None:
        """Read item ``k`` of the exact list or tuple ``seq`` (in range: the length of a
        C-only loop's sequence cannot change) into the C number variable ``name``, with the
        flagging helper of its kind: a float, an int within the variable's guard bound, or
        an int-or-float; any other item is a failure for the caller to take."""
        kind = self.kinds[name]
        if kind is Kind.DOUBLE:
            self.out.add(ind, f"{name} = _autocy_seq_d_f({seq}, {k})", line)
        elif kind is Kind.CINT:
            self.out.add(ind, f"{name} = _autocy_seq_ib_f({seq}, {k}, {self.a.bounds.get(name, CINT_BOUND)})", line)
        else:
            assert kind is Kind.NUM, f"a C-only loop over a sequence into a {kind.value} variable"
            self.out.add(ind, f"{name} = _autocy_seq_num_f({seq}, {k})", line)
            self.out.add(ind, f"{int_flag(name)} = _autocy_seq_is_int({seq}, {k})", line)

    def zip_loop(self, stmt: ast.For, ind: int) -> None:
        add, line = self.out.add, stmt.lineno
        number = self.loop_number(stmt)
        k = f"_ac_k_{number}"
        seqs = []
        for position, arg in enumerate(stmt.iter.args):
            seq = f"_ac_seq_{number}_{position}"
            self.temps[seq] = self.typer.of(arg).declaration()
            add(ind, f"{seq} = {self.obj(arg)}", line)
            seqs.append(seq)
        add(ind, f"{k} = 0", line)
        add(ind, "while " + " and ".join(f"{k} < len({s})" for s in seqs) + ":", line)
        add(ind + 1, f"_ac_o = ({', '.join(f'{s}[{k}]' for s in seqs)},)", line)
        add(ind + 1, f"{k} += 1", line)
        self.loop_item(stmt, "_ac_o", ind + 1)
        iters = []
        setup = []
        for position, seq in enumerate(seqs):
            it = f"_ac_it_{number}_{position}"
            setup += [f"{it} = iter({seq})", f"{it}.__setstate__({k})"]
            iters.append(it)
        setup.append(f"_ac_it_{number} = zip({', '.join(iters)})")
        self.loops[id(stmt)].setup = setup
        self.block(stmt.body, ind + 1)
        self.orelse(stmt, ind)

    def iterator_loop(self, stmt: ast.For, ind: int) -> None:
        add, line = self.out.add, stmt.lineno
        number = self.loop_number(stmt)
        it, exhausted = f"_ac_it_{number}", f"_ac_exh_{number}"
        add(ind, f"{it} = iter({self.obj(stmt.iter)})", line)
        if stmt.orelse:
            add(ind, f"{exhausted} = 0", line)
        add(ind, "while True:", line)
        add(ind + 1, f"_ac_o = next({it}, _autocy_END)", line)
        add(ind + 1, "if _ac_o is _autocy_END:", line)
        if stmt.orelse:
            add(ind + 2, f"{exhausted} = 1", line)
        add(ind + 2, "break", line)
        self.loop_item(stmt, "_ac_o", ind + 1)
        self.block(stmt.body, ind + 1)
        if stmt.orelse:
            add(ind, f"if {exhausted}:", stmt.orelse[0].lineno)
            self.block(stmt.orelse, ind + 1)

    # ------------------------------------------------------------ the function

    def declarations(self, text: str) -> str:
        decls = {}
        for name, kind in sorted(self.kinds.items()):
            if kind is Kind.COMPLEX:
                decls.update({n: f"{CY}.double" for n in complex_names(name)})
            else:
                decls[name] = kind.declaration()
            if kind in ARRAYS:
                decls[memoryview(name)] = kind.memoryview()
            if kind is Kind.NUM:
                decls[int_flag(name)] = f"{CY}.bint"
            decls[shadow(name)] = "object"
        decls.update({"_ac_o": "object", "_ac_v": "object", "_ac_d": f"{CY}.double", "_ac_tr": f"{CY}.double",
                      "_ac_ti": f"{CY}.double", "_ac_at": f"{CY}.int", "_ac_pt": f"{CY}.int", "_ac_retry": f"{CY}.bint",
                      "_ac_c": f"{CY}.bint"})
        for number in range(1, len(self.loops) + 1):
            decls.update({f"_ac_start_{number}": f"{CY}.longlong", f"_ac_stop_{number}": f"{CY}.longlong",
                          f"_ac_k_{number}": f"{CY}.longlong", f"_ac_from_{number}": f"{CY}.longlong",
                          f"_ac_exh_{number}": f"{CY}.bint"})
        decls.update(self.temps)
        words = set(re.findall(r"\b\w+\b", text))
        return ", ".join(f"{name}={decl}" for name, decl in decls.items() if name in words)

    def initial_values(self, ind: int, line: int) -> None:
        """Give every typed local a value, so that boxing it after a deoptimization is defined
        (the definite-assignment rule makes sure the object copy never reads one unassigned)."""
        for name, kind in sorted(self.kinds.items()):
            if name in self.a.params:
                continue
            if kind is Kind.COMPLEX:
                for part in complex_names(name):
                    self.out.add(ind, f"{part} = 0.0", line)
            elif kind.is_container or kind in ARRAYS or kind is Kind.INTLIST:
                self.out.add(ind, f"{name} = None", line)
            else:
                self.out.add(ind, f"{name} = {'0.0' if kind in (Kind.DOUBLE, Kind.NPF64, Kind.NUM) else '0'}", line)
                if kind is Kind.NUM:
                    self.out.add(ind, f"{int_flag(name)} = False", line)

    def specialization(self, key: str) -> Lines:
        """The typed specialization ``_autocy_spec_<key>`` and, when it has resume points, the
        function that finishes a deoptimized call, ``_autocy_resume_<key>``."""
        node, line = self.a.node, self.a.node.lineno
        params = self.a.params
        self.out = Lines()
        for p in params:
            if self.kinds.get(p) is Kind.COMPLEX:
                re_name, im_name = complex_names(p)
                self.out.add(1, f"{re_name} = _autocy_creal(_ac_arg_{p})", line)
                self.out.add(1, f"{im_name} = _autocy_cimag(_ac_arg_{p})", line)
            elif self.kinds.get(p) in ARRAYS:
                self.out.add(1, f"{memoryview(p)} = {p}", line)
        body = Lines()
        saved, self.out = self.out, body
        self.block(node.body, 2)
        self.out = saved
        resume = Lines()
        if self.points:
            # The typed body runs inside a one-pass loop that a failed guard breaks out of, and
            # the object copy is another function: exception handling or the object copy in
            # the same C function made gcc's code for the hot loop up to 1.5x slower.
            # The one try, when checked code can raise, turns that exception into a
            # deoptimization at the statement (_ac_pt) that raised it.
            self.initial_values(1, line)
            self.out.add(1, "_ac_at = 0", line)
            self.out.add(1, "while True:", line)
            if self.reevaluated:
                self.out.add(2, "_ac_pt = 0", line)
                self.out.add(2, "try:", line)
                self.out.extend(Lines(["    " + text for text in body.text], body.origin))
                self.out.add(2, "except Exception:", line)
                self.out.add(3, "if _ac_pt == 0:", line)
                self.out.add(4, "raise", line)
                self.out.add(3, "_ac_at = _ac_pt", line)
                self.out.add(2, "break", line)
            else:
                self.out.extend(body)
                if not isinstance(node.body[-1], (ast.Return, ast.Raise)):
                    self.out.add(2, "break", line)
            self.out.add(1, "if _ac_at == 0:", line)
            self.out.add(2, self.returned("None"), line)
            resume = self.resume_function(key)
        else:
            self.out.text += [text[4:] for text in body.text]
            self.out.origin += body.origin
        if self.a.recursive:  # a call counts against the recursion limit, as CPython counts it
            counted = Lines()
            counted.add(1, "_autocy_enter_call()", line)
            counted.add(1, "try:", line)
            counted.extend(Lines(["    " + text for text in self.out.text], self.out.origin))
            counted.add(1, "finally:", line)
            counted.add(2, "_autocy_leave_call()", line)
            self.out = counted
        spec_params = [f"_ac_arg_{p}" if self.kinds.get(p) is Kind.COMPLEX else p for p in params]
        result = Lines()
        if not self.a.generator:  # (Cython makes no cdef generators: a generator's is a def)
            result.add(0, f"@{CY}.cfunc", line)
        declarations = self.declarations(chr(10).join(self.out.text))
        if declarations:  # (Cython crashes on `locals()` without arguments)
            result.add(0, f"@{CY}.locals({declarations})", line)
        name = f"_autocy_spec_{key}"
        if self.c_result is not None:  # no second resume function: the object variant's serves
            result.add(0, f"@{CY}.returns({self.c_result.declaration()})", line)
            sentinel = "-1.0" if self.c_result is Kind.DOUBLE else "-0x7ffffffffffffff7"
            result.add(0, f"@{CY}.exceptval({sentinel}, check=True)", line)
            name = f"_autocy_spec{'d' if self.c_result is Kind.DOUBLE else 'i'}_{key}"
            resume = Lines()
        result.add(0, f"def {name}({', '.join(spec_params)}):", line)
        result.extend(self.out)
        if resume.text:
            result.add(0, "", line)
            result.extend(resume)
        return result

    def resume_function(self, key: str) -> Lines:
        """Emit the deoptimized exit of the specialization (into ``self.out``) and return the
        function it calls: the object copy of the body (see :mod:`autocy.annotate.resume`),
        given every variable it reads. A variable that is unbound where the guard failed is
        passed as ``_autocy_UNBOUND`` and stays unbound in the object copy."""
        line = self.a.node.lineno
        copy_lines = ObjectCopy(self.a.node.body, set(self.kinds), self.points, self.loops).emit(1)
        used = set(re.findall(r"\b\w+\b", "\n".join(copy_lines.text)))
        in_spec = set(re.findall(r"\b\w+\b", "\n".join(self.out.text)))
        c_state = sorted(n for n in used if re.fullmatch(r"_ac_(start|stop|k|from)_\d+", n))
        shadows = sorted(n for n in (shadow(v) for v in self.kinds) if n in used)
        user_objects = {n for n in used if n in self.a.locals and n not in self.kinds
                        and (n in self.maybe_assigned or n in self.a.params)}
        generated = {n for n in used & in_spec
                     if n == "_ac_o" or re.fullmatch(r"_ac_(t\d+|seq_\d+(_\d+)?|it_\d+(_\d+)?)", n)}
        objects = sorted(user_objects | generated)
        if Kind.INTLIST in self.kinds.values():  # each array made a list once (a loop's and its variable's)
            self.out.add(1, "_ac_lists = {}", line)
        arguments = ["_ac_at"] + c_state
        for name in shadows:
            variable = name[len("_ac_b_"):]
            kind = self.kinds[variable]
            if kind is Kind.INTLIST:  # the list it stands for (a new one: nothing else held it)
                arguments.append(f"_autocy_il_shared({variable}, _ac_lists)")
            elif kind.is_number:
                arguments.append(self.box(self.expr(ast.Name(id=variable, ctx=ast.Load()))))
            else:
                arguments.append(variable)
        for name in objects:
            self.out.add(1, "try:", line)
            if name in self.intlist_sequences:
                self.out.add(2, f"_ac_in_{name} = _autocy_il_shared({name}, _ac_lists)", line)
            else:
                self.out.add(2, f"_ac_in_{name} = {name}", line)
            self.out.add(1, "except UnboundLocalError:", line)
            self.out.add(2, f"_ac_in_{name} = _autocy_UNBOUND", line)
            arguments.append(f"_ac_in_{name}")
        resumed = f"_autocy_resume_{key}({', '.join(arguments)})"
        if self.a.generator:  # the object copy is a generator too: it takes over send(), throw() and close()
            resumed = f"(yield from {resumed})"
        self.out.add(1, self.returned(resumed), line)
        out = Lines()
        decls = [f"_ac_at={CY}.int"] + [f"{n}={CY}.longlong" for n in c_state] + [
            f"_ac_exh_{L.number}={CY}.bint" for L in self.loops.values()
            if f"_ac_exh_{L.number}" in used]
        if not self.a.generator:
            out.add(0, f"@{CY}.cfunc", line)
        out.add(0, f"@{CY}.locals({', '.join(decls)})", line)
        names = ["_ac_at"] + c_state + shadows + [f"_ac_in_{n}" for n in objects]
        out.add(0, f"def _autocy_resume_{key}({', '.join(names)}):", line)
        for name in objects:
            out.add(1, f"if _ac_in_{name} is not _autocy_UNBOUND:", line)
            out.add(2, f"{name} = _ac_in_{name}", line)
        out.extend(copy_lines)
        return out


def _reaching_assignments(stmts: list[ast.stmt]) -> set[str]:
    """The names ``stmts`` may have stored to when the statement after them runs. Those of a
    branch that never completes (:func:`_returns`) cannot have: Cython knows it too, and
    refuses to compile a read of a name that no assignment can reach. A ``try`` body counts
    with every name it assigns (an exception can reach a handler from anywhere in it), a
    ``with`` statement too (its manager may suppress an exception); a point is never inside
    either."""
    names: set[str] = set()
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            for branch in (stmt.body, stmt.orelse):
                if not _returns(branch):
                    names |= _reaching_assignments(branch)
        elif isinstance(stmt, ast.Try):
            names |= assigned_names(stmt.body) | _reaching_assignments(stmt.finalbody)
            for branch in [handler.body for handler in stmt.handlers] + [stmt.orelse]:
                if not _returns(branch):
                    names |= _reaching_assignments(branch)
        else:
            names |= assigned_names([stmt])
    return names


def _returns(branch: list[ast.stmt]) -> bool:
    """Whether ``branch`` never completes because it returns or raises (:func:`block_leaves`
    with those two; a random program of ``tests/programgen.py``, seed 11, assigned a loop
    variable only in a handler whose ``try`` always returns: passing it to the object copy did
    not compile)."""
    return block_leaves(branch, (ast.Return, ast.Raise))


def dispatch_names(qualname: str) -> tuple[str, str]:
    """``(original, dispatcher)``: the generated names that hold a specialized function's
    original (the generic path) and its dispatcher (for a module-level function, its own name;
    for a method, a module-level name besides the class attribute)."""
    cls, _, name = qualname.rpartition(".")
    return f"_autocy_generic_{mangle(qualname)}", (f"_autocy_dispatch_{mangle(qualname)}" if cls else name)


def _dispatcher(analysis: FunctionAnalysis, qualname: str, spec: str, generic: str) -> Lines:
    """The def under the user's name: exact-type guards, then the specialization or the original.

    With parameters renamed (:mod:`autocy.annotate.shadowing`) the def keeps the user's names
    and hands its arguments on by position to a C function ``_autocy_enter_<key>``, whose
    parameters have the new names and which holds the guards, which call builtins such as
    ``type()``. A module-level function whose name the module binds more than once
    (``analysis.rebound``) gets its dispatcher only if the name still holds its def when the
    module has run (``_autocy_is_def``); otherwise direct calls of its specialization never
    match (``_autocy_fn_<name>`` is a fresh object) and every call goes to what the name holds."""
    out, line = Lines(), analysis.node.lineno
    params = analysis.params
    args = analysis.node.args
    first_default = len(params) - len(args.defaults)
    user_params = [analysis.renamed.get(p, p) for p in params]
    signature = []
    for i, p in enumerate(user_params):
        signature.append(f"{p}={generic}.__defaults__[{i - first_default}]" if i >= first_default else p)
        if args.posonlyargs and i == len(args.posonlyargs) - 1:
            signature.append("/")
    call = ", ".join(params)
    guards = []
    for p, kind in analysis.entry_guards.items():
        guards.append(kind.check(p, analysis.bounds.get(p, CINT_BOUND)))
    cls, _, name = qualname.rpartition(".")
    dispatch = dispatch_names(qualname)[1]
    wrapped = f"{cls}.__dict__[{name!r}]"  # (a staticmethod, classmethod or property object)
    unwrapped = {"staticmethod": ".__func__", "classmethod": ".__func__",
                 "property": ".fget"}.get(analysis.decorator, "")
    out.add(0, f"{generic} = {wrapped}{unwrapped}" if cls else f"{generic} = {name}", line)
    specialized = f"{spec}({call})"
    if analysis.generator:  # named as CPython names a generator: after the function called
        specialized = f"_autocy_named_generator({specialized}, {dispatch})"
    body = Lines()
    if guards:
        body.add(0, f"if {' and '.join(guards)}:", line)
        body.add(1, f"return {specialized}", line)
        body.add(0, f"return {generic}({call})", line)
    else:
        body.add(0, f"return {specialized}", line)
    if analysis.renamed:  # (a C function: at module level, never inside the `if` below)
        enter = f"_autocy_enter_{mangle(qualname)}"
        out.add(0, f"@{CY}.cfunc", line)
        out.add(0, f"def {enter}({call}):", line)
        out.extend(body.indented(1))
        body = Lines()
        body.add(0, f"return {enter}({', '.join(user_params)})", line)
    ind = 0
    if analysis.rebound:
        out.add(0, f"if _autocy_is_def({name}, _autocy_here, {name!r}, {line}):", line)
        ind = 1
    out.add(ind, f"def {dispatch}({', '.join(signature)}):", line)
    out.extend(body.indented(ind + 1))
    attributes = ("__doc__", "__annotations__", "__dict__") + (("__name__", "__qualname__") if cls else ())
    for attribute in attributes:
        out.add(ind, f"{dispatch}.{attribute} = {generic}.{attribute}", line)
    if analysis.decorator == "property":  # (the property's setter, deleter, doc and name stay)
        out.add(0, f"{cls}.{name} = _autocy_property({cls}, {name!r}, {dispatch}, {wrapped})", line)
    elif analysis.decorator:
        out.add(0, f"{cls}.{name} = {analysis.decorator}({dispatch})", line)
    elif cls:
        out.add(0, f"{cls}.{name} = {dispatch}", line)
    else:  # what direct calls from other specializations compare the name with
        out.add(ind, f"_autocy_fn_{name} = {name}", line)
    if analysis.rebound:
        out.add(0, "else:", line)
        out.add(1, f"_autocy_fn_{name} = _autocy_UNBOUND", line)
    return out


def _flagging_variant(analysis: FunctionAnalysis, key: str, result: Kind) -> Lines:
    """``_autocy_specf_<key>``: the C-result variant of a function whose body is one flaggable
    ``return`` (see :func:`autocy.annotate.flagging.flagging_function`), with the flagging
    helpers: it notes a failure instead of raising, and its caller deoptimizes."""
    emitter = _Emitter(analysis, result)
    emitter.flagging = True
    body = [stmt for stmt in analysis.node.body if isinstance(stmt, ast.Return)]
    code = emitter.expr(body[0].value).code
    line = body[0].lineno
    out = Lines()
    out.add(0, f"@{CY}.cfunc", analysis.node.lineno)
    out.add(0, f"@{CY}.inline", analysis.node.lineno)
    declarations = emitter.declarations(code + ' ' + ' '.join(analysis.params))
    if declarations:  # (Cython crashes on `locals()` without arguments)
        out.add(0, f"@{CY}.locals({declarations})", analysis.node.lineno)
    out.add(0, f"@{CY}.returns({result.declaration()})", analysis.node.lineno)
    out.add(0, f"@{CY}.exceptval(check=False)", analysis.node.lineno)
    out.add(0, f"def _autocy_specf_{key}({', '.join(analysis.params)}):", analysis.node.lineno)
    out.add(1, f"return {code}", line)
    return out


def render_function(analysis: FunctionAnalysis, qualname: str, c_result: Kind = Kind.OBJECT,
                    flagging: bool = False, sites: AttributeSites | None = None) -> Lines:
    """The generated lines for one specialized function or method (specialization, then
    dispatcher); ``analysis.rejected`` must be None.

    Args:
        analysis: the function's analysis.
        qualname: ``f`` for a module-level function, ``C.m`` for a method of class ``C``.
        c_result: DOUBLE or CINT to also emit ``_autocy_specd_f``/``_autocy_speci_f``, the
            variant that returns its result as a C value (or raises), for typed direct calls
            (see :class:`~autocy.annotate.expressions.Callee`).
        flagging: also emit ``_autocy_specf_f``, the flagging variant of the C-result one
            (the callee's ``flagging``).
        sites: the module's numbering of typed attribute accesses (a new one when None).
    """
    key = mangle(qualname)
    sites = sites if sites is not None else AttributeSites()
    first = _Emitter(analysis)  # a first pass finds the loops with resume points inside
    first.specialization(key)
    loops = first.guarded_loops | first.loops_with_points
    out = _Emitter(analysis, guarded_loops=loops, sites=sites).specialization(key)
    if c_result in (Kind.DOUBLE, Kind.CINT):
        out.add(0, "", analysis.node.lineno)
        out.extend(_Emitter(analysis, c_result, loops, sites).specialization(key))
        if flagging:
            out.add(0, "", analysis.node.lineno)
            out.extend(_flagging_variant(analysis, key, c_result))
    out.extend(_dispatcher(analysis, qualname, f"_autocy_spec_{key}", dispatch_names(qualname)[0]))
    if analysis.closures.sources:
        out.text = [restore(line, analysis.closures, qualname) for line in out.text]
    return out
