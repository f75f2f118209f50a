"""Which code objects are the project's functions, and what the profile calls them.

The tracer asks :class:`CodeClassifier` once per code object; the answer is either ``None``
(not project code: the stdlib, site-packages, a virtual environment, the build tree, code
without a source file, module-level code, lambdas, comprehensions) or a :class:`CodeInfo`
with the function's profile key, source line and hash, parameter and local names, and the
bytecode offsets that tell a real ``return`` from a ``yield`` or an exception unwinding.
"""

from __future__ import annotations

import ast
import dis
import inspect
import os
import site
import sys
import sysconfig
import threading
import tokenize
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

from autocy.profiledata import function_sources

_GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
_RETURN_OPS = frozenset(op for op in ("RETURN_VALUE", "RETURN_CONST") if op in dis.opmap)
_THIRD_PARTY_DIRS = frozenset({"site-packages", "dist-packages"})
_SKIPPED_TOP_DIRS = frozenset({"build", ".autocy", ".tox", ".nox", ".venv", ".git"})
"""Directories at the top of the project whose code is never the project's (build trees,
environments)."""

_PROFILER_DIR = os.path.dirname(os.path.realpath(__file__))


@dataclass(eq=False)
class CodeInfo:
    """What the tracer needs to know about one project function's code object.

    Attributes:
        key: ``"<module>:<qualname>"``, the function's key in the profile.
        module, qualname, file, line, source_hash: as in
            :class:`autocy.profiledata.FunctionProfile` (``file`` is a posix path relative
            to the project directory, ``line`` the line of the ``def``).
        params: parameter names in order (positional, keyword-only, ``*args``, ``**kwargs``).
        local_names: every name whose type is recorded at return: ``co_varnames`` plus the
            function's own cell variables (free variables of enclosing scopes excluded).
        is_generator: generator, coroutine or async generator code (its ``return`` trace
            events include suspensions).
        return_offsets: bytecode offsets (bytes) of ``RETURN_VALUE``/``RETURN_CONST``: a
            ``return`` event whose ``frame.f_lasti`` is one of them is a real return.
        suspend_offsets: offsets where a suspended generator frame's ``f_lasti`` may point
            (the ``YIELD_VALUE`` itself, the instruction after it, and on 3.10 the one before
            ``YIELD_FROM``).
        attr_names: the names the code uses (``co_names``, dunder names left out): the
            candidate attributes recorded for instances of project classes.
        types_disabled: set after an internal error while recording types for this code.
    """

    key: str
    module: str
    qualname: str
    file: str
    line: int
    source_hash: str
    params: tuple[str, ...]
    local_names: tuple[str, ...]
    is_generator: bool
    return_offsets: frozenset[int]
    suspend_offsets: frozenset[int] = field(default_factory=frozenset)
    attr_names: tuple[str, ...] = ()
    types_disabled: bool = False


@dataclass
class _SourceFile:
    relpath: str
    hashes: dict[str, tuple[str, int]]
    by_first_line: dict[tuple[int, str], str]


def _offsets(code: CodeType) -> tuple[frozenset[int], frozenset[int]]:
    returns: set[int] = set()
    suspends: set[int] = set()
    previous = None
    after_yield = False
    for instr in dis.get_instructions(code):
        if after_yield:
            suspends.add(instr.offset)
            after_yield = False
        if instr.opname in _RETURN_OPS:
            returns.add(instr.offset)
        elif instr.opname == "YIELD_VALUE":
            suspends.add(instr.offset)
            after_yield = True
        elif instr.opname == "YIELD_FROM":  # 3.10: f_lasti is left on the instruction before
            suspends.add(instr.offset)
            if previous is not None:
                suspends.add(previous.offset)
        previous = instr
    return frozenset(returns), frozenset(suspends)


def _param_names(code: CodeType) -> tuple[str, ...]:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS)
    count += bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return tuple(code.co_varnames[:count])


def _first_lines(source: str) -> dict[tuple[int, str], str]:
    """Map ``(co_firstlineno, co_name)`` to the qualname, for Pythons without ``co_qualname``."""
    result: dict[tuple[int, str], str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                result[(first, child.name)] = qualname
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return result


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


_CLASSIFIERS: weakref.WeakSet[CodeClassifier] = weakref.WeakSet()
"""Every classifier of this process, for the fork handlers below."""
_HELD_FOR_FORK: list[Any] = []
"""The parsing locks (``threading.RLock`` objects) taken by the fork handler below."""


def _hold_parsing_locks() -> None:
    """Before a fork: take every classifier's parsing lock, so that no other thread holds one.

    Why: a forked child has only the forking thread. A lock another thread held at the fork
    stays held in the child forever, and the child's first call of a function in a file not
    yet parsed would wait on it. The hook runs in the child before autocy's own after-fork
    handler can replace it (the ``random`` module's handler runs Python code first), so the
    lock must be free at the fork itself. It is reentrant, so the hook can still take it in
    the forking thread between this handler and the fork.
    """
    for classifier in list(_CLASSIFIERS):
        classifier._parsing.acquire()
        _HELD_FOR_FORK.append(classifier._parsing)


def _release_parsing_locks() -> None:
    """After a fork, in the parent and in the child: release what :func:`_hold_parsing_locks`
    took."""
    while _HELD_FOR_FORK:
        _HELD_FOR_FORK.pop().release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_hold_parsing_locks, after_in_parent=_release_parsing_locks,
                        after_in_child=_release_parsing_locks)


class CodeClassifier:
    """Decide, once per code object, whether it is a project function (see the module doc).

    Args:
        project_dir: the project root; a function is project code when its source file
            resolves to a path under it and not under an excluded directory.

    Files are parsed one at a time: the sampler thread and the hook can meet a new file at
    once, and ``ast.parse`` in two threads at once can fail on CPython 3.11 ("SystemError: AST
    constructor recursion depth mismatch"), which would lose that file's functions. A fork
    waits for a parse in another thread to end (see :func:`_hold_parsing_locks`).
    """

    def __init__(self, project_dir: Path):
        self.root = os.path.realpath(os.fspath(project_dir))
        self._files: dict[str, _SourceFile | None] = {}
        self._excluded = self._excluded_roots()
        self._parsing = threading.RLock()
        _CLASSIFIERS.add(self)

    def _excluded_roots(self) -> list[str]:
        candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                      _PROFILER_DIR}
        for name in ("stdlib", "platstdlib", "purelib", "platlib"):
            path = sysconfig.get_paths().get(name)
            if path:
                candidates.add(path)
        try:
            candidates.update(site.getsitepackages())
            candidates.add(site.getusersitepackages())
        except (AttributeError, OSError):  # some embedded/virtualenv site modules lack these
            pass
        roots = []
        for path in candidates:
            real = os.path.realpath(path)
            # An environment that *contains* the project (project inside a prefix) must not
            # exclude the whole project; only roots that are not its ancestors count.
            if not _is_within(self.root, real):
                roots.append(real)
        return roots

    def source_file(self, filename: str) -> _SourceFile | None:
        """The parsed project source behind a ``co_filename``, or None if it is not project code.

        Args:
            filename: a code object's ``co_filename`` (absolute or relative to the cwd).

        Returns:
            The file's path relative to the project (posix), its function hashes and first
            lines; None for ``<string>``-like names, files outside the project or under an
            excluded directory, unreadable files and files that do not parse.
        """
        if filename in self._files:
            return self._files[filename]
        with self._parsing:
            if filename not in self._files:  # (another thread may have parsed it meanwhile)
                result = None
                if filename and not filename.startswith("<"):
                    path = os.path.realpath(os.path.abspath(filename))
                    if self._is_project_path(path):
                        result = self._parse(path)
                self._files[filename] = result
            return self._files[filename]

    def _is_project_path(self, path: str) -> bool:
        if not _is_within(path, self.root) or path == self.root:
            return False
        if any(_is_within(path, root) for root in self._excluded):
            return False
        parts = Path(os.path.relpath(path, self.root)).parts
        if parts[0] in _SKIPPED_TOP_DIRS:
            return False
        return not any(part in _THIRD_PARTY_DIRS for part in parts)

    def _parse(self, path: str) -> _SourceFile | None:
        try:
            with tokenize.open(path) as handle:  # honours PEP 263 coding cookies
                source = handle.read()
            hashes = function_sources(source)
            by_first_line = _first_lines(source) if sys.version_info < (3, 11) else {}
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
            return None
        relpath = Path(os.path.relpath(path, self.root)).as_posix()
        return _SourceFile(relpath, hashes, by_first_line)

    def classify(self, code: CodeType, module_name: object) -> CodeInfo | None:
        """Describe ``code`` if it is a project function, else return None.

        Args:
            code: the code object of a frame being entered.
            module_name: that frame's ``f_globals.get("__name__")``; ``"__main__"`` (or a
                non-string) is replaced by the file's dotted path relative to the project,
                without ``.py``.

        Returns:
            A :class:`CodeInfo`, or None for code that is not a project function (module-level
            code, lambdas, comprehensions and functions the source does not define by that
            qualname are not functions of the profile).

        Raises:
            Nothing on purpose; an unexpected error propagates to the tracer, which logs it.
        """
        if not code.co_flags & inspect.CO_OPTIMIZED:  # module or class body code
            return None
        source = self.source_file(code.co_filename)
        if source is None:
            return None
        qualname = getattr(code, "co_qualname", None)
        if qualname is None:
            qualname = source.by_first_line.get((code.co_firstlineno, code.co_name))
        if qualname is None or qualname not in source.hashes:
            return None
        if not isinstance(module_name, str) or module_name == "__main__" or not module_name:
            dotted = source.relpath[:-3] if source.relpath.endswith(".py") else source.relpath
            module_name = dotted.replace("/", ".")
        source_hash, line = source.hashes[qualname]
        params = _param_names(code)
        own_cells = tuple(name for name in code.co_cellvars if name not in code.co_varnames)
        returns, suspends = _offsets(code)
        is_generator = bool(code.co_flags & _GENERATOR_FLAGS)
        return CodeInfo(key=f"{module_name}:{qualname}", module=module_name, qualname=qualname,
                        file=source.relpath, line=line, source_hash=source_hash, params=params,
                        local_names=tuple(code.co_varnames) + own_cells,
                        is_generator=is_generator, return_offsets=returns,
                        suspend_offsets=suspends if is_generator else frozenset(),
                        attr_names=tuple(n for n in code.co_names if not n.startswith("__")))
