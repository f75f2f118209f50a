"""Which variables of a hot function can be typed, and how each typing is justified.

The analysis works on the function's AST and its type feedback. It proposes a kind per
variable from the profile (:func:`~autocy.annotate.kinds.kind_from_feedback`) and then keeps a
proposal only if every value that can reach the variable has that exact kind:

* parameters are checked by an exact-type guard on entry (the dispatcher);
* an assignment from an expression whose kind is proven (constants, typed arithmetic that is
  exact in C, ``len()`` of a builtin container, ...) needs nothing;
* an assignment from an unproven value (a list element, a call result) gets a guard at the
  assignment, which is only allowed when the function is *restartable*: nothing it does before
  the guard is visible outside the call, so when the guard fails the dispatcher can discard
  the typed run and run the generic (original) body from the start with the same arguments;
* an ``int`` stays a C integer only where its range is proven (see :mod:`kinds`);
* a typed variable must be definitely assigned before each use, so that an unbound read still
  raises ``UnboundLocalError`` (a C variable has no unbound state).

Proposals that fail are demoted to OBJECT until nothing changes (a fixpoint).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from autocy.annotate.kinds import CINT_LIMIT, CONTAINERS, Kind, kind_from_feedback
from autocy.profiledata import FunctionProfile

SPECIALIZED_BUILTINS = frozenset({
    "type", "len", "abs", "range", "complex", "float", "int", "bool", "list", "dict", "str",
    "tuple", "bytes", "set"})
"""Builtins the generated code relies on; a module that rebinds any of them is not specialized."""

_INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "dir", "globals", "super", "__class__"})

_UNSUPPORTED_NODES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
    ast.DictComp, ast.GeneratorExp, ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr, ast.Global,
    ast.Nonlocal, ast.Try, ast.With, ast.AsyncWith, ast.AsyncFor, ast.Delete, ast.Import,
    ast.ImportFrom, ast.Starred) + ((ast.TryStar,) if sys.version_info >= (3, 11) else ()) + (
    (ast.Match,) if sys.version_info >= (3, 10) else ())

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
"""Methods of an exact ``str``: result kind. All of them are pure (no user code can run)."""

_CONTAINER_METHODS = {
    Kind.LIST: {"copy": Kind.LIST, "count": Kind.CINT, "index": Kind.CINT},
    Kind.DICT: {"copy": Kind.DICT},
    Kind.SET: {"copy": Kind.SET},
}

_DISPLAYS = {ast.List: Kind.LIST, ast.Tuple: Kind.TUPLE, ast.Dict: Kind.DICT, ast.Set: Kind.SET,
             ast.JoinedStr: Kind.STR}
"""Literal displays and the exact type they build."""

_NUMBERS = (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL)

# Before 3.14, CPython turns the real operand of a mixed complex operation into complex(x, 0.0);
# 3.14 changed those rules, so mixed complex arithmetic is only typed before it.
MIXED_COMPLEX = sys.version_info < (3, 14)


@dataclass
class Typing:
    """One typed variable of a specialization, for the report.

    ``klass`` is ``"exact"`` (proven from the code) or ``"guarded"`` (checked on entry or where
    the value enters); ``reason`` gives the evidence.
    """

    name: str
    kind: Kind
    klass: str
    reason: str


@dataclass
class FunctionAnalysis:
    """The result of analysing one function.

    Attributes:
        node: the function's AST.
        params: parameter names in order.
        locals: every local name (parameters and assigned names).
        kinds: variable -> kind, for typed (non-OBJECT) variables only.
        entry_guards: parameter -> kind checked by the dispatcher.
        guarded_assignments: ids of AST nodes (Assign targets' statements, For loops) whose
            incoming value gets an exact-type guard with deopt to the generic body.
        restartable: see the module docstring.
        typings: the report lines, one per typed variable.
        rejected: why the function is not specialized (None when it is).
    """

    node: ast.FunctionDef
    params: list[str]
    locals: set[str] = field(default_factory=set)
    kinds: dict[str, Kind] = field(default_factory=dict)
    entry_guards: dict[str, Kind] = field(default_factory=dict)
    guarded_assignments: set[int] = field(default_factory=set)
    restartable: bool = False
    typings: list[Typing] = field(default_factory=list)
    rejected: str | None = None


# ------------------------------------------------------------------ module-level facts


def module_bound_names(tree: ast.Module) -> set[str]:
    """Names bound at module level (assignments, defs, classes, imports, ``global`` writes)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node in tree.body:
                names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Global):
            names.update(node.names)
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                if not _inside_function(stmt, node):
                    names.add(node.id)
    return names


def _inside_function(root: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(root):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not root:
            if any(child is target for child in ast.walk(node)):
                return True
    return False


# ------------------------------------------------------------------ expression kinds


class _Kinds:
    """Expression typing under a current assignment of variable kinds."""

    def __init__(self, kinds: dict[str, Kind], locals_: set[str]):
        self.kinds = kinds
        self.locals = locals_

    def var(self, name: str) -> Kind:
        return self.kinds.get(name, Kind.OBJECT)

    def builtin(self, node: ast.expr, name: str) -> bool:
        return isinstance(node, ast.Name) and node.id == name and name not in self.locals

    def of(self, node: ast.expr) -> Kind:  # noqa: C901 - one case per node type
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return Kind.BOOL
            if isinstance(value, int):
                return Kind.CINT if abs(value) <= CINT_LIMIT else Kind.OBJECT
            if isinstance(value, float):
                return Kind.DOUBLE
            if isinstance(value, complex):
                return Kind.COMPLEX
            if isinstance(value, str):
                return Kind.STR
            if isinstance(value, bytes):
                return Kind.BYTES
            return Kind.OBJECT
        if isinstance(node, ast.Name):
            return self.var(node.id)
        if isinstance(node, ast.BinOp):
            return self.binop(self.of(node.left), node.op, self.of(node.right))
        if isinstance(node, ast.UnaryOp):
            operand = self.of(node.operand)
            if isinstance(node.op, ast.Not):
                return Kind.BOOL
            if isinstance(node.op, (ast.USub, ast.UAdd)) and operand in (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT):
                return operand
            return Kind.OBJECT
        if isinstance(node, ast.BoolOp):
            kinds = {self.of(v) for v in node.values}
            return Kind.BOOL if kinds == {Kind.BOOL} else Kind.OBJECT
        if isinstance(node, ast.Compare):
            if all(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in node.ops):
                return Kind.BOOL
            operands = [self.of(node.left)] + [self.of(c) for c in node.comparators]
            return Kind.BOOL if Kind.OBJECT not in operands else Kind.OBJECT
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            if self.of(node.value) is Kind.COMPLEX and node.attr in ("real", "imag"):
                return Kind.DOUBLE
            return Kind.OBJECT
        if isinstance(node, ast.Subscript):
            value = self.of(node.value)
            if isinstance(node.slice, ast.Slice):
                return value if value in (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES) else Kind.OBJECT
            index = self.of(node.slice)
            if value is Kind.STR and index is Kind.CINT:
                return Kind.STR
            if value is Kind.BYTES and index is Kind.CINT:
                return Kind.CINT
            return Kind.OBJECT
        if type(node) in _DISPLAYS:
            return _DISPLAYS[type(node)]
        if isinstance(node, ast.IfExp):
            body, orelse = self.of(node.body), self.of(node.orelse)
            return body if body is orelse else Kind.OBJECT
        return Kind.OBJECT

    @staticmethod
    def binop(left: Kind, op: ast.operator, right: Kind) -> Kind:
        numbers = (Kind.DOUBLE, Kind.CINT)
        if isinstance(op, (ast.Add, ast.Sub, ast.Mult)):
            if Kind.COMPLEX in (left, right):
                other = right if left is Kind.COMPLEX else left
                if other is Kind.COMPLEX or (MIXED_COMPLEX and other in numbers):
                    return Kind.COMPLEX
                return Kind.OBJECT
            if Kind.DOUBLE in (left, right) and left in numbers and right in numbers:
                return Kind.DOUBLE
        if isinstance(op, ast.Div) and left in numbers and right in numbers:
            return Kind.DOUBLE
        if isinstance(op, ast.Add) and left is right and left in (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES):
            return left
        if isinstance(op, ast.Mult):
            if left in (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES) and right is Kind.CINT:
                return left
            if right in (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES) and left is Kind.CINT:
                return right
        return Kind.OBJECT

    def call(self, node: ast.Call) -> Kind:
        if node.keywords:
            return Kind.OBJECT
        args = [self.of(a) for a in node.args]
        func = node.func
        if self.builtin(func, "len") and len(args) == 1 and args[0] in CONTAINERS:
            return Kind.CINT
        if self.builtin(func, "abs") and len(args) == 1:
            return {Kind.DOUBLE: Kind.DOUBLE, Kind.COMPLEX: Kind.DOUBLE, Kind.CINT: Kind.CINT}.get(args[0], Kind.OBJECT)
        if self.builtin(func, "complex") and 1 <= len(args) <= 2 and all(a in (Kind.DOUBLE, Kind.CINT) for a in args):
            return Kind.COMPLEX
        if self.builtin(func, "float") and len(args) == 1 and args[0] in (Kind.DOUBLE, Kind.CINT):
            return Kind.DOUBLE
        if self.builtin(func, "int") and len(args) == 1 and args[0] is Kind.CINT:
            return Kind.CINT
        for name, kind in (("list", Kind.LIST), ("dict", Kind.DICT), ("set", Kind.SET)):
            if self.builtin(func, name) and not args:
                return kind
        if isinstance(func, ast.Attribute):
            receiver = self.of(func.value)
            if receiver is Kind.STR and func.attr in STR_METHODS:
                return STR_METHODS[func.attr]
            return _CONTAINER_METHODS.get(receiver, {}).get(func.attr, Kind.OBJECT)
        return Kind.OBJECT

    # -------------------------------------------------------------- purity

    def pure(self, node: ast.expr, fresh: set[str]) -> bool:  # noqa: C901
        """True when evaluating ``node`` cannot run user code or change anything outside."""
        if isinstance(node, (ast.Constant, ast.Name)):
            return True
        if isinstance(node, ast.BinOp):
            # numbers never run user code; container operations only when their result is typed
            # (list + list, list * n, ...), which excludes e.g. str % obj calling obj.__str__
            left, right = self.of(node.left), self.of(node.right)
            numbers = left in _NUMBERS and right in _NUMBERS
            if not numbers and (Kind.OBJECT in (left, right) or self.of(node) is Kind.OBJECT):
                return False
            return self.pure(node.left, fresh) and self.pure(node.right, fresh)
        if isinstance(node, ast.UnaryOp):
            return self.of(node.operand) in _NUMBERS and self.pure(node.operand, fresh)
        if isinstance(node, ast.BoolOp):
            return all(self.of(v) is not Kind.OBJECT and self.pure(v, fresh) for v in node.values)
        if isinstance(node, ast.Compare):
            operands = [node.left] + node.comparators
            ok_kinds = (Kind.DOUBLE, Kind.CINT, Kind.BOOL, Kind.STR, Kind.BYTES)
            return (all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.Is, ast.IsNot))
                        for op in node.ops)
                    and all(self.of(o) in ok_kinds for o in operands)
                    and all(self.pure(o, fresh) for o in operands))
        if isinstance(node, ast.Call):
            if self.call(node) is Kind.OBJECT or not all(self.pure(a, fresh) for a in node.args):
                return False
            if isinstance(node.func, ast.Attribute):
                return self.of(node.func.value) is Kind.STR and self.pure(node.func.value, fresh)
            return True
        if isinstance(node, ast.Attribute):
            return self.of(node) is Kind.DOUBLE and self.pure(node.value, fresh)
        if isinstance(node, ast.Subscript):
            value = self.of(node.value)
            if isinstance(node.slice, ast.Slice):
                return False
            return (value in (Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES)
                    and self.of(node.slice) is Kind.CINT
                    and self.pure(node.value, fresh) and self.pure(node.slice, fresh))
        if isinstance(node, (ast.List, ast.Tuple)):
            return all(self.pure(e, fresh) for e in node.elts)
        if isinstance(node, ast.IfExp):
            return all(self.of(n) is not Kind.OBJECT and self.pure(n, fresh)
                       for n in (node.test, node.body, node.orelse))
        return False


# ------------------------------------------------------------------ statements


def _assigned_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def _stores(body: list[ast.stmt], name: str) -> list[ast.stmt]:
    """The statements (at any depth) that assign ``name``."""
    found = []
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                       for t in targets for n in ast.walk(t)):
                    found.append(node)
    return found


def _parents(root: ast.AST) -> dict[int, ast.AST]:
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def is_increment(stmt: ast.stmt, name: str) -> bool:
    """``name += 1`` or ``name = name + 1``."""
    one = lambda n: isinstance(n, ast.Constant) and n.value == 1 and type(n.value) is int  # noqa: E731
    if isinstance(stmt, ast.AugAssign):
        return (isinstance(stmt.target, ast.Name) and stmt.target.id == name
                and isinstance(stmt.op, ast.Add) and one(stmt.value))
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
        return (isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.BinOp)
                and isinstance(value.op, ast.Add) and isinstance(value.left, ast.Name)
                and value.left.id == name and one(value.right))
    return False


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [c for v in test.values for c in _conjuncts(v)]
    return [test]


class _Analyzer:
    def __init__(self, node: ast.FunctionDef, profile: FunctionProfile, module_names: set[str]):
        self.node = node
        self.profile = profile
        self.module_names = module_names
        self.params = [a.arg for a in node.args.posonlyargs + node.args.args]
        self.locals = set(self.params) | _assigned_names(node.body)
        self.parents = _parents(node)

    # ---- structure

    def structural_problem(self) -> str | None:
        node, args = self.node, self.node.args
        if node.decorator_list:
            return "decorated (the decorator's result is what the module exports)"
        if args.vararg or args.kwarg or args.kwonlyargs:
            return "has *args, **kwargs or keyword-only parameters"
        rebound = SPECIALIZED_BUILTINS & self.module_names
        if rebound:
            return f"the module rebinds builtins {sorted(rebound)}"
        for sub in ast.walk(node):
            if sub is node:
                continue
            if isinstance(sub, _UNSUPPORTED_NODES):
                return f"contains {type(sub).__name__} (not handled by the specializer yet)"
            if isinstance(sub, ast.Name) and sub.id in _INTROSPECTION:
                return f"uses {sub.id}() (typed locals would not be visible to it)"
        for name in self.locals:
            if name.startswith("_ac_") or name.startswith("_autocy_"):
                return f"uses the reserved prefix of generated names ({name})"
        return None

    # ---- the fixpoint

    def analyze(self) -> FunctionAnalysis:
        result = FunctionAnalysis(node=self.node, params=self.params, locals=self.locals)
        problem = self.structural_problem()
        if problem:
            result.rejected = problem
            return result
        kinds = {name: kind_from_feedback(self.profile.types.get(name, {})) for name in self.locals}
        kinds = {name: kind for name, kind in kinds.items() if kind is not Kind.OBJECT}
        if not MIXED_COMPLEX:
            kinds = {n: k for n, k in kinds.items() if k is not Kind.COMPLEX}
        reasons: dict[str, tuple[str, str]] = {}
        while True:
            typer = _Kinds(kinds, self.locals)
            fresh = self.fresh_lists(typer)
            restartable = self.restartable(typer, fresh)
            demoted = None
            reasons.clear()
            guarded: set[int] = set()
            for name, kind in sorted(kinds.items(), key=lambda item: item[0]):
                verdict = self.justify(name, kind, typer, restartable, guarded)
                if verdict is None:
                    demoted = name
                    break
                reasons[name] = verdict
            if demoted is None:
                unbound = self.maybe_unbound(set(kinds))
                demoted = next(iter(sorted(unbound)), None)
            if demoted is None:
                break
            del kinds[demoted]
        result.kinds = kinds
        result.restartable = restartable
        result.guarded_assignments = guarded
        result.entry_guards = {p: kinds[p] for p in self.params if p in kinds}
        result.typings = [Typing(name, kind, *reasons[name]) for name, kind in sorted(kinds.items())]
        if not kinds:
            result.rejected = "no variable could be typed from the type feedback"
        elif not self.computes_natively(typer, set(kinds)):
            result.rejected = ("nothing to gain: only parameters could be typed and no typed "
                               "value is computed with in C")
        return result

    def computes_natively(self, typer: _Kinds, typed: set[str]) -> bool:
        """True when the specialization does more than unbox and re-box its parameters: a
        typed local exists, or an operation on typed values runs in C."""
        if typed - set(self.params):
            return True
        numbers = (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL)
        for node in ast.walk(self.node):
            if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare)) and typer.of(node) in numbers:
                operands = [node.left, node.right] if isinstance(node, ast.BinOp) else (
                    [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, *node.comparators])
                if any(typer.of(o) in numbers for o in operands):
                    return True
        return False

    def justify(self, name: str, kind: Kind, typer: _Kinds, restartable: bool,
                guarded: set[int]) -> tuple[str, str] | None:
        """Why ``name`` may have ``kind`` (class, evidence), or None when it may not."""
        seen = self.profile.types.get(name, {})
        count = sum(r.get("count", 0) for r in seen.values())
        evidence = f"{count} observation{'' if count == 1 else 's'}, all {kind.python_type}"
        if kind is Kind.CINT and seen:
            record = next(iter(seen.values()))
            evidence += f" in [{record.get('min')}, {record.get('max')}]"
        klass, how = "exact", []
        if name in self.params:
            klass = "guarded"
            how.append("exact type checked on entry" + (" with |v| <= 2**53" if kind is Kind.CINT else ""))
        for stmt in _stores(self.node.body, name):
            if isinstance(stmt, ast.For):
                verdict = self.justify_loop(stmt, name, kind, typer, restartable, guarded)
            elif isinstance(stmt, ast.AnnAssign):
                verdict = None if stmt.value is None else self.justify_value(
                    stmt, stmt.value, kind, typer, restartable, guarded)
            elif isinstance(stmt, ast.AugAssign):
                if kind is Kind.CINT:
                    verdict = "bounded counter" if self.bounded_increment(stmt, name, typer) else None
                else:
                    combined = _Kinds.binop(kind, stmt.op, typer.of(stmt.value))
                    verdict = "exact arithmetic" if combined is kind else None
            else:
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    return None
                if kind is Kind.CINT and is_increment(stmt, name):
                    verdict = "bounded counter" if self.bounded_increment(stmt, name, typer) else None
                else:
                    verdict = self.justify_value(stmt, stmt.value, kind, typer, restartable, guarded)
            if verdict is None:
                return None
            if verdict.startswith("guard"):
                klass = "guarded"
            if verdict not in how:
                how.append(verdict)
        return klass, f"{evidence}; " + ", ".join(how)

    def justify_value(self, stmt: ast.stmt, value: ast.expr, kind: Kind, typer: _Kinds,
                      restartable: bool, guarded: set[int]) -> str | None:
        value_kind = typer.of(value)
        if value_kind is kind:
            return "proven by the assigned expression"
        if value_kind is Kind.OBJECT and restartable:
            guarded.add(id(stmt))
            return "guard where the value enters (deopt restarts the generic body)"
        return None

    def justify_loop(self, loop: ast.For, name: str, kind: Kind, typer: _Kinds,
                     restartable: bool, guarded: set[int]) -> str | None:
        if not (isinstance(loop.target, ast.Name) and loop.target.id == name):
            return None
        if name in _assigned_names(loop.body):
            return None
        iterable = loop.iter
        if kind is Kind.CINT:
            if not (isinstance(iterable, ast.Call) and typer.builtin(iterable.func, "range")
                    and not iterable.keywords and 1 <= len(iterable.args) <= 3):
                return None
            if not all(typer.of(a) is Kind.CINT for a in iterable.args):
                return None
            if len(iterable.args) == 3:
                step = iterable.args[2]
                if not (isinstance(step, ast.Constant) or (isinstance(step, ast.UnaryOp) and isinstance(step.operand, ast.Constant))):
                    return None
                if ast.literal_eval(step) == 0:
                    return None
            return "range() index over C bounds"
        container = typer.of(iterable)
        if container is Kind.STR and kind is Kind.STR:
            return "iterating an exact str yields exact str"
        if container in (Kind.LIST, Kind.TUPLE) and restartable:
            guarded.add(id(loop))
            return "guard where the value enters (deopt restarts the generic body)"
        return None

    def bounded_increment(self, stmt: ast.stmt, name: str, typer: _Kinds) -> bool:
        """``name += 1`` inside ``while ... name < B ...`` (B a C int) and not in a nested loop,
        the only assignment of ``name`` in that loop: then ``name < B <= 2**53`` held just
        before the increment, so the result stays within the CINT bound."""
        if not is_increment(stmt, name):
            return False
        loop = self.parents.get(id(stmt))
        while loop is not None and not isinstance(loop, (ast.While, ast.For, ast.FunctionDef)):
            loop = self.parents.get(id(loop))
        if not isinstance(loop, ast.While) or not any(stmt is n for s in loop.body for n in ast.walk(s)):
            return False
        if len(_stores(loop.body, name)) != 1:
            return False
        return any(isinstance(c, ast.Compare) and len(c.ops) == 1 and isinstance(c.ops[0], ast.Lt)
                   and isinstance(c.left, ast.Name) and c.left.id == name
                   and typer.of(c.comparators[0]) is Kind.CINT
                   for c in _conjuncts(loop.test))

    # ---- freshness and purity

    def fresh_lists(self, typer: _Kinds) -> set[str]:
        """Local lists created in the function and never shared before it returns."""
        fresh = set()
        for name in self.locals - set(self.params):
            stores = _stores(self.node.body, name)
            if not stores or not all(
                    isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                    and (isinstance(s.value, ast.List) or (isinstance(s.value, ast.BinOp)
                         and isinstance(s.value.op, ast.Mult) and isinstance(s.value.left, ast.List)
                         and typer.of(s.value.right) is Kind.CINT))
                    for s in stores):
                continue
            if all(self.fresh_use(n) for n in ast.walk(self.node)
                   if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)):
                fresh.add(name)
        return fresh

    def fresh_use(self, name_node: ast.Name) -> bool:
        parent = self.parents.get(id(name_node))
        if isinstance(parent, ast.Subscript) and parent.value is name_node:
            return True
        if isinstance(parent, ast.Return):
            return True
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
            return True
        if isinstance(parent, ast.Attribute) and parent.attr == "append":
            call = self.parents.get(id(parent))
            return isinstance(call, ast.Call) and isinstance(self.parents.get(id(call)), ast.Expr)
        return False

    def restartable(self, typer: _Kinds, fresh: set[str]) -> bool:
        return all(self.pure_stmt(s, typer, fresh) for s in self.node.body)

    def pure_stmt(self, stmt: ast.stmt, typer: _Kinds, fresh: set[str]) -> bool:  # noqa: C901
        body_ok = lambda stmts: all(self.pure_stmt(s, typer, fresh) for s in stmts)  # noqa: E731
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1:
                return False
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                return typer.pure(stmt.value, fresh)
            if isinstance(target, ast.Subscript):
                return (isinstance(target.value, ast.Name) and target.value.id in fresh
                        and typer.of(target.slice) is Kind.CINT and typer.pure(target.slice, fresh)
                        and typer.pure(stmt.value, fresh))
            return False
        if isinstance(stmt, ast.AugAssign):
            # list += x, dict |= x, set -= x change the object in place: only a fresh one
            in_place = typer.of(stmt.target) in (Kind.LIST, Kind.DICT, Kind.SET, Kind.OBJECT)
            return (isinstance(stmt.target, ast.Name)
                    and (not in_place or stmt.target.id in fresh)
                    and typer.pure(ast.BinOp(left=ast.Name(stmt.target.id, ast.Load()), op=stmt.op,
                                             right=stmt.value), fresh))
        if isinstance(stmt, ast.Expr):
            value = stmt.value
            if isinstance(value, ast.Constant):
                return True
            return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "append" and isinstance(value.func.value, ast.Name)
                    and value.func.value.id in fresh and len(value.args) == 1 and not value.keywords
                    and typer.pure(value.args[0], fresh))
        if isinstance(stmt, ast.If):
            return typer.pure(stmt.test, fresh) and body_ok(stmt.body) and body_ok(stmt.orelse)
        if isinstance(stmt, ast.While):
            return typer.pure(stmt.test, fresh) and body_ok(stmt.body) and body_ok(stmt.orelse)
        if isinstance(stmt, ast.For):
            iterable = stmt.iter
            ok_iter = ((isinstance(iterable, ast.Call) and typer.builtin(iterable.func, "range")
                        and all(typer.of(a) is Kind.CINT and typer.pure(a, fresh) for a in iterable.args))
                       or (isinstance(iterable, ast.Name)
                           and typer.of(iterable) in (Kind.LIST, Kind.TUPLE, Kind.STR)))
            return (ok_iter and isinstance(stmt.target, ast.Name) and body_ok(stmt.body)
                    and body_ok(stmt.orelse))
        if isinstance(stmt, ast.Return):
            return stmt.value is None or typer.pure(stmt.value, fresh)
        return isinstance(stmt, (ast.Pass, ast.Break, ast.Continue))

    # ---- definite assignment

    def maybe_unbound(self, typed: set[str]) -> set[str]:
        """Typed variables that some path can read before assigning them."""
        flagged: set[str] = set()
        everything = set(self.locals)

        def reads(node: ast.AST, assigned: set[str]) -> None:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in typed \
                        and sub.id not in assigned:
                    flagged.add(sub.id)

        def block(stmts: list[ast.stmt], assigned: set[str]) -> tuple[set[str], bool]:
            assigned = set(assigned)
            for stmt in stmts:
                assigned, ends = one(stmt, assigned)
                if ends:
                    return everything, True
            return assigned, False

        def one(stmt: ast.stmt, assigned: set[str]) -> tuple[set[str], bool]:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                if stmt.value is not None:
                    reads(stmt.value, assigned)
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if not isinstance(target, ast.Name):
                        reads(target, assigned)
                if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                    return assigned, False
                return assigned | {n.id for t in targets for n in ast.walk(t)
                                   if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}, False
            if isinstance(stmt, ast.AugAssign):
                reads(stmt.value, assigned)
                if isinstance(stmt.target, ast.Name):
                    if stmt.target.id in typed and stmt.target.id not in assigned:
                        flagged.add(stmt.target.id)
                else:
                    reads(stmt.target, assigned)
                return assigned, False
            if isinstance(stmt, ast.If):
                reads(stmt.test, assigned)
                body, _ = block(stmt.body, assigned)
                orelse, _ = block(stmt.orelse, assigned)
                return body & orelse, False
            if isinstance(stmt, ast.While):
                reads(stmt.test, assigned)
                block(stmt.body, assigned)
                block(stmt.orelse, assigned)
                return assigned, False
            if isinstance(stmt, ast.For):
                reads(stmt.iter, assigned)
                targets = {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
                block(stmt.body, assigned | targets)
                block(stmt.orelse, assigned)
                return assigned, False
            if isinstance(stmt, (ast.Return, ast.Raise)):
                reads(stmt, assigned)
                return assigned, True
            if isinstance(stmt, (ast.Break, ast.Continue)):
                return assigned, True
            reads(stmt, assigned)
            return assigned, False

        block(self.node.body, set(self.params))
        return flagged


def analyze_function(node: ast.FunctionDef, profile: FunctionProfile, module_names: set[str]) -> FunctionAnalysis:
    """Decide the typed variables of one hot function.

    Args:
        node: the function's ``def`` (module level).
        profile: its profile entry (type feedback).
        module_names: names bound at module level (:func:`module_bound_names`).

    Returns:
        A :class:`FunctionAnalysis`; ``rejected`` says why nothing is specialized.
    """
    return _Analyzer(node, profile, module_names).analyze()
