"""Stage 4, compile: Cython translates each generated module to C, the C compiler builds it.

The engine is the one every Cython package uses: :func:`Cython.Compiler.Main.compile_single`
with :data:`SAFE_DIRECTIVES`, then setuptools' ``Extension`` + ``build_ext`` driven in-process,
so the interpreter's ``CC``/``CFLAGS``/``LDSHARED`` (and their environment overrides) apply.
Modules are built in parallel worker processes and cached by content hash: an unchanged module
is copied from ``<build_dir>/cache/<key>/`` without running Cython or the compiler. Before
the C compiler runs, the C file is adjusted: where Cython's semantics differ from CPython's,
they become CPython's (:mod:`autocy.exact_c`), tracebacks name the
user's functions and lines, every call of a ``def`` counts against the recursion limit
(:mod:`autocy.recursion`), and every attribute load, store and method call gets an inline
cache (:mod:`autocy.inline_caches`).

Layout under ``build_dir`` (every path is a function of the module name or the cache key)::

    cache/<key>/<leaf><EXT_SUFFIX>      the cached extension (+ its .c file and build log)
    cache/<key>/cython-error.txt        or Cython's rejection of that exact input
    work/<module name>/                 scratch space of the last build of a module
    lib/<package path>/<leaf><EXT_SUFFIX>  the result handed back in CompileResult.extension

A module that Cython or the compiler rejects is reported in its :class:`CompileResult`
(``error``), never raised: it stays pure Python.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import shutil
import symtable
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from autocy.exact_c import make_exact
from autocy.inline_caches import C_HELPERS as INLINE_CACHE_HELPERS
from autocy.inline_caches import add_inline_caches
from autocy.recursion import C_HELPERS as RECURSION_HELPERS
from autocy.recursion import add_recursion_checks

IMPLEMENTATION_VERSION = "28"
"""Bumped whenever this module changes what it produces; part of every cache key."""

SAFE_DIRECTIVES: dict[str, Any] = {
    "language_level": 3,
    "binding": True,
    "annotation_typing": False,
    "cdivision": False,
    "boundscheck": True,
    "wraparound": True,
    "overflowcheck": False,
    # Cython's default inference turns maybe-unbound locals into garbage instead of
    # UnboundLocalError, and types float locals as C doubles whose // and % differ from
    # CPython's (FINDINGS Q2/Q3); the annotator declares every C type it wants explicitly.
    "infer_types": False,
    "embedsignature": False,
    # no `__test__` dict: doctest finds a compiled module's functions itself, and ran each
    # example a second time through Cython's copy of the docstrings
    "autotestdict": False,
}
"""Cython compiler directives of every compiled module (the semantics-preserving baseline)."""

FP_FLAGS: tuple[str, ...] = ("-ffp-contract=off",)
"""Extra C flags for gcc/clang: no fused multiply-add, so float results equal CPython's."""

EXT_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
"""File-name suffix of extension modules for the running interpreter
(``.cpython-311-x86_64-linux-gnu.so``)."""

_UNIX_LIKE = ("unix", "mingw32", "cygwin")
_ENV_KEYS = ("CC", "CXX", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "AR", "ARFLAGS",
             "ARCHFLAGS", "MACOSX_DEPLOYMENT_TARGET", "_PYTHON_HOST_PLATFORM",
             "SETUPTOOLS_USE_DISTUTILS")
_MESSAGE_LINES = 3


@dataclass
class ModuleSource:
    """One generated module to compile.

    Attributes:
        name: dotted module name (``sample.julia``; a package's ``__init__`` is ``sample``).
        path: the generated ``.py`` in the build tree, at ``<gen_root>/<package path>.py``
            (``<gen_root>/sample/julia.py``, ``<gen_root>/sample/__init__.py``). A ``.pxd`` of
            the same stem beside it is used by Cython and is part of the cache key.
        line_map: generated line -> line in the user's original file (1-based); lines not in
            the map keep their number.
        user_lines: the first lines of ``path`` that hold the user's code (the rest, autocy's
            generated section), or None for all of them. A global name that nothing binds and
            no builtin has is a NameError when read, as in Python, only there: in autocy's
            own code it is a bug, and the module does not compile.
    """

    name: str
    path: Path
    line_map: dict[int, int] = field(default_factory=dict)
    user_lines: int | None = None


@dataclass
class CompileResult:
    """The outcome of compiling one module.

    Attributes:
        name: dotted module name, as in the :class:`ModuleSource`.
        extension: the built extension module (named ``<leaf><EXT_SUFFIX>``), or None on error.
        error: None on success, else ``"<tool>: <first meaningful lines of its message>"``
            with tool one of ``cython``, ``compiler``, ``autocy``.
        cached: True when the result came from the cache (nothing was run): a built extension,
            or Cython's earlier rejection of the identical input.
    """

    name: str
    extension: Path | None
    error: str | None
    cached: bool = False


# ---------------------------------------------------------------- toolchain


def _new_compiler() -> Any:
    """The C compiler object ``build_ext`` would use, customized from sysconfig and env."""
    import setuptools  # noqa: F401  (selects setuptools' distutils before the import below)
    from distutils.ccompiler import new_compiler
    from distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    return compiler


def _toolchain() -> dict[str, Any]:
    """Describe the C toolchain: what goes into the cache key and the extra compile flags.

    Returns:
        ``{"compiler_type", "compiler_so", "linker_so", "env", "extra_compile_args"}``; the
        command lists are empty for compilers that only know them after initializing (MSVC).
    """
    compiler = _new_compiler()
    unix_like = compiler.compiler_type in _UNIX_LIKE
    return {
        "compiler_type": compiler.compiler_type,
        "compiler_so": list(getattr(compiler, "compiler_so", None) or []),
        "linker_so": list(getattr(compiler, "linker_so", None) or []),
        "env": {key: os.environ[key] for key in _ENV_KEYS if key in os.environ},
        "extra_compile_args": list(FP_FLAGS) if unix_like else [],
    }


# ---------------------------------------------------------------- helpers


_REWRITERS = ("compile.py", "exact_c.py", "recursion.py", "inline_caches.py")
"""autocy's modules that rewrite the C Cython writes (files beside this one)."""


@functools.lru_cache(maxsize=1)
def rewriters_digest() -> str:
    """SHA-256 (hex) of the source of autocy's C rewrites (:data:`_REWRITERS`): part of every
    cache key, so a changed rewrite rebuilds a module even where :data:`IMPLEMENTATION_VERSION`
    was not bumped (an extension cached by the previous autocy shipped without a fix)."""
    digest = hashlib.sha256()
    for name in _REWRITERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _cache_key(source: ModuleSource, text: str, pxd: str | None, toolchain: dict[str, Any]) -> str:
    """SHA-256 (hex) of everything that determines the built extension."""
    import Cython

    material = {
        "implementation": IMPLEMENTATION_VERSION,
        "rewriters": rewriters_digest(),
        "inline_caches": INLINE_CACHE_HELPERS,
        "recursion": RECURSION_HELPERS,
        "name": source.name,
        "source": text,
        "pxd": pxd,
        "line_map": sorted((int(k), int(v)) for k, v in source.line_map.items()),
        "directives": SAFE_DIRECTIVES,
        "cython": Cython.__version__,
        "python": sys.version,
        "ext_suffix": EXT_SUFFIX,
        "toolchain": toolchain,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def _layout(source: ModuleSource) -> tuple[Path, Path, str]:
    """Where the generated file sits in its tree.

    Returns:
        ``(gen_root, relative source path, Cython module name)``; the module name ends in
        ``.__init__`` for a package, like ``cythonize`` names it. When the path does not follow
        the package layout of ``name``, the file's own directory is the root.
    """
    path = Path(source.path).resolve()
    parts = source.name.split(".")
    is_package = path.stem == "__init__"
    expected = Path(*parts, "__init__.py") if is_package else Path(*parts[:-1], parts[-1] + ".py")
    cython_name = source.name + ".__init__" if is_package else source.name
    if path.parts[-len(expected.parts):] == expected.parts:
        root = path.parents[len(expected.parts) - 1]
        return root, expected, cython_name
    return path.parent, Path(path.name), cython_name


def _package_path(source: ModuleSource) -> Path:
    """``sample/julia<EXT_SUFFIX>`` (``sample/__init__<EXT_SUFFIX>`` for a package)."""
    parts = source.name.split(".")
    if Path(source.path).stem == "__init__":
        return Path(*parts, "__init__" + EXT_SUFFIX)
    return Path(*parts[:-1], parts[-1] + EXT_SUFFIX)


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _captured_fds(sink: Path) -> Iterator[io.StringIO]:
    """Send everything written to fds 1/2 (compiler subprocesses) into ``sink`` and everything
    written to ``sys.stdout``/``sys.stderr`` into the yielded buffer, then restore both."""
    buffer = io.StringIO()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with open(sink, "wb") as handle:
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(handle.fileno(), 1)
            os.dup2(handle.fileno(), 2)
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield buffer
        finally:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(Exception):
                    stream.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?\s*(?P<rest>.*)$")


def _first_lines(text: str, pattern: str, line_map: dict[int, int] | None = None,
                 mapped_file: str | None = None) -> str:
    """The first few lines of ``text`` that match ``pattern``, warnings only when nothing else
    matches (else its last non-empty lines), joined with `` | ``; ``file:line:`` positions in
    ``mapped_file`` are mapped by ``line_map``."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    matching = [line for line in lines if re.search(pattern, line)]
    errors = [line for line in matching if not line.lower().startswith("warning")]
    chosen = (errors or matching)[:_MESSAGE_LINES]
    if not chosen:
        chosen = lines[-_MESSAGE_LINES:] or ["failed without a message"]
    if line_map is not None and mapped_file:
        def remap(line: str) -> str:
            match = _LOCATED.match(line)
            if not match or Path(match["file"]).as_posix() != mapped_file:
                return line
            number = int(match["line"])
            col = f":{match['col']}" if match["col"] else ""
            return f"{match['file']}:{line_map.get(number, number)}{col}: {match['rest']}"
        chosen = [remap(line) for line in chosen]
    return " | ".join(chosen)


_PYX_ERR = re.compile(r"__PYX_ERR\(0, (\d+), ")
_CODE_FIRST_LINE = re.compile(r"(__Pyx_PyCode_New_function_description descr = \{[^{}\n]*, )(\d+)(\};)")


def remap_c_lines(c_text: str, line_map: dict[int, int]) -> str:
    """Rewrite the Python line numbers of the main source file in Cython's C output.

    Args:
        c_text: the generated C file's text.
        line_map: generated line -> user's line (1-based); other lines keep their number.

    Returns:
        The text with every ``__PYX_ERR(0, N, `` replaced by ``__PYX_ERR(0, line_map[N], ``,
        so tracebacks from compiled code name the user's lines, and the first line of each
        code object (``f.__code__.co_firstlineno``) of a function in the generated section (a
        dispatcher, a closure of a specialization) mapped alike.
    """
    if not line_map:
        return c_text
    mapping = {int(k): int(v) for k, v in line_map.items()}

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"__PYX_ERR(0, {mapping.get(number, number)}, "

    def first_line(match: re.Match[str]) -> str:
        number = int(match.group(2))
        return f"{match.group(1)}{mapping.get(number, number)}{match.group(3)}"

    return _CODE_FIRST_LINE.sub(first_line, _PYX_ERR.sub(replace, c_text))


_SPEC_FRAME = re.compile(
    r'__Pyx_AddTraceback\("((?:[\w.]*?\.)?)_autocy_(?:spec|specd|speci|dispatch|resume)_(\w+)((?:\.\w+)*)"')


def user_frame_names(c_text: str) -> str:
    """Name traceback frames of generated specializations after the user's function:
    ``pkg.mod._autocy_spec_f`` becomes ``pkg.mod.f``, ``pkg.mod._autocy_spec_C_autocy_dot_m``
    becomes ``pkg.mod.C.m`` (see :mod:`autocy.annotate.emit`), and the frames of closures
    made there alike (``pkg.mod._autocy_spec_f.genexpr``: ``pkg.mod.f.genexpr``); a generator's
    body names its frame without the module (``_autocy_spec_f``: ``f``)."""
    return _SPEC_FRAME.sub(
        lambda m: f'__Pyx_AddTraceback("{m.group(1)}{m.group(2).replace("_autocy_dot_", ".")}{m.group(3)}"',
        c_text)


def _cythonize(source: ModuleSource, c_file: Path) -> str | None:
    """Translate ``source`` to ``c_file``; returns None, or the error line(s) for the result."""
    from Cython.Compiler import Options
    from Cython.Compiler.Main import CompilationOptions, compile_single

    root, rel, cython_name = _layout(source)
    options = CompilationOptions(compiler_directives=dict(SAFE_DIRECTIVES), language_level=3,
                                 output_file=str(c_file), include_path=[str(root)])
    buffer = io.StringIO()
    # A global name that no code binds and no builtin has (Python 2's `long` behind a version
    # test) is a NameError when it is read, as in Python, not a compile error. (Cython's
    # global option, restored after: a project's own Cython build may run in this process.)
    unknown_names_are_errors, Options.error_on_unknown_names = Options.error_on_unknown_names, False
    try:
        # cwd = the generated tree's root, so the file name Cython embeds for tracebacks is
        # the package-relative one (``sample/julia.py``), which linecache finds on sys.path.
        with _chdir(root), contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            result = compile_single(str(rel), options, cython_name)
    except Exception as exc:  # Cython's internal errors: report, never crash the build
        return f"cython: internal error: {type(exc).__name__}: {exc}"
    finally:
        Options.error_on_unknown_names = unknown_names_are_errors
    if result.num_errors or not c_file.is_file():
        return "cython: " + _first_lines(buffer.getvalue(), r":\d+:\d+: ", source.line_map,
                                         rel.as_posix())
    return _unknown_name_problem(buffer.getvalue(), source, rel)


_UNKNOWN_NAME = re.compile(
    r"(?P<file>[^\s:][^:\n]*):(?P<line>\d+):(?P<col>\d+): undeclared name not builtin: (?P<name>\w+)")


def _unknown_name_problem(messages: str, source: ModuleSource, rel: Path) -> str | None:
    """The error for a name Cython found no binding of (its warnings in ``messages``) that
    Python would not look up as a global either, else None: one in autocy's generated code (a
    bug), or one a function or class of the user's code binds (Cython drops an assignment it
    cannot reach, and then read the name as a global: NameError where Python raises
    UnboundLocalError). A global that nothing binds (Python 2's ``long``) stays one."""
    user_text = None
    for found in _UNKNOWN_NAME.finditer(messages):
        line = int(found["line"])
        where = f"{found['file']}:{source.line_map.get(line, line)}:{found['col']}"
        if Path(found["file"]).as_posix() != rel.as_posix() or (
                source.user_lines is not None and line > source.user_lines):
            return f"cython: {where}: undeclared name not builtin: {found['name']} (in the code autocy generated)"
        if user_text is None:
            lines = importlib.util.decode_source(source.path.read_bytes()).split("\n")  # (its coding cookie)
            user_text = "\n".join(lines if source.user_lines is None else lines[:source.user_lines])
        if found["name"] in _scope_bindings(symtable.symtable(user_text, str(rel), "exec")):
            return f"cython: {where}: local variable {found['name']!r} is read where no assignment reaches it"
    return None


def _scope_bindings(table: symtable.SymbolTable) -> set[str]:
    """The names that some function or class scope inside ``table`` binds."""
    names: set[str] = set()
    for child in table.get_children():
        names.update(symbol.get_name() for symbol in child.get_symbols() if symbol.is_local())
        names |= _scope_bindings(child)
    return names


def _build_extension(ext_name: str, c_file: Path, work: Path,
                     extra_compile_args: list[str]) -> tuple[Path | None, str]:
    """Compile and link ``c_file`` as extension ``ext_name`` with setuptools' ``build_ext``.

    Returns:
        ``(path of the built extension or None, the compiler's combined output)``.
    """
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension(ext_name, [str(c_file)], extra_compile_args=list(extra_compile_args))
    dist = Distribution({"name": "autocy-module", "ext_modules": [extension],
                         "script_name": "setup.py", "script_args": []})
    command = build_ext(dist)
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.inplace = False
    log = work / "compiler.log"
    failure = None
    with _captured_fds(log) as buffer:
        try:
            command.ensure_finalized()
            command.run()
        except (Exception, SystemExit) as exc:  # distutils errors, a missing compiler, ...
            failure = f"{type(exc).__name__}: {exc}"
    output = buffer.getvalue() + log.read_text(encoding="utf-8", errors="replace")
    if failure:
        return None, output + "\n" + failure
    built = Path(command.get_ext_fullpath(ext_name))
    if not built.is_file():
        return None, output + "\nthe compiler produced no extension file"
    return built, output


def _copy_atomic(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o755)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _compile_one(source: ModuleSource, build_dir: Path, toolchain: dict[str, Any]) -> CompileResult:
    """Build (or fetch from the cache) one module; errors go into the result."""
    path = Path(source.path)
    try:
        text = path.read_bytes().decode("latin-1")  # any encoding: the key hashes the bytes
    except OSError as exc:
        return CompileResult(source.name, None, f"autocy: cannot read {path}: {exc}")
    pxd_path = path.with_suffix(".pxd")
    pxd = pxd_path.read_text(encoding="utf-8") if pxd_path.is_file() else None
    key = _cache_key(source, text, pxd, toolchain)
    package_path = _package_path(source)
    entry = build_dir / "cache" / key
    cached = entry / package_path.name
    output = build_dir / "lib" / package_path
    if cached.is_file():
        _copy_atomic(cached, output)
        return CompileResult(source.name, output, None, cached=True)
    rejected = entry / "cython-error.txt"
    if rejected.is_file():  # Cython's verdict depends only on what the key covers
        return CompileResult(source.name, None, rejected.read_text(encoding="utf-8"), cached=True)

    work = build_dir / "work" / source.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    c_file = work / (path.stem + ".c")
    error = _cythonize(source, c_file)
    if error:
        if not error.startswith("cython: internal error"):
            _publish(entry, {rejected.name: error.encode("utf-8")})
        return CompileResult(source.name, None, error)
    c_text = user_frame_names(make_exact(c_file.read_text(encoding="utf-8")))
    c_text = add_inline_caches(add_recursion_checks(c_text))
    c_file.write_text(remap_c_lines(c_text, source.line_map), encoding="utf-8")
    _, _, cython_name = _layout(source)
    built, log = _build_extension(cython_name, c_file, work, toolchain["extra_compile_args"])
    (work / "build.log").write_text(log, encoding="utf-8")
    if built is None:
        return CompileResult(source.name, None,
                             "compiler: " + _first_lines(log, r"(?i)\berror\b|not found|No such file"))

    _publish(entry, {package_path.name: built.read_bytes(), c_file.name: c_file.read_bytes(),
                     "build.log": log.encode("utf-8")})
    _copy_atomic(built, output)
    return CompileResult(source.name, output, None, cached=False)


def _publish(entry: Path, files: dict[str, bytes]) -> None:
    """Create the cache entry directory ``entry`` with ``files`` atomically (a staging directory
    renamed into place); if another process published it first, keep theirs."""
    staging = Path(tempfile.mkdtemp(prefix=entry.name[:16] + ".", dir=entry.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.replace(staging, entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _compile_task(args: tuple[ModuleSource, Path, dict[str, Any]]) -> CompileResult:
    source = args[0]
    try:
        return _compile_one(*args)
    except Exception as exc:  # an autocy bug or a full disk: this module stays pure
        return CompileResult(source.name, None, f"autocy: {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- public


def compile_modules(sources: list[ModuleSource], build_dir: Path, jobs: int) -> list[CompileResult]:
    """Cython-translate, compile and link every module, in parallel, with a content-hash cache.

    Args:
        sources: the generated modules (distinct names).
        build_dir: the compile stage's directory (created); see the module docstring for its
            layout. Extensions are returned at ``build_dir/lib/<package path>/<leaf><EXT_SUFFIX>``,
            so ``build_dir/lib`` can go on ``sys.path``.
        jobs: worker processes (>= 1); 1 (or a single module) compiles in this process.

    Returns:
        One :class:`CompileResult` per source, in the order of ``sources``. A module that
        Cython or the compiler rejects has ``extension=None`` and ``error`` set; the others
        are still built.

    Raises:
        ValueError: two sources have the same module name.
    """
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate module names in {names}")
    build_dir = Path(build_dir).resolve()
    (build_dir / "cache").mkdir(parents=True, exist_ok=True)
    toolchain = _toolchain()
    tasks = [(ModuleSource(s.name, Path(s.path).resolve(), dict(s.line_map), s.user_lines), build_dir, toolchain)
             for s in sources]
    workers = max(1, min(int(jobs), len(tasks)))
    if workers == 1:
        return [_compile_task(task) for task in tasks]
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_compile_task, task) for task in tasks]
        for task, future in zip(tasks, futures):
            try:
                results.append(future.result())
            except Exception as exc:  # the worker process died (e.g. killed by the OOM killer)
                results.append(CompileResult(task[0].name, None,
                                             f"autocy: worker failed: {type(exc).__name__}: {exc}"))
    return results


_PROBE_SOURCE = """\
#include <Python.h>
static struct PyModuleDef probe = {PyModuleDef_HEAD_INIT, "_autocy_probe", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__autocy_probe(void) { return PyModule_Create(&probe); }
"""
_probe_results: dict[str, str | None] = {}


def find_compiler_problem() -> str | None:
    """Check once per process (and per compiler configuration) that C extensions can be built.

    Compiles and links a trivial extension module in a temporary directory with the same
    machinery as :func:`compile_modules`.

    Returns:
        None when that works, else a one-line message saying what is missing, e.g.
        ``"no C compiler found (tried 'gcc'): install gcc or set CC"``.
    """
    try:
        toolchain = _toolchain()
    except Exception as exc:  # e.g. no compiler class for this platform
        return f"no C compiler available: {type(exc).__name__}: {exc}"
    key = json.dumps(toolchain, sort_keys=True)
    if key in _probe_results:
        return _probe_results[key]
    command = toolchain["compiler_so"][0] if toolchain["compiler_so"] else None
    if command is not None and shutil.which(command) is None:
        problem: str | None = f"no C compiler found (tried {command!r}): install gcc or set CC"
    else:
        with tempfile.TemporaryDirectory(prefix="autocy-probe-") as tmp:
            c_file = Path(tmp) / "_autocy_probe.c"
            c_file.write_text(_PROBE_SOURCE, encoding="utf-8")
            built, log = _build_extension("_autocy_probe", c_file, Path(tmp),
                                          toolchain["extra_compile_args"])
        problem = None
        if built is None:
            detail = _first_lines(log, r"(?i)\berror\b|not found|No such file")
            name = command or toolchain["compiler_type"]
            problem = f"the C compiler {name!r} cannot build Python extensions: {detail}"
            if "Python.h" in detail:
                problem += " (install the Python development headers, e.g. python3-dev)"
    _probe_results[key] = problem
    return problem
