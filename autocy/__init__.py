"""autocy: profile-guided Cython compilation of pure-Python packages.

Public names: :data:`__version__`; the build backend is :mod:`autocy.build`, the command line
is :func:`autocy.cli.main`.

PYTEST_DONT_REWRITE: ``autocy profile -m pytest`` imports autocy before pytest loads autocy's
pytest plugin (an entry point), so pytest cannot rewrite its asserts (it has none) and would
warn that it cannot, which a project's ``filterwarnings = ["error"]`` turns into a failed run.
"""

__version__ = "0.1.0"
