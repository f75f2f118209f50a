"""The whole job on real input: sample_project built with build isolation into a platform wheel,
installed into a fresh venv, and its own tests run against the compiled install; a
single-module (``py-modules``) project profiled and built through the CLI."""

from __future__ import annotations

import shutil
import sys
import zipfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

from conftest import REPO, SAMPLE, autocy_env, run

EXT = EXTENSION_SUFFIXES[0]


def test_sample_wheel_is_a_platform_wheel_with_compiled_hot_modules(sample_build):
    name, version, _, tags = parse_wheel_filename(sample_build.wheel.name)
    assert name == "autocy-sample"
    (tag,) = tags
    assert tag.interpreter == f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert tag in set(sys_tags())
    members = set(zipfile.ZipFile(sample_build.wheel).namelist())
    for hot in ("julia", "textstats", "particles"):
        assert f"sample/{hot}{EXT}" in members
        assert f"sample/{hot}.py" in members  # the .py stays beside the extension
    for cold in ("cli", "config", "__init__"):
        assert f"sample/{cold}.py" in members
        assert f"sample/{cold}{EXT}" not in members
    assert "compiled sample.julia" in sample_build.log


def test_sample_build_specializes_the_julia_kernel(sample_build):
    assert "sample.julia.calculate_z_serial_purepython: specialized" in sample_build.log
    assert "did not compile" not in sample_build.log  # the specializations themselves compiled


def test_sample_tests_pass_against_the_compiled_install(sample_venv, tmp_path):
    probe = run([sample_venv, "-c", "import sample.julia as j, sample.cli as c; print(j.__file__); print(c.__file__)"],
                cwd=tmp_path).stdout.split()
    assert probe[0].endswith(EXT) and "site-packages" in probe[0]
    assert probe[1].endswith("cli.py")
    proc = run([sample_venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--runslow", SAMPLE / "tests"],
               cwd=tmp_path)
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_compiled_install_gives_the_reference_checksum(sample_venv, tmp_path):
    code = "from sample.julia import calc_pure_python; print(sum(calc_pure_python(1000, 300)))"
    assert run([sample_venv, "-c", code], cwd=tmp_path).stdout.strip() == "33219980"


def test_single_module_project_is_profiled_and_compiled(tmp_path):
    project = tmp_path / "single"
    shutil.copytree(REPO / "tests" / "projects" / "single_module", project)
    env = autocy_env()
    run([sys.executable, "-m", "autocy", "profile", "work.py"], cwd=project, env=env)
    report = run([sys.executable, "-m", "autocy", "report"], cwd=project, env=env).stdout
    assert "fastmath:mean_square: specialized" in report
    wheel = Path(run([sys.executable, "-m", "autocy", "build", "--outdir", "dist"], cwd=project,
                     env=env).stdout.strip().splitlines()[-1])
    members = set(zipfile.ZipFile(wheel).namelist())
    assert f"fastmath{EXT}" in members and "fastmath.py" in members
    target = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", target, wheel])
    code = ("import fastmath; print(fastmath.__file__); "
            "print(fastmath.mean_square([1.0, 2.0, 4.0]), fastmath.mean_square([1, 2]))")
    out = run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target)}).stdout.split()
    assert out[0].endswith(EXT)
    assert out[1:] == ["7.0", "2.5"]


def test_a_specialization_cython_rejects_falls_back_to_plain_compilation(tmp_path, monkeypatch):
    import autocy.annotate
    from autocy.pipeline import build_wheel

    project = tmp_path / "single"
    shutil.copytree(REPO / "tests" / "projects" / "single_module", project)
    run([sys.executable, "-m", "autocy", "profile", "work.py"], cwd=project, env=autocy_env())
    # an annotator bug: the generated section is not valid Cython
    monkeypatch.setattr(autocy.annotate, "PRELUDE", autocy.annotate.PRELUDE + "\nthis is not python\n")
    log: list[str] = []
    name = build_wheel(project, tmp_path / "dist", {"jobs": "1"}, None, log=log.append)
    text = "\n".join(log)
    assert "the specialized source did not compile" in text and "an autocy bug" in text
    assert "compiled fastmath" in text
    assert f"fastmath{EXT}" in zipfile.ZipFile(tmp_path / "dist" / name).namelist()


def test_a_module_cython_rejects_either_way_ships_as_python_and_blames_no_specialization(tmp_path):
    from autocy.pipeline import build_wheel

    project = tmp_path / "single"
    shutil.copytree(REPO / "tests" / "projects" / "single_module", project)
    run([sys.executable, "-m", "autocy", "profile", "work.py"], cwd=project, env=autocy_env())
    with open(project / "fastmath.py", "a", encoding="utf-8") as source:  # (mean_square stays fresh)
        source.write("\n\ndef unassigned():\n    return later\n    later = 1\n")
    log: list[str] = []
    name = build_wheel(project, tmp_path / "dist", {"jobs": "1"}, None, log=log.append)
    text = "\n".join(log)
    assert "fastmath.mean_square: specialized" in text
    assert "fastmath: it does not compile without specializations either" in text
    assert "fastmath stays pure Python: cython: " in text and "later" in text
    assert "did not compile" not in text and "autocy bug" not in text
    assert "fastmath.py" in zipfile.ZipFile(tmp_path / "dist" / name).namelist()


def test_profiling_the_sample_test_suite_selects_the_benchmark_hot_modules(tmp_path):
    # issue 4: a profile of the test suite is small and picks the hot modules bench.py picks
    env = autocy_env()
    project = tmp_path / "sample"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("build", "*.so"))
    # (-W: autocy, imported before pytest loads its plugin, must not make pytest warn that it
    # cannot rewrite it, which a project's filterwarnings = ["error"] turned into a failed run)
    run([sys.executable, "-m", "autocy", "profile", "-o", "tests.json", "-m", "pytest", "-q",
         "-p", "no:cacheprovider", "-W", "error::pytest.PytestAssertRewriteWarning", "tests"],
        cwd=project, env=env, timeout=600)
    run([sys.executable, "-m", "autocy", "profile", "-o", "bench.json", "bench.py", "--width", "200"],
        cwd=project, env=env, timeout=600)
    hot = {}
    for name in ("tests.json", "bench.json"):
        (project / "pyproject.toml").write_text((SAMPLE / "pyproject.toml").read_text().replace(
            'profile = "autocy-profile.json"', f'profile = "{name}"'))
        report = run([sys.executable, "-m", "autocy", "report"], cwd=project, env=env).stdout
        modules = report.split("\nmodules:\n")[1].split("\n\n")[0]
        hot[name] = {line.split()[0]: float(line.split()[1].rstrip("%")) for line in modules.splitlines()
                     if " hot: " in line}
    kernels = {"sample.julia", "sample.textstats", "sample.particles"}
    assert set(hot["bench.json"]) == kernels
    # the test suite's profile finds the same kernels; the CLI's argument parser, which the tests
    # build three times, is a sampled 4-5% of its self time, on either side of the 5% threshold
    assert set(hot["tests.json"]) - {"sample.cli"} == kernels, hot
    assert hot["tests.json"].get("sample.cli", 0.0) < 8.0, hot
    assert (project / "tests.json").stat().st_size < 200_000  # kilobytes, not megabytes
