"""Benchmark kernels for autocy, one module per kernel, written as plain Python.

Each module is self-contained (standard library, and NumPy for ``arrays``), so that it can be
loaded from its file alone. ``benchmarks/run.py`` times them; ``workload.py`` beside this
package is the profiling workload.
"""
