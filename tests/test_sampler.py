"""The sampler's reads of other threads' stacks: the native readers, and a workload whose
finalizers hand the GIL over while the sampler walks, which crashed the profiled program.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import autocy_env, write

from autocy.profile.tracer import load_native

NATIVE = load_native()

pytestmark = pytest.mark.skipif(NATIVE is None, reason="the native hook is not built (bash scripts/test.sh builds it)")


def test_the_native_readers_read_what_the_plain_ones_read():
    ready, done = threading.Event(), threading.Event()

    def waiting(marker):
        ready.set()
        done.wait(10)
        return marker

    thread = threading.Thread(target=waiting, args=("the marker",))
    thread.start()
    try:
        assert ready.wait(10)
        frames, cpu = NATIVE.current_frames()
        assert frames.keys() == sys._current_frames().keys()
        if sys.platform.startswith("linux"):  # each listed thread's CPU clock, this one's too
            assert cpu.keys() == frames.keys()
            assert 0 <= time.thread_time() - cpu[threading.get_ident()] < 0.05
            assert 0 <= cpu[thread.ident] < 5
        frame = frames[thread.ident]
        while frame is not None and frame.f_code.co_name != "waiting":
            frame = NATIVE.frame_back(frame)
        assert frame is not None and NATIVE.frame_locals(frame)["marker"] == "the marker"
        chain, plain = [], sys._getframe()
        native = sys._getframe()
        while plain is not None:
            chain.append((plain, native))
            plain, native = plain.f_back, NATIVE.frame_back(native)
        assert native is None and all(a is b for a, b in chain)
    finally:
        done.set()
        thread.join()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_native_readers_leave_the_collector_as_they_found_it(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        NATIVE.current_frames()
        NATIVE.frame_back(sys._getframe())
        NATIVE.frame_locals(sys._getframe())
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


FINALIZERS = """
    import gc


    class Junk:
        def __init__(self):
            self.me = self  # a cycle: only a collection frees it

        def __del__(self):  # Python code in a finalizer: the GIL can change hands in it
            total = 0
            for i in range(30000):
                total += i


    def deep(n):
        if n == 0:
            Junk()
            return 0
        return deep(n - 1) + 1


    gc.set_threshold(5)  # a collection at almost every allocation, the sampler's too
    for _ in range(3000):
        deep(200)
    print("finished")
"""


@pytest.mark.parametrize("run", range(3))
def test_finalizers_that_switch_threads_while_the_sampler_walks_do_not_crash_the_program(tmp_path, run):
    # The main thread pops frames while a finalizer, run by a collection the sampler's own
    # frame objects started, holds the GIL: before the native readers, 4 of 21 such runs
    # died with SIGSEGV in the sampler (what pyparsing's test suite hit on CPython 3.11)
    write(tmp_path, {"work.py": FINALIZERS})
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "autocy", "profile", "work.py"],
                            cwd=tmp_path, env=autocy_env(), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "finished" in result.stdout
    assert Path(tmp_path, "autocy-profile.json").is_file()


class _Frame:
    """A stand-in for a frame object: what the sampler reads of one."""

    def __init__(self, function, back=None):
        self.f_code = function.__code__
        self.f_globals = {"__name__": "work"}
        self.f_back = back
        self.f_lasti = 0


class _Stacks:
    """Stands for the native readers: the stacks of one thread, one look after another."""

    def __init__(self, looks):
        self._looks = iter(looks)

    def current_frames(self):
        return {1: next(self._looks)}, {}

    @staticmethod
    def frame_back(frame):
        return frame.f_back

    @staticmethod
    def frame_locals(frame):
        return {}


ACTIVATIONS = """
    def main():
        return helper()


    def helper():
        return 1


    def walker():
        yield 1
"""


def test_a_look_whose_walk_ends_early_does_not_count_a_running_call_again(tmp_path):
    # On CPython 3.11 a look taken while the hook's own Python code ran a generator saw only
    # that generator's frame, without its callers; the next look counted the running main
    # again, and `autocy profile -m` reported 2 calls of a main called once
    from autocy.profile.registry import Registry
    from autocy.profile.sampler import Sampler
    from autocy.profile.schedule import Schedule

    write(tmp_path, {"work.py": ACTIVATIONS})
    namespace: dict = {}
    exec(compile(Path(tmp_path, "work.py").read_text(), str(tmp_path / "work.py"), "exec"), namespace)
    main = _Frame(namespace["main"])
    helper = _Frame(namespace["helper"], back=main)
    truncated = _Frame(namespace["walker"])
    again = _Frame(namespace["main"])  # a second activation of main: a frame of its own
    registry = Registry(tmp_path)
    sampler = Sampler(registry, hook=None, schedule=Schedule(always_open=True), read_locals=False,
                      stacks=_Stacks([helper, truncated, helper, main, again]))
    for _ in range(5):
        sampler._sample(0.001, 0.001)
    counts = {record.info.qualname: record.activations for record in registry.records}
    assert counts == {"main": 2, "helper": 1, "walker": 1}
