"""Closures in specialized functions: generator expressions and lambdas stay Python code.

Cython reads a closure's C-typed outer variables as zero inside a ``cdef`` function (found
while building the specializer; objects it captures correctly), so the outer variables a
closure names must stay Python objects. The analysis therefore sees each closure as an
opaque call of the function's locals it names, ``_autocy_closure_<n>(a, b)``: unknown code
that receives those objects. So nothing it names is typed, kept in C (a record instance not
made, a list held in a C array) or assumed unchanged across it, and the statement around it
is never evaluated twice. The emitted code gets the closure back in the placeholder's place
(:func:`restore`); one that may be seen after its statement passes through
``_autocy_named_closure``, which gives it the ``__qualname__`` the generic path gives (Cython
names it after the enclosing generated function: ``_autocy_spec_f.<locals>.<lambda>``). One
consumed by the call it is passed to (below) stays as written, so Cython inlines ``any(...)``
and the like as it does in the generic path (wrapped, it made a generator object per call:
``rows_above`` of tests/projects/kernels ran slower than CPython).

**A closure must not outlive its statement while a variable it names can change.** Where a
guard fails, the call finishes in the object copy, whose variables are its own: a closure made
before reads the specialization's variable, which the object copy's assignments no longer
reach (a generator made before a loop that rebinds ``k``, read after it, would see the old
``k``). So each closure is either consumed by the call it is passed to (a generator
expression as the first argument of ``sum``, ``any``, ``all``, ``min``, ``max``, ``sorted``,
``list``, ``tuple``, ``set``, ``frozenset``, ``dict`` or ``"sep".join``, a lambda as the
``key`` of ``min``, ``max`` or ``sorted``: builtins that keep nothing of it), or names only
parameters that the function never assigns.

Left out (the function is not specialized): a closure that may outlive its statement and
names a variable the function assigns, a closure inside another closure or inside a
comprehension (whose variables the specialization may type), and a closure that contains
what the specializer refuses elsewhere (``yield``, ``await``, ``:=``, ``locals()``, a private
``__name``, which Python mangles in a method's closure but not in the generated code ...).
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

PLACEHOLDER = "_autocy_closure_"
"""Prefix of the placeholder calls (a reserved name: the module binds no ``_autocy_`` name)."""

_CLOSURES = (ast.GeneratorExp, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
_REFUSED_INSIDE = (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)
"""Nodes that make a closure's placeholder untrue: ``:=`` binds in the enclosing function."""

_CONSUMERS = frozenset({"sum", "any", "all", "min", "max", "sorted", "list", "tuple", "set", "frozenset", "dict"})
"""Builtins that consume a generator expression passed first and keep nothing of it."""
_KEY_CONSUMERS = frozenset({"min", "max", "sorted"})
"""Builtins that call a ``key`` function only while they run."""

_PLACEHOLDER_CALL = re.compile(re.escape(PLACEHOLDER) + r"(\d+)\(([\w, ]*)\)")


@dataclass
class Closures:
    """The closures of one function, as :func:`opaque_closures` replaced them.

    Attributes:
        sources: placeholder number -> the closure's source (``(x * k for x in xs)``).
        arguments: placeholder number -> the placeholder's argument list (``xs, k``).
        captured: every local of the function that some closure names (they stay objects).
        consumed: the placeholder numbers of the closures consumed by the call they are
            passed to (:func:`consumed_closures`).
    """

    sources: dict[int, str] = field(default_factory=dict)
    arguments: dict[int, str] = field(default_factory=dict)
    captured: set[str] = field(default_factory=set)
    consumed: set[int] = field(default_factory=set)


def _inside(node: ast.AST, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(sub, kinds) for sub in ast.walk(node) if sub is not node)


def _parameters(args: ast.arguments) -> set[str]:
    return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg] if a}


def _bound_outside_closures(function: ast.FunctionDef) -> set[str]:
    """The parameters and every name stored or deleted in ``function`` outside its closures:
    its locals, and comprehension variables too (naming more of them only keeps more objects)."""
    names = _parameters(function.args)
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, _CLOSURES):
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return names


def _private(node: ast.AST) -> bool:
    """A name Python mangles inside a class body (``__x``, not ``__x__``)."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) \
        else node.arg if isinstance(node, ast.arg) else ""
    return name.startswith("__") and not name.endswith("__")


def _names(nodes: list[ast.AST | None]) -> set[str]:
    return {n.id for node in nodes if node is not None for n in ast.walk(node) if isinstance(n, ast.Name)}


def free_names(closure: ast.GeneratorExp | ast.Lambda) -> set[str]:
    """The names a closure reads from its enclosing scope: a lambda's defaults and the names
    of its body that are not its parameters; a generator expression's first iterable (which
    Python evaluates where the expression stands) and its other names that no ``for`` of it
    binds. A comprehension nested inside counts all its names (more names only keep more
    objects)."""
    if isinstance(closure, ast.Lambda):
        args = closure.args
        return _names([*args.defaults, *args.kw_defaults]) | (_names([closure.body]) - _parameters(args))
    first, *rest = closure.generators
    bound = _names([g.target for g in closure.generators])
    inner = _names([closure.elt, *first.ifs, *(part for g in rest for part in (g.iter, *g.ifs))])
    return _names([first.iter]) | (inner - bound)


def consumed_closures(function: ast.FunctionDef, shadowed: set[str]) -> set[int]:
    """``id()`` of the closures of ``function`` that the call they are passed to consumes
    (see the module docstring); ``shadowed``: names that are not the builtins here (the
    module's globals and the function's locals)."""
    found = set()
    for call in ast.walk(function):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        builtin = func.id if isinstance(func, ast.Name) and func.id not in shadowed else ""
        joins = isinstance(func, ast.Attribute) and func.attr == "join" \
            and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
        if (builtin in _CONSUMERS or joins) and call.args and isinstance(call.args[0], ast.GeneratorExp):
            found.add(id(call.args[0]))
        if builtin in _KEY_CONSUMERS:
            found.update(id(k.value) for k in call.keywords if k.arg == "key" and isinstance(k.value, ast.Lambda))
    return found


def opaque_closures(function: ast.FunctionDef, refused_names: frozenset[str],
                    module_names: set[str]) -> tuple[ast.FunctionDef, Closures] | str:
    """``function`` with each closure replaced by its placeholder call, and the closures.

    Args:
        function: the function's ``def`` (not changed: a copy is returned).
        refused_names: names whose use the specializer refuses (``locals``, ``eval``, ...).
        module_names: the names the module binds at its top level.

    Returns:
        ``(copy, closures)``, or why the function cannot be specialized (a str). A function
        without closures comes back as it is, with empty :class:`Closures`.
    """
    closures = Closures()
    if not any(isinstance(n, _CLOSURES) for n in ast.walk(function)):
        return function, closures
    function = copy.deepcopy(function)
    local_names = _bound_outside_closures(function)
    consumed = consumed_closures(function, local_names | module_names)
    stored = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    constant = _parameters(function.args) - stored
    for comprehension in ast.walk(function):
        if isinstance(comprehension, _COMPREHENSIONS) and _inside(comprehension, _CLOSURES):
            return "contains a closure inside a comprehension (not handled by the specializer yet)"

    class Replace(ast.NodeTransformer):
        problem: str | None = None

        def visit_GeneratorExp(self, node: ast.expr) -> ast.expr:
            return self.replace(node)

        def visit_Lambda(self, node: ast.expr) -> ast.expr:
            return self.replace(node)

        def replace(self, node: ast.expr) -> ast.expr:
            if _inside(node, _CLOSURES):
                self.problem = "contains a closure inside a closure (not handled by the specializer yet)"
            elif _inside(node, _REFUSED_INSIDE):
                self.problem = "contains a closure with yield, await or := (not handled by the specializer)"
            elif any(isinstance(n, ast.Name) and n.id in refused_names for n in ast.walk(node)):
                self.problem = "uses an introspection builtin inside a closure (typed locals would not be visible)"
            elif any(_private(n) for n in ast.walk(node)):
                self.problem = "uses a private __name inside a closure (mangled only inside the class)"
            names = sorted(free_names(node) & local_names)
            if id(node) not in consumed and not set(names) <= constant:
                self.problem = ("has a closure that may outlive its statement and names a variable the function "
                                "assigns (not handled by the specializer)")
            number = len(closures.sources) + 1
            if id(node) in consumed:
                closures.consumed.add(number)
            closures.sources[number] = ast.unparse(node)
            closures.arguments[number] = ", ".join(names)
            closures.captured.update(names)
            call = ast.Call(func=ast.Name(id=f"{PLACEHOLDER}{number}", ctx=ast.Load()),
                            args=[ast.Name(id=name, ctx=ast.Load()) for name in names], keywords=[])
            return ast.fix_missing_locations(ast.copy_location(call, node))

    replacer = Replace()
    function = replacer.visit(function)
    return replacer.problem or (function, closures)


def restore(line: str, closures: Closures, qualname: str) -> str:
    """An emitted line with every placeholder call replaced by its closure; one that may be
    seen after its statement named as the generic path names it (``qualname``: ``f``, or
    ``C.m`` for a method).

    Raises:
        AssertionError: a placeholder was emitted in another form than the call of the
            function's own locals (an annotator bug: the function is then left generic).
    """
    def put_back(match: re.Match[str]) -> str:
        number = int(match.group(1))
        assert closures.arguments.get(number) == match.group(2), f"closure placeholder emitted as {match.group(0)}"
        if number in closures.consumed:
            return closures.sources[number]
        return f"_autocy_named_closure({closures.sources[number]}, {qualname!r})"

    restored = _PLACEHOLDER_CALL.sub(put_back, line)
    assert PLACEHOLDER not in restored, f"closure placeholder left in {restored!r}"
    return restored
