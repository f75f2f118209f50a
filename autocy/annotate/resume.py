"""The way back from typed code: finishing a call on Python objects from where a guard failed.

When a guard inside a specialization fails (a list element is not a float, a checked
operation's result leaves 64 bits, ...), the specialization records where it stopped in
``_ac_at`` (a *resume point*), keeps the value that failed the guard in ``_ac_o``, and breaks
out of its typed code. It then boxes every typed variable into an object *shadow*
(``_ac_b_<name>``) and runs the *object copy*: the function's body once more, on Python
objects only, in which every statement before the resume point is skipped and the
statement at it completes the interrupted assignment (the *prefix*). Loops around a resume
point continue from the iteration they were in, from the state the typed loop kept
(its index and bound, or its iterator). Nothing the typed code already did is done again.

The object copy is one copy of the body for all resume points of a function (statements
are guarded by ``if _ac_at == 0``), so the generated code grows linearly with the function.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from autocy.annotate.aswritten import emit_written
from autocy.annotate.lines import Lines, membership


@dataclass
class Point:
    """A resume point: finish the call from ``index`` in the statement list ``block``.

    Attributes:
        number: the value of ``_ac_at`` that selects it (>= 1).
        block: ``id()`` of the AST statement list it is in.
        index: the statement of ``block`` that runs first (``len(block)``: none, the block ends).
        prefix: object-mode statements (user's names) run first: the rest of the interrupted
            assignment, e.g. ``x = _ac_o``.
        line: the user's line of the guard.
    """

    number: int
    block: int
    index: int
    prefix: list[str]
    line: int


@dataclass
class LoopResume:
    """How the object copy continues a ``for`` loop that a resume point is inside.

    Attributes:
        number: the loop's number (names ``_ac_it_<number>`` etc.).
        setup: object-mode lines (shadow names) that set ``_ac_it_<number>`` to an iterator
            over the items after the current one, from the typed loop's state.
    """

    number: int
    setup: list[str] = field(default_factory=list)


def shadow(name: str) -> str:
    """The object variable that holds typed variable ``name`` in the object copy."""
    return f"_ac_b_{name}"


class _Renamer(ast.NodeTransformer):
    def __init__(self, typed: set[str]):
        self.typed = typed

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.typed:
            return ast.copy_location(ast.Name(id=shadow(node.id), ctx=node.ctx), node)
        return node


def object_code(node: ast.AST, typed: set[str]) -> str:
    """``node`` as source, with typed variables replaced by their shadows."""
    return ast.unparse(_Renamer(typed).visit(copy.deepcopy(node)))


class ObjectCopy:
    """Emit the object copy of a function body for a set of resume points.

    Args:
        body: the function's statements.
        typed: the typed variable names (read and written as their shadows).
        points: every resume point of the specialization.
        loops: ``id(for loop) -> LoopResume`` for the loops a resume point is inside.
    """

    def __init__(self, body: list[ast.stmt], typed: set[str], points: list[Point],
                 loops: dict[int, LoopResume]):
        self.body = body
        self.typed = typed
        self.loops = loops
        self.at: dict[tuple[int, int], list[Point]] = {}
        for point in points:
            self.at.setdefault((point.block, point.index), []).append(point)
        self.inside: dict[int, list[int]] = {}
        self._collect(body)

    def _collect(self, block: list[ast.stmt]) -> list[int]:
        """Fill ``self.inside`` for ``block`` and every statement and block nested in it: the
        numbers of the resume points at any depth inside."""
        found = [p.number for (b, _), ps in self.at.items() if b == id(block) for p in ps]
        for stmt in block:
            inner: list[int] = []
            for sub in _sub_blocks(stmt):
                inner += self._collect(sub)
            self.inside[id(stmt)] = inner
            found += inner
        self.inside[id(block)] = found
        return found

    def code(self, node: ast.AST) -> str:
        return object_code(node, self.typed)

    # ------------------------------------------------------------ emission

    def emit(self, indent: int) -> Lines:
        """The object copy, indented ``indent`` levels."""
        out = Lines()
        self.block(self.body, indent, out)
        return out

    def block(self, stmts: list[ast.stmt], ind: int, out: Lines) -> None:
        if not self.inside.get(id(stmts)):
            self.plain_block(stmts, ind, out)
            return
        pending: list[ast.stmt] = []
        for index in range(len(stmts) + 1):
            here = self.at.get((id(stmts), index), [])
            if here or (index < len(stmts) and self.inside[id(stmts[index])]) or index == len(stmts):
                self.flush(pending, ind, out)
                pending = []
            for point in here:
                out.add(ind, f"if _ac_at == {point.number}:", point.line)
                for line in point.prefix:
                    out.add(ind + 1, line, point.line)
                out.add(ind + 1, "_ac_at = 0", point.line)
            if index == len(stmts):
                break
            stmt = stmts[index]
            if self.inside[id(stmt)]:
                self.resumable(stmt, ind, out)
            else:
                pending.append(stmt)

    def flush(self, stmts: list[ast.stmt], ind: int, out: Lines) -> None:
        if stmts:
            out.add(ind, "if _ac_at == 0:", stmts[0].lineno)
            self.plain_block(stmts, ind + 1, out)

    def resumable(self, stmt: ast.stmt, ind: int, out: Lines) -> None:
        """A compound statement with resume points inside."""
        line = stmt.lineno
        if isinstance(stmt, ast.If):
            body = membership("_ac_at", self.inside[id(stmt.body)])
            out.add(ind, f"if (_ac_at == 0 and ({self.code(stmt.test)})) or {body}:", line)
            self.block(stmt.body, ind + 1, out)
            if stmt.orelse:
                orelse = membership("_ac_at", self.inside[id(stmt.orelse)])
                out.add(ind, f"elif _ac_at == 0 or {orelse}:", stmt.orelse[0].lineno)
                self.block(stmt.orelse, ind + 1, out)
        elif isinstance(stmt, ast.While):
            body = membership("_ac_at", self.inside[id(stmt.body)])
            out.add(ind, f"while {body} or (_ac_at == 0 and ({self.code(stmt.test)})):", line)
            self.block(stmt.body, ind + 1, out)
            if stmt.orelse:
                orelse = membership("_ac_at", self.inside[id(stmt.orelse)])
                out.add(ind, "else:", stmt.orelse[0].lineno)
                out.add(ind + 1, f"if _ac_at == 0 or {orelse}:", stmt.orelse[0].lineno)
                self.block(stmt.orelse, ind + 2, out)
        elif isinstance(stmt, ast.For):
            self.resumable_for(stmt, ind, out)
        else:  # only compound statements hold blocks
            raise AssertionError(f"resume point inside {type(stmt).__name__}")

    def resumable_for(self, stmt: ast.For, ind: int, out: Lines) -> None:
        line = stmt.lineno
        body = membership("_ac_at", self.inside[id(stmt.body)])
        loop = self.loops.get(id(stmt))
        number = loop.number if loop else 0
        it, item, exhausted = f"_ac_it_{number}", f"_ac_item_{number}", f"_ac_exh_{number}"
        if loop is not None and self.inside[id(stmt.body)]:
            out.add(ind, f"if {body}:", line)
            for setup in loop.setup or ["pass"]:
                out.add(ind + 1, setup, line)
            out.add(ind, "elif _ac_at == 0:", line)
        else:
            out.add(ind, "if _ac_at == 0:", line)
        out.add(ind + 1, f"{it} = iter({self.code(stmt.iter)})", line)
        if stmt.orelse:
            out.add(ind, f"{exhausted} = 0", line)
        out.add(ind, f"while {body} or _ac_at == 0:", line)
        out.add(ind + 1, "if _ac_at == 0:", line)
        out.add(ind + 2, f"{item} = next({it}, _autocy_END)", line)
        out.add(ind + 2, f"if {item} is _autocy_END:", line)
        if stmt.orelse:
            out.add(ind + 3, f"{exhausted} = 1", line)
        out.add(ind + 3, "break", line)
        out.add(ind + 2, f"{self.code(stmt.target)} = {item}", line)
        self.block(stmt.body, ind + 1, out)
        if stmt.orelse:
            orelse = membership("_ac_at", self.inside[id(stmt.orelse)])
            out.add(ind, f"if {exhausted} or {orelse}:", stmt.orelse[0].lineno)
            self.block(stmt.orelse, ind + 1, out)

    # ------------------------------------------------------------ statements without points

    def plain_block(self, stmts: list[ast.stmt], ind: int, out: Lines) -> None:
        for stmt in stmts:
            emit_written(stmt, ind, out, self.code, self.code)
        if not stmts:
            out.add(ind, "pass", 0)


def _sub_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, (ast.If, ast.While, ast.For)):
        return [stmt.body, stmt.orelse]
    return []
