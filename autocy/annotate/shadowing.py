"""Parameters named like a builtin that the generated code calls, renamed inside the specialization.

The typed code calls ``type()``, ``len()``, ``float()`` ... by their builtin names, so a
function with a local of such a name cannot be specialized as written. A *parameter* of that
name (mpmath's ``def mpf_gamma(x, prec, rnd='d', type=0)``) is renamed ``_ac_p_<name>`` in a
copy of the function that only the specialization and its object copy are made from:

- the dispatcher keeps the user's signature, so keyword calls and the ``TypeError`` of a bad
  call name the user's parameter; it hands the arguments on by position;
- every occurrence of the name in the body is renamed, including nested lambdas, generator
  expressions and comprehensions, and their own bindings of it: a parameter binds the name
  for the whole function, so each use refers to it or to a nested binding, renamed alike;
  defaults, annotations and decorators, which Python evaluates outside the function, keep
  the name;
- a parameter is always bound (a ``del`` of a variable is not specialized), so no
  ``UnboundLocalError`` can show the new name.

A local of such a name that is not a parameter still keeps the function unspecialized: an
error reading it before its assignment would name ``_ac_p_<name>``.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterable

PREFIX = "_ac_p_"
"""The prefix of a renamed parameter (within autocy's reserved ``_ac_`` names)."""


def rename_parameters(function: ast.FunctionDef, names: Iterable[str]) -> tuple[ast.FunctionDef, dict[str, str]]:
    """A copy of ``function`` with each parameter in ``names`` renamed ``_ac_p_<name>``.

    Args:
        function: a ``def`` (not changed).
        names: names of positional parameters of ``function``.

    Returns:
        ``(copy, renamed)``: the renamed copy (see the module docstring for what is renamed),
        and new name -> the user's name; ``function`` itself and ``{}`` when ``names`` is empty.
    """
    renames = {name: PREFIX + name for name in sorted(names)}
    if not renames:
        return function, {}
    function = copy.deepcopy(function)
    for arg in function.args.posonlyargs + function.args.args:
        arg.arg = renames.get(arg.arg, arg.arg)
    for stmt in function.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                node.id = renames.get(node.id, node.id)
            elif isinstance(node, ast.arg):  # (a nested lambda's parameter)
                node.arg = renames.get(node.arg, node.arg)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                node.name = renames.get(node.name, node.name)
    return function, {new: old for old, new in renames.items()}


def user_name(name: str, renamed: dict[str, str]) -> str:
    """The user's spelling of a variable or ``variable.attribute`` name of the specialization."""
    variable, dot, attribute = name.partition(".")
    return renamed.get(variable, variable) + dot + attribute
