"""autocy: profile-guided Cython compilation of pure-Python packages.

Public names: :data:`__version__`; the build backend is :mod:`autocy.build`, the command line
is :func:`autocy.cli.main`.
"""

__version__ = "0.1.0"
