"""The runner: the workload, as ``python script.py args`` or ``python -m module args`` would run it.

The workload runs in this process (so the tracer sees it) through :mod:`runpy`, with
``sys.argv``, ``sys.path[0]`` and ``__name__ == "__main__"`` as the interpreter would set them;
``sys.argv`` and ``sys.path`` are restored afterwards. Its exit status is computed the way the
interpreter computes a process exit status.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import runpy
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from autocy.errors import WorkloadError
from autocy.profile.lines import LineTimer
from autocy.profile.session import ProfileSession
from autocy.profiledata import ProfileData

_PYTHON_WORD = re.compile(r"python(\d+(\.\d+)*)?(\.exe)?$")
_HOW = "give a script and its arguments (`autocy profile -- bench.py --n 10`) or a module " \
       "(`autocy profile -- -m mypkg.cli args`, `autocy profile -- -m pytest -q tests`)"
_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""


@dataclass
class Workload:
    """What to run under the profiler.

    Attributes:
        kind: ``"script"`` (run a file like ``python target args``) or ``"module"`` (run like
            ``python -m target args``).
        target: the script path (as given; relative to the current directory) or the dotted
            module name.
        args: the arguments after the script or module (``sys.argv[1:]`` of the workload).
    """

    kind: Literal["script", "module"]
    target: str
    args: list[str] = field(default_factory=list)


def parse_workload(argv: list[str]) -> Workload:
    """Turn the words after ``autocy profile`` into a :class:`Workload`.

    Accepted shapes (an optional leading ``"--"`` is dropped, and so is a leading
    ``python``/``python3.12`` word, as in ``autocy profile -- python bench.py``)::

        ["bench.py", "--x", "1"]          -> script bench.py, args ["--x", "1"]
        ["-m", "sample.cli", "julia"]     -> module sample.cli, args ["julia"]
        ["-msample.cli", "julia"]         -> the same
        ["-m", "pytest", "-q", "tests"]   -> module pytest, args ["-q", "tests"]

    Args:
        argv: the workload's words.

    Returns:
        The workload.

    Raises:
        WorkloadError: ``argv`` is empty, ``-m`` has no module name, another interpreter
            option is given, or the script file does not exist (a directory or zip file is
            accepted when it holds a ``__main__.py``, as for ``python``).
    """
    words = list(argv)
    if words and words[0] == "--":
        words = words[1:]
    if words and _PYTHON_WORD.match(os.path.basename(words[0])) and not os.path.isfile(words[0]):
        words = words[1:]
    if not words:
        raise WorkloadError("no workload given", _HOW)
    first = words[0]
    if first == "-m" or (first.startswith("-m") and len(first) > 2):
        module = first[2:] if len(first) > 2 else (words[1] if len(words) > 1 else "")
        rest = words[2:] if len(first) == 2 else words[1:]
        if not module or module.startswith("-"):
            raise WorkloadError("-m needs a module name", _HOW)
        return Workload("module", module, rest)
    if first.startswith("-"):
        raise WorkloadError(f"unsupported interpreter option {first!r} in the workload",
                            "autocy runs a script or `-m module` in its own interpreter; "
                            + _HOW)
    _check_script(first)
    return Workload("script", first, words[1:])


def _check_script(target: str) -> None:
    path = Path(target)
    if path.is_file():
        return
    if path.is_dir():
        if (path / "__main__.py").is_file():
            return
        raise WorkloadError(f"{target} is a directory without a __main__.py",
                            "give the script to run inside it, or -m with a module name")
    raise WorkloadError(f"no such script: {target}",
                        f"check the path (relative to {os.getcwd()}), or use -m for a module")


class _ModuleNotFound(Exception):
    """Raised inside the run when ``-m``'s module (or its ``__main__``) cannot be found."""


def _find_module(name: str) -> None:
    """Check that ``python -m name`` would find something to run; raise _ModuleNotFound if not.

    Importing the parent packages (what ``find_spec`` does) may run user code; its errors other
    than a missing module propagate as workload errors.
    """
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise _ModuleNotFound(f"no module named {exc.name!r}") from None
        raise
    except ValueError as exc:  # e.g. an empty name or a relative name
        raise _ModuleNotFound(f"invalid module name {name!r} ({exc})") from None
    if spec is None:
        raise _ModuleNotFound(f"no module named {name!r}")
    if spec.submodule_search_locations is not None:
        if importlib.util.find_spec(name + ".__main__") is None:
            raise _ModuleNotFound(f"{name!r} is a package without a __main__ module, "
                                  "so it cannot be run with -m")


def _exit_code(code: object) -> int:
    """The process exit status for ``SystemExit(code)``, printing a non-int code like Python."""
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    try:
        print(code, file=sys.stderr)
    except Exception:
        pass
    return 1


def _print_exception(exc: BaseException) -> None:
    """Print an uncaught workload exception like the interpreter does, without our frames."""
    ours = {"runpy", __name__}
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_globals.get("__name__") in ours:
        tb = tb.tb_next
    exc.__traceback__ = tb  # the default hook prints the exception's own traceback
    try:
        sys.excepthook(type(exc), exc, tb)
    except Exception:
        traceback.print_exception(type(exc), exc, tb)


def _join_new_threads(before: set[threading.Thread]) -> None:
    """Wait for the non-daemon threads the workload started, as interpreter shutdown does."""
    for thread in threading.enumerate():
        if thread not in before and not thread.daemon and thread is not threading.current_thread():
            thread.join()


def profile_workload(workload: Workload, project_dir: Path, full: bool = False,
                     hook: str = "auto", line_timer: LineTimer | None = None
                     ) -> tuple[ProfileData, int]:
    """Run ``workload`` in this process under the profiler and return its profile and exit code.

    The run behaves like ``python <script> <args>`` / ``python -m <module> <args>``:
    ``sys.argv`` is the script (or module file) followed by ``args``; ``sys.path[0]`` is the
    script's directory (symlinks resolved) or, for ``-m``, the current directory;
    ``__name__ == "__main__"``. Non-daemon threads the workload starts are waited for.
    ``sys.argv`` and ``sys.path`` are restored afterwards; modules it imported stay imported.
    Child processes of the same Python are profiled too and merged in
    (:mod:`autocy.profile.child`).

    Args:
        workload: what to run (see :func:`parse_workload`).
        project_dir: the project root; functions defined under it are recorded.
        full: count every call (exact counts, the hook's full cost); see :class:`Tracer`.
        hook: ``"auto"``, ``"native"`` or ``"python"`` (see :class:`Tracer`).
        line_timer: times the lines of its functions during the run (``--lines``).

    Returns:
        ``(profile, exit_code)``. ``profile.runs`` is 1, ``profile.wall_time`` the run's
        duration in seconds. ``exit_code`` follows the interpreter: 0 on normal completion or
        ``SystemExit(None/0)``, ``n`` for ``SystemExit(n)``, 1 for another ``SystemExit``
        value (printed to stderr) or an uncaught exception (traceback printed to stderr),
        130 on ``KeyboardInterrupt`` (what was recorded until then is kept).

    Raises:
        WorkloadError: the script or module cannot be found.
    """
    session = ProfileSession(Path(project_dir), full=full, hook=hook)
    if workload.kind == "module":
        path0 = os.getcwd()
        argv0 = workload.target
    elif workload.kind == "script":
        _check_script(workload.target)
        script = os.path.abspath(workload.target)
        path0 = script if os.path.isdir(script) else os.path.dirname(os.path.realpath(script))
        argv0 = workload.target
    else:
        raise WorkloadError(f"unknown workload kind {workload.kind!r}", _HOW)

    saved_argv, saved_path_list, saved_path = sys.argv, sys.path, list(sys.path)
    sys.argv = [argv0, *workload.args]
    if sys.path:
        sys.path[0] = path0
    else:
        sys.path.insert(0, path0)
    importlib.invalidate_caches()
    threads_before = set(threading.enumerate())
    exit_code = 0
    missing: str | None = None
    try:
        session.start()
        if line_timer is not None:
            line_timer.start()
        try:
            if workload.kind == "module":
                _find_module(workload.target)
                runpy.run_module(workload.target, run_name="__main__", alter_sys=True)
            else:
                runpy.run_path(workload.target, run_name="__main__")
        except _ModuleNotFound as exc:
            missing = str(exc)
        except SystemExit as exc:
            exit_code = _exit_code(exc.code)
        except KeyboardInterrupt:
            exit_code = _INTERRUPTED
        except BaseException as exc:  # noqa: BLE001 - the workload's own failure
            _print_exception(exc)
            exit_code = 1
        if exit_code != _INTERRUPTED:
            try:
                _join_new_threads(threads_before)
            except KeyboardInterrupt:
                exit_code = _INTERRUPTED
        if exit_code == _INTERRUPTED:
            print("KeyboardInterrupt", file=sys.stderr)
    finally:
        if line_timer is not None:
            line_timer.stop()
        profile = session.stop()
        sys.argv = saved_argv
        sys.path = saved_path_list
        sys.path[:] = saved_path
    if missing is not None:
        raise WorkloadError(f"cannot run -m {workload.target}: {missing}",
                            f"check the module name; it is looked up from {path0} and the "
                            "installed packages")
    return profile, exit_code
