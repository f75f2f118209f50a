"""A profiling session: the tracer in this process plus the spool of its child processes.

The runner (``autocy profile``) and the pytest plugin (``pytest --autocy-profile``) both use
:class:`ProfileSession`, so they record the same things the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from time import perf_counter

from autocy.profile.child import ChildSpool
from autocy.profile.tracer import Tracer
from autocy.profiledata import ProfileData, save_profile


class ProfileSession:
    """Profile this process and the same-Python children it starts.

    Args:
        project_dir: the project root.
        output: where :meth:`finish` writes the profile; None means the project's
            ``[tool.autocy] profile``.
        full: count every call (see :class:`~autocy.profile.tracer.Tracer`).
        hook: ``"auto"``, ``"native"`` or ``"python"``.

    Attributes:
        message: after :meth:`finish`, the line that says where the profile went.
    """

    def __init__(self, project_dir: Path, output: Path | None = None, full: bool = False,
                 hook: str = "auto"):
        self.project_dir = Path(project_dir)
        self.output = output
        self.tracer = Tracer(self.project_dir, full=full, hook=hook)
        self.children = ChildSpool(self.project_dir, full, hook)
        self.message = ""
        self._start = 0.0

    def start(self) -> None:
        """Start profiling (this process; children from now on)."""
        self.children.start()
        self._start = perf_counter()
        self.tracer.start()

    def stop(self) -> ProfileData:
        """Stop profiling; returns the profile (one run, wall time in seconds), children merged."""
        self.tracer.stop()
        wall_time = perf_counter() - self._start
        profile = ProfileData(runs=1, wall_time=wall_time,
                              functions=dict(sorted(self.tracer.functions().items())))
        return self.children.finish(profile)

    def finish(self) -> None:
        """Stop, and write the profile to ``output``; errors become :attr:`message`."""
        from autocy.errors import AutocyError
        from autocy.settings import load_settings

        profile = self.stop()
        try:
            output = self.output or self.project_dir / load_settings(self.project_dir).profile
            save_profile(profile, output)
        except (AutocyError, OSError) as exc:
            self.message = f"autocy: the profile was not written: {exc}"
            print(self.message, file=sys.stderr)
            return
        self.message = (f"autocy: wrote {output} ({len(profile.functions)} functions, "
                        f"{self.tracer.sampler.samples} samples)")
