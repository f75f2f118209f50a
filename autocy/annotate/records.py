"""Temporary instances of record classes kept in C doubles (scalar replacement).

Vector code makes an instance for every intermediate value: in ``oc = ray.origin - center;
b = oc.dot(ray.direction); c = oc.dot(oc) - r * r`` CPython allocates ``oc`` (with its three
floats and attribute values), calls ``__sub__``, ``__init__`` and ``dot`` twice, and frees it
all again. Where nothing can observe the instance, its fields can live in C doubles instead and
the methods' bodies be computed in place: the ray tracer's ``Sphere.intersect`` ran 1.6x faster.

A *record class* (:func:`record_classes`) is a module-level class whose body holds only plain
``def``\\ s: an ``__init__(self, a, b, ...)`` that only stores each parameter in an attribute of
its own (its *fields*), *makers* whose body is ``return C(e1, e2, ...)`` and *value methods*
whose body is ``return e``, either after assignments of locals ``n = e``; each ``e`` built from
numbers, parameters and those locals, parameters' attributes, ``+ - * /``, unary ``-``, calls of
value methods and ``math`` functions (``n = self.length(); return C(self.x / n, ...)``).

An instance is *not made* where its fields are C doubles only: one that a maker or operator
(``a - b``, ``a.scale(k)``) or the class (``C(x, y, z)``) makes from operands that are objects or
instances not made, whose fields and methods nothing else uses.

A *region* (:func:`find_region`) is a run of statements of one block: ``v = <makes an
instance>``, the only value ``v`` ever gets (an instance of a record class, says the type
feedback), then assignments of C-double locals computed from ``v``'s fields and value methods
called on ``v`` (or with ``v`` as an argument), or of object locals to an instance made from
``v`` (``unit = v.scale(1.0 / n)``, which leaves the region and is made at its end), reaching the
last use of ``v`` in the function. :func:`find_made_value` gives the one-statement kind:
``v = e`` or ``return e`` making one instance from others not made (``color + other.scale(k)``).

The region's fast path reads every attribute it needs without running any code (inline-cache
peeks that fail instead), computes in C doubles and assigns its locals (making the instances
that leave it) only when all of it worked; otherwise the statements run as usual, from the
start, with nothing done twice (a peek has no effect). It runs only while CPython would do the
same: each operator or maker call on an object would reach the very method inlined
(:func:`~autocy.annotate.runtime` helpers ``_autocy_binop_is``/``_autocy_method_is``; an object
operand of an instance not made has the class exactly), each ``math`` function is still the
one of the ``math`` module, the global name of the class still names it, and the class still
makes its instances with ``object.__new__`` and that ``__init__``, has no ``__del__``, no data
descriptor named like a field, and the methods inlined (``_autocy_record_ok``, checked once per
version of the class). No Python code runs in the fast path, so none of that can change inside
it, and the instances not made are never seen: nothing can tell them from made ones.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from autocy.annotate.aswritten import AS_WRITTEN
from autocy.annotate.kinds import Kind
from autocy.annotate.runtime import CY, EXACT_DOUBLE_BOUND, MATH_FUNCTIONS
from autocy.profiledata import RETURN

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*|-?[0-9.e+-]+")
_DUNDERS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__"}


@dataclass(frozen=True)
class Method:
    """A maker or value method: its parameters (``self`` first), the locals it assigns before
    its ``return`` (``(name, expression)`` in order, each assigned once) and the expressions
    it returns (one per field, in ``__init__``'s parameter order, for a maker; one for a value
    method)."""

    params: tuple[str, ...]
    results: tuple[ast.expr, ...]
    lets: tuple[tuple[str, ast.expr], ...] = ()


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
    value = _body(function)[-1].value
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == cls


def _method(function: ast.FunctionDef, cls: str, fields: int) -> Method | None:
    """A maker or value method, or None."""
    params, body = _params(function), _body(function)
    if params is None or not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    names, lets = list(params), []
    for stmt in body[:-1]:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id not in names and _inlinable(stmt.value, names)):
            return None
        names.append(stmt.targets[0].id)
        lets.append((stmt.targets[0].id, stmt.value))
    value = body[-1].value
    if _makes(function, cls):
        if value.keywords or len(value.args) != fields or not all(_inlinable(a, names) for a in value.args):
            return None
        return Method(params, tuple(value.args), tuple(lets))
    if isinstance(value, ast.Name) or not _inlinable(value, names):
        return None
    return Method(params, (value,), tuple(lets))


def _inlinable(node: ast.expr, names: list[str] | tuple[str, ...]) -> bool:
    """An expression the fast path may compute in C: numbers, parameters and the method's
    locals (``names``), parameters' attributes, ``+ - * /``, unary ``-``, calls of methods of
    parameters and ``math`` calls (which the region's compiler takes only for value methods of
    the record class and functions of :data:`~autocy.annotate.runtime.MATH_FUNCTIONS`)."""
    if isinstance(node, ast.Constant):
        return type(node.value) is float or (type(node.value) is int and abs(node.value) <= EXACT_DOUBLE_BOUND)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in names
    if isinstance(node, ast.BinOp):
        return type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div) and _inlinable(node.left, names) \
            and _inlinable(node.right, names)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.USub) and _inlinable(node.operand, names)
    if isinstance(node, ast.Call):
        func = node.func
        called = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)) \
            or (isinstance(func, ast.Name) and func.id not in names)
        return called and not node.keywords and all(_inlinable(a, names) for a in node.args)
    return False


# ------------------------------------------------------------------ regions


class Unfit(Exception):
    """An expression of a candidate region that the fast path cannot compute."""


@dataclass
class Region:
    """A region found by :func:`find_region` (statements ``start`` to ``end``, included, of
    its block) or by :func:`find_made_value` (one statement).

    Attributes:
        record: the record class of the instances it does not make.
        guards: C conditions, all of which must hold (see the module docstring).
        prelude: ``(void * temporary, peek)``, run first.
        steps: ``(C double temporary, expression)``, computed in order once the guards hold:
            the fields of instances not made, methods' locals, the results.
        results: ``(local, value)`` per later statement of a region, assigned in order when
            every step worked: ``value`` is the C double temporary of a float local, or the
            field temporaries of an instance that leaves the region, made then.
        made: for :func:`find_made_value`, the field temporaries of the one instance made.
    """

    start: int
    end: int
    record: Record
    guards: list[str] = field(default_factory=list)
    prelude: list[tuple[str, str]] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[str, str | tuple[str, ...]]] = field(default_factory=list)
    made: tuple[str, ...] = ()


class RegionCompiler:
    """Compiles one candidate region's expressions into C code for the fast path.

    An expression's names are bound in an environment (``env``: name -> binding), empty for
    the function's own code and the parameters and locals of a method inlined in it. A binding
    is ``("made", fields)`` (an instance the region does not make: field name -> C double
    code), ``("object", code)`` (a Python object whose attributes are read) or ``("double",
    code, whether its Python value is a float)``.

    Args:
        kinds: the function's typed variables.
        records: the module's record classes.
        new_site: makes one more inline cache (``_autocy_attr_site(k)``).
        new_temp: makes a temporary of a C type (``void *`` or ``double``), returning its name.
        bound: the local names certainly bound where the region starts (parameters, names
            assigned before it in its block and the blocks around it): the only ones read as
            objects (reading another could raise UnboundLocalError before an exception the
            statements raise first).
        local_names: every local name of the function (a class's name among them is not the
            module's class).
        math_function: the ``math`` function a call's ``func`` names in the function
            (:meth:`~autocy.annotate.expressions.ExprTyper.math_function`), or None.
    """

    def __init__(self, kinds: dict[str, Kind], records: dict[str, Record], new_site, new_temp, bound: set[str],
                 local_names: set[str] = frozenset(), math_function=lambda func: None):
        self.kinds, self.records = kinds, records
        self.new_site, self.new_temp = new_site, new_temp
        self.bound, self.local_names, self.math_function = bound, local_names, math_function
        self.peeks: dict[tuple[str, str], str] = {}
        self.region: Region | None = None
        self.virtual: str | None = None
        self.virtual_fields: dict[str, str] = {}
        self.assigned: dict[str, str] = {}  # local -> temporary, for the region's earlier results
        self.instances = 0  # instances not made so far

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

    def binding(self, node: ast.expr, env: dict, as_object: bool) -> tuple:
        """What a method's parameter stands for, given the argument ``node``: an instance not
        made (the region's temporary, or one ``node`` makes), else an object when the method
        reads its attributes (``as_object``), else a double."""
        if isinstance(node, ast.Name) and node.id in env:
            return env[node.id]
        if isinstance(node, ast.Name) and node.id == self.virtual:
            return ("made", self.virtual_fields)
        if as_object and self.is_maker(node):
            return ("made", self.made(node, env))
        if as_object:
            return ("object", self.obj(node, env))
        code, is_float = self.number(node, env)
        return ("double", code if _IDENTIFIER.fullmatch(code) else self.step(code), is_float)

    def inline(self, method: Method, args: list[ast.expr], env: dict) -> dict:
        """The environment of an inlined method's result expressions for the arguments
        ``args``: its parameters bound, then its locals computed in order."""
        if len(args) != len(method.params) or any(isinstance(a, ast.Starred) for a in args):
            raise Unfit("arguments")
        bases = {n.value.id for expr in (*method.results, *(value for _, value in method.lets))
                 for n in ast.walk(expr) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
        inner = {p: self.binding(a, env, p in bases) for p, a in zip(method.params, args)}
        for name, value in method.lets:
            code, is_float = self.number(value, inner)
            inner[name] = ("double", self.step(code), is_float)
        return inner

    def step(self, code: str) -> str:
        """A new C double temporary computed as ``code`` in the fast path, in order."""
        temp = self.new_temp(f"{CY}.double")
        self.region.steps.append((temp, code))
        return temp

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
            fields = self.made_fields(node.value, env)
            if fields is not None:
                if node.attr not in fields:
                    raise Unfit(node.attr)
                return fields[node.attr], True
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
        if isinstance(node, ast.Call) and not node.keywords:
            math = self.math_call(node, env)
            if math is not None:
                return math, True
            if isinstance(node.func, ast.Attribute):
                return self.value_call(node, env)
        raise Unfit(ast.dump(node))

    def made_fields(self, node: ast.expr, env: dict) -> dict[str, str] | None:
        """The fields of the instance not made that ``node`` stands for, or None (an object)."""
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            if bound is not None:
                return bound[1] if bound[0] == "made" else None
            return self.virtual_fields if node.id == self.virtual else None
        return self.made(node, env) if self.is_maker(node) else None

    def math_call(self, node: ast.Call, env: dict) -> str | None:
        """``math.f(x)`` for a function of :data:`~autocy.annotate.runtime.MATH_FUNCTIONS`, in
        C (its checks flagging), while ``math.f`` is the function; None for another call."""
        func = node.func
        name = self.math_function(func)
        named = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            else getattr(func, "id", None)
        if name is None or named in env or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            return None
        argument, _ = self.number(node.args[0], env)
        guard = f"{ast.unparse(func)} is _autocy_orig_{name}"
        if guard not in self.region.guards:
            self.region.guards.append(guard)
        helper = MATH_FUNCTIONS[name] if name == "fabs" else f"{MATH_FUNCTIONS[name]}_f"
        return f"{helper}({argument})"

    def value_call(self, node: ast.Call, env: dict) -> tuple[str, bool]:
        """``r.m(args)`` for a value method ``m`` of the region's record class, inlined: on an
        instance not made (its class checked), or on an object whose lookup must find it."""
        record, name = self.region.record, node.func.attr
        method = record.values.get(name)
        if method is None:
            raise Unfit(name)
        inner = self.inline(method, [node.func.value, *node.args], env)
        receiver = inner[method.params[0]]
        if receiver[0] == "double":
            raise Unfit(name)
        code, is_float = self.number(method.results[0], inner)
        if receiver[0] == "object":
            same = f"_autocy_method_is({self.new_site()}, {receiver[1]}, {name!r}, _autocy_rec_{record.name}_{name}, 1)"
            code = f"({code} if {same} else _autocy_rebound_d_f())"
        return code, is_float

    # ---- instances not made

    def is_maker(self, node: ast.expr) -> bool:
        """Whether ``node`` makes an instance of the region's record class when the guards
        hold: an operator or call of one of its makers, or a call of the class."""
        record = self.region.record
        if isinstance(node, ast.BinOp):
            return _DUNDERS.get(type(node.op)) in record.makers
        if isinstance(node, ast.Call) and not node.keywords:
            if isinstance(node.func, ast.Attribute):
                return node.func.attr in record.makers
            return isinstance(node.func, ast.Name) and node.func.id == record.name
        return False

    def made(self, node: ast.expr, env: dict) -> dict[str, str]:
        """The fields (name -> C double temporary) of the instance ``node`` makes
        (:meth:`is_maker`), computed without making it, and the guards that the operator or
        call reaches the maker inlined (the class and its methods are checked by the
        region's first guards)."""
        record = self.region.record
        cls = record.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):  # cls(...)
            if node.func.id in env:
                raise Unfit(cls)
            if len(node.args) != len(record.fields) or any(isinstance(a, ast.Starred) for a in node.args):
                raise Unfit("arguments")
            codes = [self.dbl(a, env) for a in node.args]
        else:
            if isinstance(node, ast.BinOp):
                name, args = _DUNDERS[type(node.op)], [node.left, node.right]
            else:
                name, args = node.func.attr, [node.func.value, *node.args]
            method = record.makers[name]
            inner = self.inline(method, args, env)
            operands = [inner[p] for p in method.params[:2 if isinstance(node, ast.BinOp) else 1]]
            if any(binding[0] == "double" for binding in operands):
                raise Unfit(name)
            objects = [binding[1] for binding in operands if binding[0] == "object"]
            if isinstance(node, ast.BinOp) and len(objects) == 2:
                self.region.guards.append(f"_autocy_binop_is({self.new_site()}, {objects[0]}, {objects[1]}, "
                                          f"{name!r}, _autocy_rec_{cls}_{name})")
            elif isinstance(node, ast.BinOp):  # with an instance not made, of the class exactly
                self.region.guards += [f"type({code}) is _autocy_rec_{cls}" for code in objects]
            elif objects:
                self.region.guards.append(f"_autocy_method_is({self.new_site()}, {objects[0]}, {name!r}, "
                                          f"_autocy_rec_{cls}_{name}, 1)")
            codes = [self.dbl(result, inner) for result in method.results]
        self.instances += 1
        return dict(zip(record.fields, (self.step(code) for code in codes)))

    def class_guards(self) -> list[str]:
        """The region's first guards: the class's global name still names the class inlined,
        which makes its instances as it did, with the methods inlined."""
        cls = self.region.record.name
        if cls in self.local_names:
            raise Unfit(cls)  # (the name in the function is not the module's class)
        return [f"{cls} is _autocy_rec_{cls}",
                f"_autocy_record_ok({self.new_site()}, {cls}, _autocy_rec_{cls}_names, _autocy_rec_{cls}_expected)"]


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
    compiler.region = Region(start, end, record)
    try:
        if not compiler.is_maker(stmt.value):
            return None
        compiler.region.guards = compiler.class_guards()
        compiler.virtual_fields = compiler.made(stmt.value, {})
        compiler.virtual = name
        for later in stmts[start + 1:end + 1]:
            if not (isinstance(later, ast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], ast.Name)
                    and later.targets[0].id != name):
                return None
            local = later.targets[0].id
            if compiler.kinds.get(local) is Kind.DOUBLE:
                temp = compiler.step(compiler.dbl(later.value, {}))
                compiler.region.results.append((local, temp))
                compiler.assigned[local] = temp
            elif local not in compiler.kinds and compiler.is_maker(later.value):  # an instance that leaves
                fields = compiler.made(later.value, {})
                compiler.region.results.append((local, tuple(fields[f] for f in record.fields)))
                compiler.bound.discard(local)
            else:
                return None
    except Unfit:
        return None
    return compiler.region


def find_made_value(stmts: list[ast.stmt], index: int, record_locals: dict[str, str],
                    compiler: RegionCompiler) -> Region | None:
    """``stmts[index]`` when it is ``v = e`` or ``return e`` where ``e`` makes an instance of a
    record class (the type feedback saw ``v``, or the result, holding that class's instances
    only) from instances that it makes on the way, which are never made: ``color +
    other.scale(k)``. The one region of :func:`find_region`'s kind that is a single statement,
    whose only result is the instance it makes (``made``), or None."""
    stmt = stmts[index]
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and stmt.targets[0].id not in compiler.kinds:
        record = compiler.records.get(record_locals.get(stmt.targets[0].id, ""))
    elif isinstance(stmt, ast.Return) and stmt.value is not None:
        record = compiler.records.get(record_locals.get(RETURN, ""))
    else:
        return None
    if record is None:
        return None
    compiler.region = Region(index, index, record)
    if not compiler.is_maker(stmt.value):
        return None
    try:
        compiler.region.guards = compiler.class_guards()
        fields = compiler.made(stmt.value, {})
    except Unfit:
        return None
    if compiler.instances < 2:
        return None  # (no instance is left out: nothing to save)
    compiler.region.made = tuple(fields[f] for f in record.fields)
    return compiler.region


def certainly_bound(function: ast.FunctionDef, params: list[str], path: list[tuple[list[ast.stmt], int]]) -> set[str]:
    """The local names bound whenever a statement runs: the parameters, the names that the
    assignments before it assign in its block and in each block around it, and the targets
    of the loops whose body it is in; minus the names that some ``del`` or ``except ... as``
    of the function unbinds.

    Args:
        function: the function.
        params: its parameters.
        path: ``(block, index)`` from the function's body down to the statement's block.
    """
    names = set(params)
    for depth, (block, position) in enumerate(path):
        for earlier in block[:position]:
            if isinstance(earlier, (ast.Assign, ast.AnnAssign)) and earlier.value is not None:
                targets = earlier.targets if isinstance(earlier, ast.Assign) else [earlier.target]
                names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
                          and isinstance(n.ctx, ast.Store)}
        around = block[position]
        if depth + 1 < len(path) and isinstance(around, ast.For) and path[depth + 1][0] is around.body:
            names |= {n.id for n in ast.walk(around.target) if isinstance(n, ast.Name)}
    unbound = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del)}
    unbound |= {n.name for n in ast.walk(function) if isinstance(n, ast.ExceptHandler) and n.name}
    return names - unbound


def has_fast_path(function: ast.FunctionDef, params: list[str], record_locals: dict[str, str], compiler) -> bool:
    """Whether some statement of ``function`` starts a region or makes an instance from
    instances not made (its specialization then has something to gain even with nothing
    typed). ``compiler`` makes a fresh :class:`RegionCompiler` given the names certainly bound."""
    def blocks(stmts: list[ast.stmt], path: list) -> bool:
        for index, stmt in enumerate(stmts):
            here = [*path, (stmts, index)]
            bound = certainly_bound(function, params, here)
            if made_local(stmt, record_locals) is not None \
                    and find_region(stmts, index, function, record_locals, compiler(bound)) is not None:
                return True
            if find_made_value(stmts, index, record_locals, compiler(bound)) is not None:
                return True
            if isinstance(stmt, AS_WRITTEN):  # (run as written: nothing kept in C inside)
                continue
            for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):  # (if, for, while)
                if isinstance(inner, list) and inner and blocks(inner, here):
                    return True
        return False
    return bool(record_locals) and blocks(function.body, [])


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
