"""Which variables of a hot function can be typed, and how each typing is justified.

The analysis works on the function's AST and its type feedback. It proposes a kind per
variable from the profile (:func:`~autocy.annotate.kinds.kind_from_feedback`) and then keeps a
proposal only if every value that can reach the variable has that exact kind:

* parameters are checked by an exact-type guard on entry (the dispatcher);
* an assignment from an expression whose kind is proven (constants, typed arithmetic that is
  exact in C, ``len()`` of a builtin container, ...) needs nothing;
* an assignment from a Python object (a list element, an attribute, a call result) gets a
  guard where the value enters. When it fails, the function *deoptimizes*: it stops running
  typed code and finishes the call, from that very statement, on Python objects (see
  :mod:`autocy.annotate.resume`), so nothing already done is done twice;
* an assignment from a value of another typed kind (an int into a float variable) is refused;
* a typed variable must be definitely assigned before each use, so that an unbound read still
  raises ``UnboundLocalError`` (a C variable has no unbound state), and it must not be used
  for its identity (``is``, ``id()``: a boxed copy is a new object).

Proposals that fail are demoted to OBJECT until nothing changes (a fixpoint). The analysis
also finds the statements that can be *retried* on Python objects (their evaluation runs no
user code), where checked operations may be typed (:mod:`autocy.annotate.expressions`), and
the proven ranges of C integers.
"""

from __future__ import annotations

import ast
import copy
import itertools
import sys
from dataclasses import dataclass, field, replace

from autocy.annotate.aswritten import stored_names, walk_typed
from autocy.annotate.closures import Closures, opaque_closures
from autocy.annotate.expressions import Callee, ExprTyper, Interval, ModuleFacts
from autocy.annotate.intlists import int_lists
from autocy.annotate.kinds import ARRAYS, BY_TYPE_NAME, Kind, element_kind, guard_bound, kind_from_feedback
from autocy.annotate.rangebounds import constant_step, hoist_range_bounds, reversed_range
from autocy.annotate.records import RegionCompiler, has_fast_path, record_classes
from autocy.annotate.runtime import EXACT_DOUBLE_BOUND, INT64_MAX, MATH_FUNCTIONS
from autocy.annotate.shadowing import rename_parameters
from autocy.annotate.reductions import ReductionLoop, reduction_loop
from autocy.inline_caches import fast_paths_available
from autocy.profiledata import RETURN, FunctionProfile

SPECIALIZED_BUILTINS = frozenset({
    "type", "len", "abs", "range", "complex", "float", "int", "bool", "list", "dict", "str",
    "tuple", "bytes", "set", "enumerate", "zip", "min", "max", "iter", "next", "object"})
"""Builtins the generated code relies on; a function is not specialized when its module
rebinds any of them or one of its locals other than a parameter has the name of one (a
parameter, like mpmath's ``def gamma_fixed_taylor(xmpf, x, wp, prec, rnd, type)``, is renamed
in the specialization: :mod:`autocy.annotate.shadowing`; but see :data:`NAMED_BUILTINS`)."""

NAMED_BUILTINS = frozenset({"zip", "enumerate", "min", "max"})
"""Builtins the generated code calls only where the function itself names them (a loop over
``zip()``, a ``min()`` call), and only as the builtin (a local of that name is no builtin to
the typer): a module that rebinds one keeps the functions that do not name it specialized
(sortedcontainers' ``if py2: from itertools import izip as zip`` cost every function of
``sortedlist`` its specialization)."""

_INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "dir", "globals", "super", "__class__"})

_UNSUPPORTED_NODES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Await, ast.NamedExpr, ast.Global, ast.Nonlocal,
    ast.AsyncWith, ast.AsyncFor, ast.Import, ast.ImportFrom) + (
    (ast.TryStar,) if sys.version_info >= (3, 11) else ()) + (
    (ast.Match,) if sys.version_info >= (3, 10) else ())
"""Statements and expressions the specializer does not handle. Nested functions are among
them; generator expressions and lambdas reach the analysis as opaque calls of the locals they
name (see :mod:`autocy.annotate.closures`). ``yield`` is handled: a generator function's
specialization is a generator (see :func:`is_generator`); so is ``del`` of elements and
attributes (not of variables: a C variable cannot be unbound), and so are ``try`` and ``with``,
which the specialization runs as written (see :mod:`autocy.annotate.aswritten`)."""

ATTRIBUTE_KINDS = {"float": Kind.DOUBLE, "int": Kind.CINT}
"""Profile type name -> the kind an instance attribute seen only as that exact type is read as."""

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
_NO_INIT_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
"""Methods Python makes static or class methods implicitly: not specialized."""


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
        node: the function's AST (a copy with renamed comprehension variables when one had the
            name of a local: :func:`rename_comprehension_variables`).
        params: parameter names in order.
        locals: every local name (parameters and assigned names; comprehension variables,
            which are local to their comprehension, are not).
        module: the module's name facts.
        kinds: variable -> kind, for typed (non-OBJECT) variables only.
        intervals: CINT variable -> proven range (absent: any 64-bit value).
        elements: list/tuple variable -> the kind of its observed elements.
        attributes: ``(variable, attribute)`` -> the kind an untyped local's attribute is read
            as (see :meth:`~autocy.annotate.expressions.ExprTyper.attribute_read`).
        entry_guards: parameter -> kind checked by the dispatcher.
        retry: ids of the statements that may be evaluated again on Python objects.
        prefixed: ids of the statements whose call's arguments are evaluated first, typed
            (:func:`call_prefix`); a failure there deoptimizes to the statement's start.
        bounded: ids of the ``n += 1`` statements of counters bounded by their loop test.
        bounds: CINT variable -> the range +-bound its guards check (:func:`guard_bound`).
        assume_int: C int arithmetic is not checked (``assume = ["int-overflow"]``).
        typings: the report lines, one per typed variable.
        rejected: why the function is not specialized (None when it is).
        recursive: its specialization can call itself through direct calls of specializations
            (set by the module's analysis): it then counts each call against the recursion
            limit, as CPython counts a call.
        calls_only: specialized for its direct calls of other specializations alone (nothing
            of its own is computed in C); its callers call it directly all the same, which
            saves them the call of its dispatcher.
        records_only: specialized for its record instances kept in C doubles alone (see
            :mod:`autocy.annotate.records`).
        reductions: id of a ``sum()``, ``min()`` or ``max()`` call computed by a C loop
            where it can be -> the loop (see :mod:`autocy.annotate.reductions`).
        reductions_only: specialized for those loops alone.
        record_locals: untyped local (or :data:`~autocy.profiledata.RETURN`, the result) ->
            the record class whose instances alone the type feedback saw in it (see
            :mod:`autocy.annotate.records`).
        closures: the generator expressions and lambdas that ``node`` holds as placeholder
            calls (see :mod:`autocy.annotate.closures`); the locals they name stay objects.
        generator: ``node`` is a generator function (:func:`is_generator`): its
            specialization is a generator, which no other specialization calls directly.
        decorator: a method's one builtin decorator (:func:`method_decorator`), or ``""``;
            its dispatcher is wrapped alike, and no other specialization calls it directly.
        renamed: the parameters named like a builtin the generated code calls, renamed in
            ``node`` (:mod:`autocy.annotate.shadowing`): new name -> the user's name.
        rebound: a module-level function whose name the module binds more than once (set by
            the module's analysis, :func:`autocy.annotate.rebound`).
    """

    node: ast.FunctionDef
    params: list[str]
    locals: set[str]
    module: ModuleFacts
    kinds: dict[str, Kind] = field(default_factory=dict)
    intervals: dict[str, Interval] = field(default_factory=dict)
    elements: dict[str, Kind] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Kind] = field(default_factory=dict)
    entry_guards: dict[str, Kind] = field(default_factory=dict)
    retry: set[int] = field(default_factory=set)
    prefixed: set[int] = field(default_factory=set)
    bounded: set[int] = field(default_factory=set)
    bounds: dict[str, int] = field(default_factory=dict)
    assume_int: bool = False
    typings: list[Typing] = field(default_factory=list)
    rejected: str | None = None
    recursive: bool = False
    calls_only: bool = False
    records_only: bool = False
    reductions: dict[int, ReductionLoop] = field(default_factory=dict)
    reductions_only: bool = False
    record_locals: dict[str, str] = field(default_factory=dict)
    closures: Closures = field(default_factory=Closures)
    generator: bool = False
    decorator: str = ""
    renamed: dict[str, str] = field(default_factory=dict)
    rebound: bool = False

    def typer(self) -> ExprTyper:
        """The expression typer of the final decision."""
        return ExprTyper(self.kinds, self.locals, self.module, self.intervals, self.elements,
                         retry_nodes(self.node, self.retry, self.prefixed), self.assume_int, self.attributes)


# ------------------------------------------------------------------ module-level facts


def module_facts(tree: ast.Module) -> ModuleFacts:
    """Names bound at module level and which of them name the ``math`` module or its functions.

    A name counts as ``math`` (or ``math.sqrt``) only when the import is its one and only
    binding at module level.
    """
    bound: set[str] = set()
    bindings: dict[str, int] = {}

    def bind(name: str) -> None:
        bound.add(name)
        bindings[name] = bindings.get(name, 0) + 1

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bind((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Global):
            for name in node.names:
                bind(name)
    for node in walk_scope(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bind(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bind(node.id)
    facts = ModuleFacts(bound=bound, records=record_classes(tree))
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                name = alias.asname or alias.name
                if alias.name == "math" and bindings.get(name) == 1:
                    facts.math_modules.add(name)
        elif isinstance(stmt, ast.ImportFrom) and stmt.module == "math" and stmt.level == 0:
            for alias in stmt.names:
                name = alias.asname or alias.name
                if alias.name in MATH_FUNCTIONS and bindings.get(name) == 1:
                    facts.math_functions[name] = alias.name
    return facts


def walk_scope(root: ast.AST):
    """``ast.walk`` over the nodes that run in ``root``'s own scope.

    A ``def``, ``lambda`` or ``class`` inside it is yielded, and so are the parts of it that
    run in this scope (decorators, defaults, annotations, base classes), but not its body.
    """
    todo = [root]
    while todo:
        node = todo.pop()
        yield node
        if node is not root and isinstance(node, _NEW_SCOPES):
            todo.extend(_scope_header(node))
        else:
            todo.extend(ast.iter_child_nodes(node))


_NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _scope_header(node: ast.AST) -> list[ast.AST]:
    """The parts of a ``def``, ``lambda`` or ``class`` evaluated where it is defined."""
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    arguments = node.args
    header = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    if isinstance(node, ast.Lambda):
        return header
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    annotations = [a.annotation for a in every if a.annotation is not None]
    return [*node.decorator_list, *header, *annotations, *([node.returns] if node.returns else [])]


METHOD_DECORATORS = ("staticmethod", "classmethod", "property")
"""The decorators a specialized method may have: its dispatcher is wrapped the same way."""


def method_decorator(function: ast.FunctionDef, bound: set[str]) -> str:
    """``"staticmethod"``, ``"classmethod"`` or ``"property"`` when that builtin is the one
    decorator of a method (the name not bound at module level: see also
    :func:`autocy.annotate._find_function` for the class body), else ``""``."""
    decorators = function.decorator_list
    if len(decorators) == 1 and isinstance(decorators[0], ast.Name) and decorators[0].id in METHOD_DECORATORS \
            and decorators[0].id not in bound:
        return decorators[0].id
    return ""


def is_generator(function: ast.FunctionDef) -> bool:
    """True when ``function`` is a generator function: a ``yield`` or ``yield from`` runs in
    its own scope (a nested ``def`` or ``lambda`` of its own does not count; ``yield`` in a
    comprehension is a SyntaxError). Its specialization is a generator too (see
    :mod:`autocy.annotate.emit`)."""
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in walk_scope(function))


def retry_nodes(function: ast.FunctionDef, statements: set[int], prefixed: set[int] = frozenset()) -> set[int]:
    """Ids of every expression node inside the retryable ``statements`` of ``function``, and
    inside the arguments of the calls of its ``prefixed`` statements (see :func:`call_prefix`)."""
    nodes: set[int] = set()
    for stmt in ast.walk(function):
        parts = retry_parts(stmt) if id(stmt) in statements else call_prefix(stmt).args if id(stmt) in prefixed else []
        for part in parts:
            nodes.update(id(n) for n in ast.walk(part))
    return nodes


def call_prefix(stmt: ast.AST) -> ast.Call | None:
    """The call of a statement whose value is one call of a name with positional arguments
    (``x = f(a, b)``, ``p.v = f(a)``, ``return f(a)``, ``f(a)``, ``n += f(a)`` for a name
    ``n``), else None. Python evaluates the name, then the arguments, then calls: when the
    arguments run no user code, they can be evaluated first, typed, and a failure there
    deoptimizes to the statement's start with nothing done (the name's lookup runs no user
    code either, and its NameError comes the same)."""
    if isinstance(stmt, (ast.Assign, ast.Return, ast.Expr)) or (
            isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name)):
        value = stmt.value
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.keywords
                and not any(isinstance(a, ast.Starred) for a in value.args)):
            return value
    return None


def retry_parts(stmt: ast.stmt) -> list[ast.expr]:
    """The expressions of a statement that a retry evaluates again: the value, and the parts
    of its targets evaluated before the store (a subscript's container and index, an
    attribute's object; for ``x[i] += v`` also the load of ``x[i]``). Empty for statements
    that are never retried."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        parts = [stmt.value]
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Subscript):
                    parts += [node.value, node.slice]
                elif isinstance(node, ast.Attribute):
                    parts.append(node.value)
        if isinstance(stmt, ast.AugAssign) and not isinstance(stmt.target, ast.Name):
            parts.append(stmt.target)
        return parts
    if isinstance(stmt, ast.Return) and stmt.value is not None:
        return [stmt.value]
    if isinstance(stmt, ast.If):
        return [stmt.test]
    return []


# ------------------------------------------------------------------ statement helpers


def assigned_names(body: list[ast.stmt]) -> set[str]:
    """Names stored to in ``body`` outside comprehensions (function locals)."""
    names: set[str] = set()
    for stmt in body:
        for node in _walk_outside_comprehensions(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def comprehension_names(node: ast.AST) -> set[str]:
    """Names bound by comprehension targets anywhere under ``node``."""
    return {n.id for comp in ast.walk(node) if isinstance(comp, ast.comprehension)
            for n in ast.walk(comp.target) if isinstance(n, ast.Name)}


def rename_comprehension_variables(function: ast.FunctionDef, local_names: set[str]) -> ast.FunctionDef:
    """A copy of ``function`` in which every comprehension variable named like one of the
    function's ``local_names`` has a name of its own (``_ac_cv1``, ``_ac_cv2``, ...).

    A comprehension is a scope of its own: ``[p[ii] for ii in range(3)]`` next to a loop over
    ``ii`` uses two variables, which the typed code must not confuse (the local may be a C
    int, the comprehension's is an object). The renaming covers the comprehension's element,
    targets, conditions and every iterable but the first, which Python evaluates in the
    enclosing scope; nested comprehensions are renamed along with it, so each name still
    refers to the same binding. The generic path keeps the user's code as it is.
    """
    function = copy.deepcopy(function)
    fresh = (f"_ac_cv{k}" for k in itertools.count(1))
    for node in ast.walk(function):
        if not isinstance(node, _COMPREHENSIONS + (ast.GeneratorExp,)):
            continue
        bound = {n.id for comp in node.generators for n in ast.walk(comp.target) if isinstance(n, ast.Name)}
        renames = {name: next(fresh) for name in sorted(bound & local_names)}
        if not renames:
            continue
        first, *rest = node.generators
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        parts += [first.target, *first.ifs] + [part for comp in rest for part in (comp.target, comp.iter, *comp.ifs)]
        for part in parts:
            for name in ast.walk(part):
                if isinstance(name, ast.Name) and name.id in renames:
                    name.id = renames[name.id]
    return function


_TERMINAL = (ast.Return, ast.Raise, ast.Break, ast.Continue)

_CONSTANT_NODES = (ast.Expression, ast.Constant, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.BinOp, ast.unaryop,
                   ast.boolop, ast.cmpop, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)


def without_unreachable(function: ast.FunctionDef) -> ast.FunctionDef:
    """``function``, or a copy of it without the statements that never run: those after a
    ``return``, ``raise``, ``break`` or ``continue`` (or after a ``while True:`` without a
    ``break``, or an ``if`` or ``try`` that always leaves: :func:`always_leaves`) in the same
    block, and the branch of an ``if`` (or a ``while``) whose test is a constant expression
    (``if 0:``, ``if 1e300 == -3.0:``).

    Cython drops such code too, and then treats a variable assigned only there as never
    assigned: it rejects the module when typed code reads it (the deoptimized exit passes
    every temporary to the object copy). The generic path keeps the user's code as it is.
    """
    simplified = copy.deepcopy(function)
    changed = _simplify(simplified)
    return simplified if changed else function


def _simplify(node: ast.AST) -> bool:
    """Simplify every statement list under ``node`` in place (see :func:`without_unreachable`);
    True when anything changed."""
    changed = False
    for handler in getattr(node, "handlers", ()):  # (a try's except clauses)
        changed = _simplify(handler) or changed
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if not (isinstance(block, list) and block and isinstance(block[0], ast.stmt)):
            continue
        kept: list[ast.stmt] = []
        for stmt in block:
            changed = _simplify(stmt) or changed
            truth = _constant_truth(stmt.test) if isinstance(stmt, (ast.If, ast.While)) else None
            if isinstance(stmt, ast.If) and truth is not None:
                kept += stmt.body if truth else stmt.orelse
                changed = True
            elif isinstance(stmt, ast.While) and truth is False:
                kept += stmt.orelse
                changed = True
            else:
                kept.append(stmt)
            if kept and always_leaves(kept[-1]):
                break
        changed = changed or len(kept) != len(block)
        setattr(node, name, kept or [ast.copy_location(ast.Pass(), block[0])])
    return changed


def _constant_truth(test: ast.expr) -> bool | None:
    """The truth of a test made only of number literals and operators (no ``**``: nothing
    costly to evaluate), else None. An ``and``/``or`` is decided by its first constant operand
    that decides it, as Cython folds it, when only constants come before: the operands after
    it never run (``if (-1.25 < 1e300) or x > d:`` is always true)."""
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            truth = _constant_truth(value)
            if truth is None:
                return None
            if truth is isinstance(test.op, ast.Or):
                return truth
        return isinstance(test.op, ast.And)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        truth = _constant_truth(test.operand)
        return None if truth is None else not truth
    nodes = list(ast.walk(ast.Expression(test)))
    if not all(isinstance(n, _CONSTANT_NODES) for n in nodes) or any(
            isinstance(n, ast.Constant) and isinstance(n.value, (str, bytes)) for n in nodes):
        return None  # (no strings: "ab" * 10**9 would be costly)
    try:
        return bool(eval(compile(ast.Expression(test), "<test>", "eval"), {"__builtins__": {}}))  # noqa: S307
    except Exception:  # noqa: BLE001 - a test that raises is not a constant
        return None


def block_leaves(stmts: list[ast.stmt], terminal: tuple[type, ...] = _TERMINAL) -> bool:
    """True when ``stmts`` never complete: one of them leaves (:func:`always_leaves`)."""
    return any(always_leaves(stmt, terminal) for stmt in stmts)


def always_leaves(stmt: ast.stmt, terminal: tuple[type, ...] = _TERMINAL) -> bool:
    """True when the statements after ``stmt`` in its block never run: a statement of the
    ``terminal`` types (``return``, ``raise``, ``break`` or ``continue`` by default), an endless
    ``while``, an ``if`` whose two branches both leave, or a ``try`` whose ``finally`` leaves
    or whose body (or ``else``) and every handler do."""
    if isinstance(stmt, terminal) or _endless(stmt):
        return True
    if isinstance(stmt, ast.Try):
        return block_leaves(stmt.finalbody, terminal) or (
            (block_leaves(stmt.body, terminal) or block_leaves(stmt.orelse, terminal))
            and all(block_leaves(handler.body, terminal) for handler in stmt.handlers))
    return (isinstance(stmt, ast.If) and bool(stmt.orelse) and block_leaves(stmt.body, terminal)
            and block_leaves(stmt.orelse, terminal))


def _endless(stmt: ast.stmt) -> bool:
    """A ``while`` loop with a true constant test and no ``break`` of its own."""
    if not (isinstance(stmt, ast.While) and _constant_truth(stmt.test) is True):
        return False
    todo = list(stmt.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Break):
            return False
        if not isinstance(node, (ast.For, ast.While, ast.AsyncFor, ast.FunctionDef, ast.AsyncFunctionDef,
                                 ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
        else:
            todo.extend(getattr(node, "orelse", []))  # a loop's else belongs to the outer loop
    return True


def _walk_outside_comprehensions(root: ast.AST):
    todo = [root]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, _COMPREHENSIONS):
            continue
        todo.extend(ast.iter_child_nodes(node))


def stores(body: list[ast.stmt], name: str) -> list[ast.stmt]:
    """The statements (at any depth) that assign ``name``."""
    found = []
    for stmt in body:
        for node in _walk_outside_comprehensions(stmt):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                       for t in targets for n in ast.walk(t)):
                    found.append(node)
    return found


def parents(root: ast.AST) -> dict[int, ast.AST]:
    """id(child) -> parent node, for every node under ``root``."""
    result: dict[int, ast.AST] = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            result[id(child)] = node
    return result


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


def none_test(node: ast.AST) -> ast.Name | None:
    """The variable of ``name is None`` or ``name is not None`` (either side), else None.

    Every kind but OBJECT holds a value of one exact type that is not ``NoneType`` (a guard
    or the assigned expression proves it, and a typed local is always bound where it is
    read), so for a typed variable the test is constant: False for ``is``, True for
    ``is not``, as the pure function computes it for that value."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and isinstance(node.ops[0], (ast.Is, ast.IsNot))):
        return None
    left, right = node.left, node.comparators[0]
    if isinstance(right, ast.Constant) and right.value is None and isinstance(left, ast.Name):
        return left
    if isinstance(left, ast.Constant) and left.value is None and isinstance(right, ast.Name):
        return right
    return None


def conjuncts(test: ast.expr) -> list[ast.expr]:
    """The operands of a (nested) ``and``, or ``[test]``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [c for v in test.values for c in conjuncts(v)]
    return [test]


def range_call(typer: ExprTyper, node: ast.expr) -> list[ast.expr] | None:
    """The arguments of ``range(...)`` with C-int bounds and a constant nonzero step, else None.

    ``reversed(range(start, stop))`` (or ``reversed(range(stop))``) counts as ``range(stop - 1,
    start - 1, -1)``, the same ints in the same order, when both bounds are proven within
    +-2**62 (so subtracting 1 cannot overflow); the arguments returned are made once per
    ``reversed`` call and kept on it, so the typer sees the same nodes each time."""
    inner = reversed_range(typer, node)
    if inner is not None:
        if not all(typer.of(a) is Kind.CINT and _small(typer.interval(a)) for a in inner.args):
            return None
        made = getattr(node, "_autocy_range", None)
        if made is None or len(made[0]) != len(inner.args) or any(a is not b for a, b in zip(made[0], inner.args)):
            start, stop, _step = range_parts(inner.args)  # (made again for arguments replaced since)

            def less_one(bound: ast.expr) -> ast.expr:
                return ast.copy_location(ast.BinOp(bound, ast.Sub(), ast.Constant(1)), bound)

            made = node._autocy_range = (tuple(inner.args), [less_one(stop), less_one(start), ast.Constant(-1)])
        return made[1]
    if not (isinstance(node, ast.Call) and typer.builtin(node.func, "range") and not node.keywords
            and 1 <= len(node.args) <= 3 and all(typer.of(a) is Kind.CINT for a in node.args)):
        return None
    if len(node.args) == 3 and not constant_step(typer, node.args[2]):
        return None
    return node.args


def range_parts(args: list[ast.expr]) -> tuple[ast.expr, ast.expr, int]:
    """``(start, stop, step)`` of a ``range()`` call's arguments (step a constant)."""
    if len(args) == 1:
        return ast.Constant(0), args[0], 1
    step = ast.literal_eval(args[2]) if len(args) == 3 else 1
    return args[0], args[1], step


def _small(interval: Interval | None) -> bool:
    """A proven range within +-2**62 (adding an index below 2**62 to it cannot overflow)."""
    return interval is not None and -(2 ** 62) <= interval[0] and interval[1] <= 2 ** 62


def loop_shape(typer: ExprTyper, loop: ast.For) -> str:
    """How a ``for`` loop iterates in typed code: ``"range"`` (a C loop over C-int bounds into a
    typed index), ``"enumerate"``/``"zip"`` (over exact lists or tuples), ``"sequence"`` (an
    exact list or tuple by index) or ``"iterator"`` (anything else)."""
    target, iterable = loop.target, loop.iter
    if isinstance(target, ast.Name) and typer.var(target.id) is Kind.CINT and range_call(typer, iterable):
        return "range"
    if isinstance(iterable, ast.Call) and not iterable.keywords and isinstance(target, ast.Tuple):
        if typer.builtin(iterable.func, "enumerate") and 1 <= len(iterable.args) <= 2 \
                and len(target.elts) == 2 and isinstance(target.elts[0], ast.Name) \
                and typer.var(target.elts[0].id) is Kind.CINT \
                and (len(iterable.args) == 1 or _small(typer.interval(iterable.args[1]))):
            return "enumerate"
        if typer.builtin(iterable.func, "zip") and len(iterable.args) == len(target.elts) >= 2 \
                and all(typer.of(a) in (Kind.LIST, Kind.TUPLE) for a in iterable.args):
            return "zip"
    if typer.of(iterable) in (Kind.LIST, Kind.TUPLE):
        return "sequence"
    return "iterator"


def direct_callees(typer: ExprTyper, function: ast.FunctionDef) -> set[str]:
    """The qualnames of the specializations that ``function``, typed by ``typer``, may call
    directly (module functions, methods and operators; see :mod:`autocy.annotate.emit`)."""
    found = set()
    for node in walk_typed(function):
        if isinstance(node, ast.Call) and typer.callee(node) is not None:
            found.add(node.func.id)
        elif isinstance(node, ast.Call) and (method := typer.method_callee(node)) is not None:
            found.add(method[0])
        elif isinstance(node, ast.BinOp) and (method := typer.operator_callee(node)) is not None:
            found.add(method[0])
    return found


# ------------------------------------------------------------------ the analyzer


class _Analyzer:
    def __init__(self, node: ast.FunctionDef, profile: FunctionProfile, module: ModuleFacts,
                 is_method: bool, overrides: Overrides, closures: Closures, renamed: dict[str, str]):
        self.node = node
        self.renamed = renamed
        self.closures = closures
        self.profile = profile
        self.module = module
        self.is_method = is_method
        self.overrides = overrides
        self.assume_int = "int-overflow" in overrides.assume
        self.params = [a.arg for a in node.args.posonlyargs + node.args.args]
        self.locals = set(self.params) | assigned_names(node.body) | {
            handler.name for handler in ast.walk(node) if isinstance(handler, ast.ExceptHandler) and handler.name}
        self.parents = parents(node)
        self.range_bounds: dict[str, str] = {}  # (see analyze)
        self.generator = is_generator(node)
        self.decorator = method_decorator(node, module.bound) if is_method else ""
        self.none_tested: set[str] = set()  # (see fixpoint)

    # ---- structure

    def structural_problem(self) -> str | None:  # noqa: C901 - one check per refusal
        node, args = self.node, self.node.args
        if node.decorator_list and not self.decorator:
            return "decorated (the decorator's result is what the module exports)"
        if args.vararg or args.kwarg or args.kwonlyargs:
            return "has *args, **kwargs or keyword-only parameters"
        if self.is_method and (node.name in _NO_INIT_METHODS
                               or not (self.params or self.decorator == "staticmethod")):
            return "an implicit static or class method"
        named = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        rebound = ((SPECIALIZED_BUILTINS - NAMED_BUILTINS) | (NAMED_BUILTINS & named)) & self.module.bound
        if rebound:
            return f"the module rebinds builtins {sorted(rebound)}"
        shadowed = (SPECIALIZED_BUILTINS - NAMED_BUILTINS) & (self.locals | comprehension_names(node))
        if shadowed:  # (the dispatcher's guards call type(), the specialization len(), float() ...)
            return f"a local shadows builtins the generated code calls {sorted(shadowed)}"
        for sub in ast.walk(node):
            if sub is node:
                continue
            if isinstance(sub, _UNSUPPORTED_NODES):
                return f"contains {type(sub).__name__} (not handled by the specializer yet)"
            if isinstance(sub, ast.Delete) and not all(isinstance(t, (ast.Subscript, ast.Attribute))
                                                       for t in sub.targets):
                return "deletes a variable (del name; not handled by the specializer yet)"
            if isinstance(sub, ast.Name) and sub.id in _INTROSPECTION:
                return f"uses {sub.id}() (typed locals would not be visible to it)"
            name = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else ""
            if self.is_method and name.startswith("__") and not name.endswith("__"):
                return f"uses the private name {name} (mangled inside the class)"
        for name in self.locals | comprehension_names(node):
            if name not in self.renamed and (name.startswith("_ac_") or name.startswith("_autocy_")):
                return f"uses the reserved prefix of generated names ({name})"
        return None

    # ---- the fixpoint

    def analyze(self) -> FunctionAnalysis:
        """The typed variables; then, when some C-int ``range()`` loop has object bounds, those
        of the function with the bounds given C-int locals of their own (:mod:`rangebounds`),
        unless that function is not specialized (then the first analysis stands)."""
        problem = self.structural_problem()
        if problem:
            return FunctionAnalysis(node=self.node, params=self.params, locals=self.locals,
                                    module=self.module, assume_int=self.assume_int, rejected=problem)
        if comprehension_names(self.node) & self.locals:
            self.node = rename_comprehension_variables(self.node, self.locals)
            self.parents = parents(self.node)
        result = self.fixpoint()
        if result.rejected:
            return result
        self.node, self.range_bounds = hoist_range_bounds(self.node, result.typer(), result.kinds)
        if not self.range_bounds:
            return result
        self.locals = self.locals | set(self.range_bounds)
        self.parents = parents(self.node)
        hoisted = self.fixpoint()
        return result if hoisted.rejected else hoisted

    def fixpoint(self) -> FunctionAnalysis:
        """The typed variables of ``self.node``: proposals from the type feedback, demoted until
        every one is justified."""
        self.none_tested = {tested.id for tested in map(none_test, ast.walk(self.node)) if tested is not None}
        result = FunctionAnalysis(node=self.node, params=self.params, locals=self.locals,
                                  module=self.module, assume_int=self.assume_int, closures=self.closures,
                                  generator=self.generator,
                                  decorator=self.decorator)
        kinds = {name: self.proposal(name) for name in self.locals}
        # (a generator's memoryview would hold its array's buffer while the generator waits:
        # resizing the array there raises where the pure function lets it)
        kinds = {name: kind for name, kind in kinds.items()
                 if kind is not Kind.OBJECT and not (self.generator and kind in ARRAYS)}
        for name in self.identity_uses() | self.closures.captured | stored_names(self.node):
            kinds.pop(name, None)  # (a local a try or with statement assigns: see aswritten.py)
        reasons: dict[str, tuple[str, str]] = {}
        while True:
            kinds = {name: Kind.LIST if kind is Kind.INTLIST else kind for name, kind in kinds.items()}
            elements = {name: element_kind(self.profile.types.get(name, {}))
                        for name, kind in kinds.items() if kind in (Kind.LIST, Kind.TUPLE)}
            elements = {name: kind for name, kind in elements.items() if kind is not Kind.OBJECT}
            attributes = self.computed_with(self.attribute_kinds(kinds), kinds)

            def typers(trial: dict[str, Kind]) -> tuple[dict[str, Interval], set[int], set[int], ExprTyper]:
                intervals = self.intervals(trial, elements, attributes)
                optimistic = ExprTyper(trial, self.locals, self.module, intervals, elements,
                                       assume_int=self.assume_int, attributes=attributes)
                retry = self.retryable(optimistic)
                prefixed = self.prefixed(optimistic, retry)
                return intervals, retry, prefixed, ExprTyper(trial, self.locals, self.module, intervals, elements,
                                                             retry_nodes(self.node, retry, prefixed), self.assume_int,
                                                             attributes)

            lists = int_lists(self.node, kinds, self.params, self.parents, lambda trial: typers(trial)[3])
            kinds.update({name: Kind.INTLIST for name in lists})
            intervals, retry, prefixed, typer = typers(kinds)
            demoted = None
            reasons.clear()
            for name, kind in sorted(kinds.items()):
                if kind is Kind.INTLIST:
                    reasons[name] = ("exact", "a list of ints made here that never leaves the function "
                                              "(only indexed, measured, iterated, copied, swapped or "
                                              "flipped): a C array, a list again where the code "
                                              "deoptimizes")
                    continue
                verdict = self.justify(name, kind, typer)
                if verdict is None:
                    demoted = name
                    break
                reasons[name] = verdict
            if demoted is None:
                demoted = next(iter(sorted(self.maybe_unbound(set(kinds)))), None)
            if demoted is None:
                break
            del kinds[demoted]
        result.kinds, result.intervals, result.elements, result.retry = kinds, intervals, elements, retry
        result.prefixed = prefixed
        result.attributes = {key: kind for key, kind in attributes.items() if key in self.attribute_reads(typer)}
        result.bounded = self.bounded_increments(kinds, typer)
        result.bounds = {name: self.bound(name) for name, kind in kinds.items() if kind is Kind.CINT}
        result.entry_guards = {p: kinds[p] for p in self.params if p in kinds}
        result.record_locals = self.record_locals(kinds)
        result.typings = [Typing(name, kind, *reasons[name]) for name, kind in sorted(kinds.items())]
        result.typings += [Typing(f"{name}.{attr}", kind, "guarded",
                                  self.attribute_evidence(name, attr, kind))
                           for (name, attr), kind in sorted(result.attributes.items())]
        result.reductions = self.reduction_loops(typer)
        natively = bool(kinds or result.attributes) and self.computes_natively(typer, set(kinds))
        if not natively and direct_callees(typer, self.node):
            result.calls_only = True
        elif not natively and self.has_record_fast_path(kinds, result.record_locals, typer):
            result.records_only = True
        elif not natively and result.reductions:
            result.reductions_only = True
        elif not kinds and not result.attributes:
            result.rejected = "no variable could be typed from the type feedback"
        elif not natively:
            result.rejected = ("nothing to gain: only parameters could be typed and no typed "
                               "value is computed with in C")
        return result

    def reduction_loops(self, typer: ExprTyper) -> dict[int, ReductionLoop]:
        """The ``sum()``, ``min()`` and ``max()`` calls that are the whole value of an
        assignment to names or of a ``return`` and that a C loop can compute (see
        :mod:`autocy.annotate.reductions`): id of the call -> its loop."""
        found = {}
        for stmt in walk_typed(self.node):
            if isinstance(stmt, ast.Return) or (isinstance(stmt, ast.Assign)
                                                and all(isinstance(t, ast.Name) for t in stmt.targets)):
                loop = reduction_loop(stmt.value, self.closures, self.locals | set(self.params),
                                      typer.builtin) if stmt.value is not None else None
                if loop is not None:
                    found[id(stmt.value)] = loop
        return found

    def has_record_fast_path(self, kinds: dict[str, Kind], record_locals: dict[str, str], typer: ExprTyper) -> bool:
        """Whether the function keeps some record instances in C doubles (see
        :mod:`autocy.annotate.records`), which its specialization gains even with nothing
        else typed."""
        def compiler(bound: set[str]) -> RegionCompiler:
            return RegionCompiler(kinds, self.module.records, lambda: "site", lambda declaration: "temp", bound,
                                  self.locals, typer.math_function)
        return has_fast_path(self.node, self.params, record_locals, compiler)

    def record_locals(self, kinds: dict[str, Kind]) -> dict[str, str]:
        """Untyped locals (not parameters), and :data:`~autocy.profiledata.RETURN` for the
        result, seen holding instances of one record class of this module only -> the class's
        name; none where the inline caches take no fast path (the fields' reads would always
        fail)."""
        found: dict[str, str] = {}
        if not fast_paths_available():
            return found
        untyped = self.locals - set(self.params) - set(kinds) - self.closures.captured - stored_names(self.node)
        for name in [*sorted(untyped), RETURN]:
            seen = self.profile.types.get(name, {})
            module, _, cls = next(iter(seen), "").rpartition(".")
            if len(seen) == 1 and module == self.profile.module and cls in self.module.records:
                found[name] = cls
        return found

    def bound(self, name: str) -> int:
        """The range +-bound the guards of a CINT variable check (its observed values decide;
        a ``range()`` bound's local checks its loop variable's)."""
        return guard_bound(self.profile.types.get(self.range_bounds.get(name, name), {}))

    def proposal(self, name: str) -> Kind:
        """The kind proposed for a variable: OBJECT when the settings say ``untyped``, the pinned
        type's kind when they pin one, else the one exact type of its feedback."""
        if name in self.range_bounds:
            return Kind.CINT
        if name in self.overrides.untyped:
            return Kind.OBJECT
        if name in self.overrides.pins:
            return BY_TYPE_NAME.get(self.overrides.pins[name], Kind.OBJECT)
        seen = self.profile.types.get(name, {})
        kind = kind_from_feedback(seen)
        if name not in self.params and self.int_or_float(name, seen, kind):
            return Kind.NUM
        return kind

    def attribute_kinds(self, kinds: dict[str, Kind]) -> dict[tuple[str, str], Kind]:
        """``(variable, attribute)`` -> DOUBLE (CINT) for each attribute that the profile saw
        only as an exact float (int) on the instances an untyped local held (a local the
        settings leave untyped keeps its attributes untyped too; an int is read only within
        +-2**62, checked on each read); none on an interpreter where the inline caches take no
        fast path (:func:`autocy.inline_caches.fast_paths_available`)."""
        found: dict[tuple[str, str], Kind] = {}
        if not fast_paths_available():
            return found
        for name in sorted(self.locals - set(kinds) - set(self.overrides.untyped)):
            seen: dict[str, set[str]] = {}
            for record in self.profile.types.get(name, {}).values():
                for attr, types in (record.get("attrs") or {}).items():
                    seen.setdefault(attr, set()).update(types)
            found.update({(name, attr): ATTRIBUTE_KINDS[next(iter(types))] for attr, types in seen.items()
                          if len(types) == 1 and next(iter(types)) in ATTRIBUTE_KINDS})
        return found

    def computed_with(self, attributes: dict[tuple[str, str], Kind],
                      kinds: dict[str, Kind]) -> dict[tuple[str, str], Kind]:
        """Those of ``attributes`` (see :meth:`attribute_kinds`) that some read gives to a
        computation. Read as a C number only to be boxed again (``pkt.ident = self.ident``,
        an untyped local, an element of a tuple, an argument by keyword, an f-string), a typed
        attribute costs a check and an unboxing and gains nothing, and its int is a new object
        where the reference would have been copied (bm_richards: 0.282 s -> 0.271 s untyped)."""
        used: set[tuple[str, str]] = set()
        for node in ast.walk(self.node):
            key = (node.value.id, node.attr) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                else None
            if key in attributes and key not in used and self.feeds_computation(node, kinds):
                used.add(key)
        return {key: kind for key, kind in attributes.items() if key in used}

    def feeds_computation(self, node: ast.Attribute, kinds: dict[str, Kind]) -> bool:
        """Whether the value read (or updated, ``v.a += x``) at ``node`` may be computed with
        as a C number: anything but a store into an untyped target, an element of a display,
        a keyword argument, an f-string part or an expression statement."""
        parent = self.parents.get(id(node))
        if isinstance(parent, (ast.Tuple, ast.List)) and isinstance(self.parents.get(id(parent)), ast.Assign):
            position, statement = parent.elts.index(node), self.parents[id(parent)]  # (a, b = v.x, v.y)
            if statement.value is parent:
                return any(isinstance(t, (ast.Tuple, ast.List)) and len(t.elts) == len(parent.elts)
                           and isinstance(t.elts[position], ast.Name) and t.elts[position].id in kinds
                           for t in statement.targets)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return any(isinstance(t, ast.Name) and t.id in kinds for t in targets)
        return not isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.keyword, ast.FormattedValue,
                                       ast.Expr, ast.Starred, ast.Yield, ast.YieldFrom, ast.Await))

    def attribute_reads(self, typer: ExprTyper) -> set[tuple[str, str]]:
        """The ``(variable, attribute)`` pairs the function reads typed (in a statement that can
        be retried)."""
        return {(node.value.id, node.attr) for node in ast.walk(self.node)
                if isinstance(node, ast.Attribute) and typer.attribute_read(node) is not None}

    def attribute_evidence(self, name: str, attr: str, kind: Kind) -> str:
        """The report's reason for a typed attribute read of ``kind``."""
        type_name = kind.python_type
        count = sum((record.get("attrs") or {}).get(attr, {}).get(type_name, 0)
                    for record in self.profile.types.get(name, {}).values())
        return (f"attribute seen as {type_name} {count} time(s); read where the instance keeps it, "
                "through an inline cache, and checked")

    def int_or_float(self, name: str, seen: dict[str, dict], kind: Kind) -> bool:
        """A local seen as both int (within +-2**53) and float, or seen as a float but also
        given an int literal (``total = 0`` before float additions): a NUM candidate."""
        if kind is Kind.DOUBLE:
            return any(isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
                       and type(stmt.value.value) is int and abs(stmt.value.value) <= EXACT_DOUBLE_BOUND
                       for stmt in stores(self.node.body, name))
        if set(seen) != {"int", "float"}:
            return False
        record = seen["int"]
        return -EXACT_DOUBLE_BOUND <= record.get("min", 0) and record.get("max", 0) <= EXACT_DOUBLE_BOUND

    def identity_uses(self) -> set[str]:
        """Names used with ``is``/``is not`` or passed to ``id()``: they keep their objects.
        A test against ``None`` alone (``x is None``) is no such use: no typed value is None
        (see :func:`none_test`)."""
        names: set[str] = set()
        for node in ast.walk(self.node):
            if none_test(node) is not None:
                continue
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                names.update(n.id for n in [node.left, *node.comparators] if isinstance(n, ast.Name))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id":
                names.update(n.id for n in node.args if isinstance(n, ast.Name))
        return names

    def retryable(self, optimistic: ExprTyper) -> set[int]:
        """Ids of the statements whose evaluation runs no user code (see :func:`retry_parts`)."""
        found = set()
        for stmt in ast.walk(self.node):
            if isinstance(stmt, ast.stmt) and stmt is not self.node:
                parts = retry_parts(stmt)
                if parts and all(optimistic.pure(p) for p in parts):
                    found.add(id(stmt))
        return found

    def prefixed(self, optimistic: ExprTyper, retry: set[int]) -> set[int]:
        """Ids of the other statements whose call's arguments run no user code and hold a
        checked operation (see :func:`call_prefix`): those arguments are evaluated first."""
        found = set()
        for stmt in ast.walk(self.node):
            call = call_prefix(stmt) if id(stmt) not in retry else None
            if call is not None and call.args and all(optimistic.pure(a) for a in call.args) \
                    and any(optimistic.needs_retry(a) for a in call.args):
                found.add(id(stmt))
        return found

    def computes_natively(self, typer: ExprTyper, typed: set[str]) -> bool:
        """True when the specialization does more than unbox and re-box its parameters: a
        typed local exists, or an operation on typed values runs in C."""
        if typed - set(self.params):
            return True
        numbers = (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL)
        for node in walk_typed(self.node):
            if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare)) and typer.of(node) in numbers:
                operands = [node.left, node.right] if isinstance(node, ast.BinOp) else (
                    [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, *node.comparators])
                if any(typer.of(o) in numbers for o in operands):
                    return True
        return False

    # ---- integer ranges

    def intervals(self, kinds: dict[str, Kind], elements: dict[str, Kind],
                  attributes: dict[tuple[str, str], Kind]) -> dict[str, Interval]:
        """Proven ranges of the CINT variables: range indices, counters bounded by a loop
        test, values that passed a CINT guard (within +-2**62), and variables assigned only
        from expressions of proven range.

        The expressions are typed as the emitter types them (list elements, attributes and
        lists of C ints included): a value the emitter computes in C is stored with no guard,
        so only an expression it leaves an object (unboxed through the variable's guard)
        may be given the guard's range. (Typed without elements, ``acc = acc * scale + xs[0]``
        looked like such an object while the emitter stored it in C: ``acc * scale`` was
        taken to fit and multiplied unchecked.)"""
        known: dict[str, Interval] = {}
        for _ in range(4):
            # checked operations count as typed here: a checked result has no proven range
            typer = ExprTyper(kinds, self.locals, self.module, dict(known), elements, retry_nodes=None,
                              attributes=attributes)
            for name, kind in kinds.items():
                if kind is Kind.CINT and name not in known:
                    interval = self.var_interval(name, typer)
                    if interval is not None:
                        known[name] = interval
        return known

    def var_interval(self, name: str, typer: ExprTyper) -> Interval | None:  # noqa: C901
        bound = self.bound(name)
        guarded = (-bound, bound)
        lows, highs = ([guarded[0]], [guarded[1]]) if name in self.params else ([], [])
        counter = None
        for stmt in stores(self.node.body, name):
            if isinstance(stmt, ast.For):
                args = range_call(typer, stmt.iter) if isinstance(stmt.target, ast.Name) else None
                if args is None:  # an item that passed the guard (or an enumerate() counter)
                    lows.append(guarded[0])
                    highs.append(guarded[1])
                    continue
                start, stop, step = range_parts(args)
                first, last = typer.interval(start), typer.interval(stop)
                if first is None or last is None:
                    return None
                lows.append(first[0] if step > 0 else last[0] + 1)
                highs.append(last[1] - 1 if step > 0 else first[1])
            elif is_increment(stmt, name):
                if counter is not None:
                    return None
                counter = self.increment_bound(stmt, name, typer)
                if counter is None:
                    return None
                highs.append(counter)
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if typer.of(stmt.value) is Kind.OBJECT:
                    interval = guarded
                elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value)):
                    return None
                else:
                    interval = typer.interval(stmt.value)
                if interval is None:
                    return None
                lows.append(interval[0])
                highs.append(interval[1])
            elif isinstance(stmt, ast.Assign) and not any(isinstance(v, ast.Tuple) for v in [stmt.value]):
                lows.append(guarded[0])  # unpacked from an object: every typed name is guarded
                highs.append(guarded[1])
            else:
                return None
        if not lows or not highs:
            return None
        return min(lows), max(highs)

    def increment_bound(self, stmt: ast.stmt, name: str, typer: ExprTyper) -> int | None:
        """``name += 1`` inside ``while ... name < B ...`` (not in a nested loop, the only store
        of ``name`` in that loop): then ``name <= B.high`` after the increment."""
        loop = self.parents.get(id(stmt))
        while loop is not None and not isinstance(loop, (ast.While, ast.For, ast.FunctionDef)):
            loop = self.parents.get(id(loop))
        if not isinstance(loop, ast.While) or len(stores(loop.body, name)) != 1:
            return None
        for test in conjuncts(loop.test):
            if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Lt)
                    and isinstance(test.left, ast.Name) and test.left.id == name
                    and typer.of(test.comparators[0]) is Kind.CINT):
                bound = typer.interval(test.comparators[0])
                return bound[1] if bound is not None else INT64_MAX
        return None

    def bounded_increments(self, kinds: dict[str, Kind], typer: ExprTyper) -> set[int]:
        """Ids of the ``n += 1`` statements of CINT counters bounded by their loop test: plain
        C additions (``n < B`` held just before, and ``B`` is a 64-bit value)."""
        found = set()
        for name, kind in kinds.items():
            if kind is Kind.CINT:
                for stmt in stores(self.node.body, name):
                    if is_increment(stmt, name) and self.increment_bound(stmt, name, typer) is not None:
                        found.add(id(stmt))
        return found

    # ---- justification

    def justify(self, name: str, kind: Kind, typer: ExprTyper) -> tuple[str, str] | None:
        """Why ``name`` may have ``kind`` (class, evidence), or None when it may not."""
        seen = self.profile.types.get(name, {})
        count = sum(r.get("count", 0) for r in seen.values())
        evidence = f"{count} observation{'' if count == 1 else 's'}, all {kind.python_type}"
        if kind is Kind.CINT and seen and kind_from_feedback(seen) is Kind.CINT:
            record = next(iter(seen.values()))
            evidence += f" in [{record.get('min')}, {record.get('max')}]"
        if name in self.overrides.pins:
            evidence = f"pinned to {self.overrides.pins[name]} by the settings"
        if name in self.range_bounds:
            evidence = f"a bound of the range() loop over {self.range_bounds[name]}"
        klass, how = "exact", []
        if name in self.params:
            klass = "guarded"
            how.append("exact type checked on entry" + (f", within +-2**{self.bound(name).bit_length() - 1}"
                                                         if kind is Kind.CINT else ""))
        for stmt in stores(self.node.body, name):
            verdict = self.justify_store(stmt, name, kind, typer)
            if verdict is None:
                return None
            if verdict.startswith("guard"):
                if name in self.none_tested:
                    return None  # (a value it is tested against None for would deoptimize, mid-body)
                klass = "guarded"
            if verdict not in how:
                how.append(verdict)
        if kind is Kind.CINT and self.assume_int:
            klass = "assumed"
            how.append("arithmetic not checked for 64-bit overflow (assume int-overflow)")
        return klass, f"{evidence}; " + ", ".join(how)

    def justify_store(self, stmt: ast.stmt, name: str, kind: Kind, typer: ExprTyper) -> str | None:
        if isinstance(stmt, ast.For):
            return self.justify_loop(stmt, name, kind, typer)
        if isinstance(stmt, ast.AugAssign):
            combined = typer.augmented(stmt)
            if isinstance(stmt.target, ast.Name) and combined is kind:
                return "exact arithmetic"
            if isinstance(stmt.target, ast.Name) and kind is Kind.NUM and combined is Kind.DOUBLE:
                return "float arithmetic"
            if isinstance(stmt.target, ast.Name) and combined is Kind.OBJECT and kind.is_number:
                return "guard where the value enters"
            return None
        if stmt.value is None:  # a bare annotation stores nothing
            return "annotation only"
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        verdicts = [self.justify_target(t, stmt.value, name, kind, typer) for t in targets]
        if any(v is None for v in verdicts):
            return None
        return next((v for v in verdicts if v != "-"), "-")

    def justify_target(self, target: ast.expr, value: ast.expr, name: str, kind: Kind,
                       typer: ExprTyper) -> str | None:
        """The verdict for the stores of ``name`` in one assignment target ("-" when it has none)."""
        if isinstance(target, ast.Name):
            if target.id != name:
                return "-"
            value_kind = typer.of(value)
            if value_kind is kind:
                return "proven by the assigned expression"
            if kind is Kind.NUM and value_kind is Kind.DOUBLE:
                return "a float assigned"
            if kind is Kind.NUM and value_kind is Kind.CINT:
                interval = typer.interval(value)
                exact = interval is not None and -EXACT_DOUBLE_BOUND <= interval[0] and interval[1] <= EXACT_DOUBLE_BOUND
                return "an int within +-2**53 assigned" if exact else None
            return "guard where the value enters" if value_kind is Kind.OBJECT else None
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
                    and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts):
                verdicts = [self.justify_target(t, v, name, kind, typer) for t, v in zip(target.elts, value.elts)]
                return None if None in verdicts else next((v for v in verdicts if v != "-"), "-")
            if any(isinstance(e, ast.Starred) for e in ast.walk(target)):
                return None if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)) else "-"
            inside = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))
            return "guard where the value enters" if inside else "-"
        return "-"

    def justify_loop(self, loop: ast.For, name: str, kind: Kind, typer: ExprTyper) -> str | None:
        if name in assigned_names(loop.body):
            return None  # the loop variable is reassigned in the body
        shape = loop_shape(typer, loop)
        if shape == "range":
            return "range() index over C bounds" if loop.target.id == name else None
        if shape == "enumerate" and loop.target.elts[0].id == name:
            return "enumerate() counter"
        if any(isinstance(e, ast.Starred) for e in ast.walk(loop.target)):
            return None
        if isinstance(loop.target, ast.Name) and typer.of(loop.iter) is Kind.STR:
            return "iterating an exact str yields exact str" if kind is Kind.STR else None
        if isinstance(loop.target, ast.Name) and typer.of(loop.iter) is Kind.BYTES:
            return "iterating exact bytes yields ints 0..255" if kind is Kind.CINT else None
        return "guard where the value enters"

    # ---- definite assignment

    def maybe_unbound(self, typed: set[str]) -> set[str]:  # noqa: C901
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
                    for node in ast.walk(target):
                        if isinstance(node, (ast.Subscript, ast.Attribute)):
                            reads(node, assigned)
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


def _local_target(target: ast.expr) -> bool:
    """A name, or a tuple or list of such targets (stores that change only locals)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_local_target(e) for e in target.elts)
    return isinstance(target, ast.Name)


def _pure_statements(stmts: list[ast.stmt], typer: ExprTyper) -> bool:  # noqa: C901
    for stmt in stmts:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if not all(_local_target(t) for t in targets):
                return False
            unpacking = any(isinstance(t, (ast.Tuple, ast.List)) for t in targets)
            if unpacking and not (isinstance(stmt.value, (ast.Tuple, ast.List))
                                  or typer.of(stmt.value) in (Kind.TUPLE, Kind.LIST)):
                return False  # unpacking another object runs its __iter__
            if stmt.value is not None and not typer.pure(stmt.value):
                return False
        elif isinstance(stmt, ast.AugAssign):
            if not isinstance(stmt.target, ast.Name) or typer.augmented(stmt) is Kind.OBJECT \
                    or not typer.pure(stmt.value):
                return False
        elif isinstance(stmt, (ast.If, ast.While)):
            if not (typer.pure(stmt.test) and _pure_statements(stmt.body, typer)
                    and _pure_statements(stmt.orelse, typer)):
                return False
        elif isinstance(stmt, ast.For):
            iterable = stmt.iter
            bounds = range_call(typer, iterable)
            ranged = bounds is not None and all(typer.pure(a) for a in bounds)
            sequence = isinstance(iterable, ast.Name) and typer.of(iterable) in (Kind.LIST, Kind.TUPLE, Kind.STR)
            if not (isinstance(stmt.target, ast.Name) and (ranged or sequence)
                    and _pure_statements(stmt.body, typer) and _pure_statements(stmt.orelse, typer)):
                return False
        elif isinstance(stmt, ast.Return):
            if stmt.value is not None and not typer.pure(stmt.value):
                return False
        elif isinstance(stmt, ast.Expr):
            if not isinstance(stmt.value, ast.Constant):
                return False
        elif not isinstance(stmt, (ast.Pass, ast.Break, ast.Continue)):
            return False
    return True


def callee_of(analysis: FunctionAnalysis) -> Callee:
    """How the function of ``analysis`` looks to callers in its module: its parameters'
    guarded kinds, its result kind (DOUBLE or CINT when every return gives one, the last
    statement being a return), and whether it is pure (assigns only its locals, calls only
    pure functions, and evaluates only expressions that run no user code)."""
    typer = analysis.typer()
    body = analysis.node.body
    pure = _pure_statements(body, typer)
    returns = [n for n in ast.walk(analysis.node) if isinstance(n, ast.Return)]
    kinds = {typer.of(r.value) if r.value is not None else Kind.OBJECT for r in returns}
    result = Kind.OBJECT
    if isinstance(body[-1], ast.Return) and len(kinds) == 1 and kinds <= {Kind.DOUBLE, Kind.CINT}:
        result = kinds.pop()
    params = tuple(analysis.entry_guards.get(p, Kind.OBJECT) for p in analysis.params)
    bounds = tuple(analysis.bounds.get(p, 0) for p in analysis.params)
    return Callee(params, result, pure, bounds)


@dataclass(frozen=True)
class Overrides:
    """A function's settings that change its typings (``[tool.autocy.functions."..."]``):
    ``pins`` (variable -> type name typed as if the profile had seen only that type; still
    guarded), ``untyped`` (variables never typed), ``assume`` (assumed typings allowed, e.g.
    ``"int-overflow"``)."""

    pins: dict[str, str] = field(default_factory=dict)
    untyped: frozenset[str] = frozenset()
    assume: frozenset[str] = frozenset()


def analyze_function(node: ast.FunctionDef, profile: FunctionProfile, module: ModuleFacts,
                     is_method: bool = False, overrides: Overrides | None = None) -> FunctionAnalysis:
    """Decide the typed variables of one hot function.

    Args:
        node: the function's ``def`` (module level, or a method of a module-level class).
        profile: its profile entry (type feedback).
        module: the module's name facts (:func:`module_facts`).
        is_method: True for a method (its first parameter is the instance, never typed).
        overrides: the function's settings (pins, untyped variables, assumptions).

    Returns:
        A :class:`FunctionAnalysis`; ``rejected`` says why nothing is specialized.
    """
    node, overrides = without_unreachable(node), overrides or Overrides()
    node, renamed = rename_parameters(node, _builtin_parameters(node))
    if renamed:
        new_name = {user: new for new, user in renamed.items()}
        profile = replace(profile, types={new_name.get(name, name): seen for name, seen in profile.types.items()})
        overrides = replace(overrides, pins={new_name.get(name, name): pin for name, pin in overrides.pins.items()},
                            untyped=frozenset(new_name.get(name, name) for name in overrides.untyped))
    opaque = opaque_closures(node, _INTROSPECTION, module.bound)
    if isinstance(opaque, str):
        params = [a.arg for a in node.args.posonlyargs + node.args.args]
        return FunctionAnalysis(node=node, params=params, locals=set(params) | assigned_names(node.body),
                                module=module, rejected=opaque, renamed=renamed)
    node, closures = opaque
    result = _Analyzer(node, profile, module, is_method, overrides, closures, renamed).analyze()
    result.renamed = renamed
    return result


def _builtin_parameters(function: ast.FunctionDef) -> set[str]:
    """The positional parameters named like a builtin the generated code calls, to be renamed;
    none when the function binds a name with autocy's reserved prefixes (it is not specialized;
    a call of a helper of the literal pass, ``_autocy_py_int(...)``, binds nothing)."""
    params = {a.arg for a in function.args.posonlyargs + function.args.args}
    bound = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | {
        a.arg for a in ast.walk(function) if isinstance(a, ast.arg)} | {
        h.name for h in ast.walk(function) if isinstance(h, ast.ExceptHandler) and h.name}
    if any(name.startswith(("_ac_", "_autocy_")) for name in bound):
        return set()
    return params & (SPECIALIZED_BUILTINS - NAMED_BUILTINS)
