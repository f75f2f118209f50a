"""autocy.wheel: real pure wheels from tiny setuptools projects, a real compiled extension."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.utils import parse_wheel_filename
from wheel.wheelfile import WheelFile

from autocy.compile import ModuleSource, compile_modules
from autocy.errors import BuildError
from autocy.wheel import EXT_SUFFIX, add_extensions, interpreter_tag, platform_tag, wheel_modules

FAST = "def double(x):\n    return 2 * x\n"


def make_project(root: Path, name: str, files: dict[str, str], setuptools_table: str) -> Path:
    """A setuptools project ``name`` 0.1 in ``root/name`` with ``files`` (relative path -> text)."""
    project = root / name
    project.mkdir()
    (project / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "0.1"

        [tool.setuptools]
        {setuptools_table}
        """), encoding="utf-8")
    for relative, text in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project


def start_pure_wheel(project: Path, out: Path) -> subprocess.Popen:
    """Start ``setuptools.build_meta.build_wheel`` in a subprocess in ``project``."""
    out.mkdir(parents=True, exist_ok=True)
    code = "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))"
    return subprocess.Popen([sys.executable, "-c", code, str(out)], cwd=project, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish_pure_wheel(process: subprocess.Popen, out: Path) -> Path:
    """Wait for :func:`start_pure_wheel`; the built wheel's path."""
    stdout, stderr = process.communicate()
    assert process.returncode == 0, stderr
    return out / stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """A package project's and a single-module project's pure wheels, and a compiled module."""
    root = tmp_path_factory.mktemp("wheel")
    package = make_project(root, "tinypkg", {"tinypkg/__init__.py": "VERSION = 1\n",
                                             "tinypkg/fast.py": FAST,
                                             "tinypkg/sub/__init__.py": "",
                                             "tinypkg/sub/deep.py": "Y = 2\n"},
                           'packages = ["tinypkg", "tinypkg.sub"]')
    single = make_project(root, "single", {"single.py": "Z = 3\n"}, 'py-modules = ["single"]')
    builds = [start_pure_wheel(package, root / "dist"), start_pure_wheel(single, root / "dist1")]
    gen = root / "gen" / "tinypkg"
    gen.mkdir(parents=True)
    (gen / "fast.py").write_text(FAST, encoding="utf-8")
    [result] = compile_modules([ModuleSource("tinypkg.fast", gen / "fast.py", {})],
                               root / "build", jobs=1)
    assert result.error is None, result.error
    return {"root": root, "pure": finish_pure_wheel(builds[0], root / "dist"),
            "single": finish_pure_wheel(builds[1], root / "dist1"), "so": result.extension}


def test_tags_follow_the_interpreter():
    tag = interpreter_tag()
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    if sys.implementation.name == "cpython":
        assert tag.interpreter == f"cp{version}" and tag.abi.startswith(f"cp{version}")
    assert tag.platform == platform_tag()
    assert "-" not in tag.platform and "." not in tag.platform


def test_add_extensions_builds_a_platform_wheel(wheels, tmp_path):
    result = add_extensions(wheels["pure"], {"tinypkg.fast": wheels["so"]}, tmp_path / "out")
    name, version, build, tags = parse_wheel_filename(result.name)
    assert (name, str(version), build) == ("tinypkg", "0.1", ())
    assert tags == frozenset({interpreter_tag()})
    assert result.name == f"tinypkg-0.1-{interpreter_tag()}.whl"

    with zipfile.ZipFile(wheels["pure"]) as pure:
        original = set(pure.namelist())
    with WheelFile(result) as wheel:  # reading every member checks it against RECORD
        names = wheel.namelist()
        contents = {member: wheel.read(member) for member in names}
        record = wheel.read(wheel.record_path).decode()
        wheel_meta = wheel.read(f"{wheel.dist_info_path}/WHEEL").decode()
    assert names[:-1] == sorted(names[:-1], key=lambda n: (".dist-info/" in n, n))
    assert names[-1].endswith(".dist-info/RECORD")
    assert original | {f"tinypkg/fast{EXT_SUFFIX}"} == set(names)
    assert contents["tinypkg/fast.py"] == FAST.encode()       # the .py stays beside it
    assert contents[f"tinypkg/fast{EXT_SUFFIX}"] == wheels["so"].read_bytes()
    assert "Root-Is-Purelib: false" in wheel_meta
    assert f"Tag: {interpreter_tag()}" in wheel_meta and "py3-none-any" not in wheel_meta
    recorded = {line.split(",")[0] for line in record.splitlines()}
    assert recorded == set(names)

    unpacked = tmp_path / "site"
    with zipfile.ZipFile(result) as wheel:
        wheel.extractall(unpacked)
    check = ("import tinypkg.fast as m; assert m.__file__.endswith(%r), m.__file__; "
             "print(m.double(21))" % EXT_SUFFIX)
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(unpacked)}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"


def test_add_extensions_is_reproducible(wheels, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = add_extensions(wheels["pure"], {"tinypkg.fast": wheels["so"]}, tmp_path / "a")
    os.utime(wheels["so"], (1_500_000_000, 1_500_000_000))  # a rebuilt file: new mtime
    second = add_extensions(wheels["pure"], {"tinypkg.fast": wheels["so"]}, tmp_path / "b")
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as wheel:
        assert {info.date_time for info in wheel.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_no_extensions_copies_the_pure_wheel(wheels, tmp_path):
    result = add_extensions(wheels["pure"], {}, tmp_path)
    assert result.name == wheels["pure"].name
    assert result.read_bytes() == wheels["pure"].read_bytes()


def test_unknown_module_is_an_error(wheels, tmp_path):
    with pytest.raises(BuildError, match="tinypkg.missing"):
        add_extensions(wheels["pure"], {"tinypkg.missing": wheels["so"]}, tmp_path)


def test_not_a_wheel_is_an_error(tmp_path):
    bogus = tmp_path / "bogus-0.1-py3-none-any.whl"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(BuildError):
        wheel_modules(bogus, tmp_path / "x")


def test_wheel_modules_of_a_package(wheels, tmp_path):
    modules = wheel_modules(wheels["pure"], tmp_path)
    assert modules == {"tinypkg": tmp_path / "tinypkg" / "__init__.py",
                       "tinypkg.fast": tmp_path / "tinypkg" / "fast.py",
                       "tinypkg.sub": tmp_path / "tinypkg" / "sub" / "__init__.py",
                       "tinypkg.sub.deep": tmp_path / "tinypkg" / "sub" / "deep.py"}
    assert modules["tinypkg.fast"].read_text() == FAST
    assert not any(".dist-info" in str(path) for path in tmp_path.rglob("*"))


def test_wheel_modules_of_a_single_module_project(wheels, tmp_path):
    assert wheel_modules(wheels["single"], tmp_path) == {"single": tmp_path / "single.py"}


def test_single_module_extension_goes_to_the_top_level(wheels, tmp_path):
    result = add_extensions(wheels["single"], {"single": wheels["so"]}, tmp_path)
    assert parse_wheel_filename(result.name)[3] == frozenset({interpreter_tag()})
    with WheelFile(result) as wheel:
        assert {"single.py", f"single{EXT_SUFFIX}"} <= set(wheel.namelist())


def test_tag_is_a_packaging_tag():
    assert isinstance(interpreter_tag(), Tag)
