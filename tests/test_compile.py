"""autocy.compile: real Cython and a real C compiler on small modules written by the tests."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import traceback
import warnings
from pathlib import Path

import pytest

from autocy.compile import (EXT_SUFFIX, SAFE_DIRECTIVES, CompileResult, ModuleSource,
                            compile_modules, find_compiler_problem, remap_c_lines)
from autocy.exact_c import SHARED_TYPES_TAG
from autocy.profile.tracer import load_native

PACKAGE = "autocy_testpkg"

GOOD = textwrap.dedent("""\
    def add(a, b):
        return a + b


    def maybe_unbound(flag):
        if flag:
            value = 1
        return value


    def boom(n):
        raise ValueError(n)


    def repeated(items, n):
        return [items.get(1)] * n


    class Recorder:  # ("enter", "exit" before the first with: "__exit__" is __pyx_n_u_exit_2)
        def __init__(self):
            self.log = []

        def __enter__(self):
            self.log.append("enter")
            return self

        def __exit__(self, *exc):
            self.log.append("exit")


    def entered(manager):
        with manager as value:
            return value


    def keywords(f, kw, more):
        return f(**kw), f(**{}, **more), {**kw}


    def character(i):
        return chr(i)


    def doubled(xs):
        return (x * 2 for x in xs)


    def numbered(xs):
        return ((i, x) for i, x in enumerate(xs) if x)


    def over_sorted(xs):
        return (x for x in sorted(xs))


    def over_list(xs):
        return (x for x in list(xs))


    def over_tuple(xs):
        return (x for x in tuple(xs))


    def over_set(xs):
        return (x for x in set(xs))


    def over_reversed_sorted(xs):
        return (x for x in reversed(sorted(xs)))


    def character_of(items):
        return chr(items[0])


    def keys_of_items(mapping):
        return (k for k, v in mapping.items())


    def values_of(mapping):
        return (v * 2 for v in mapping.values())


    def wrapped(f):
        def inner(*args, **kwargs):
            return f(*args, **kwargs)
        inner.__defaults__, inner.__kwdefaults__ = f.__defaults__, f.__kwdefaults__
        return inner


    def keyword_only(a=1, *, b=2):
        return a, b


    def documented(x):
        '''Twice x.

        >>> documented(2)
        4
        '''
        return 2 * x


    def ends(seq, v):
        first, last = seq[0], seq[-1]
        seq[-1] = v
        del seq[-2]
        return first, last


    def numbers(n):
        for i in range(n):
            yield i


    import sys

    if sys.version_info[0] < 3:  # (Python 2 names: no code of Python 3 binds them)
        integer_types = (int, long)
    else:
        integer_types = (int,)


    def as_long(x):
        return long(x)
    """)
BOOM_LINE = 12          # ``raise ValueError(n)`` in GOOD
BOOM_USER_LINE = 42     # where the line map says it came from

BAD = textwrap.dedent("""\
    import cython


    def f():
        x = 1
        return cython.address(x)


    def g(x):
        return --x, --x, --x, --x  # four warnings, which Cython prints before the error
    """)
BAD_LINE = 6


def write_module(gen_root: Path, name: str, text: str) -> Path:
    """Write ``text`` as module ``name`` under ``gen_root`` (package layout); return its path."""
    path = gen_root.joinpath(*name.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_extension(name: str, path: Path):
    """Import the extension module at ``path`` under the dotted ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One parallel build of a good and a bad module, reused by the tests below."""
    root = tmp_path_factory.mktemp("compile")
    gen = root / "gen"
    good = ModuleSource(f"{PACKAGE}.good", write_module(gen, f"{PACKAGE}.good", GOOD),
                        {BOOM_LINE: BOOM_USER_LINE})
    bad = ModuleSource(f"{PACKAGE}.bad", write_module(gen, f"{PACKAGE}.bad", BAD), {BAD_LINE: 60})
    results = compile_modules([good, bad], root / "build", jobs=2)
    return {"root": root, "good": good, "bad": bad, "results": results}


@pytest.fixture(scope="module")
def good_module(built):
    """The good module's extension, imported once."""
    result = built["results"][0]
    return load_extension(result.name, result.extension)


def test_directives_are_the_safe_baseline():
    assert SAFE_DIRECTIVES["annotation_typing"] is False
    assert SAFE_DIRECTIVES["infer_types"] is False
    assert SAFE_DIRECTIVES["cdivision"] is False
    assert SAFE_DIRECTIVES["binding"] is True


def test_good_module_compiles_and_imports(built, good_module):
    good = built["results"][0]
    assert isinstance(good, CompileResult)
    assert good.name == f"{PACKAGE}.good" and good.error is None and not good.cached
    assert good.extension == built["root"] / "build" / "lib" / PACKAGE / ("good" + EXT_SUFFIX)
    module = good_module
    assert module.__name__ == f"{PACKAGE}.good"
    assert module.__file__.endswith(EXT_SUFFIX)
    assert module.add(2, 3) == 5
    assert module.add("a", "b") == "ab"
    assert module.add(2**70, 1) == 2**70 + 1
    assert module.maybe_unbound(True) == 1
    with pytest.raises(UnboundLocalError):  # infer_types=False keeps Python's semantics
        module.maybe_unbound(False)


def test_a_repeated_display_that_fails_releases_its_item_once(good_module):
    # Cython 3.3 released the item of [items.get(1)] twice when `* n` raised, which crashed
    # the interpreter later (autocy.exact_c.owned_display_items)
    item = object()
    items = {1: item}
    before = sys.getrefcount(item)
    with pytest.raises(TypeError):
        good_module.repeated(items, range(3))
    assert sys.getrefcount(item) == before
    assert good_module.repeated(items, 2) == [item, item]


def test_with_on_an_object_that_is_no_context_manager_raises_type_error(good_module):
    # Cython raised AttributeError("__exit__") (autocy.exact_c.exact_with)
    class EnterOnly:
        def __enter__(self):
            return 1

    class Broken:
        @property
        def __exit__(self):
            raise KeyError("from the descriptor")

        def __enter__(self):
            return 2

    for manager in (5, EnterOnly()):
        with pytest.raises(TypeError, match="does not support the context manager protocol"):
            good_module.entered(manager)
    with pytest.raises(KeyError):
        good_module.entered(Broken())
    assert good_module.entered(open(__file__, encoding="utf-8")).closed  # a context manager: entered and exited


@pytest.mark.parametrize(("args", "kwargs"), [((1, 2, 3), {}), ((1,), {}), ((1, 2), {"c": 3})])
def test_a_call_whose_arguments_do_not_fit_has_no_frame_of_the_callee(good_module, args, kwargs):
    # as in CPython, which binds the arguments first; Cython added a frame at the def line, and
    # pyparsing's _trim_arity took that for an error inside the function
    # (autocy.exact_c.no_frame_for_argument_errors)
    with pytest.raises(TypeError) as raised:
        good_module.add(*args, **kwargs)
    assert [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)] == [
        "test_a_call_whose_arguments_do_not_fit_has_no_frame_of_the_callee"]


class KeysOnly:
    """A mapping to ``**`` as CPython sees one: keys() and [], no items()."""

    def keys(self):
        return ["sep"]

    def __getitem__(self, key):
        return key.upper()


@pytest.mark.parametrize(("kw", "more", "expected"), [
    ({"sep": "-"}, {"end": ""}, ({"sep": "-"}, {"end": ""}, {"sep": "-"})),
    (KeysOnly(), KeysOnly(), ({"sep": "SEP"}, {"sep": "SEP"}, {"sep": "SEP"})),
    ([("sep", "-")], {}, TypeError),  # Cython took a sequence of pairs, as dict() does
    ({}, [("sep", "-")], TypeError),
    ("ab", {}, TypeError),            # Cython raised ValueError
    (5, {}, TypeError),
])
def test_double_star_takes_a_mapping_only(good_module, kw, more, expected):
    # autocy.exact_c.exact_mapping_unpack
    def f(**kwargs):
        return kwargs

    if expected is TypeError:
        with pytest.raises(TypeError):
            good_module.keywords(f, kw, more)
    else:
        assert good_module.keywords(f, kw, more) == expected


class Index:
    def __index__(self):
        return 98


@pytest.mark.parametrize("value", [97, True, Index(), 97.9, -2.5, "5", -1, 0x110000, 2 ** 40, -2 ** 70, None])
def test_chr_takes_what_cpython_takes(good_module, value):
    # Cython converted a float with int()'s rules: chr(97.9) gave 'a' (autocy.exact_c.exact_chr)
    def outcome(function):
        try:
            return function(value)
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            return type(exc)
    assert outcome(good_module.character) == outcome(chr)


class Iterable:
    """Counts the calls of its ``__iter__``, which returns an iterator whose own ``__iter__``
    is not itself (CPython calls ``iter()`` once, on the iterable)."""

    def __init__(self, items):
        self.items, self.calls = items, 0

    def __iter__(self):
        self.calls += 1
        return Iterator(self.items)


class Iterator:
    def __init__(self, items):
        self.rest = list(items)

    def __iter__(self):
        return iter(["not", "this"])

    def __next__(self):
        if not self.rest:
            raise StopIteration
        return self.rest.pop(0)


@pytest.fixture(scope="module")
def pure_good():
    """GOOD run as pure Python: what the compiled module must agree with."""
    namespace = {}
    exec(compile(GOOD, "good.py", "exec"), namespace)  # noqa: S102 - the test's own module text
    return namespace


@pytest.mark.parametrize("name", ["doubled", "numbered"])
def test_a_generator_expression_calls_iter_where_it_is_made(good_module, pure_good, name):
    # Cython called iter() at the first next(): doubled(5) returned a generator
    # (autocy.exact_c.eager_genexpr_iter)
    compiled, pure = getattr(good_module, name), pure_good[name]
    for function in (compiled, pure):
        with pytest.raises(TypeError, match="not iterable") as raised:
            function(5)
        names = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
        assert names[-1].rpartition(".")[2] == name  # no frame of the generator expression

    def made_then_changed(function):
        counts = {"a": 1}
        made = function(counts)
        counts["b"] = 2
        try:
            return list(made)
        except RuntimeError as exc:  # "dictionary changed size during iteration"
            return type(exc)

    def appended(function):
        items = [1, 0, 2]
        made = function(items)
        items.append(3)
        return list(made), list(made)

    def iterated_once(function):
        iterable = Iterable([3, 4])
        made = function(iterable)
        calls_when_made = iterable.calls
        return calls_when_made, list(made), iterable.calls

    for probe in (made_then_changed, appended, iterated_once):
        assert probe(compiled) == probe(pure), probe.__name__
    assert made_then_changed(pure) is RuntimeError
    for make in (lambda: [1, 2], lambda: (1, 2), lambda: "ab", lambda: range(3), lambda: {1: 2},
                 lambda: iter([1, 2]), lambda: (x for x in [1])):
        assert list(compiled(make())) == list(pure(make()))
    for items in ([1], Iterable([1])):  # the generator holds the iterable or its iterator once
        before = sys.getrefcount(items)
        list(compiled(items))
        compiled(items)
        made = compiled(items)
        assert sys.getrefcount(items) == before + (type(items) is list)
        del made
        assert sys.getrefcount(items) == before


class Counted:
    """An orderable value that counts the comparisons made of it (class attribute)."""

    compared = 0

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        Counted.compared += 1
        return self.value < other.value

    def __eq__(self, other):
        return self.value == other.value

    def __hash__(self):
        return hash(self.value)


@pytest.mark.parametrize("name", ["over_sorted", "over_list", "over_tuple", "over_set", "over_reversed_sorted"])
def test_a_generator_expression_over_a_copy_makes_the_copy_where_it_is_made(good_module, pure_good, name):
    # Cython moved sorted(xs), list(xs), tuple(xs), set(xs) into the generator's first next()
    # (autocy.exact_c.eager_genexpr_iter)
    compiled, pure = getattr(good_module, name), pure_good[name]
    for function in (compiled, pure):
        with pytest.raises(TypeError, match="not iterable"):
            function(5)

    def grown(function):
        counts = {1: "a"}
        made = function(counts)
        counts[2] = "b"
        return sorted(made)

    def compared(function):
        Counted.compared = 0
        made = function([Counted(3), Counted(1), Counted(2)])
        when_made = Counted.compared
        return when_made, [item.value for item in made], Counted.compared

    def iterated_once(function):
        iterable = Iterable([3, 4])
        made = function(iterable)
        return iterable.calls, sorted(made), iterable.calls

    for probe in (grown, compared, iterated_once):
        assert probe(compiled) == probe(pure), probe.__name__
    assert grown(pure) == [1]


def test_chr_of_an_expression_takes_what_cpython_takes(good_module):
    # exact_c.exact_chr missed chr() of a temporary, which Cython releases before the call
    for value in (97, 97.9, -2.5, Index()):
        outcomes = []
        for function in (good_module.character_of, lambda items: chr(items[0])):
            try:
                outcomes.append(function([value]))
            except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1], value


def test_with_in_a_module_that_also_has_the_strings_enter_and_exit(built, good_module):
    # there Cython names "__exit__" __pyx_n_u_exit_2, which exact_c.exact_with missed
    c_file = built["root"] / "build" / "work" / f"{PACKAGE}.good" / "good.c"
    assert "__pyx_n_u_exit_2" in c_file.read_text(encoding="utf-8")
    with pytest.raises(TypeError, match="does not support the context manager protocol"):
        good_module.entered(5)
    recorder = good_module.Recorder()
    assert good_module.entered(recorder) is recorder and recorder.log == ["enter", "exit"]


class Pairs:
    """A mapping-like object whose ``items()``/``values()`` are lists, counting their calls."""

    def __init__(self, pairs):
        self.pairs, self.calls = pairs, 0

    def items(self):
        self.calls += 1
        return list(self.pairs)

    def values(self):
        self.calls += 1
        return [pair[-1] for pair in self.pairs]


@pytest.mark.parametrize("name", ["keys_of_items", "values_of"])
def test_a_generator_expression_over_a_dict_view_calls_the_method_where_it_is_made(good_module, pure_good,
                                                                                   name):
    # Cython looped over the dict itself and called items()/values() at the first next()
    # (autocy.exact_c.eager_genexpr_iter)
    compiled, pure = getattr(good_module, name), pure_good[name]

    def outcome(probe):
        try:
            return probe()
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            return type(exc)

    def changed(function):
        counts = {"a": 1}
        made = function(counts)
        counts["b"] = 2
        return list(made)

    def called_once(function):
        pairs = Pairs([(1, 2), (3, 4)])
        made = function(pairs)
        return pairs.calls, list(made), pairs.calls

    for function in (compiled, pure):
        for argument in (None, 5, [1, 2]):
            with pytest.raises(AttributeError):
                function(argument)
    assert outcome(lambda: changed(pure)) is RuntimeError
    probes = [lambda f: changed(f), called_once, lambda f: list(f({"a": 1, "b": 2})),
              lambda f: list(f(Pairs([(1, 2, 3)]))), lambda f: list(f(Pairs([])))]
    for probe in probes:
        assert outcome(lambda p=probe: p(compiled)) == outcome(lambda p=probe: p(pure))


def test_defaults_copied_onto_a_wrapper_warn_about_nothing(good_module):
    # pyparsing's replaced_by_pep8 did this 40 times at import: each warned, and import
    # failed under -W error (autocy.exact_c.inert_defaults_quiet)
    def f(a=1, *, b=2):
        return a + b

    # (its own function type: Cython modules share one, made by the first module imported)
    assert type(good_module.wrapped).__module__.endswith(f"_{SHARED_TYPES_TAG}")
    native = load_native()  # (a plain Cython module, when built)
    assert native is None or type(good_module.wrapped) is not type(native.current_frames)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inner = good_module.wrapped(f)
    assert (inner.__defaults__, inner.__kwdefaults__) == ((1,), {"b": 2})
    assert inner(5) == 7
    # where Cython would ignore a default the function uses, it still says so
    for name, value in (("__defaults__", (3,)), ("__kwdefaults__", {"b": 4})):
        with pytest.warns(RuntimeWarning, match="will not currently affect"):
            setattr(good_module.keyword_only, name, value)


def test_doctest_finds_each_example_once_as_in_the_pure_module(good_module):
    # Cython's autotestdict added a `__test__` copy of every docstring: doctest and pytest's
    # --doctest-modules ran each example twice (found running autocy on sortedcontainers)
    import doctest

    tests = [t for t in doctest.DocTestFinder().find(good_module) if t.examples]
    assert [t.name for t in tests] == [f"{PACKAGE}.good.documented"]
    assert doctest.DocTestRunner().run(tests[0]).failed == 0


def test_a_name_no_code_binds_is_a_name_error_when_it_is_read_as_in_python(good_module, monkeypatch):
    # (Cython's default makes it a compile error: mpmath's Python 2 `long` kept three of its
    # modules pure)
    assert good_module.integer_types == (int,)
    with pytest.raises(NameError, match="'long'"):
        good_module.as_long(3)
    monkeypatch.setattr("builtins.long", int, raising=False)
    assert good_module.as_long(3) == 3  # (looked up when read: a builtin added later is found)


def test_cythons_option_for_unknown_names_is_restored_after_an_in_process_compile(tmp_path):
    # (a project's own Cython build may run in the build backend's process after autocy's)
    from Cython.Compiler import Options

    source = ModuleSource(f"{PACKAGE}.legacy", write_module(tmp_path / "gen", f"{PACKAGE}.legacy",
                                                             "def as_long(x):\n    return long(x)\n"))
    [result] = compile_modules([source], tmp_path / "build", jobs=1)  # (one module: in this process)
    assert result.error is None and result.extension is not None
    assert Options.error_on_unknown_names is True


def test_cython_error_is_reported_and_other_module_still_built(built):
    good, bad = built["results"]
    assert good.extension is not None
    assert bad.extension is None and not bad.cached
    assert bad.error.startswith("cython: ")
    assert "Cannot take address" in bad.error
    assert f"{PACKAGE}/bad.py:60:" in bad.error  # the Cython position, through the line map


def test_traceback_points_at_mapped_user_line(good_module):
    with pytest.raises(ValueError) as info:
        good_module.boom(7)
    frames = traceback.extract_tb(info.value.__traceback__)
    last = frames[-1]
    assert last.filename == f"{PACKAGE}/good.py"  # package-relative: linecache finds the .py
    assert last.lineno == BOOM_USER_LINE


def test_second_build_is_a_cache_hit(built):
    good, bad = compile_modules([built["good"], built["bad"]], built["root"] / "build", jobs=1)
    assert good.cached and good.error is None
    assert good.extension == built["results"][0].extension
    assert bad.cached and bad.extension is None and bad.error == built["results"][1].error
    assert len(list((built["root"] / "build" / "cache").iterdir())) == 2


def test_cache_key_covers_every_input(built):
    from autocy.compile import _cache_key

    toolchain = {"compiler_so": ["gcc"], "extra_compile_args": ["-ffp-contract=off"]}
    good = built["good"]
    base = _cache_key(good, GOOD, None, toolchain)
    assert base == _cache_key(ModuleSource(good.name, good.path, dict(good.line_map)), GOOD,
                              None, dict(toolchain))
    variants = [
        _cache_key(ModuleSource(good.name, good.path, {BOOM_LINE: 1}), GOOD, None, toolchain),
        _cache_key(ModuleSource("other.name", good.path, good.line_map), GOOD, None, toolchain),
        _cache_key(good, GOOD + "\n", None, toolchain),
        _cache_key(good, GOOD, "cdef int x\n", toolchain),
        _cache_key(good, GOOD, None, {**toolchain, "compiler_so": ["clang"]}),
    ]
    assert len({base, *variants}) == 1 + len(variants)


def test_cache_key_covers_autocys_c_rewrites(built, monkeypatch):
    # an extension cached by the previous autocy shipped without a fix of exact_c.py, whose
    # change did not bump IMPLEMENTATION_VERSION (found dogfooding: a stale generator)
    import autocy.compile as compile_module

    toolchain = {"compiler_so": ["gcc"]}
    digest = compile_module.rewriters_digest()
    assert len(digest) == 64
    base = compile_module._cache_key(built["good"], GOOD, None, toolchain)
    monkeypatch.setattr(compile_module, "rewriters_digest", lambda: "0" * 64)
    assert compile_module._cache_key(built["good"], GOOD, None, toolchain) != base


def test_compiler_error_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("CFLAGS", "-fno-such-option-for-autocy")
    source = ModuleSource("cflags_mod", write_module(tmp_path / "gen", "cflags_mod", "X = 1\n"), {})
    [result] = compile_modules([source], tmp_path / "build", jobs=1)
    assert result.extension is None
    assert result.error.startswith("compiler: ")
    assert "fno-such-option-for-autocy" in result.error


def test_remap_c_lines_touches_only_the_main_file():
    c_text = ("__PYX_ERR(0, 3, __pyx_L1_error)\n__PYX_ERR(0, 4, __pyx_L1_error)\n"
              "__PYX_ERR(1, 3, __pyx_L1_error)\n")
    assert remap_c_lines(c_text, {3: 30}) == (
        "__PYX_ERR(0, 30, __pyx_L1_error)\n__PYX_ERR(0, 4, __pyx_L1_error)\n"
        "__PYX_ERR(1, 3, __pyx_L1_error)\n")


def test_remap_c_lines_maps_the_first_lines_of_code_objects():
    c_text = ("const __Pyx_PyCode_New_function_description descr = {2, 0, 0, 3, (unsigned int)(CO_OPTIMIZED), 75};\n"
              "const __Pyx_PyCode_New_function_description descr = {1, 0, 0, 1, (unsigned int)(CO_OPTIMIZED), 4};\n")
    assert remap_c_lines(c_text, {75: 9}) == c_text.replace("75};", "9};")


def test_duplicate_names_are_rejected(tmp_path):
    path = write_module(tmp_path, "dup", "X = 1\n")
    with pytest.raises(ValueError, match="duplicate"):
        compile_modules([ModuleSource("dup", path), ModuleSource("dup", path)], tmp_path, 1)


def test_find_compiler_problem():
    assert find_compiler_problem() is None


def test_find_compiler_problem_without_compiler(monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    problem = find_compiler_problem()
    assert problem is not None and "\n" not in problem
    assert "no C compiler found" in problem and "/nonexistent/cc" in problem


class Recording(list):
    """A list whose item methods record the index they were given."""

    def __init__(self, items):
        super().__init__(items)
        self.seen = []

    def __getitem__(self, i):
        self.seen.append(("get", i))
        return super().__getitem__(i)

    def __setitem__(self, i, v):
        self.seen.append(("set", i))
        super().__setitem__(i, v)

    def __delitem__(self, i):
        self.seen.append(("del", i))
        super().__delitem__(i)


@pytest.mark.parametrize("items", [[1, 2, 3], [7], []])
def test_a_literal_index_reaches_a_sequences_own_item_methods_as_in_cpython(good_module, items):
    # Cython's fast path gave a list subclass's __getitem__ -1 + len(seq) (autocy.exact_c
    # .mapping_first_item_access): [7][-2] deleted the one item instead of raising IndexError
    namespace = {}
    exec(GOOD, namespace)  # (the pure module)

    def outcome(function):
        seq = Recording(items)
        try:
            result = function(seq, 9)
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            result = type(exc)
        return result, list(seq), seq.seen

    assert outcome(good_module.ends) == outcome(namespace["ends"])


def test_a_generator_sent_a_value_before_it_started_stays_unstarted(good_module):
    # Cython's generator raised the TypeError from inside its code, which finished it
    # (autocy.exact_c.unstarted_after_bad_send)
    namespace = {}
    exec(GOOD, namespace)

    def outcome(numbers):
        made = numbers(3)
        with pytest.raises(TypeError, match="just-started"):
            made.send(7)
        return list(made)

    assert outcome(good_module.numbers) == outcome(namespace["numbers"]) == [0, 1, 2]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="gi_suspended is new in Python 3.11")
def test_a_compiled_generator_reports_its_state_as_cpythons_does(good_module):
    # inspect.getgeneratorstate read gi_suspended, which Cython's generator lacked
    # (autocy.exact_c.generator_suspended)
    import inspect

    namespace = {}
    exec(GOOD, namespace)

    def states(numbers):
        made = numbers(2)
        seen = [inspect.getgeneratorstate(made)]
        next(made)
        seen.append(inspect.getgeneratorstate(made))
        list(made)
        seen.append(inspect.getgeneratorstate(made))
        return seen

    assert states(good_module.numbers) == states(namespace["numbers"]) == ["GEN_CREATED", "GEN_SUSPENDED",
                                                                           "GEN_CLOSED"]
