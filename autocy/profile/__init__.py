"""Stage 1, profile: run a workload and record time and type feedback at a bounded cost.

How the parts fit (each module's docstring says why it is built the way it is):

- :mod:`~autocy.profile.runner` runs a script or ``-m module`` in this process;
  :mod:`~autocy.profile.pytest_plugin` profiles a pytest session (``--autocy-profile``).
- :mod:`~autocy.profile.session` is one profiling session: the tracer in this process plus
  the per-process files of child processes (:mod:`~autocy.profile.child`).
- :mod:`~autocy.profile.tracer` combines the hook (native ``_hook.pyx`` or its pure-Python
  twin :mod:`~autocy.profile.hook`: calls and types) with the sampler
  (:mod:`~autocy.profile.sampler`: time, sampling windows on the
  :mod:`~autocy.profile.schedule`).
- :mod:`~autocy.profile.registry`, :mod:`~autocy.profile.codeinfo` and
  :mod:`~autocy.profile.feedback`: which code is the project's, and type records.
- :mod:`~autocy.profile.lines`: line timings of the hot functions (line_profiler, second pass).

Public face (what the command line uses): :class:`Workload`, :func:`parse_workload`,
:func:`profile_workload`, :func:`format_summary` and :class:`Tracer`.
"""

from autocy.profile.runner import Workload, parse_workload, profile_workload
from autocy.profile.summary import format_summary
from autocy.profile.tracer import Tracer

__all__ = ["Tracer", "Workload", "format_summary", "parse_workload", "profile_workload"]
