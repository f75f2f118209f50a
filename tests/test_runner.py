"""The runner: parsing the workload, running it in-process like ``python``, exit codes, summary."""

from __future__ import annotations

import json
import os
import sys

import pytest

from autocy.errors import WorkloadError
from conftest import write

from autocy.profile import Workload, format_summary, parse_workload, profile_workload
from autocy.profiledata import FunctionProfile, ProfileData


pytestmark = pytest.mark.usefixtures("forget_project_modules")


PACKAGE = {
    "wlr/__init__.py": "",
    "wlr/kern.py": """
        def work(n):
            total = 0
            for i in range(n):
                total += i
            return total
    """,
}

# A script that reports what it saw of the interpreter state into a JSON file.
REPORTER = """
    import json, os, sys
    from wlr.kern import work

    def report():
        with open(os.environ["AUTOCY_TEST_REPORT"], "w") as handle:
            json.dump({"argv": sys.argv, "path0": sys.path[0], "name": __name__,
                       "result": work(10)}, handle)

    report()
"""


# ---------------------------------------------------------------- parse_workload


def test_parse_script(tmp_path):
    script = tmp_path / "bench.py"
    script.write_text("")
    assert parse_workload([str(script), "--x", "1"]) == Workload("script", str(script), ["--x", "1"])
    assert parse_workload(["--", str(script)]) == Workload("script", str(script), [])
    assert parse_workload(["python3", str(script), "-v"]) == Workload("script", str(script), ["-v"])


def test_parse_module():
    assert parse_workload(["-m", "sample.cli", "julia"]) == Workload("module", "sample.cli", ["julia"])
    assert parse_workload(["--", "-m", "pytest", "-q", "tests"]) == \
        Workload("module", "pytest", ["-q", "tests"])
    assert parse_workload(["-msample.cli", "a"]) == Workload("module", "sample.cli", ["a"])
    assert parse_workload(["python", "-m", "x"]) == Workload("module", "x", [])


@pytest.mark.parametrize("argv, words", [
    ([], "no workload"),
    (["--"], "no workload"),
    (["-m"], "-m needs a module"),
    (["-c", "print(1)"], "unsupported interpreter option"),
    (["no_such_script.py", "a"], "no such script: no_such_script.py"),
])
def test_parse_errors(argv, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkloadError) as info:
        parse_workload(argv)
    assert words in info.value.message
    assert info.value.hint


def test_parse_directory_needs_main(tmp_path):
    (tmp_path / "app").mkdir()
    with pytest.raises(WorkloadError, match="without a __main__.py"):
        parse_workload([str(tmp_path / "app")])
    (tmp_path / "app" / "__main__.py").write_text("")
    assert parse_workload([str(tmp_path / "app")]).kind == "script"


# ---------------------------------------------------------------- profile_workload


def test_script_runs_like_python(tmp_path, monkeypatch):
    # sys.path[0] is the script's directory: the package must be beside the script
    write(tmp_path, {**{f"scripts/{rel}": text for rel, text in PACKAGE.items()},
                     "scripts/bench.py": REPORTER})
    report = tmp_path / "report.json"
    monkeypatch.setenv("AUTOCY_TEST_REPORT", str(report))
    argv, path = list(sys.argv), list(sys.path)
    script = str(tmp_path / "scripts" / "bench.py")
    profile, code = profile_workload(Workload("script", script, ["--n", "3"]), tmp_path, full=True)
    assert code == 0
    seen = json.loads(report.read_text())
    assert seen == {"argv": [script, "--n", "3"], "path0": str((tmp_path / "scripts").resolve()),
                    "name": "__main__", "result": 45}
    assert (sys.argv, sys.path) == (argv, path)  # restored
    assert profile.runs == 1 and profile.wall_time > 0
    assert set(profile.functions) == {"wlr.kern:work", "scripts.bench:report"}
    assert profile.functions["wlr.kern:work"].calls == 1


def test_module_runs_like_python_dash_m(tmp_path, monkeypatch):
    write(tmp_path, {**PACKAGE, "wlr/cli.py": REPORTER})
    report = tmp_path / "report.json"
    monkeypatch.setenv("AUTOCY_TEST_REPORT", str(report))
    monkeypatch.chdir(tmp_path)
    profile, code = profile_workload(parse_workload(["-m", "wlr.cli", "julia"]), tmp_path, full=True)
    assert code == 0
    seen = json.loads(report.read_text())
    assert seen == {"argv": [str(tmp_path / "wlr" / "cli.py"), "julia"], "path0": os.getcwd(),
                    "name": "__main__", "result": 45}
    # a module run as __main__ is still named by its dotted name
    assert set(profile.functions) == {"wlr.kern:work", "wlr.cli:report"}


def test_package_with_dunder_main(tmp_path, monkeypatch):
    write(tmp_path, {**PACKAGE, "wlr/__main__.py": """
        from wlr.kern import work
        def main():
            return work(3)
        raise SystemExit(main())
    """})
    monkeypatch.chdir(tmp_path)
    profile, code = profile_workload(Workload("module", "wlr", []), tmp_path, full=True)
    assert code == 3
    assert profile.functions["wlr.__main__:main"].calls == 1


@pytest.mark.parametrize("name, words", [
    ("wlr_missing", "no module named 'wlr_missing'"),
    ("wlr.missing", "no module named 'wlr.missing'"),
    ("wlr", "package without a __main__"),
])
def test_missing_module_is_a_workload_error(tmp_path, monkeypatch, name, words):
    write(tmp_path, PACKAGE)
    monkeypatch.chdir(tmp_path)
    argv, path = list(sys.argv), list(sys.path)
    with pytest.raises(WorkloadError, match=words):
        profile_workload(Workload("module", name, []), tmp_path)
    assert (sys.argv, sys.path) == (argv, path)
    assert sys.gettrace() is None or "autocy" not in repr(sys.gettrace())


def test_missing_script_is_a_workload_error(tmp_path):
    with pytest.raises(WorkloadError, match="no such script"):
        profile_workload(Workload("script", str(tmp_path / "gone.py"), []), tmp_path)


@pytest.mark.parametrize("ending, expected, stderr", [
    ("raise SystemExit(3)", 3, ""),
    ("import sys; sys.exit()", 0, ""),
    ("import sys; sys.exit(0)", 0, ""),
    ("import sys; sys.exit('bad input')", 1, "bad input"),
    ("raise ValueError('boom')", 1, "ValueError: boom"),
    ("raise KeyboardInterrupt", 130, "KeyboardInterrupt"),
])
def test_exit_codes_keep_the_profile(tmp_path, capsys, ending, expected, stderr):
    write(tmp_path, {**PACKAGE, "main.py": f"""
        from wlr.kern import work
        work(5)
        {ending}
    """})
    profile, code = profile_workload(Workload("script", str(tmp_path / "main.py"), []), tmp_path,
                                    full=True)
    assert code == expected
    assert profile.functions["wlr.kern:work"].calls == 1
    err = "".join(line for line in capsys.readouterr().err.splitlines(keepends=True)
                  if not line.startswith("autocy: note:"))
    assert stderr in err
    if "ValueError" in stderr:
        assert err.startswith("Traceback (most recent call last):")
        assert "runpy" not in err and "autocy" not in err  # only the workload's frames
        assert 'main.py", line 4' in err


def test_non_daemon_threads_are_waited_for(tmp_path):
    write(tmp_path, {**PACKAGE, "main.py": """
        import threading, time
        from wlr.kern import work

        def late():
            end = time.thread_time() + 0.05
            while time.thread_time() < end:  # computes: the sampler charges CPU time
                pass
            work(2)

        threading.Thread(target=late).start()
    """})
    profile, code = profile_workload(Workload("script", str(tmp_path / "main.py"), []), tmp_path,
                                    full=True)
    assert code == 0
    assert profile.functions["wlr.kern:work"].calls == 1
    assert profile.functions["main:late"].total_time >= 0.04  # sampled: within a few looks


def test_pytest_as_the_workload(tmp_path, monkeypatch, capsys):
    write(tmp_path, {**PACKAGE, "tests/test_kern.py": """
        from wlr.kern import work

        def test_work():
            assert work(4) == 6
    """})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    workload = parse_workload(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"])
    profile, code = profile_workload(workload, tmp_path, full=True)
    assert code == 0, capsys.readouterr().out
    assert profile.functions["wlr.kern:work"].calls == 1
    # pytest imports tests/test_kern.py (no __init__.py) as the top-level module "test_kern"
    test = profile.functions["test_kern:test_work"]
    assert (test.calls, test.file) == (1, "tests/test_kern.py")


# ---------------------------------------------------------------- format_summary


def _fn(name: str, self_time: float, calls: int) -> FunctionProfile:
    return FunctionProfile(module="pkg.mod", qualname=name, file="pkg/mod.py", line=1,
                           source_hash="0" * 64, calls=calls, self_time=self_time,
                           total_time=self_time * 2)


def test_format_summary():
    profile = ProfileData(runs=1, wall_time=2.5, functions={
        fn.key: fn for fn in (_fn("cold", 0.25, 3), _fn("hot", 0.75, 1200), _fn("tiny", 0.0, 1))})
    text = format_summary(profile, top=2)
    lines = text.splitlines()
    assert "1 run" in lines[0] and "2.500 s" in lines[0] and "3 project functions" in lines[0]
    assert "self %" in lines[1] and "calls" in lines[1]
    assert lines[2].split() == ["75.0%", "0.7500", "1.5000", "1200", "pkg.mod:hot"]
    assert lines[3].split() == ["25.0%", "0.2500", "0.5000", "3", "pkg.mod:cold"]
    assert "1 more functions" in lines[4]
    assert len(lines) == 5


def test_format_summary_of_an_empty_profile():
    text = format_summary(ProfileData(runs=1, wall_time=0.1))
    assert "0 project functions" in text and "no function of the project" in text


def test_summary_of_a_real_run(tmp_path):
    write(tmp_path, {**PACKAGE, "main.py": "from wlr.kern import work\nwork(1000)\n"})
    profile, _ = profile_workload(Workload("script", str(tmp_path / "main.py"), []), tmp_path,
                                    full=True)
    assert "wlr.kern:work" in format_summary(profile)


# ---------------------------------------------------------------- CLI: merge, --lines, plugin


def _project(tmp_path):
    write(tmp_path, {**PACKAGE, "pyproject.toml": """
        [project]
        name = "wlr"
        version = "0"
    """, "main.py": "from wlr.kern import work\nfor _ in range(50):\n    work(20000)\n"})
    return tmp_path


def test_profile_merge_subcommand(tmp_path, monkeypatch, capsys):
    from autocy.cli import main
    from autocy.profiledata import load_profile, save_profile

    root = _project(tmp_path)
    monkeypatch.chdir(root)
    profile, _ = profile_workload(Workload("script", str(root / "main.py"), []), root, full=True)
    save_profile(profile, root / "a.json")
    save_profile(profile, root / "b.json")
    assert main(["profile", "merge", "a.json", "b.json", "-o", "out.json"]) == 0
    merged = load_profile(root / "out.json")
    assert merged.runs == 2
    assert merged.functions["wlr.kern:work"].calls == 2 * profile.functions["wlr.kern:work"].calls
    (root / "wlr" / "kern.py").write_text("def work(n):\n    return n\n")
    assert main(["profile", "merge", "a.json", "-o", "stale.json"]) == 0
    err = capsys.readouterr().err
    assert "stale: wlr.kern:work: work changed since it was profiled" in err
    assert main(["profile", "merge", "missing.json", "-o", "x.json"]) == 1
    assert "error: no profile file at missing.json" in capsys.readouterr().err


def test_profile_lines_second_pass_and_report(tmp_path, monkeypatch, capsys):
    from autocy.cli import main
    from autocy.profiledata import load_profile

    root = _project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["profile", "main.py"]) == 0
    before = load_profile(root / "autocy-profile.json").functions["wlr.kern:work"]
    assert main(["profile", "--lines=1", "main.py"]) == 0
    after = load_profile(root / "autocy-profile.json").functions["wlr.kern:work"]
    assert (after.calls, after.self_time, after.types) == (before.calls, before.self_time,
                                                         before.types)
    assert after.lines["5"]["hits"] == 50 * 20000  # total += i
    assert after.lines["5"]["time"] > 0
    capsys.readouterr()
    assert main(["report", "--lines"]) == 0
    out = capsys.readouterr().out
    assert "wlr.kern:work" in out and "total += i" in out and "1000000" in out


def test_pytest_plugin_option(tmp_path):
    import subprocess

    from autocy.profiledata import load_profile
    from conftest import REPO

    write(tmp_path, {**PACKAGE, "tests/test_kern.py": """
        import time
        from wlr.kern import work

        def test_work():
            end = time.perf_counter() + 0.3  # long enough for the sampler and the windows
            while time.perf_counter() < end:
                assert work(4000) == 7998000
    """})
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
           "autocy.profile.pytest_plugin", "--autocy-profile=prof.json", "tests"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "autocy: wrote" in proc.stdout
    profile = load_profile(tmp_path / "prof.json")
    assert "test_kern:test_work" in profile.functions
    assert profile.functions["wlr.kern:work"].types["n"]["int"]["max"] == 4000
    bad = subprocess.run(cmd[:-2] + ["--autocy-profile", "tests"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "--autocy-profile=PATH" in bad.stderr
