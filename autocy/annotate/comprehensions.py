"""Generator expressions that a builtin consumes whole: comprehensions inside generator functions.

Cython compiles ``tuple(pool[i] for i in indices)`` as CPython does: a generator object and a
scope for every call, and a resumption of the generator for every item. A comprehension is a
loop in the function itself. ``tuple``, ``list``, ``sorted`` and the ``join`` of a ``str`` or
``bytes`` literal first make a list of all the items and only then do anything with them;
``set`` adds each item as it comes, as a set comprehension does. So
``tuple([pool[i] for i in indices])`` or ``{x - 1 for x in row}`` evaluates the same
expressions in the same order, the outermost iterable first and in the enclosing scope, and
makes an equal result. Not ``frozenset``: it hashes each item as it comes, so a list first
would change which error an unhashable item and a failing one raise, and a set first can
order the items differently. pyperformance's nqueens, three such calls per permutation, went
from 1.81x to 2.70x CPython's speed so (``benchmarks/run.py``).

One thing differs: a ``StopIteration`` raised while an item is computed. A generator
expression turns it into ``RuntimeError("generator raised StopIteration")`` (PEP 479); a
comprehension lets it through to the enclosing function. Inside a generator function the
generator turns it into the same ``RuntimeError`` (Cython's generators as CPython's), so the
change is made only there, and only outside any ``try`` or ``with`` statement of that function
(whose handlers or context managers could tell the two exceptions apart), for calls of those
builtins that no scope of the module rebinds. ``sorted`` may also take ``key`` and ``reverse``
given as constants, builtins or lambdas without defaults, whose evaluation (after the
generator is made, before it is consumed) can neither fail nor run code.

Everywhere else, ``tuple(g)`` of a generator expression ``g`` becomes ``tuple(list(g))``. The
generator stays, and with it the RuntimeError, but Cython runs a generator expression that
``list()`` consumes as one "inlined" run that builds the list inside the generator, where
``tuple()`` resumes the generator for every item (``benchmarks/idioms.py`` times it).
``tuple()`` takes the items in the same order from either. (``join()`` of a list gained
nothing measurable, and ``set()``, ``sorted()``, ``list()``, ``any()``, ``all()`` and
``dict()`` of a generator expression are inlined by Cython already.)
"""

from __future__ import annotations

import ast
import builtins

from autocy.annotate.analysis import is_generator
from autocy.annotate.respell import Respelling, Span, bound_names

_SAME_ITEMS = {"tuple": "tuple([{}])", "sorted": "sorted([{}])"}
"""Builtins that make a list of the items first: name -> the call spelled with a list
comprehension (``{}``: the generator expression's text inside its parentheses)."""

_COMPREHENSIONS = {"list": "[{}]", "set": "{{}}"}
"""Builtins whose call on a generator expression is the comprehension itself."""


def comprehension_respellings(tree: ast.Module) -> list[Respelling]:
    """The calls of :data:`_SAME_ITEMS` and :data:`_COMPREHENSIONS` builtins, and the
    ``join`` of a ``str`` or ``bytes`` literal, on one generator expression, spelled with a
    comprehension where that cannot change a result, and every other ``tuple()`` of a
    generator expression as ``tuple(list(...))`` (see the module docstring), for
    :func:`~autocy.annotate.respell.respell`."""
    shadowed = bound_names(tree, set(dir(builtins)))  # (builtins that some scope binds)
    found: list[Respelling] = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and is_generator(function):
            for stmt in function.body:
                _visit(stmt, shadowed, found)
    done = {(r.span.lineno, r.span.col) for r in found}
    if not {"tuple", "list"} & shadowed:
        found += [_listed(node) for node in _outside_f_strings(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tuple"
                  and len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp) and not node.keywords
                  and (node.lineno, node.col_offset) not in done]
    return found


def _outside_f_strings(tree: ast.AST):
    """``ast.walk`` without the insides of f-strings (their positions are not reliable before
    Python 3.12)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.JoinedStr))


def _listed(call: ast.Call) -> Respelling:
    """``tuple(g)`` spelled ``tuple(list(g))``: Cython runs a generator expression that
    ``list()`` consumes in one go, as an "inlined" generator that builds the list itself, where
    ``tuple()`` of it resumes the generator for every item."""
    whole = Span.of(call.args[0])
    inside = Span(whole.lineno, whole.col + 1, whole.end_lineno, whole.end_col - 1)
    shared = whole.end_lineno == call.end_lineno and whole.end_col == call.end_col_offset
    return Respelling(whole, "(list({}))" if shared else "list(({}))", (inside,))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_GUARDED = (ast.Try, ast.With, ast.AsyncWith) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
_LOOPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _visit(node: ast.AST, shadowed: set[str], found: list[Respelling]) -> None:
    """Look for calls to respell in the parts of ``node`` that run in the generator
    function's own scope, outside ``try`` and ``with`` (and outside f-strings, whose positions
    are not reliable before Python 3.12)."""
    if isinstance(node, _SCOPES + _GUARDED + (ast.JoinedStr,)):
        return
    if isinstance(node, _LOOPS):  # (only its outermost iterable runs in this scope)
        _visit(node.generators[0].iter, shadowed, found)
        return
    if isinstance(node, ast.Call):
        respelling = _respelling(node, shadowed)
        if respelling is not None:
            found.append(respelling)
    for child in ast.iter_child_nodes(node):
        _visit(child, shadowed, found)


def _respelling(call: ast.Call, shadowed: set[str]) -> Respelling | None:
    """The comprehension spelling of ``call``, or None."""
    if len(call.args) != 1 or not isinstance(call.args[0], ast.GeneratorExp):
        return None
    generator = call.args[0]
    whole = Span.of(generator)
    inside = Span(whole.lineno, whole.col + 1, whole.end_lineno, whole.end_col - 1)  # (within its parentheses)
    own_parentheses = whole.end_lineno != call.end_lineno or whole.end_col != call.end_col_offset
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "join" and not call.keywords \
            and isinstance(func.value, ast.Constant) and isinstance(func.value.value, (str, bytes)):
        return Respelling(whole, "[{}]" if own_parentheses else "([{}])", (inside,))
    if not isinstance(func, ast.Name) or func.id in shadowed:
        return None
    if func.id in _COMPREHENSIONS and not call.keywords:
        return Respelling(Span.of(call), _COMPREHENSIONS[func.id], (inside,))
    if func.id == "sorted" and call.keywords and all(_inert_sort_option(k, shadowed) for k in call.keywords):
        options = Span(call.keywords[0].lineno, call.keywords[0].col_offset,
                       call.keywords[-1].end_lineno, call.keywords[-1].end_col_offset)
        return Respelling(Span.of(call), "sorted([{}], {})", (inside, options))
    if func.id in _SAME_ITEMS and not call.keywords:
        return Respelling(Span.of(call), _SAME_ITEMS[func.id], (inside,))
    return None


def _inert_sort_option(keyword: ast.keyword, shadowed: set[str]) -> bool:
    """A ``key=`` or ``reverse=`` argument whose evaluation can neither fail nor run code: a
    constant, a lambda without defaults, or the name of a builtin that no scope of the module
    binds (a local of that name could be unbound)."""
    value = keyword.value
    if keyword.arg not in ("key", "reverse"):
        return False
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Lambda):
        return not value.args.defaults and not any(d is not None for d in value.args.kw_defaults)
    return isinstance(value, ast.Name) and hasattr(builtins, value.id) and value.id not in shadowed
