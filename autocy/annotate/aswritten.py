"""Statements that a specialization runs as written, on Python objects: ``try`` and ``with``.

A ``try`` or ``with`` statement inside a hot function does not cost the function its
specialization: the typed code around it stays typed, and the statement itself (everything
in it, at any depth) is emitted as the user wrote it, with each typed variable it reads boxed
into the object CPython would hold (:meth:`autocy.annotate.emit._Emitter.generic`). Three
rules keep that exact:

* No resume point is ever inside such a statement. A deoptimization leaves typed code with
  ``break`` and resumes in the object copy at the statement where the guard failed. From
  inside a ``with`` body or a ``try`` with ``finally`` that ``break`` would run ``__exit__``
  or the ``finally`` block before the object copy entered the block again; from inside a
  ``try`` body, a checked operation's exception would reach the user's handler. Code emitted
  as written has no guards and no checked operations, so it never deoptimizes.
* Every local that the statement may assign, an ``except ... as`` name included, stays a
  Python object in the whole function (:func:`stored_names`): a C variable could not be
  assigned an object of another type there, and what such a local holds after the statement
  depends on where an exception left it.
* Nothing the analysis finds inside such a statement (a record instance kept in C doubles,
  a C loop for ``sum()``, a direct call) is applied to it: the analyses that look for those
  walk the function with :func:`walk_typed`, and a list of ints named inside is not made a C
  array (:mod:`autocy.annotate.intlists`).

python-chess 1.11.2 had 13 hot functions with ``try`` and 2 with ``with``, mpmath 1.3.0 nine:
the most common reason real code was not specialized.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from autocy.annotate.lines import Lines

AS_WRITTEN = (ast.Try, ast.With)
"""The statements a specialization runs as written (``try`` with ``except*`` and ``async with``
are not handled: the function is not specialized)."""


def walk_typed(root: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``root`` (itself included), as :func:`ast.walk` yields them, except
    those inside a statement run as written (the statement itself is yielded)."""
    todo = [root]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, AS_WRITTEN):
            todo.extend(ast.iter_child_nodes(node))


def _written(root: ast.AST) -> list[ast.stmt]:
    return [node for node in walk_typed(root) if isinstance(node, AS_WRITTEN)]


def stored_names(root: ast.AST) -> set[str]:
    """The names that the statements run as written under ``root`` may assign: assignment and
    loop targets, ``with ... as`` and ``except ... as`` names (and comprehension variables,
    which :func:`~autocy.annotate.analysis.rename_comprehension_variables` keeps apart from
    the function's locals)."""
    names: set[str] = set()
    for stmt in _written(root):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
    return names


def written_note(function: ast.FunctionDef, local_names: set[str], renamed: dict[str, str]) -> str:
    """What the report says about the statements ``function`` runs as written: how many, and
    which of its ``local_names`` stay Python objects for them, by the user's names (``renamed``:
    the function's renamed parameters, new name -> the user's; "" when there are none)."""
    count = len(_written(function))
    if not count:
        return ""
    kept = sorted(renamed.get(name, name) for name in stored_names(function) & local_names)
    objects = f", keeping {', '.join(kept)} Python objects" if kept else ""
    return f"{count} try/with statement{'s' if count > 1 else ''} run as written{objects}"


def emit_written(stmt: ast.stmt, ind: int, out: Lines, code: Callable[[ast.AST], str],
                 simple: Callable[[ast.stmt], str]) -> None:
    """Append ``stmt`` to ``out`` as written, indented ``ind`` levels, each line tied to the
    user's line it comes from.

    Args:
        stmt: any statement the specializer handles, or ``try``/``with``.
        ind: the indentation level (4 spaces each).
        out: the lines to append to.
        code: renders an expression or an assignment target (no surrounding parentheses).
        simple: renders a statement without statement blocks (one line).
    """
    line = stmt.lineno

    def block(stmts: list[ast.stmt], depth: int) -> None:
        for inner in stmts:
            emit_written(inner, depth, out, code, simple)
        if not stmts:
            out.add(depth, "pass", line)

    def orelse(stmts: list[ast.stmt], word: str = "else") -> None:
        if stmts:
            out.add(ind, f"{word}:", stmts[0].lineno)
            block(stmts, ind + 1)

    if isinstance(stmt, ast.If):
        out.add(ind, f"if {code(stmt.test)}:", line)
        block(stmt.body, ind + 1)
        orelse(stmt.orelse)
    elif isinstance(stmt, ast.While):
        out.add(ind, f"while {code(stmt.test)}:", line)
        block(stmt.body, ind + 1)
        orelse(stmt.orelse)
    elif isinstance(stmt, ast.For):
        out.add(ind, f"for {code(stmt.target)} in {code(stmt.iter)}:", line)
        block(stmt.body, ind + 1)
        orelse(stmt.orelse)
    elif isinstance(stmt, ast.With):
        items = [code(item.context_expr) + (f" as {code(item.optional_vars)}" if item.optional_vars else "")
                 for item in stmt.items]
        out.add(ind, f"with {', '.join(items)}:", line)
        block(stmt.body, ind + 1)
    elif isinstance(stmt, ast.Try):
        out.add(ind, "try:", line)
        block(stmt.body, ind + 1)
        for handler in stmt.handlers:
            head = "except" + (f" {code(handler.type)}" if handler.type else "")
            out.add(ind, head + (f" as {handler.name}:" if handler.name else ":"), handler.lineno)
            block(handler.body, ind + 1)
        orelse(stmt.orelse)
        orelse(stmt.finalbody, "finally")
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        out.add(ind, "pass", line)  # (a docstring or a constant: nothing to run)
    else:
        out.add(ind, simple(stmt), line)
