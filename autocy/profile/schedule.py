"""When the hook's sampling windows open and close: a decaying duty cycle.

A window is a span of wall time in which every call of every project function is counted and
type-sampled (see :mod:`autocy.profile.hook`). The first window opens when profiling starts
and stays open while new project functions keep appearing: it closes once none has appeared
for :attr:`Schedule.first_window` seconds, or after :attr:`Schedule.first_window_max`. So a
short workload (a small script, a program's start-up) is seen whole even where the hook is off
between windows (3.10/3.11), and a loop that only repeats known functions leaves it soon.
Each later window lasts :attr:`Schedule.window` seconds; the next one opens a *period* after the
previous one opened, and the period grows with the time profiled so far (a tenth of it, between
:attr:`Schedule.min_period` and :attr:`Schedule.max_period`). So the share of time spent in
windows starts near 4% and decays to under 1% on long runs, bounding the cost on 3.10/3.11
(where the hook is slow while a window is open, up to 10x on call-heavy code) and the number
of ``restart_events()`` on 3.12+. A short run still gets a window every 100 ms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """The window policy (all times in seconds).

    Attributes:
        first_window: the first window closes when no new project function appeared for
            this long...
        first_window_max: ...or when it has been open this long.
        window: length of each later window.
        min_period, max_period: bounds of the time from one window's opening to the next.
        growth: the period is this fraction of the time elapsed since profiling started.
        always_open: one window for the whole run (every call counted: exact call counts,
            at the hook's full cost; ``autocy profile --full``).
    """

    first_window: float = 0.05
    first_window_max: float = 0.25
    window: float = 0.002
    min_period: float = 0.1
    max_period: float = 1.0
    growth: float = 0.1
    always_open: bool = False

    def period(self, elapsed: float) -> float:
        """Seconds from a window's opening to the next one's, ``elapsed`` seconds into the run."""
        return min(max(self.min_period, self.growth * elapsed), self.max_period)


def window_time(windows: list[tuple[float, float]], since: float, until: float) -> float:
    """Seconds of ``[since, until]`` covered by the (disjoint) ``(open, close)`` windows."""
    return sum(max(0.0, min(close, until) - max(opened, since)) for opened, close in windows)
