import os
import subprocess
import sys

import pytest

import sample
from sample.cli import main


def test_julia(capsys):
    assert main(["julia", "--width", "100", "--iterations", "50"]) == 0
    assert capsys.readouterr().out == "julia width=100 iterations=50 checksum=78990\n"


def test_text(capsys):
    assert main(["text", "--words", "5000", "--n", "2", "--top", "2", "--seed", "7"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "text words=5000 n=2 tokens=5000 distinct=4484"
    assert out[1].split() == ["4", "piquor", "né"]
    assert out[2].split() == ["4", "zu", "lotin"]


def test_particles(capsys):
    assert main(["particles", "--n", "50", "--steps", "200", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("particles n=50 steps=200 dt=0.1 energy=629.46")


def test_config_file(tmp_path, capsys):
    path = tmp_path / "cfg.json"
    path.write_text('{"julia_width": 100, "julia_iterations": 50}', encoding="utf-8")
    assert main(["--config", str(path), "julia"]) == 0
    assert "checksum=78990" in capsys.readouterr().out


def test_bad_config_file(tmp_path, capsys):
    path = tmp_path / "cfg.json"
    path.write_text('{"julia_width": "x"}', encoding="utf-8")
    assert main(["--config", str(path), "julia"]) == 2
    assert "whole number" in capsys.readouterr().err


def test_bad_argument_value(capsys):
    assert main(["text", "--words", "10", "--n", "0"]) == 2
    assert "--n must be >= 1" in capsys.readouterr().err


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert sample.__version__ in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    # run from an empty directory, with the directory holding the ``sample`` under test on
    # the path, so the child imports the same package as this process
    env = dict(os.environ)
    holder = os.path.dirname(os.path.dirname(os.path.abspath(sample.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([holder] + [part for part in
                                         env.get("PYTHONPATH", "").split(os.pathsep) if part])
    result = subprocess.run([sys.executable, "-m", "sample.cli", "julia", "--width", "100",
                             "--iterations", "50"], capture_output=True, text=True, check=True,
                            cwd=tmp_path, env=env)
    assert result.stdout == "julia width=100 iterations=50 checksum=78990\n"
