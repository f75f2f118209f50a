"""Shared pytest setup. Deliberately does not touch ``sys.path``: the tests import whichever
``sample`` package is importable, the source tree or an installed (compiled) wheel."""

import importlib
import os

import pytest

HOT_MODULES = ("sample.julia", "sample.textstats", "sample.particles")


def pytest_report_header(config):
    """Say which ``sample`` is under test and which of its hot modules are compiled."""
    import sample

    lines = [f"sample {sample.__version__} from {os.path.dirname(sample.__file__)}"]
    for name in HOT_MODULES:
        module = importlib.import_module(name)
        kind = "pure" if module.__file__.endswith(".py") else "compiled"
        lines.append(f"  {name}: {kind} ({os.path.basename(module.__file__)})")
    return lines


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run the tests marked slow")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes seconds under pure CPython (run with --runslow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow under pure CPython: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
