"""Branch-free copies of innermost NumPy loops, which gcc vectorizes.

A C-only ``range()`` loop over float64 arrays checks every result that NumPy would report
(a non-finite result of a ``+ - *`` chain, ``_autocy_np_finite_f``) and deoptimizes right
there: a branch per check, and gcc vectorizes no loop with an exit inside. The five-point
stencil of the benchmark suite ran 4x slower than hand-typed Cython for it (0.0016 s against
0.0004 s, whose loop gcc turns into SSE2 pairs).

The emitter (``range_loop`` in :mod:`autocy.annotate.emit`) therefore runs such a loop in
chunks of at most :data:`CHUNK` iterations. Before a chunk it copies the array cells the chunk
will store into (one row piece per stored array: the last index is the loop variable plus a
constant, the others stay the same in the loop) and the typed locals the body assigns; the
chunk then runs a copy of the body without branches, each check OR-ing the exponent bits of
its value into an accumulator (:func:`fast_body`). When the accumulator says that a value was
not finite, the cells and locals get their copied values back and the checked loop runs from
the chunk's first iteration: it computes exactly what the chunk computed up to the failing
iteration, and deoptimizes there as before. A chunk that passes has computed exactly what the
checked loop would have (the same C operations on the same values, in the same order: gcc's
vectorization only runs independent iterations side by side), so nothing is redone.
"""

from __future__ import annotations

import ast
import re

from autocy.annotate.expressions import ExprTyper
from autocy.annotate.floatarrays import index_offset
from autocy.annotate.kinds import C_CONTIGUOUS, Kind

CHUNK = 256
"""Iterations per chunk: the cells a chunk stores are copied into a C array of this many
doubles on the stack, one per stored array (2 KiB each)."""

SAVED_KINDS = frozenset({Kind.DOUBLE, Kind.NPF64, Kind.CINT})
"""The kinds of typed locals a vectorized loop may assign: plain C values, copied before a
chunk and given back if it fails."""

_CHECK = "_autocy_np_finite_f("
_ALLOWED_CALLS = frozenset({"_autocy_np_finite_f", "_autocy_np_mulu_f"})
_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\(")
_FAILURE = ("if _autocy_take_failure():", re.compile(r"_ac_at = \d+"), "break")
_NO_BOUNDS = "with _autocy_cython.boundscheck(False), _autocy_cython.wraparound(False):"
_ASSIGNMENT = re.compile(r"[\w\[\], ()+-]+ = .+")
_GUARD = re.compile(r"\b_ac_g\d+\b")


Rows = list[tuple[str, list[ast.expr], int]]


def stored_rows(typer: ExprTyper, loop: ast.For) -> tuple[Rows, list[str]] | None:
    """What a chunk of a loop stores, or None when the loop may not be vectorized: the loop's
    body is assignments only, each to a typed local of a kind in :data:`SAVED_KINDS` or to an
    element of a C-contiguous float64 array whose last index is ``var + c`` (``var`` the loop
    variable) and whose other indices use neither ``var`` nor a name the body assigns; there
    is no ``else``. Returns ``(array, leading indices, c)`` per store, and the locals the body
    assigns (sorted): the cells and values a failed chunk gives back."""
    var = loop.target.id
    if loop.orelse or not loop.body:
        return None
    assigned = {t.id for s in loop.body if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}
    rows: Rows = []
    for stmt in loop.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            return None
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            if typer.of(target) not in SAVED_KINDS:
                return None
            continue
        index = typer.array_index(target) if isinstance(target, ast.Subscript) else None
        if index is None or typer.of(target.value) not in C_CONTIGUOUS:
            return None
        offset = index_offset(index[-1], var)
        leading = index[:-1]
        if offset is None or any(isinstance(n, ast.Name) and (n.id == var or n.id in assigned)
                                 for part in leading for n in ast.walk(part)):
            return None
        rows.append((target.value.id, leading, offset))
    return (rows, sorted(assigned)) if rows else None


def fast_body(lines: list[str], accumulator: str) -> tuple[list[str], set[str]] | None:
    """The branch-free copy of a checked loop body, or None when the body does more than it
    may (see the module docstring).

    Args:
        lines: the checked body as the emitter wrote it, indentation included: statements
            under ``with boundscheck(False), wraparound(False)`` only, each an assignment
            whose checks are ``_autocy_np_finite_f`` (and ``_autocy_np_mulu_f``, a product
            checked for underflow unless the hoisted guard says NumPy ignores it), followed by
            ``if _autocy_take_failure(): _ac_at = K; break``.
        accumulator: the C ``unsigned long long`` the checks OR their bits into.

    Returns:
        ``(lines, guards)``: the copy (the failure branches dropped, each finite check
        ``_autocy_np_finite_v(value, address(accumulator))``, each product a plain one), and
        the hoisted guards (``_ac_gN``) the body uses, all of which must hold for the copy to
        run (an underflow check is skipped only while NumPy ignores underflow).
    """
    out: list[str] = []
    guards: set[str] = set()
    outer = min((len(line) - len(line.lstrip()) for line in lines), default=0)
    k = 0
    while k < len(lines):
        text = lines[k].strip()
        if len(lines[k]) - len(text) == outer and text != _NO_BOUNDS:
            return None  # (a statement whose indices were not all checked before the loop)
        if text == _FAILURE[0]:
            follow = [line.strip() for line in lines[k + 1:k + 3]]
            if len(follow) != 2 or not _FAILURE[1].fullmatch(follow[0]) or follow[1] != _FAILURE[2]:
                return None
            k += 3
            continue
        if text != _NO_BOUNDS:
            if not _ASSIGNMENT.fullmatch(text) or "_ac_at" in text or "_ac_pt" in text:
                return None
            called = {name for name in _CALL.findall(text) if not name.startswith("_autocy_cython.")}
            if not called <= _ALLOWED_CALLS:
                return None
            guards.update(_GUARD.findall(text))
            line = _with_accumulator(lines[k], accumulator).replace("_autocy_np_mulu_f(", "_autocy_np_mulu_v(")
            out.append(line)
        else:
            out.append(lines[k])
        k += 1
    return out, guards


def _with_accumulator(line: str, accumulator: str) -> str:
    """``line`` with each ``_autocy_np_finite_f(x)`` written ``_autocy_np_finite_v(x,
    address(accumulator))`` (innermost calls first)."""
    while _CHECK in line:
        start = line.rindex(_CHECK)
        depth, end = 0, start + len(_CHECK) - 1
        for end in range(start + len(_CHECK) - 1, len(line)):
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            if depth == 0:
                break
        argument = line[start + len(_CHECK):end]
        line = (f"{line[:start]}_autocy_np_finite_v({argument}, _autocy_cython.address({accumulator}))"
                f"{line[end + 1:]}")
    return line
