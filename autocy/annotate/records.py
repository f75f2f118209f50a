"""Temporary instances of record classes kept in C doubles (scalar replacement).

Vector code makes an instance for every intermediate value: in ``oc = ray.origin - center;
b = oc.dot(ray.direction); c = oc.dot(oc) - r * r`` CPython allocates ``oc`` (with its three
floats and attribute values), calls ``__sub__``, ``__init__`` and ``dot`` twice, and frees it
all again. Where nothing can observe the instance, its fields can live in C doubles instead and
the methods' bodies be computed in place: the ray tracer's ``Sphere.intersect`` ran 1.6x faster.

A *record class* (:func:`record_classes`) is a module-level class whose body holds only plain
``def``\\ s: an ``__init__(self, a, b, ...)`` that only stores each parameter in an attribute of
its own (its *fields*), *makers* whose body is ``return C(e1, e2, ...)`` and *value methods*
whose body is ``return e``, each ``e`` built from numbers, parameters, parameters' attributes,
``+ - * /`` and unary ``-``.

A *region* (:func:`find_region`) is a run of statements of one block: ``v = a <op> b`` or
``v = a.maker(...)`` making the only value ``v`` ever gets (an instance of a record class, says
the type feedback), then assignments of C-double locals computed from ``v``'s fields and value
methods called on ``v`` (or with ``v`` as an argument), reaching the last use of ``v`` in the
function. The region's fast path reads every attribute it needs without running any code
(inline-cache peeks that fail instead), computes in C doubles and assigns its locals only when
all of it worked; otherwise the statements run as usual, from the start, with nothing done
twice (a peek has no effect). It runs only while CPython would do the same: the operator or
maker call would reach the very method inlined (:func:`~autocy.annotate.runtime` helpers
``_autocy_binop_is``/``_autocy_method_is``), the global name of the class still names it, and
the class still makes its instances with ``object.__new__`` and that ``__init__``, has no
``__del__``, no data descriptor named like a field, and the value methods inlined
(``_autocy_record_ok``, checked once per version of the class). No Python code runs in the fast
path, so none of that can change inside it, and ``v`` itself is never made: nothing can see it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from autocy.annotate.kinds import Kind
from autocy.annotate.runtime import CY, EXACT_DOUBLE_BOUND

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
_DUNDERS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__"}


@dataclass(frozen=True)
class Method:
    """A maker or value method: its parameters (``self`` first) and the expressions it returns
    (one per field, in ``__init__``'s parameter order, for a maker; one for a value method)."""

    params: tuple[str, ...]
    results: tuple[ast.expr, ...]


@dataclass(frozen=True)
class Record:
    """A record class: ``fields`` in ``__init__``'s parameter order, its makers and value
    methods by name (see the module docstring)."""

    name: str
    fields: tuple[str, ...]
    makers: dict[str, Method] = field(default_factory=dict)
    values: dict[str, Method] = field(default_factory=dict)

    def checked_names(self) -> tuple[str, ...]:
        """The names ``_autocy_record_ok`` looks up on the class: fields, ``__init__`` and every
        method inlined."""
        return self.fields + ("__init__",) + tuple(sorted(self.makers)) + tuple(sorted(self.values))


def record_classes(tree: ast.Module) -> dict[str, Record]:
    """The record classes of a module (class name -> :class:`Record`): module-level classes
    bound once, with no decorators, bases other than ``object``, or keywords, whose body is a
    docstring and plain ``def``\\ s only, none of them taking over attribute access, creation or
    destruction, with a record ``__init__``."""
    counts: dict[str, int] = {}
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                counts[node.id] = counts.get(node.id, 0) + 1
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[stmt.name] = counts.get(stmt.name, 0) + 1
    found = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and counts.get(stmt.name) == 1:
            record = _record(stmt)
            if record is not None:
                found[stmt.name] = record
    return found


_TAKEN_OVER = {"__getattr__", "__getattribute__", "__setattr__", "__delattr__", "__new__", "__del__",
               "__init_subclass__", "__set_name__"}


def _body(function: ast.FunctionDef) -> list[ast.stmt]:
    """A function's statements after its docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _params(function: ast.FunctionDef) -> tuple[str, ...] | None:
    """The plain positional parameters of a method, or None (defaults, ``*args``, keywords)."""
    args = function.args
    if args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or args.defaults or not args.args:
        return None
    return tuple(a.arg for a in args.args)


def _record(cls: ast.ClassDef) -> Record | None:
    if cls.decorator_list or cls.keywords or any(not (isinstance(b, ast.Name) and b.id == "object")
                                                 for b in cls.bases):
        return None
    methods = {}
    for stmt in _body(cls):  # (a class body's docstring is skipped the same way)
        if not isinstance(stmt, ast.FunctionDef) or stmt.decorator_list or stmt.name in _TAKEN_OVER \
                or stmt.name in methods:
            return None
        methods[stmt.name] = stmt
    init = methods.get("__init__")
    params = _params(init) if init is not None else None
    if params is None:
        return None
    stored: dict[str, str] = {}
    for stmt in _body(init):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Attribute)
                and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == params[0]
                and isinstance(stmt.value, ast.Name) and stmt.value.id in params[1:]
                and stmt.value.id not in stored and stmt.targets[0].attr not in stored.values()):
            return None
        stored[stmt.value.id] = stmt.targets[0].attr
    if set(stored) != set(params[1:]):
        return None
    record = Record(cls.name, tuple(stored[p] for p in params[1:]))
    if set(record.fields) & set(methods):
        return None
    for name, function in methods.items():
        method = _method(function, cls.name, len(record.fields))
        if method is not None:
            (record.makers if len(method.results) > 1 or _makes(function, cls.name) else record.values)[name] = method
    return record


def _makes(function: ast.FunctionDef, cls: str) -> bool:
    value = _body(function)[0].value
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == cls


def _method(function: ast.FunctionDef, cls: str, fields: int) -> Method | None:
    """A maker or value method, or None."""
    params, body = _params(function), _body(function)
    if params is None or len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    value = body[0].value
    if _makes(function, cls):
        if value.keywords or len(value.args) != fields or not all(_inlinable(a, params) for a in value.args):
            return None
        return Method(params, tuple(value.args))
    if isinstance(value, ast.Name) or not _inlinable(value, params):
        return None
    return Method(params, (value,))


def _inlinable(node: ast.expr, params: tuple[str, ...]) -> bool:
    """An expression the fast path computes in C: numbers, parameters, their attributes,
    ``+ - * /`` and unary ``-``."""
    if isinstance(node, ast.Constant):
        return type(node.value) is float or (type(node.value) is int and abs(node.value) <= EXACT_DOUBLE_BOUND)
    if isinstance(node, ast.Name):
        return node.id in params
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in params
    if isinstance(node, ast.BinOp):
        return type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div) and _inlinable(node.left, params) \
            and _inlinable(node.right, params)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.USub) and _inlinable(node.operand, params)
    return False


# ------------------------------------------------------------------ regions


class Unfit(Exception):
    """An expression of a candidate region that the fast path cannot compute."""


@dataclass
class Region:
    """A region found by :func:`find_region`: statements ``start`` to ``end`` (included) of
    its block; ``guards`` (C conditions, in order), ``prelude`` (peeks into ``void *``
    temporaries, run first), ``fields`` (field temporary -> C double expression, the made
    instance's fields) and ``results`` (``(local, temporary, C double expression)`` per later
    statement), computed in that order."""

    start: int
    end: int
    record: Record
    guards: list[str] = field(default_factory=list)
    prelude: list[tuple[str, str]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[str, str, str]] = field(default_factory=list)


class RegionCompiler:
    """Compiles one candidate region's expressions into C code for the fast path.

    Args:
        kinds: the function's typed variables.
        records: the module's record classes.
        new_site: makes one more inline cache (``_autocy_attr_site(k)``).
        new_temp: makes a temporary of a C type (``void *`` or ``double``), returning its name.
        bound: the local names certainly bound where the region starts (parameters, names
            assigned before it in its block): the only ones read as objects (reading another
            could raise UnboundLocalError before an exception the statements raise first).
    """

    def __init__(self, kinds: dict[str, Kind], records: dict[str, Record], new_site, new_temp, bound: set[str]):
        self.kinds, self.records = kinds, records
        self.new_site, self.new_temp = new_site, new_temp
        self.bound = bound
        self.peeks: dict[tuple[str, str], str] = {}
        self.region: Region | None = None
        self.virtual: str | None = None
        self.virtual_fields: dict[str, str] = {}
        self.assigned: dict[str, str] = {}  # local -> temporary, for the region's earlier results

    # ---- operands

    def obj(self, node: ast.expr, env: dict) -> str:
        """An object operand: its code as a Python object."""
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            if bound is not None:
                if bound[0] != "object":
                    raise Unfit(node.id)
                return bound[1]
            if node.id == self.virtual or node.id in self.kinds or node.id in self.assigned \
                    or node.id not in self.bound:
                raise Unfit(node.id)
            return node.id
        if isinstance(node, ast.Attribute):
            base = self.obj(node.value, env)
            key = (base, node.attr)
            if key not in self.peeks:
                temp = self.new_temp(f"{CY}.p_void")
                self.peeks[key] = temp
                self.region.prelude.append((temp, f"_autocy_peek_of({self.new_site()}, {base}, {node.attr!r})"))
            return f"{CY}.cast(object, {self.peeks[key]})"
        raise Unfit(ast.dump(node))

    def is_virtual(self, name: str, env: dict) -> bool:
        """Whether ``name`` stands for the instance the region does not make."""
        return env[name][0] == "virtual" if name in env else name == self.virtual

    def binding(self, node: ast.expr, env: dict, as_object: bool) -> tuple:
        """What a method's parameter stands for: ``("virtual", "")`` (the instance not made),
        ``("object", code)`` (a parameter whose attributes the method reads) or ``("double",
        code, whether its value is a float)``."""
        if isinstance(node, ast.Name) and node.id in env:
            return env[node.id]
        if isinstance(node, ast.Name) and self.is_virtual(node.id, env):
            return ("virtual", "")
        return ("object", self.obj(node, env)) if as_object else ("double", *self.number(node, env))

    def bind(self, method: Method, args: list[ast.expr], env: dict) -> dict:
        """The environment of an inlined method's body for the arguments ``args``."""
        if len(args) != len(method.params) or any(isinstance(a, ast.Starred) for a in args):
            raise Unfit("arguments")
        bases = {n.value.id for result in method.results for n in ast.walk(result)
                 if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
        return {p: self.binding(a, env, p in bases) for p, a in zip(method.params, args)}

    def dbl(self, node: ast.expr, env: dict) -> str:
        """A C double expression for ``node``, whose Python value is a float (an int-valued
        one, ``Vec(1, 2, 3)``'s fields, would be boxed as a float where Python keeps an int)."""
        code, is_float = self.number(node, env)
        if not is_float:
            raise Unfit("an int")
        return code

    def number(self, node: ast.expr, env: dict) -> tuple[str, bool]:
        """A C double expression for ``node`` (flagging: a failed peek or check sets the
        failure flag), and whether its Python value is a float (else an int: constants, and
        arithmetic of ints is refused, whose exact result a double could round)."""
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
                and abs(node.value) <= EXACT_DOUBLE_BOUND:
            return repr(float(node.value)), type(node.value) is float
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            if bound is not None:
                if bound[0] != "double":
                    raise Unfit(node.id)
                return bound[1], bound[2]
            if node.id in self.assigned:
                return self.assigned[node.id], True
            if self.kinds.get(node.id) is Kind.DOUBLE:
                return node.id, True
            raise Unfit(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and self.is_virtual(node.value.id, env):
                if node.attr not in self.virtual_fields:
                    raise Unfit(node.attr)
                return self.virtual_fields[node.attr], True
            return f"_autocy_attr_d_f({self.new_site()}, {self.obj(node.value, env)}, {node.attr!r})", True
        if isinstance(node, ast.BinOp) and type(node.op) in (*_OPS, ast.Div):
            (left, left_float), (right, right_float) = self.number(node.left, env), self.number(node.right, env)
            if isinstance(node.op, ast.Div):
                return f"_autocy_fdiv_f({left}, {right})", True
            if not (left_float or right_float):
                raise Unfit("int arithmetic")
            return f"({left} {_OPS[type(node.op)]} {right})", True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand, is_float = self.number(node.operand, env)
            return f"(-{operand})", is_float
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords:
            return self.value_call(node, env)
        raise Unfit(ast.dump(node))

    def value_call(self, node: ast.Call, env: dict) -> tuple[str, bool]:
        """``r.m(args)`` for a value method ``m`` of the region's record class, inlined: on the
        made instance (checked with the class), or on an object whose lookup must find it."""
        record, name = self.region.record, node.func.attr
        method = record.values.get(name)
        if method is None:
            raise Unfit(name)
        inner = self.bind(method, [node.func.value, *node.args], env)
        receiver = inner[method.params[0]]
        if receiver[0] == "double":
            raise Unfit(name)
        code, is_float = self.number(method.results[0], inner)
        if receiver[0] == "object":
            same = f"_autocy_method_is({self.new_site()}, {receiver[1]}, {name!r}, _autocy_rec_{record.name}_{name}, 1)"
            code = f"({code} if {same} else _autocy_rebound_d_f())"
        return code, is_float


def made_local(stmt: ast.stmt, record_locals: dict[str, str]) -> str | None:
    """The local ``stmt`` assigns when it is ``v = ...`` for one of ``record_locals`` (a region
    may start there), else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and stmt.targets[0].id in record_locals:
        return stmt.targets[0].id
    return None


def find_region(stmts: list[ast.stmt], start: int, function: ast.FunctionDef, record_locals: dict[str, str],
                compiler: RegionCompiler) -> Region | None:
    """The region starting at ``stmts[start]`` (see the module docstring), compiled, or None.

    Args:
        stmts: a block of the function.
        start: the index of a candidate ``v = ...`` statement in it.
        function: the function (every use of ``v`` must be in the region).
        record_locals: untyped locals the type feedback saw holding one record class's
            instances only -> that class's name.
        compiler: a fresh :class:`RegionCompiler` for the function's emitter.
    """
    stmt = stmts[start]
    name = made_local(stmt, record_locals)
    record = compiler.records.get(record_locals.get(name, ""))
    if record is None:
        return None
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    loads = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or not loads:
        return None
    end = start
    inside = 0
    while inside < len(loads) and end + 1 < len(stmts):
        end += 1
        inside += sum(1 for n in ast.walk(stmts[end]) if isinstance(n, ast.Name) and n.id == name
                      and isinstance(n.ctx, ast.Load))
    if inside != len(loads):
        return None
    compiler.region, compiler.virtual = Region(start, end, record), name
    try:
        compiler.region.guards = _made(stmt.value, record, compiler)
        compiler.virtual_fields = {f: compiler.new_temp(f"{CY}.double") for f in record.fields}
        for field_name, code in zip(record.fields, _maker_fields(stmt.value, record, compiler)):
            compiler.region.fields.append((compiler.virtual_fields[field_name], code))
        for later in stmts[start + 1:end + 1]:
            if not (isinstance(later, ast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], ast.Name)
                    and compiler.kinds.get(later.targets[0].id) is Kind.DOUBLE and later.targets[0].id != name):
                return None
            code = compiler.dbl(later.value, {})
            temp = compiler.new_temp(f"{CY}.double")
            compiler.region.results.append((later.targets[0].id, temp, code))
            compiler.assigned[later.targets[0].id] = temp
    except Unfit:
        return None
    return compiler.region


def _made(value: ast.expr, record: Record, compiler: RegionCompiler) -> list[str]:
    """The guards of the making of the instance: the call reaches the maker inlined, the class
    is the one inlined and makes its instances as it did."""
    cls = record.name
    if isinstance(value, ast.BinOp) and _DUNDERS.get(type(value.op)) in record.makers:
        dunder = _DUNDERS[type(value.op)]
        left, right = compiler.obj(value.left, {}), compiler.obj(value.right, {})
        call = f"_autocy_binop_is({compiler.new_site()}, {left}, {right}, {dunder!r}, _autocy_rec_{cls}_{dunder})"
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in record.makers \
            and not value.keywords:
        receiver = compiler.obj(value.func.value, {})
        call = f"_autocy_method_is({compiler.new_site()}, {receiver}, {value.func.attr!r}, " \
               f"_autocy_rec_{cls}_{value.func.attr}, 1)"
    else:
        raise Unfit("not a maker")
    return [call, f"{cls} is _autocy_rec_{cls}",
            f"_autocy_record_ok({compiler.new_site()}, {cls}, _autocy_rec_{cls}_names, _autocy_rec_{cls}_expected)"]


def _maker_fields(value: ast.expr, record: Record, compiler: RegionCompiler) -> list[str]:
    """The C double expressions of the made instance's fields."""
    if isinstance(value, ast.BinOp):
        method = record.makers[_DUNDERS[type(value.op)]]
        args = [value.left, value.right]
    else:
        method = record.makers[value.func.attr]
        args = [value.func.value, *value.args]
    env = compiler.bind(method, args, {})
    if any(binding[0] == "virtual" for binding in env.values()):
        raise Unfit("a made instance made from itself")
    return [compiler.dbl(result, env) for result in method.results]


def capture_lines(records: dict[str, Record], used: set[str]) -> list[str]:
    """Module-level lines, after the dispatchers are in place, that keep what the fast paths
    compare with: the class, the objects its lookups find for the names checked, each method
    inlined. A method that is not the one of the class body any more (its ``__qualname__``
    differs) disables the record's fast paths."""
    lines = []
    for cls in sorted(used):
        record = records[cls]
        names = record.checked_names()
        methods = [n for n in names if n not in record.fields]
        lines.append(f"_autocy_rec_{cls}_names = {names!r}")
        lines.append(f"_autocy_rec_{cls}_expected = {tuple(None for _ in record.fields)!r} + "
                     f"tuple({cls}.__dict__.get(_ac_n) for _ac_n in {tuple(methods)!r})")
        for method in methods:
            lines.append(f"_autocy_rec_{cls}_{method} = {cls}.__dict__.get({method!r})")
        lines.append(f"_autocy_rec_{cls} = {cls} if all(getattr(_ac_f, '__qualname__', None) == "
                     f"{cls!r} + '.' + _ac_n for _ac_n, _ac_f in zip({tuple(methods)!r}, "
                     f"_autocy_rec_{cls}_expected[{len(record.fields)}:])) else None")
    return lines
