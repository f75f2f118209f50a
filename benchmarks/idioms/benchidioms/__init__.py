"""One-statement idioms whose compiled code autocy changes (see ``benchmarks/idioms.py``)."""
