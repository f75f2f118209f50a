"""Expressions of a module's text spelled anew, on the same lines.

The generated module keeps the user's text on its original lines (tracebacks and the profile's
line numbers point at the user's ``.py``). The passes that change the generic code itself
(:mod:`autocy.annotate.literals`, :mod:`autocy.annotate.comprehensions`) describe each change
as a :class:`Respelling`: the span of one expression, replaced by a template whose ``{}`` are
filled with the text of spans inside it. :func:`respell` applies them all at once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where a piece of a module's text lies, as ``ast`` gives positions: 1-based lines,
    0-based columns counted in UTF-8 bytes, the end exclusive."""

    lineno: int
    col: int
    end_lineno: int
    end_col: int

    @classmethod
    def of(cls, node: ast.expr | ast.keyword) -> Span:
        """The span of an expression (or keyword argument) node."""
        return cls(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


@dataclass(frozen=True)
class Respelling:
    """``span`` becomes ``template``, each ``{}`` of it filled with the text of one of
    ``operands`` (spans inside ``span``, in order, not overlapping)."""

    span: Span
    template: str
    operands: tuple[Span, ...]


def bound_names(tree: ast.Module, names: set[str] | frozenset[str]) -> set[str]:
    """Those of ``names`` that some scope of the module binds (defs, classes, stores,
    parameters, imports): for such a name, a call in the module might not call the builtin."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split(".")[0] for a in node.names)
    return found & set(names)


def respell(source: str, respellings: list[Respelling]) -> str:
    """``source`` with every respelling applied.

    A respelling may contain others (inner ones are applied first, so an outer one keeps its
    operands' new spelling); two never overlap partly. The text of a respelled span outside
    its operands (operators, parentheses, comments) is dropped, but its line breaks are kept
    where they were relative to the operands, right after the operand before them (or after
    the template's text before its first operand): templates put them inside their own
    brackets, where a line break needs no backslash. So every statement stays on its lines.
    A module that ends lines with a lone carriage return is left as it is.

    Args:
        source: a module's source text.
        respellings: the changes, found on ``ast.parse(source)``.

    Returns:
        The new text; the same object when there was nothing to change.
    """
    if not respellings or "\r" in source.replace("\r\n", ""):
        return source  # (a lone carriage return ends a line for ast, not for split("\n"))
    lines = [line.encode("utf-8") for line in source.split("\n")]
    starts = [0]  # the byte offset in the text where each line starts
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    text = b"\n".join(lines)
    edits: list[tuple[int, int]] = []  # (end offset in the source, growth) of each edit so far

    def offset(lineno: int, col: int) -> int:
        return starts[lineno - 1] + col

    def now(lineno: int, col: int) -> int:
        """Where byte ``col`` of line ``lineno`` of the source is after the edits so far."""
        at = offset(lineno, col)
        return at + sum(growth for end, growth in edits if end <= at)

    def size(respelling: Respelling) -> int:
        span = respelling.span
        return offset(span.end_lineno, span.end_col) - offset(span.lineno, span.col)

    for respelling in sorted(respellings, key=size):
        span = respelling.span
        start, end = now(span.lineno, span.col), now(span.end_lineno, span.end_col)
        spans = [(now(o.lineno, o.col), now(o.end_lineno, o.end_col)) for o in respelling.operands]
        bounds = [start] + [at for pair in spans for at in pair] + [end]
        gaps = [text[a:b].count(b"\n") for a, b in zip(bounds[::2], bounds[1::2])]
        pieces = respelling.template.split("{}")
        spelled = pieces[0].encode("utf-8") + b"\n" * gaps[0]
        for (a, b), gap, piece in zip(spans, gaps[1:], pieces[1:]):
            spelled += text[a:b] + b"\n" * gap + piece.encode("utf-8")
        text = text[:start] + spelled + text[end:]
        edits.append((offset(span.end_lineno, span.end_col), len(spelled) - (end - start)))
    return text.decode("utf-8")
