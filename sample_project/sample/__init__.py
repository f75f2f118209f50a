"""autocy-sample: a small pure-Python package with hot kernels for autocy to compile.

Modules: ``sample.julia`` (Julia set over complex numbers), ``sample.textstats`` (tokens and
n-gram counts), ``sample.particles`` (a class-based particle simulation), plus the cold
``sample.config`` and ``sample.cli``. Nothing is imported here, so ``import sample`` is cheap.
"""

__version__ = "0.1.0"
