"""Whether compiling a hot module is worth it: code made of attribute accesses and Python
calls does not get faster from Cython, and can get slower.

CPython 3.11+ specializes attribute loads and inlines calls between Python functions; Cython's
compiled code goes through the generic C API for both. Measured here: the sample's particle
simulation ran at 0.66x of CPython compiled (0.8x with plain ``cythonize``), a ray tracer at
0.8-0.9x, pyperformance's ``float`` at 0.9x. The typed operations of a specialization are what
make compiled code fast, so a module is compiled only when typed operations are a good part of
its profiled time: see :func:`object_share`.
"""

from __future__ import annotations

import ast

from autocy.annotate.expressions import ExprTyper, ModuleFacts
from autocy.annotate.kinds import CONTAINERS, Kind

OBJECT_BOUND = 0.75
"""A module whose time-weighted :func:`object_share` is above this stays ``.py`` (unless its
name matches ``include``): three quarters of its operations are ones compilation does not
speed up (the particle simulation of the sample: 98%; its text statistics: under 50%)."""

_OPERATIONS = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Subscript, ast.Call, ast.Attribute)


def object_share(node: ast.FunctionDef, typer: ExprTyper | None, facts: ModuleFacts) -> float:
    """The share (0..1) of a function's operations that stay Python-level object operations
    bound to the interpreter's attribute and call machinery.

    Args:
        node: the function's ``def``.
        typer: the expression typer of its specialization, or None when it is not specialized.
        facts: the module's name facts (attribute reads of imported modules, ``math.sqrt``,
            do not count).

    Returns:
        ``object / (object + typed)`` over its operation nodes: *object* counts attribute
        accesses on values and calls of anything but builtins and typed calls, *typed* counts
        operations with a C kind. 0.0 for a function without either.
    """
    objects = typed = 0
    for sub in ast.walk(node):
        if not isinstance(sub, _OPERATIONS):
            continue
        kind = typer.of(sub) if typer is not None else Kind.OBJECT
        if kind is not Kind.OBJECT and not isinstance(sub, ast.Attribute):
            typed += 1
        elif isinstance(sub, ast.Attribute):
            module_attribute = isinstance(sub.value, ast.Name) and sub.value.id in facts.bound \
                and not (typer is not None and sub.value.id in typer.locals)
            objects += not (module_attribute or _on_builtin(sub.value, typer))
        elif isinstance(sub, ast.Call):
            builtin = isinstance(sub.func, ast.Name) and sub.func.id not in facts.bound
            direct = typer is not None and typer.callee(sub) is not None
            method = isinstance(sub.func, ast.Attribute) and _on_builtin(sub.func.value, typer)
            objects += not (builtin or direct or method)
    return objects / (objects + typed) if objects + typed else 0.0


def _on_builtin(value: ast.expr, typer: ExprTyper | None) -> bool:
    """A value of an exact builtin container or str: Cython calls its methods (``append``,
    ``isalpha``, ``get``) through the C API, not through attribute lookup."""
    return typer is not None and typer.of(value) in CONTAINERS
