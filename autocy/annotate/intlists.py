"""Local lists of ints held as C int64 arrays: which list variables get the INTLIST kind.

fannkuch permutes lists of small ints: typed code that keeps them Python lists checks the
type of every element it reads and unboxes it, boxes every element it stores, and allocates
and frees a list for every copy (about two thirds of its time). A list that the function
makes itself and never lets go of can only be seen through the operations the function does
with it, so holding it as a C array of ``long long`` changes nothing CPython computes when
those operations are all of these:

* made by ``list(range(n))``, ``[c] * n`` or ``n * [c]`` (``c`` an int literal within
  +-2**62), or ``ys[:]`` of another such list, ``n`` a C int;
* ``xs[i]`` read with a C int ``i`` (the element, a C int; a negative index counts from the
  end and one out of range raises the list's IndexError);
* ``xs[i] = v`` and ``xs[i] op= v`` where the stored value is a C int (its IndexError is the
  list's assignment one), and ``xs[i], ys[j] = v, w`` (a swap) of such elements alone;
* ``xs[:k + 1] = xs[k::-1]`` with a C int variable ``k`` (fannkuch's flip);
* ``len(xs)``;
* ``for x in xs`` into a C int ``x`` (the loop and the variable hold one array; a
  deoptimization makes one list of it for both).

Every element is an int from the start and every store stores a C int, so each element is
an exact int within 64 bits, as the list would hold it. The variable is not a parameter, is
not returned, passed, iterated, deleted or stored anywhere else, is not used inside a
comprehension, and no element of it meets ``is``, ``is not`` or ``id()``: an element boxed
again is an equal int, not the same object. Where the typed code deoptimizes, the object copy
gets a new list with the array's elements; nothing else held the old one.
"""
from __future__ import annotations

import ast
from collections.abc import Callable

from autocy.annotate.aswritten import AS_WRITTEN
from autocy.annotate.expressions import ExprTyper, whole_slice
from autocy.annotate.kinds import Kind
from autocy.annotate.runtime import CINT_BOUND

_NESTED_SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def prefix_reversal(target: ast.expr, value: ast.expr) -> tuple[str, str] | None:
    """``(xs, k)`` for the statement ``xs[:k + 1] = xs[k::-1]`` (names ``xs`` and ``k``),
    given its target and value; None for any other assignment. Only the shape is checked."""
    if not (isinstance(target, ast.Subscript) and isinstance(value, ast.Subscript)
            and isinstance(target.slice, ast.Slice) and isinstance(value.slice, ast.Slice)
            and isinstance(target.value, ast.Name) and isinstance(value.value, ast.Name)
            and target.value.id == value.value.id):
        return None
    store, load = target.slice, value.slice
    k, upper = load.lower, store.upper
    if not (isinstance(k, ast.Name) and store.lower is None and store.step is None
            and load.upper is None and _int_literal(load.step) == -1
            and isinstance(upper, ast.BinOp) and isinstance(upper.op, ast.Add)
            and isinstance(upper.left, ast.Name) and upper.left.id == k.id and _int_literal(upper.right) == 1):
        return None
    return target.value.id, k.id


def _int_literal(node: ast.expr | None) -> int | None:
    """The value of an int literal, ``-`` literals included; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def made_list(typer: ExprTyper, value: ast.expr, lists: set[str]) -> str | None:
    """How ``value`` makes a new list of ints that an INTLIST variable can hold:
    ``"range"`` (``list(range(n))``), ``"fill"`` (``[c] * n`` or ``n * [c]``), ``"copy"``
    (``ys[:]`` of a variable in ``lists``); None for anything else."""
    if isinstance(value, ast.Call) and typer.builtin(value.func, "list") and len(value.args) == 1 \
            and not value.keywords:
        inner = value.args[0]
        if (isinstance(inner, ast.Call) and typer.builtin(inner.func, "range") and len(inner.args) == 1
                and not inner.keywords and typer.of(inner.args[0]) is Kind.CINT):
            return "range"
        return None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        return "fill" if fill_parts(typer, value) is not None else None
    if (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in lists
            and isinstance(value.slice, ast.Slice) and whole_slice(value.slice)):
        return "copy"
    return None


def fill_parts(typer: ExprTyper, value: ast.BinOp) -> tuple[int, ast.expr] | None:
    """``(c, n)`` of ``[c] * n`` or ``n * [c]`` with an int literal ``c`` within +-2**62 and a
    C int ``n``; None otherwise."""
    for display, count in ((value.left, value.right), (value.right, value.left)):
        if isinstance(display, ast.List) and len(display.elts) == 1:
            c = _int_literal(display.elts[0])
            if c is not None and -CINT_BOUND <= c <= CINT_BOUND and typer.of(count) is Kind.CINT:
                return c, count
    return None


def element_stores(typer: ExprTyper, stmt: ast.stmt) -> list[tuple[ast.Subscript, ast.expr]] | None:
    """The ``(target, value)`` pairs of ``xs[i], ys[j] = v, w`` (a swap, say) whose every
    target is an element of a list of C ints (INTLIST under ``typer``) with a C int index and
    whose every value is a C int; None for any other statement."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target, value = stmt.targets[0], stmt.value
    if not (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)):
        return None
    pairs = list(zip(target.elts, value.elts))
    if all(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and typer.of(t.value) is Kind.INTLIST
           and not isinstance(t.slice, ast.Slice) and typer.of(t.slice) is Kind.CINT
           and not isinstance(v, ast.Starred) and typer.of(v) is Kind.CINT for t, v in pairs):
        return pairs
    return None


def int_lists(function: ast.FunctionDef, kinds: dict[str, Kind], params: list[str],
              parents: dict[int, ast.AST], make_typer: Callable[[dict[str, Kind]], ExprTyper]) -> set[str]:
    """The LIST variables of ``function`` that may be INTLIST (see the module docstring).

    Args:
        function: the function's AST.
        kinds: the typed variables' kinds (a candidate is a LIST there).
        params: the parameter names (never candidates: the caller holds the list).
        parents: ``id(node)`` -> parent node, for every node of ``function``.
        make_typer: builds the expression typer for a trial assignment of kinds.

    Returns:
        The largest set of candidates whose every use is allowed when all of them are
        INTLIST (a copy from a list that cannot be one disqualifies the copy too).
    """
    candidates = {name for name, kind in kinds.items() if kind is Kind.LIST and name not in params}
    uses: dict[str, list[ast.Name]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in candidates:
            uses.setdefault(node.id, []).append(node)
    while candidates:
        typer = make_typer({**kinds, **{name: Kind.INTLIST for name in candidates}})
        bad = {name for name in candidates
               if not all(_use_allowed(typer, node, parents, candidates) for node in uses.get(name, []))}
        if not bad:
            return candidates
        candidates -= bad
    return set()


def _use_allowed(typer: ExprTyper, name: ast.Name, parents: dict[int, ast.AST], lists: set[str]) -> bool:  # noqa: C901
    """True when this occurrence of a candidate's name is one of the allowed operations."""
    ancestor = parents.get(id(name))
    while ancestor is not None:
        if isinstance(ancestor, _NESTED_SCOPES + AS_WRITTEN):  # (code run as written sees lists only)
            return False
        ancestor = parents.get(id(ancestor))
    parent = parents.get(id(name))
    if isinstance(name.ctx, ast.Store):
        return (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.targets[0] is name
                and made_list(typer, parent.value, lists) is not None)
    if not isinstance(name.ctx, ast.Load):
        return False
    if isinstance(parent, ast.Call) and typer.builtin(parent.func, "len") and parent.args == [name] \
            and not parent.keywords:
        return True
    if isinstance(parent, ast.For) and parent.iter is name:  # items into a C int variable
        return isinstance(parent.target, ast.Name) and typer.var(parent.target.id) is Kind.CINT
    if not (isinstance(parent, ast.Subscript) and parent.value is name):
        return False
    outer = parents.get(id(parent))
    single = isinstance(outer, ast.Assign) and len(outer.targets) == 1
    if isinstance(parent.slice, ast.Slice):
        if single and outer.value is parent and whole_slice(parent.slice) and isinstance(outer.targets[0], ast.Name):
            return outer.targets[0].id in lists  # a copy into another such list
        reversal = prefix_reversal(outer.targets[0], outer.value) if single else None
        return reversal is not None and typer.var(reversal[1]) is Kind.CINT
    if typer.of(parent.slice) is not Kind.CINT:
        return False
    if isinstance(parent.ctx, ast.Load):
        if isinstance(outer, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in outer.ops):
            return False
        return not (isinstance(outer, ast.Call) and isinstance(outer.func, ast.Name) and outer.func.id == "id")
    if isinstance(parent.ctx, ast.Store) and single:
        return outer.targets[0] is parent and typer.of(outer.value) is Kind.CINT
    if isinstance(parent.ctx, ast.Store) and isinstance(outer, (ast.Tuple, ast.List)):
        return element_stores(typer, parents.get(id(outer))) is not None
    if isinstance(parent.ctx, ast.Store) and isinstance(outer, ast.AugAssign):
        return outer.target is parent and typer.augmented(outer) is Kind.CINT
    return False
