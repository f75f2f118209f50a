"""Render one analysed function as Cython pure-Python-mode code: a typed specialization and a
dispatcher that guards it.

The output for ``def f(a, b): ...`` is, after the module's own (untouched) code::

    _autocy_generic_f = f                      # the original function: the generic path
    @cy.cfunc
    @cy.locals(a=cy.double, ...)
    def _autocy_spec_f(a, b): ...              # typed copy of the body
    def f(a, b):                               # the dispatcher, under the original name
        if type(a) is float and ...:           # exact-type guards on entry
            _ac_r = _autocy_spec_f(a, b)
            if _ac_r is not _autocy_DEOPT:      # a guard inside failed before any visible effect
                return _ac_r
        return _autocy_generic_f(a, b)

Every emitted line records the line of the user's statement it comes from, so the compile
stage can point tracebacks at the user's ``.py``.

Expressions of a typed kind are emitted as C expressions that compute what CPython computes
(see :mod:`kinds`); anything else is emitted as a Python-object expression whose typed
operands are boxed first, so Cython never applies a C operator whose result could differ.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from autocy.annotate.analysis import FunctionAnalysis, _Kinds, is_increment
from autocy.annotate.kinds import CINT_LIMIT, Kind

CY = "_autocy_cython"
"""The name the generated section imports ``cython`` as (the user's module may use ``cython``)."""

PRELUDE = f"""\
import cython as {CY}
from cython.cimports.cpython.complex import PyComplex_FromDoubles as _autocy_complex
from cython.cimports.cpython.complex import PyComplex_RealAsDouble as _autocy_creal
from cython.cimports.cpython.complex import PyComplex_ImagAsDouble as _autocy_cimag
from cython.cimports.libc.math import hypot as _autocy_hypot, isinf as _autocy_isinf
from cython.cimports.libc.math import isfinite as _autocy_isfinite, fabs as _autocy_fabs
_autocy_DEOPT = object()


@{CY}.cfunc
@{CY}.inline
@{CY}.locals(re={CY}.double, im={CY}.double, r={CY}.double)
@{CY}.returns({CY}.double)
@{CY}.exceptval(-1.0, check=True)
def _autocy_cabs(re, im):
    # abs() of complex(re, im) exactly as CPython's _Py_c_abs + complex_abs: hypot() for finite
    # parts (a finite result implies finite parts), C99 rules for inf/nan, OverflowError else
    r = _autocy_hypot(re, im)
    if _autocy_isfinite(r):
        return r
    if _autocy_isinf(re):
        return _autocy_fabs(re)
    if _autocy_isinf(im):
        return _autocy_fabs(im)
    if not _autocy_isfinite(re) or not _autocy_isfinite(im):
        return _autocy_fabs(r)  # a NaN part: CPython returns its (positive) Py_NAN
    raise OverflowError("absolute value too large")


@{CY}.cfunc
@{CY}.inline
@{CY}.locals(re={CY}.double, im={CY}.double, bound={CY}.double, below={CY}.bint,
             strict={CY}.bint, s={CY}.double, b2={CY}.double, r={CY}.double)
@{CY}.returns({CY}.bint)
@{CY}.exceptval(-1, check=True)
def _autocy_cabs_cmp(re, im, bound, below, strict):
    # abs(complex(re, im)) compared with a constant bound in [1e-100, 1e100]: below (< or <=)
    # or above (> or >=), strict or not. re*re + im*im is within 3 * 2**-53 (relative) of the
    # true |z|**2 when finite, and abs() (hypot) within a few ulps of the true |z|, so a sum
    # more than 2**-40 (relative) away from bound**2 decides every comparison as abs() would;
    # near the bound, or on overflow, NaN or inf, the exact abs() decides.
    s = re * re + im * im
    b2 = bound * bound
    if s < b2 * (1.0 - 9.094947017729282e-13):  # 2**-40
        return below
    if b2 * (1.0 + 9.094947017729282e-13) < s <= 1.7976931348623157e308:
        return not below
    r = _autocy_cabs(re, im)
    if below:
        return r < bound if strict else r <= bound
    return r > bound if strict else r >= bound
"""
"""Module-level helpers emitted once per generated module (before the first specialization)."""

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
        ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
        ast.BitAnd: "&", ast.MatMult: "@"}
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


@dataclass
class Typed:
    """An emitted expression: its kind and code; COMPLEX has ``code`` = real, ``imag`` = imaginary."""

    kind: Kind
    code: str
    imag: str = ""


@dataclass
class Lines:
    """Generated lines, each with the user's line it stands for."""

    text: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)

    def add(self, indent: int, code: str, line: int) -> None:
        self.text.append("    " * indent + code)
        self.origin.append(line)


def complex_names(name: str) -> tuple[str, str]:
    """The two C doubles a COMPLEX variable ``name`` is lowered to."""
    return f"_ac_{name}_re", f"_ac_{name}_im"


class _Emitter:
    def __init__(self, analysis: FunctionAnalysis):
        self.a = analysis
        self.kinds = analysis.kinds
        self.typer = _Kinds(analysis.kinds, analysis.locals)
        self.out = Lines()

    # ------------------------------------------------------------ expressions

    def box(self, t: Typed) -> str:
        """A Python-object expression for ``t`` (the same value CPython would have)."""
        if t.kind is Kind.COMPLEX:
            return f"_autocy_complex({t.code}, {t.imag})"
        if t.kind in (Kind.DOUBLE, Kind.CINT, Kind.BOOL):
            return f"{CY}.cast(object, {t.code})"
        return t.code

    def obj(self, node: ast.expr) -> str:
        return self.box(self.expr(node))

    def as_complex(self, t: Typed) -> tuple[str, str]:
        return (t.code, t.imag) if t.kind is Kind.COMPLEX else (t.code, "0.0")

    def expr(self, node: ast.expr) -> Typed:  # noqa: C901 - one case per node type
        kind = self.typer.of(node)
        if isinstance(node, ast.Constant):
            value = node.value
            if kind is Kind.COMPLEX:
                return Typed(kind, repr(value.real), repr(value.imag))
            return Typed(kind, repr(value))
        if isinstance(node, ast.Name):
            if kind is Kind.COMPLEX:
                return Typed(kind, *complex_names(node.id))
            return Typed(kind, node.id)
        if isinstance(node, ast.BinOp):
            return self.binop(node, kind)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return Typed(Kind.BOOL, f"(not {self.truth_of(operand)})")
            if kind is Kind.COMPLEX:
                sign = "-" if isinstance(node.op, ast.USub) else "+"
                return Typed(kind, f"({sign}{operand.code})", f"({sign}{operand.imag})")
            if kind is not Kind.OBJECT:
                sign = "-" if isinstance(node.op, ast.USub) else "+"
                return Typed(kind, f"({sign}{operand.code})")
            op = {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}[type(node.op)]
            return Typed(kind, f"({op}{self.box(operand)})")
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            parts = [self.expr(v) for v in node.values]
            if kind is Kind.BOOL:
                return Typed(kind, "(" + word.join(p.code for p in parts) + ")")
            return Typed(kind, "(" + word.join(self.box(p) for p in parts) + ")")
        if isinstance(node, ast.Compare):
            reduced = self.abs_compare(node)
            if reduced:
                return Typed(Kind.BOOL, reduced)
            operands = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
            native = all(o.kind in (Kind.DOUBLE, Kind.CINT, Kind.BOOL) for o in operands) and all(
                isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)) for op in node.ops)
            codes = [o.code if native else self.box(o) for o in operands]
            text = codes[0] + "".join(f" {_CMP[type(op)]} {c}" for op, c in zip(node.ops, codes[1:]))
            return Typed(kind, f"({text})")
        if isinstance(node, ast.Call):
            return self.call(node, kind)
        if isinstance(node, ast.Attribute):
            value = self.expr(node.value)
            if value.kind is Kind.COMPLEX and node.attr in ("real", "imag"):
                return Typed(Kind.DOUBLE, value.code if node.attr == "real" else value.imag)
            return Typed(kind, f"{self.box(value)}.{node.attr}")
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            index = self.expr(node.slice)
            index_code = index.code if index.kind is Kind.CINT else self.box(index)
            return Typed(kind, f"{self.obj(node.value)}[{index_code}]")
        if isinstance(node, ast.IfExp):
            body, orelse = self.expr(node.body), self.expr(node.orelse)
            test = self.truth(node.test)
            if kind is Kind.COMPLEX:
                return Typed(kind, f"({body.code} if {test} else {orelse.code})",
                             f"({body.imag} if {test} else {orelse.imag})")
            if kind in (Kind.DOUBLE, Kind.CINT, Kind.BOOL):
                return Typed(kind, f"({body.code} if {test} else {orelse.code})")
            return Typed(kind, f"({self.box(body)} if {test} else {self.box(orelse)})")
        return Typed(kind, self.generic(node))

    def abs_compare(self, node: ast.Compare) -> str | None:
        """``abs(z) < c`` (also ``<= > >=``) for a complex ``z`` and a constant ``c`` in
        [1e-100, 1e100]: decided from ``re*re + im*im`` when that is far enough from ``c*c``
        to be certain, else by the exact ``abs`` (see ``_autocy_cabs_cmp`` in the prelude)."""
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

    def generic(self, node: ast.expr) -> str:
        """Any other expression, evaluated on Python objects: typed names are boxed first."""
        emitter = self

        class Boxer(ast.NodeTransformer):
            def visit_Name(self, name: ast.Name) -> ast.AST:
                if name.id in emitter.kinds and isinstance(name.ctx, ast.Load):
                    return ast.Name(id=emitter.box(emitter.expr(name)), ctx=ast.Load())
                return name

        return "(" + ast.unparse(Boxer().visit(_copy(node))) + ")"

    def binop(self, node: ast.BinOp, kind: Kind) -> Typed:
        left, right = self.expr(node.left), self.expr(node.right)
        op = _OPS[type(node.op)]
        if kind is Kind.COMPLEX:
            (ar, ai), (br, bi) = self.as_complex(left), self.as_complex(right)
            if isinstance(node.op, ast.Mult):  # _Py_c_prod
                return Typed(kind, f"({ar} * {br} - {ai} * {bi})", f"({ar} * {bi} + {ai} * {br})")
            return Typed(kind, f"({ar} {op} {br})", f"({ai} {op} {bi})")  # _Py_c_sum / _Py_c_diff
        if kind in (Kind.DOUBLE, Kind.CINT):
            lcode, rcode = left.code, right.code
            if isinstance(node.op, ast.Div) and left.kind is Kind.CINT and right.kind is Kind.CINT:
                lcode = f"{CY}.cast({CY}.double, {lcode})"
            return Typed(kind, f"({lcode} {op} {rcode})")
        lcode = left.code if left.kind is Kind.CINT and kind.is_container else self.box(left)
        rcode = right.code if right.kind is Kind.CINT and kind.is_container else self.box(right)
        return Typed(kind, f"({lcode} {op} {rcode})")

    def call(self, node: ast.Call, kind: Kind) -> Typed:
        func, typer = node.func, self.typer
        args = [self.expr(a) for a in node.args]
        if typer.builtin(func, "abs") and kind is not Kind.OBJECT and len(args) == 1:
            arg = args[0]
            if arg.kind is Kind.COMPLEX:
                return Typed(kind, f"_autocy_cabs({arg.code}, {arg.imag})")
            return Typed(kind, f"abs({arg.code})")
        if typer.builtin(func, "complex") and kind is Kind.COMPLEX:
            real = f"{CY}.cast({CY}.double, {args[0].code})"
            imag = f"{CY}.cast({CY}.double, {args[1].code})" if len(args) == 2 else "0.0"
            return Typed(kind, real, imag)
        if typer.builtin(func, "float") and kind is Kind.DOUBLE:
            return Typed(kind, f"{CY}.cast({CY}.double, {args[0].code})")
        if typer.builtin(func, "int") and kind is Kind.CINT:
            return Typed(kind, args[0].code)
        if typer.builtin(func, "len") and kind is Kind.CINT:
            return Typed(kind, f"len({args[0].code})")
        if node.keywords:
            return Typed(kind, self.generic(node))
        return Typed(kind, f"{self.obj(func)}({', '.join(self.box(a) for a in args)})")

    def truth_of(self, t: Typed) -> str:
        if t.kind is Kind.COMPLEX:
            return f"({t.code} != 0.0 or {t.imag} != 0.0)"
        return t.code

    def truth(self, node: ast.expr) -> str:
        """A condition: C truth value with Python's short-circuit order."""
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + word.join(self.truth(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"(not {self.truth(node.operand)})"
        return self.truth_of(self.expr(node))

    # ------------------------------------------------------------ statements

    def assign_typed(self, name: str, kind: Kind, value: ast.expr, guarded: bool, line: int, ind: int) -> None:
        add = self.out.add
        if guarded:
            add(ind, f"_ac_o = {self.obj(value)}", line)
            self.unbox_or_deopt(name, kind, line, ind)
            return
        if kind is Kind.CINT and is_increment(ast.Assign(targets=[ast.Name(name, ast.Store())], value=value), name):
            # the analysis only keeps ``n += 1`` on a CINT when it is a bounded counter
            add(ind, f"{name} = {name} + 1", line)
            return
        t = self.expr(value)
        if kind is Kind.COMPLEX:
            re_name, im_name = complex_names(name)
            add(ind, f"_ac_tr = {t.code}", line)
            add(ind, f"_ac_ti = {t.imag}", line)
            add(ind, f"{re_name} = _ac_tr", line)
            add(ind, f"{im_name} = _ac_ti", line)
        else:
            add(ind, f"{name} = {t.code}", line)

    def unbox_or_deopt(self, name: str, kind: Kind, line: int, ind: int) -> None:
        """Check the object in ``_ac_o``: unbox it into typed ``name`` or leave for the generic path."""
        add = self.out.add
        check = f"type(_ac_o) is not {kind.python_type}"
        if kind is Kind.CINT:
            check += f" or not (-{CINT_LIMIT} <= _ac_o <= {CINT_LIMIT})"
        add(ind, f"if {check}:", line)
        add(ind + 1, "return _autocy_DEOPT", line)
        if kind is Kind.COMPLEX:
            re_name, im_name = complex_names(name)
            add(ind, f"{re_name} = _autocy_creal(_ac_o)", line)
            add(ind, f"{im_name} = _autocy_cimag(_ac_o)", line)
        else:
            add(ind, f"{name} = _ac_o", line)

    def block(self, stmts: list[ast.stmt], ind: int) -> None:
        emitted = len(self.out.text)
        for stmt in stmts:
            self.stmt(stmt, ind)
        if len(self.out.text) == emitted:
            self.out.add(ind, "pass", stmts[0].lineno if stmts else self.a.node.lineno)

    def stmt(self, stmt: ast.stmt, ind: int) -> None:  # noqa: C901 - one case per statement type
        add, line = self.out.add, stmt.lineno
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if stmt.value is None:
                return
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id in self.kinds:
                name = targets[0].id
                self.assign_typed(name, self.kinds[name], stmt.value, id(stmt) in self.a.guarded_assignments,
                                  line, ind)
                return
            value = self.obj(stmt.value)
            add(ind, " = ".join(self.target(t) for t in targets) + f" = {value}", line)
        elif isinstance(stmt, ast.AugAssign):
            target = stmt.target
            if isinstance(target, ast.Name) and target.id in self.kinds and self.kinds[target.id].is_number:
                # numbers are immutable: x op= y is x = x op y (containers keep their in-place op)
                combined = ast.BinOp(left=ast.Name(target.id, ast.Load()), op=stmt.op, right=stmt.value)
                self.assign_typed(target.id, self.kinds[target.id], combined, False, line, ind)
                return
            add(ind, f"{self.target(target)} {_OPS[type(stmt.op)]}= {self.obj(stmt.value)}", line)
        elif isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Constant):
                return
            add(ind, self.obj(stmt.value), line)
        elif isinstance(stmt, (ast.If, ast.While)):
            add(ind, f"{'if' if isinstance(stmt, ast.If) else 'while'} {self.truth(stmt.test)}:", line)
            self.block(stmt.body, ind + 1)
            self.orelse(stmt, ind)
        elif isinstance(stmt, ast.For):
            self.for_loop(stmt, ind)
        elif isinstance(stmt, ast.Return):
            add(ind, "return" if stmt.value is None else f"return {self.obj(stmt.value)}", line)
        elif isinstance(stmt, (ast.Pass, ast.Break, ast.Continue)):
            add(ind, type(stmt).__name__.lower(), line)
        elif isinstance(stmt, ast.Raise):
            text = "raise"
            if stmt.exc is not None:
                text += f" {self.obj(stmt.exc)}"
            if stmt.cause is not None:
                text += f" from {self.obj(stmt.cause)}"
            add(ind, text, line)
        elif isinstance(stmt, ast.Assert):
            text = f"assert {self.truth(stmt.test)}"
            if stmt.msg is not None:
                text += f", {self.obj(stmt.msg)}"
            add(ind, text, line)
        else:  # analysis rejects every other statement; keep the generator honest
            raise AssertionError(f"unsupported statement {type(stmt).__name__} reached the emitter")

    def target(self, node: ast.expr) -> str:
        """An assignment target that holds Python objects (its index expressions may be typed)."""
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            index = self.expr(node.slice)
            index_code = index.code if index.kind is Kind.CINT else self.box(index)
            return f"{self.obj(node.value)}[{index_code}]"
        if isinstance(node, ast.Attribute):
            return f"{self.obj(node.value)}.{node.attr}"
        if isinstance(node, ast.Name):
            return node.id
        return self.generic(node)[1:-1]

    def for_loop(self, stmt: ast.For, ind: int) -> None:
        add, line = self.out.add, stmt.lineno
        target = stmt.target
        typed_target = isinstance(target, ast.Name) and target.id in self.kinds
        if typed_target and self.kinds[target.id] is Kind.CINT:
            bounds = ", ".join(self.expr(a).code for a in stmt.iter.args)
            add(ind, f"for {target.id} in range({bounds}):", line)
            self.block(stmt.body, ind + 1)
        elif typed_target and id(stmt) in self.a.guarded_assignments:
            add(ind, f"for _ac_o in {self.obj(stmt.iter)}:", line)
            self.unbox_or_deopt(target.id, self.kinds[target.id], line, ind + 1)
            self.block(stmt.body, ind + 1)
        else:
            iterable = self.expr(stmt.iter)
            add(ind, f"for {self.target(target)} in {self.box(iterable)}:", line)
            self.block(stmt.body, ind + 1)
        self.orelse(stmt, ind)

    def orelse(self, stmt: ast.If | ast.While | ast.For, ind: int) -> None:
        if stmt.orelse:
            self.out.add(ind, "else:", stmt.orelse[0].lineno)
            self.block(stmt.orelse, ind + 1)

    # ------------------------------------------------------------ the function

    def declarations(self) -> str:
        decls = []
        for name, kind in sorted(self.kinds.items()):
            if kind is Kind.COMPLEX:
                decls += [f"{n}={CY}.double" for n in complex_names(name)]
            else:
                decls.append(f"{name}={kind.declaration(CY)}")
        decls += ["_ac_o=object", f"_ac_tr={CY}.double", f"_ac_ti={CY}.double"]
        return ", ".join(decls)

    def specialization(self, name: str) -> Lines:
        node, line = self.a.node, self.a.node.lineno
        params = self.a.params
        add = self.out.add
        add(0, f"@{CY}.cfunc", line)
        add(0, f"@{CY}.locals({self.declarations()})", line)
        spec_params = [f"_ac_arg_{p}" if self.kinds.get(p) is Kind.COMPLEX else p for p in params]
        add(0, f"def _autocy_spec_{name}({', '.join(spec_params)}):", line)
        for p in params:
            if self.kinds.get(p) is Kind.COMPLEX:
                re_name, im_name = complex_names(p)
                add(1, f"{re_name} = _autocy_creal(_ac_arg_{p})", line)
                add(1, f"{im_name} = _autocy_cimag(_ac_arg_{p})", line)
        self.block(node.body, 1)
        return self.out

    def dispatcher(self, name: str) -> Lines:
        out, line = Lines(), self.a.node.lineno
        params = self.a.params
        args = self.a.node.args
        defaults = args.defaults
        signature = []
        first_default = len(params) - len(defaults)
        for i, p in enumerate(params):
            if i >= first_default:
                signature.append(f"{p}=_autocy_generic_{name}.__defaults__[{i - first_default}]")
            else:
                signature.append(p)
            if args.posonlyargs and i == len(args.posonlyargs) - 1:
                signature.append("/")
        call = ", ".join(params)
        guards = []
        for p, kind in self.a.entry_guards.items():
            guards.append(f"type({p}) is {kind.python_type}")
            if kind is Kind.CINT:
                guards.append(f"-{CINT_LIMIT} <= {p} <= {CINT_LIMIT}")
        out.add(0, f"_autocy_generic_{name} = {name}", line)
        out.add(0, f"def {name}({', '.join(signature)}):", line)
        if guards:
            out.add(1, f"if {' and '.join(guards)}:", line)
            inner = 2
        else:
            inner = 1
        out.add(inner, f"_ac_r = _autocy_spec_{name}({call})", line)
        out.add(inner, "if _ac_r is not _autocy_DEOPT:", line)
        out.add(inner + 1, "return _ac_r", line)
        out.add(1, f"return _autocy_generic_{name}({call})", line)
        for attribute in ("__doc__", "__annotations__", "__dict__"):
            out.add(0, f"{name}.{attribute} = _autocy_generic_{name}.{attribute}", line)
        return out


def _copy(node: ast.AST) -> ast.AST:
    return ast.parse(ast.unparse(node), mode="eval").body if isinstance(node, ast.expr) else node


def render_function(analysis: FunctionAnalysis) -> Lines:
    """The generated lines for one specialized module-level function (specialization, then
    dispatcher); ``analysis.rejected`` must be None."""
    name = analysis.node.name
    spec = _Emitter(analysis).specialization(name)
    dispatch = _Emitter(analysis).dispatcher(name)
    return Lines(spec.text + dispatch.text, spec.origin + dispatch.origin)
