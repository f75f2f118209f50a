"""The registry: which code objects are the project's, their records, and type recording.

The hook (native or twin) and the sampler share one :class:`Registry`. It classifies each code
object once (:class:`autocy.profile.codeinfo.CodeClassifier`), owns the per-code-object
records, records the types of a sampled activation (at most a bounded number of times per
function, so this stays in Python for both hooks), and logs internal errors once.

No frame or user value is referenced after a call returns: records hold type names and ints;
code objects and project classes are kept alive so that their ``id()`` keys stay unique.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from time import perf_counter
from types import CodeType
from typing import Any, Callable

from autocy.profile.codeinfo import CodeClassifier, CodeInfo
from autocy.profile.feedback import observe
from autocy.profiledata import RETURN

_UNSEEN = object()
NO_VALUE = object()
"""Passed as the returned value when an activation ended by an exception (no return value)."""


class Record:
    """Per-code-object counters of the pure-Python twin (the native hook has a C twin of it).

    Attributes:
        info: what the classifier found out about the code object.
        calls: calls counted by the hook (count).
        steady_calls: calls counted after the first :data:`~autocy.profile.feedback.FULL_CALLS`
            (these happen only inside sampling windows and are scaled up at the end).
        steady_since: clock (``time.perf_counter`` seconds) from which calls are scaled, or -1.
        windows: sampling windows in which steady calls were counted (count).
        last_window: the id of the last of them (0: none).
        inflight: ``id(frame)`` of the sampled activations that have not ended yet.
        exits: sampled activations whose end was recorded (count).
        types: ``{variable: {type name: record}}``.
        self_time, total_time: seconds attributed by the sampler.
        activations: distinct activations the sampler saw running (count).
        reads: locals read by the sampler from a running frame (count).
    """

    __slots__ = ("info", "calls", "steady_calls", "steady_since", "windows", "last_window",
                 "inflight", "exits", "types",
                 "self_time", "total_time", "activations", "reads")

    def __init__(self, info: CodeInfo):
        self.info = info
        self.calls = 0
        self.steady_calls = 0
        self.steady_since = -1.0
        self.windows = 0
        self.last_window = 0
        self.inflight: set[int] = set()
        self.exits = 0
        self.types: dict[str, dict[str, dict[str, Any]]] = {}
        self.self_time = 0.0
        self.total_time = 0.0
        self.activations = 0
        self.reads = 0


class Registry:
    """Code objects to records, for one profiling session.

    Args:
        project_dir: the project root (see :class:`~autocy.profile.codeinfo.CodeClassifier`).
        make_record: ``make_record(info)`` builds a record (the twin's :class:`Record` or the
            native hook's C class with the same attributes).
    """

    def __init__(self, project_dir: Path, make_record: Callable[[CodeInfo], Any] = Record):
        self.project_dir = Path(project_dir)
        self._classifier = CodeClassifier(self.project_dir)
        self._make_record = make_record
        self._records: dict[int, Any] = {}
        self._keepalive: list[Any] = []
        self._classes: dict[int, bool] = {}
        self._logged: set[str] = set()
        self.records: list[Any] = []
        """Every record made, in creation order."""
        self.last_new = 0.0
        """Clock (``perf_counter`` seconds) when the last record was made."""

    def record_for(self, code: CodeType, module_name: object) -> Any:
        """The record of ``code``, made on first sight; None when it is not a project function.

        Takes no lock (the hook may run in a child just forked while another thread of the
        parent held one): two threads classifying one code object at once both make a record
        and the first stored wins.

        Args:
            code: a code object that is running.
            module_name: its frame's ``f_globals.get("__name__")``.
        """
        key = id(code)
        record = self._records.get(key, _UNSEEN)
        if record is not _UNSEEN:
            return record
        self._keepalive.append(code)
        info = self._classifier.classify(code, module_name)
        made = None if info is None else self._make_record(info)
        record = self._records.setdefault(key, made)
        if record is made and made is not None:
            self.records.append(made)
            self.last_new = perf_counter()
        return record

    def forget(self, code: CodeType) -> None:
        """Stop recording ``code`` (after an internal error); its record stays in the results."""
        self._keepalive.append(code)
        self._records[id(code)] = None

    def is_project_class(self, cls: type) -> bool:
        """True when ``cls`` is defined in a module whose file is project code."""
        key = id(cls)
        known = self._classes.get(key)
        if known is None:
            module = sys.modules.get(cls.__dict__.get("__module__", ""))
            filename = getattr(module, "__file__", None) if module is not None else None
            known = isinstance(filename, str) and \
                self._classifier.source_file(os.fspath(filename)) is not None
            self._keepalive.append(cls)
            self._classes[key] = known
        return known

    def log(self, line: str) -> None:
        """Write one line to stderr, once per distinct line; never raises."""
        if line in self._logged:
            return
        self._logged.add(line)
        try:
            print(line, file=sys.stderr)
        except Exception:
            pass

    def failed(self, code: CodeType, exc: BaseException) -> None:
        """An internal error outside type recording: stop recording ``code``; log once."""
        try:
            record = self._records.get(id(code))
            where = record.info.key if record is not None else f"{code.co_filename}:{code.co_name}"
            self.forget(code)
            self.log(f"autocy: profiler error in {where}: {type(exc).__name__}: {exc}; "
                     "continuing without it")
        except Exception:  # even logging failed: stay silent rather than disturb the program
            pass

    def _types_failed(self, info: CodeInfo, exc: BaseException) -> None:
        info.types_disabled = True
        self.log(f"autocy: profiler error in {info.key}: {type(exc).__name__}: {exc}; "
                 "continuing without types for it")

    def enter(self, record: Any, local_vars: Any) -> None:
        """Record the parameter types of a sampled activation at its start.

        Args:
            record: the function's record.
            local_vars: the frame's ``f_locals`` (a mapping of names to values).
        """
        info = record.info
        if info.types_disabled:
            return
        try:
            types = record.types
            for name in info.params:
                value = local_vars.get(name, NO_VALUE)
                if value is not NO_VALUE:
                    observe(types, name, value, self.is_project_class, info.attr_names)
        except Exception as exc:
            self._types_failed(info, exc)

    def leave(self, record: Any, local_vars: Any, returned: Any) -> None:
        """Record the local (and return value) types of a sampled activation at its end.

        Args:
            record: the function's record.
            local_vars: the frame's ``f_locals``.
            returned: the return value, or :data:`NO_VALUE` when an exception ended it.
        """
        record.exits += 1
        self._observe_locals(record, local_vars, returned)

    def read_running(self, record: Any, local_vars: Any) -> None:
        """Record the types of a running frame's bound locals (the sampler's mid-call look).

        Args:
            record: the function's record.
            local_vars: the frame's ``f_locals``.
        """
        record.reads += 1
        self._observe_locals(record, local_vars, NO_VALUE)

    def _observe_locals(self, record: Any, local_vars: Any, returned: Any) -> None:
        info = record.info
        if info.types_disabled:
            return
        try:
            types = record.types
            for name in info.local_names:
                value = local_vars.get(name, NO_VALUE)
                if value is not NO_VALUE:
                    observe(types, name, value, self.is_project_class, info.attr_names)
            if returned is not NO_VALUE:
                observe(types, RETURN, returned, self.is_project_class, info.attr_names)
        except Exception as exc:
            self._types_failed(info, exc)
