"""Stage 1, profile: run a workload in-process and record time and type feedback.

Public face (what the command line uses):

- :class:`Workload` and :func:`parse_workload`: what to run (script or ``-m module``).
- :func:`profile_workload`: run it under the tracer; returns the profile and the exit code.
- :func:`format_summary`: the hottest functions as a short text table.
- :class:`Tracer`: the tracer itself, for callers that run code their own way.
"""

from autocy.profile.runner import Workload, parse_workload, profile_workload
from autocy.profile.summary import format_summary
from autocy.profile.tracer import Tracer

__all__ = ["Tracer", "Workload", "format_summary", "parse_workload", "profile_workload"]
