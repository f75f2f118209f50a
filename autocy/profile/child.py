"""Profiles of child processes: a spool folder of per-process files, merged at the end.

Why this way: a workload's subprocesses and multiprocessing workers run code the parent never
sees. While :class:`ChildSpool` is active, it sets environment variables naming a spool folder
and the profiled interpreter, and puts a tiny bootstrap (``bootstrap/sitecustomize.py``) first on
``PYTHONPATH``. A child started with the same Python runs it, profiles itself with the same
settings, and writes ``<spool>/<pid>.json`` when it exits (at ``atexit``, or through
multiprocessing's finalizers for a worker, which leaves with ``os._exit``; a pool worker ended
by ``Pool.terminate()``, as ``with Pool()`` does on exit, is killed and writes nothing). Pythons of another
executable or version ignore it and run their own ``sitecustomize`` as before; nothing is
installed in any environment. A child forked without exec (multiprocessing's ``fork`` start
method) inherits the parent's hook: an ``os.register_at_fork`` handler drops the parent's
records in it and starts afresh. The parent merges the files into its profile
(:func:`autocy.profiledata.merge_profiles`), counting the children's functions but not their
runs or wall time.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
from pathlib import Path
from time import perf_counter
from typing import Any

from autocy.profiledata import ProfileData, load_profile, merge_profiles, save_profile

_BOOTSTRAP = str(Path(__file__).resolve().parent / "bootstrap")
_HOME = str(Path(__file__).resolve().parents[2])
_VARIABLES = ("AUTOCY_PROFILE_SPOOL", "AUTOCY_PROFILE_PYTHON", "AUTOCY_PROFILE_HOME",
              "AUTOCY_PROFILE_PROJECT", "AUTOCY_PROFILE_FULL", "AUTOCY_PROFILE_HOOK",
              "PYTHONPATH")


def interpreter_id() -> str:
    """``"<real path of sys.executable>|<major>.<minor>"``: which children profile themselves."""
    return f"{os.path.realpath(sys.executable)}|{sys.version_info[0]}.{sys.version_info[1]}"


class ChildSpool:
    """The parent's side: environment for children while active, then their merged profiles.

    Args:
        project_dir: the project root children record.
        full: children count every call (``--full``).
        hook: the hook choice children use (``"auto"``, ``"native"``, ``"python"``).
    """

    def __init__(self, project_dir: Path, full: bool, hook: str):
        self.project_dir = Path(project_dir)
        self.full = full
        self.hook = hook
        self.folder: Path | None = None
        self._saved: dict[str, str | None] = {}

    def start(self) -> None:
        """Make the spool folder and set the children's environment."""
        self.folder = Path(tempfile.mkdtemp(prefix="autocy-spool-"))
        self._saved = {name: os.environ.get(name) for name in _VARIABLES}
        path = os.environ.get("PYTHONPATH")
        os.environ.update({
            "AUTOCY_PROFILE_SPOOL": str(self.folder),
            "AUTOCY_PROFILE_PYTHON": interpreter_id(),
            "AUTOCY_PROFILE_HOME": _HOME,
            "AUTOCY_PROFILE_PROJECT": str(self.project_dir),
            "AUTOCY_PROFILE_FULL": "1" if self.full else "",
            "AUTOCY_PROFILE_HOOK": self.hook,
            "PYTHONPATH": os.pathsep.join(filter(None, [_BOOTSTRAP, path])),
        })

    def finish(self, profile: ProfileData) -> ProfileData:
        """Restore the environment and merge the children's files into ``profile``.

        Returns:
            ``profile`` with each child's functions added (runs and wall time unchanged).
        """
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.folder is None:
            return profile
        for path in sorted(self.folder.glob("*.json")):
            try:
                child = load_profile(path)
            except Exception as exc:  # a child killed while writing: skip its file
                print(f"autocy: skipped the profile of a child process ({exc})", file=sys.stderr)
                continue
            child.runs, child.wall_time = 0, 0.0
            profile = merge_profiles(profile, child)
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()
        self.folder = None
        return profile


class _ChildProfiler:
    """The child's side: one tracer for this process, written to the spool at exit."""

    def __init__(self) -> None:
        self.tracer: Any = None
        self.written = False
        self.pid = os.getpid()

    def start(self) -> None:
        from autocy.profile.tracer import Tracer

        env = os.environ
        self.tracer = Tracer(Path(env["AUTOCY_PROFILE_PROJECT"]),
                             full=env.get("AUTOCY_PROFILE_FULL") == "1",
                             hook=env.get("AUTOCY_PROFILE_HOOK") or "auto", quiet=True)
        self.started = perf_counter()
        self.pid = os.getpid()
        self.written = False
        self.tracer.start()
        atexit.register(self.write)
        util = sys.modules.get("multiprocessing.util")
        if util is not None:  # its workers leave with os._exit, after running finalizers
            self._add_finalizer()
            # a forked worker clears the finalizers, then runs the after-fork callbacks
            util.register_after_fork(self, _ChildProfiler._add_finalizer)

    def _add_finalizer(self) -> None:
        from multiprocessing.util import Finalize

        Finalize(None, self.write, exitpriority=100)

    def write(self) -> None:
        """Stop the tracer and write this process's profile; once per process."""
        if self.written or self.pid != os.getpid() or self.tracer is None:
            return
        self.written = True
        try:
            self.tracer.stop()
            profile = ProfileData(runs=1, wall_time=perf_counter() - self.started,
                                  functions=dict(sorted(self.tracer.functions().items())))
            spool = Path(os.environ["AUTOCY_PROFILE_SPOOL"])
            if spool.is_dir():
                save_profile(profile, spool / f"{os.getpid()}.json")
        except Exception as exc:
            print(f"autocy: the profile of child process {os.getpid()} was not written "
                  f"({type(exc).__name__}: {exc})", file=sys.stderr)


_PROFILER = _ChildProfiler()


def start_child() -> None:
    """Profile this child process (called by the bootstrap); idempotent."""
    if _PROFILER.tracer is None:
        _PROFILER.start()


def restart_after_fork(tracer: Any) -> None:
    """In a child forked from a profiled process: stop ``tracer`` and profile the child into
    the spool (when the spool environment is set)."""
    tracer.abandon()
    if os.environ.get("AUTOCY_PROFILE_SPOOL"):
        _PROFILER.tracer = None
        _PROFILER.start()
