"""The annotator without compiling: which variables get typed, which functions are refused and
why, and invariants of the generated module for any type feedback (hypothesis)."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autocy.annotate import MARKER, generate, render_module
from autocy.annotate.analysis import Overrides, analyze_function, module_facts, without_unreachable
from autocy.annotate.kinds import Kind, element_kind, kind_from_feedback
from autocy.annotate.literals import literal_respellings
from autocy.annotate.respell import respell
from autocy.inline_caches import fast_paths_available
from autocy.plan import FunctionPlan, ModulePlan, Plan
from autocy.profiledata import FunctionProfile, function_sources

KERNELS_FILE = Path(__file__).parent / "projects" / "kernels" / "kernels" / "numeric.py"


def kernel_source(name: str) -> str:
    """The text of one function of the differential-test kernels, as its own module."""
    text = KERNELS_FILE.read_text(encoding="utf-8")
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(text, node) + "\n"


JULIA = kernel_source("julia")

JULIA_TYPES = {
    "maxiter": {"int": {"count": 2, "min": 300, "max": 300}},
    "zs": {"list": {"count": 2, "elements": {"complex": 8}}},
    "cs": {"list": {"count": 2, "elements": {"complex": 8}}},
    "output": {"list": {"count": 1}}, "i": {"int": {"count": 1, "min": 0, "max": 99}},
    "n": {"int": {"count": 1, "min": 0, "max": 300}}, "z": {"complex": {"count": 1}},
    "c": {"complex": {"count": 1}}, "return": {"list": {"count": 1}},
}


def profile_for(source: str, qualname: str, types: dict) -> FunctionProfile:
    digest, line = function_sources(source)[qualname]
    return FunctionProfile(module="m", qualname=qualname, file="m.py", line=line, source_hash=digest,
                           calls=1, self_time=1.0, total_time=1.0, types=types)


def analyze(source: str, types: dict, name: str | None = None, overrides: Overrides | None = None):
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and (name is None or n.name == name))
    return analyze_function(node, profile_for(source, node.name, types), module_facts(tree), False, overrides)


def render(tmp_path: Path, source: str, types_by_function: dict[str, dict], encoding: str = "utf-8"):
    path = tmp_path / "m.py"
    path.write_bytes(source.encode(encoding))
    plans = [FunctionPlan(profile_for(source, q, t), True, "hot") for q, t in types_by_function.items()]
    return render_module(ModulePlan("m", path, compile=True, functions=plans))


@pytest.mark.skipif(not fast_paths_available(), reason="no inline-cache fast paths: attributes stay untyped")
def test_an_attribute_read_only_to_be_stored_again_stays_an_object():
    # task.ident is only copied (into an attribute, a tuple): typed, it would be checked,
    # unboxed and boxed again into a new int; task.prio is computed with
    source = ("def qpkt(task, pkt):\n    pkt.ident = task.ident\n    other = task.ident\n"
              "    pkt.pair = (task.ident, task.prio)\n    pkt.send(end=task.ident)\n"
              "    return task.prio + 1, other\n")
    types = {"task": {"m.Task": {"count": 3, "attrs": {"ident": {"int": 3}, "prio": {"int": 3}}}},
             "pkt": {"m.Packet": {"count": 3}}}
    result = analyze(source, types)
    assert set(result.attributes) == {("task", "prio")}
    typed = analyze(source.replace("pkt.ident = task.ident", "pkt.ident = task.ident - 1"), types)
    assert set(typed.attributes) == {("task", "prio"), ("task", "ident")}
    unpacked = dict(types, a={"int": {"count": 3, "min": 0, "max": 9}})
    parallel = analyze(source.replace("other = task.ident", "a, other = task.ident, 2"), unpacked)
    assert set(parallel.attributes) == {("task", "prio"), ("task", "ident")}  # into the C int a


def test_julia_kernel_types():
    result = analyze(JULIA, JULIA_TYPES)
    assert result.rejected is None
    assert result.kinds == {"maxiter": Kind.CINT, "zs": Kind.LIST, "cs": Kind.LIST, "output": Kind.LIST,
                            "i": Kind.CINT, "n": Kind.CINT, "z": Kind.COMPLEX, "c": Kind.COMPLEX}
    assert result.entry_guards == {"maxiter": Kind.CINT, "zs": Kind.LIST, "cs": Kind.LIST}
    classes = {t.name: t.klass for t in result.typings}
    assert classes["z"] == classes["c"] == classes["maxiter"] == "guarded"
    assert classes["i"] == classes["n"] == classes["output"] == "exact"


@pytest.mark.parametrize("types, reason", [
    ({"maxiter": {"int": {"count": 1, "min": 0, "max": 2 ** 64}}}, "out of 64 bits"),
    ({"maxiter": {"int": {"count": 1}, "float": {"count": 1}}}, "two types seen"),
])
def test_unproven_int_bound_is_not_a_c_int(types, reason):
    result = analyze(JULIA, {**JULIA_TYPES, **types})
    assert "maxiter" not in result.kinds, reason
    # n < maxiter no longer bounds the counter: n += 1 is a checked addition
    assert result.kinds["n"] is Kind.CINT and not result.bounded


def test_counter_without_a_bound_is_checked_arithmetic():
    source = textwrap.dedent("""\
        def count(xs):
            n = 0
            for x in xs:
                n += 1
            return n
        """)
    result = analyze(source, {"xs": {"list": {"count": 1}}, "n": {"int": {"count": 1, "min": 0, "max": 5}}})
    assert result.kinds["n"] is Kind.CINT
    assert not result.bounded  # not proven: the addition is checked and retried on overflow
    increment = next(n for n in ast.walk(result.node) if isinstance(n, ast.AugAssign))
    assert id(increment) in result.retry


def test_counter_bounded_by_its_loop_test_is_plain_c():
    result = analyze(JULIA, JULIA_TYPES)
    assert len(result.bounded) == 1  # n += 1 under `n < maxiter`
    assert result.intervals["i"] == (0, 2 ** 62 - 1)


def test_maybe_unbound_variables_stay_python_objects():
    source = textwrap.dedent("""\
        def f(xs, flag):
            for i in range(len(xs)):
                pass
            if flag:
                y = 1.5
            return i, y
        """)
    result = analyze(source, {"xs": {"list": {"count": 1}}, "flag": {"bool": {"count": 1}},
                              "i": {"int": {"count": 1, "min": 0, "max": 3}}, "y": {"float": {"count": 1}}})
    assert "i" not in result.kinds and "y" not in result.kinds


def test_a_float_started_at_an_int_literal_is_int_or_float():
    source = "def f(x, k):\n    acc = 0\n    acc = acc + x\n    y = acc * k\n    return acc, y\n"
    result = analyze(source, {"x": {"float": {"count": 1}}, "k": {"int": {"count": 1, "min": 2, "max": 2}},
                              "acc": {"float": {"count": 1}}})
    assert result.kinds["acc"] is Kind.NUM  # not a C double: `return acc` may return the int 0
    typer = result.typer()
    add, mul = [n for n in ast.walk(result.node) if isinstance(n, ast.BinOp)]
    assert typer.of(add) is Kind.DOUBLE  # with a float partner, int and float give the same float
    assert typer.of(mul) is Kind.OBJECT  # with an int partner the result may be an int
    assert "an int within +-2**53 assigned" in {t.name: t.reason for t in result.typings}["acc"]


def test_a_loop_adding_floats_to_an_int_started_sum_runs_no_python_code(tmp_path):
    source = "import math\n\n\ndef f(xs, n):\n    total = 0\n    for i in range(n):\n" \
             "        total += math.sqrt(xs[i])\n    return total\n"
    ints = {"int": {"count": 1, "min": 0, "max": 3}}
    text = render(tmp_path, source, {"f": {"xs": {"list": {"count": 1, "elements": {"float": 3}}}, "n": ints,
                                           "i": ints, "total": {"float": {"count": 1}}}}).text
    generated = text.split(MARKER)[1]
    # C only: the math guard is checked before the loop, the list's length too; the sum is a
    # flagging statement (the int-or-float total is the double it holds)
    assert "= math.sqrt is _autocy_orig_sqrt\n" in generated and "_autocy_item_d_f(xs, i)" in generated
    assert "(total + _autocy_guarded_d_f(" in generated
    assert "return _autocy_box_num(total, _ac_n_total)" in generated


def test_a_function_specialized_for_its_direct_calls_alone_declares_no_empty_locals(tmp_path):
    # (mpmath's `def isqrt_python(x): return sqrtrem_python(x)[0]`: Cython crashes on an empty
    # `@cython.locals()`, and the module lost all its specializations)
    source = "def h(x):\n    k = 2.0\n    return k * k, x\n\n\ndef g(x):\n    return h(x)[0]\n"
    mixed = {"x": {"str": {"count": 3}, "int": {"count": 3, "min": 1, "max": 9}}}
    generated = render(tmp_path, source, {"h": {**mixed, "k": {"float": {"count": 3}}}, "g": mixed}).text
    generated = generated.split(MARKER)[1]
    assert "def _autocy_spec_g(x):" in generated and "_autocy_spec_h(x)" in generated
    assert ".locals()" not in generated


def test_an_int_or_float_beyond_2_to_the_53_stays_an_object():
    source = "def f(xs):\n    for x in xs:\n        y = x * 0.5\n    return y\n"
    mixed = {"xs": {"list": {"count": 1}}, "y": {"float": {"count": 1}}}
    assert analyze(source, {**mixed, "x": {"int": {"count": 1, "min": 0, "max": 2 ** 53}, "float": {"count": 1}}}
                   ).kinds["x"] is Kind.NUM
    assert "x" not in analyze(source, {**mixed, "x": {"int": {"count": 1, "min": 0, "max": 2 ** 53 + 1},
                                                      "float": {"count": 1}}}).kinds


def test_guards_mid_body_in_a_function_with_effects():
    source = textwrap.dedent("""\
        def f(xs, log):
            total = 0.0
            for x in xs:
                log.append(x)
                total = total + x
            return total
        """)
    result = analyze(source, {"xs": {"list": {"count": 1}}, "log": {"list": {"count": 1}},
                              "x": {"float": {"count": 1}}, "total": {"float": {"count": 1}}})
    # a failed guard resumes the call on objects where it stopped: effects are never redone
    assert result.kinds["x"] is Kind.DOUBLE and result.kinds["total"] is Kind.DOUBLE
    assert {t.name: t.klass for t in result.typings}["x"] == "guarded"


def test_settings_pin_a_type_and_keep_variables_untyped():
    source = "def f(x, n):\n    acc = 0.0\n    for i in range(n):\n        acc = acc + x\n    return acc\n"
    types = {"x": {"float": {"count": 1}, "int": {"count": 1}}, "n": {"int": {"count": 1, "min": 3, "max": 3}},
             "acc": {"float": {"count": 1}}, "i": {"int": {"count": 1, "min": 0, "max": 2}}}
    assert "x" not in analyze(source, types).kinds  # two types seen
    pinned = analyze(source, types, overrides=Overrides(pins={"x": "float"}, untyped=frozenset({"acc"})))
    assert pinned.kinds["x"] is Kind.DOUBLE and "acc" not in pinned.kinds
    assert "pinned to float by the settings" in {t.name: t.reason for t in pinned.typings}["x"]
    assert pinned.entry_guards["x"] is Kind.DOUBLE  # a pin is still guarded


def test_assumed_int_arithmetic_is_unchecked_and_reported():
    source = "def f(n):\n    s = 0\n    for i in range(n):\n        s = s + i * i\n    return s\n"
    types = {"n": {"int": {"count": 1, "min": 9, "max": 9}}, "s": {"int": {"count": 1, "min": 0, "max": 204}},
             "i": {"int": {"count": 1, "min": 0, "max": 8}}}
    checked = analyze(source, types)
    assumed = analyze(source, types, overrides=Overrides(assume=frozenset({"int-overflow"})))
    add = next(n for n in ast.walk(checked.node) if isinstance(n, ast.Assign) and n.targets[0].id == "s"
               and isinstance(n.value, ast.BinOp))
    assert checked.typer().needs_retry(add.value)
    assumed_add = next(n for n in ast.walk(assumed.node) if isinstance(n, ast.Assign) and n.targets[0].id == "s"
                       and isinstance(n.value, ast.BinOp))
    assert not assumed.typer().needs_retry(assumed_add.value)
    assert {t.name: t.klass for t in assumed.typings}["s"] == "assumed"
    assert "assumed" not in {t.klass for t in checked.typings}


def test_identity_uses_keep_their_objects():
    source = "def f(x, y):\n    z = x * 2.0\n    return z is y, id(x)\n"
    result = analyze(source, {"x": {"float": {"count": 1}}, "y": {"float": {"count": 1}},
                              "z": {"float": {"count": 1}}})
    assert not {"x", "y", "z"} & set(result.kinds)  # a boxed copy would be another object


def test_a_test_against_none_keeps_a_typed_value_typed(tmp_path):
    # an optional parameter: typed as the float the profile saw, its `is None` tests constant
    source = ("def mix(a, b, t=None):\n    if t is None:\n        t = 0.5\n"
              "    if None is not t and a is not b:\n        return a + (b - a) * t\n    return a\n")
    types = {name: {"float": {"count": 3}} for name in ("a", "b", "t")}
    result = analyze(source, types)
    assert result.kinds["t"] is Kind.DOUBLE
    assert "a" not in result.kinds and "b" not in result.kinds  # (compared with each other: kept)
    generated = render(tmp_path, source, {"mix": types}).text
    spec = generated[generated.index("def _autocy_spec_mix"):]
    assert "if False:" in spec and "(True and (a is not b))" in spec


def test_a_value_tested_against_none_that_enters_mid_body_stays_an_object():
    # `after` is None for every new key: a guard where it enters would deoptimize each time
    source = ("def pairs(table, words):\n    for w in words:\n        after = table.get(w)\n"
              "        if after is None:\n            after = {}\n            table[w] = after\n"
              "        after[w] = after.get(w, 0) + 1\n    return table\n")
    types = {"table": {"dict": {"count": 1}}, "words": {"list": {"count": 1}}, "after": {"dict": {"count": 1}},
             "w": {"str": {"count": 1}}}
    result = analyze(source, types)
    assert "after" not in result.kinds and result.kinds["w"] is Kind.STR


def test_prefix_reversal_of_one_list_is_done_in_place(tmp_path):
    source = textwrap.dedent("""\
        def f(perm, other, k):
            perm[:k + 1] = perm[k::-1]
            perm[:k + 1] = other[k::-1]
            perm[:k] = perm[k::-1]
            return perm
        """)
    types = {"perm": {"list": {"count": 1, "elements": {"int": 4}}},
             "other": {"list": {"count": 1, "elements": {"int": 4}}},
             "k": {"int": {"count": 1, "min": 0, "max": 3}}}
    text = render(tmp_path, source, {"f": types}).text
    # only the first statement reverses one list's own prefix; negative k runs as Python does
    assert text.count("_autocy_reverse_prefix(perm, k)") == 1
    assert "if k >= 0 and perm is not None:" in text


INT_LISTS = textwrap.dedent("""\
    def f(n, k, other):
        perm = list(range(n))
        count = [0] * n
        work = perm[:]
        work[:k + 1] = work[k::-1]
        count[work[0]] += 1
        perm[k] = count[-1]
        perm[k + 1], work[0] = work[0], perm[k + 1]
        {extra}
        return perm[0] + count[1] + work[len(work) - 1]
    """)
INT_LIST_TYPES = {name: {"list": {"count": 1, "elements": {"int": 4}}} for name in ("perm", "count", "work", "other")}
INT_LIST_TYPES.update({"n": {"int": {"count": 1, "min": 5, "max": 5}}, "k": {"int": {"count": 1, "min": 0, "max": 3}}})


def test_local_lists_of_ints_become_c_arrays(tmp_path):
    result = analyze(INT_LISTS.format(extra="pass"), INT_LIST_TYPES)
    assert {name: result.kinds[name] for name in ("perm", "count", "work")} == dict.fromkeys(
        ("perm", "count", "work"), Kind.INTLIST)
    text = render(tmp_path, INT_LISTS.format(extra="pass"), {"f": INT_LIST_TYPES}).text
    for code in ("perm = _autocy_il_range(n)", "count = _autocy_il_fill(0, n)", "work = _autocy_il_copy(work, perm)",
                 "_autocy_il_reverse_prefix(work, k)", "_autocy_il_shared(perm, _ac_lists)",
                 "_autocy_il_len(work)"):
        assert code in text, code


@pytest.mark.parametrize("extra", [
    "other = perm",  # an alias
    "print(perm)",  # passed to a call
    "perm.append(1)",  # a method
    "for x in perm: pass",  # iterated
    "perm[0] = 1.5",  # a float element
    "perm[0] = True",  # a bool element
    "perm[0] = other",  # an object element
    "k = perm[0] is other",  # identity of an element
    "k = [x for x in perm]",  # inside a comprehension
    "perm = other",  # a list made elsewhere
    "perm[1:3] = [1, 2]",  # a slice store
    "perm, k = [1], 2",  # unpacked into
    "perm[0], k = 1, 2",  # a swap that stores anything else too
    "perm[0], perm[1] = perm[1], 2.5",  # a swap that stores a float
])
def test_a_list_seen_by_anything_else_stays_a_list(extra):
    result = analyze(INT_LISTS.format(extra=extra), INT_LIST_TYPES)
    assert result.kinds.get("perm") is not Kind.INTLIST, result.typings
    assert result.kinds.get("count") is Kind.INTLIST  # the other lists are not concerned


@pytest.mark.parametrize("extra", [
    "print(f'{perm[0]} {len(perm)}')",  # an f-string (rendered on Python objects)
    "print({perm[0]: len(count)})",  # a dict display
])
def test_an_element_read_inside_python_code_is_boxed_there(tmp_path, extra):
    module = render(tmp_path, INT_LISTS.format(extra=extra), {"f": INT_LIST_TYPES})
    report = next(f for f in module.functions if f.qualname == "f")
    assert report.specialized and {"perm", "count"} <= {t.name for t in report.typings if t.kind is Kind.INTLIST}, report


def test_a_copy_of_a_list_that_stays_a_list_stays_a_list_too():
    result = analyze(INT_LISTS.format(extra="print(perm)"), INT_LIST_TYPES)
    assert result.kinds.get("work") is not Kind.INTLIST


def test_a_call_guard_is_checked_before_a_loop_only_when_the_callee_runs_no_python_code(tmp_path):
    source = textwrap.dedent("""\
        import math


        def weight(i, j):
            \"\"\"A C-only callee.\"\"\"
            return 1.0 / (i + j + 1)


        def root(i, j):
            return math.sqrt(i + j)


        def total(n):
            s = 0.0
            for i in range(n):
                for j in range(n):
                    s += weight(i, j)
                for j in range(n):
                    s += root(i, j)
            return s
        """)
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"weight": {"i": ints, "j": ints, "return": {"float": {"count": 1}}},
                                     "root": {"i": ints, "j": ints, "return": {"float": {"count": 1}}},
                                     "total": {"n": ints, "i": ints, "j": ints, "s": {"float": {"count": 1}}}}).text
    generated = text.split(MARKER)[1]
    assert "= weight is _autocy_fn_weight\n" in generated  # hoisted before the first inner loop
    assert "= root is _autocy_fn_root\n" not in generated  # its math guard reads a module attribute
    assert "(_autocy_specd_root(i, j) if (root is _autocy_fn_root" in generated


def test_a_loop_of_flagging_statements_calls_nothing_that_can_fail(tmp_path):
    source = textwrap.dedent("""\
        def weight(i, j):
            return 1.0 / (i - j)


        def total(xs, n):
            s = 0.0
            k = 1
            for i in range(n):
                s += weight(i, n) * xs[i] / s
                k = k * 3 + i
            return s, k
        """)
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    floats = {"float": {"count": 1}}
    text = render(tmp_path, source, {
        "weight": {"i": ints, "j": ints, "return": floats},
        "total": {"xs": {"list": {"count": 1, "elements": {"float": 3}}}, "n": ints, "i": ints, "s": floats,
                  "k": ints}}).text
    generated = text.split(MARKER)[1]
    spec = generated.split("def _autocy_spec_total")[1].split("def _autocy_resume_total")[0]
    # each failure (a zero divisor, a rebound callee, a non-float element, an overflow) is
    # noted by a flagging helper, then taken before the store: no try, no raising helper
    assert "(s + _autocy_fdiv_f(((_autocy_specf_weight(i, n) if (_ac_g0) else _autocy_rebound_d_f())" in spec
    assert "_autocy_item_d_f(xs, i)" in spec and "_autocy_iadd_f(_autocy_imul_f(k, 3), i)" in spec
    # (one loop: it only reads xs, once per element, so it owns no list; see the tests below)
    assert spec.count("if _autocy_take_failure():") == 2 and "_ac_pt" not in spec and "except" not in spec
    assert "_autocy_own_floats" not in spec
    flagging = generated.split("def _autocy_specf_weight(i, j):")[1].split("\n")[1]
    assert flagging.strip() == "return _autocy_fdiv_f(1.0, _autocy_cython.cast(_autocy_cython.double, (i - j)))"
    assert "@_autocy_cython.exceptval(check=False)\ndef _autocy_specf_weight" in generated


def test_a_loop_that_runs_no_python_code_owns_its_float_lists(tmp_path):
    source = textwrap.dedent("""\
        def step(xs, vs, masses, dt, n):
            for i in range(n):
                vs[i] += dt / masses[i]
                xs[i] += dt * vs[i]
            return xs
        """)
    floats = {"list": {"count": 1, "elements": {"float": 3}}}
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"step": {"xs": floats, "vs": floats, "masses": floats,
                                              "dt": {"float": {"count": 1}}, "n": ints, "i": ints}}).text
    spec = text.split(MARKER)[1].split("def _autocy_spec_step")[1].split("def _autocy_resume_step")[0]
    owned, checked = spec.split("        else:\n")
    # masses is only read: its elements are checked to be floats; xs and vs are stored into:
    # their floats are also made the lists' own; the three must be different lists
    assert ("if _autocy_own_floats(masses, 0, _ac_t0, _ac_t1) and _autocy_own_floats(vs, 1, _ac_t0, _ac_t1)"
            " and _autocy_own_floats(xs, 1, _ac_t0, _ac_t1)"
            " and masses is not vs and masses is not xs and vs is not xs and ") in owned
    # the loop stores: each list's values are held in a C array, copied back into the stored
    # lists' floats however the loop is left
    assert "_ac_fa4[i] = (_ac_fa4[i] + (dt * _ac_fa3[i]))" in owned
    assert owned.split("finally:\n")[1].split() == [
        "_autocy_floats_out(masses,", "_ac_fa2,", "0)", "_autocy_floats_out(vs,", "_ac_fa3,", "1)",
        "_autocy_floats_out(xs,", "_ac_fa4,", "1)"]
    # only the division can fail in the owned copy; the checked copy checks every element
    assert owned.count("_autocy_take_failure()") == 1 and "_autocy_item_d_f" not in owned
    assert checked.count("_autocy_take_failure()") == 2 and "_autocy_owned" not in checked and "_ac_fa2[" not in checked


def test_a_loop_that_only_reads_owned_float_lists_reads_them_in_place(tmp_path):
    # the inner loop reads each element again for every i: the outer loop owns both lists;
    # nothing is stored, so nothing makes the C compiler reload a list's items: no copies
    source = textwrap.dedent("""\
        def outer(xs, ys, n):
            total = 0.0
            for i in range(n):
                for j in range(n):
                    total += xs[i] * ys[j]
            return total
        """)
    floats = {"list": {"count": 1, "elements": {"float": 3}}}
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"outer": {"xs": floats, "ys": floats, "n": ints, "i": ints, "j": ints,
                                               "total": {"float": {"count": 1}}}}).text
    spec = text.split(MARKER)[1].split("def _autocy_spec_outer")[1].split("def _autocy_resume_outer")[0]
    assert "_autocy_own_floats(xs, 0, " in spec and "_autocy_own_floats(ys, 0, " in spec
    assert "(_autocy_owned_d(xs, i) * _autocy_owned_d(ys, j))" in spec and "_ac_fa" not in spec


def test_an_owned_list_used_any_other_way_keeps_its_floats(tmp_path):
    # ys[k] (not a counter) and the loop over xs read the lists themselves: no copy of them
    source = textwrap.dedent("""\
        def scale(xs, ys, vs, k, n):
            for i in range(n):
                vs[i] *= ys[i] + ys[k]
                for x in xs:
                    vs[i] += x
            for i in range(n):
                vs[i] += xs[i]
            return vs
        """)
    floats = {"list": {"count": 1, "elements": {"float": 3}}}
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"scale": {"xs": floats, "ys": floats, "vs": floats, "k": ints, "n": ints,
                                               "i": ints, "x": {"float": {"count": 1}}}}).text
    spec = text.split(MARKER)[1].split("def _autocy_spec_scale")[1].split("def _autocy_resume_scale")[0]
    first, second = spec.split("_autocy_own_floats(vs, 1")[1:3]
    assert "_autocy_floats_in(vs," in first and "_autocy_floats_in(xs," not in first
    assert "_autocy_floats_in(ys," not in first
    assert "_autocy_floats_in(vs," in second and "_autocy_floats_in(xs," in second


def test_a_loop_whose_elements_are_not_indexed_by_a_counter_owns_no_list(tmp_path):
    # xs[k] keeps its inline index and type check either way: a scan of xs before the loop
    # would buy nothing
    source = textwrap.dedent("""\
        def repeat(xs, k, n):
            total = 0.0
            for i in range(n):
                total += xs[k] * i
            return total
        """)
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"repeat": {"xs": {"list": {"count": 1, "elements": {"float": 3}}},
                                                "k": ints, "n": ints, "i": ints,
                                                "total": {"float": {"count": 1}}}}).text
    generated = text.split(MARKER)[1]
    assert "_autocy_seq_d_f(xs, k)" in generated and "_autocy_own_floats" not in generated


def test_a_loop_over_items_that_runs_no_python_code_reads_them_straight_into_c(tmp_path):
    source = textwrap.dedent("""\
        import math

        def norm(xs, ks):
            total = 0.0
            for x in xs:
                total += math.sqrt(x)
            count = 0
            for i, k in enumerate(ks):
                count += k * i
            for x in xs:
                print(x)
            return total, count
        """)
    floats = {"list": {"count": 1, "elements": {"float": 3}}}
    ints = {"int": {"count": 1, "min": 0, "max": 9}}
    text = render(tmp_path, source, {"norm": {"xs": floats, "ks": {"tuple": {"count": 1, "elements": {"int": 3}}},
                                              "x": {"float": {"count": 1}}, "total": {"float": {"count": 1}},
                                              "k": ints, "i": ints, "count": ints}}).text
    spec = text.split(MARKER)[1].split("def _autocy_spec_norm")[1].split("def _autocy_resume_norm")[0]
    before, first = spec.split("while _ac_k_1 < ")[:2]
    # the math guard and the length once, before the loop; each item read with a flag, and a
    # failure resumes at the top of the body with the item itself
    assert "_ac_g1 = math.sqrt is _autocy_orig_sqrt" in before and "math.sqrt" not in first
    assert "len(_ac_seq_1)" in before and first.startswith("_ac_t")
    assert "x = _autocy_seq_d_f(_ac_seq_1, _ac_k_1)" in first and "_ac_o = _ac_seq_1[_ac_k_1 - 1]" in first
    # an int item is checked against its guard's bound
    assert "k = _autocy_seq_ib_f(_ac_seq_2, _ac_k_2, 1073741824)" in spec
    # the loop that calls print keeps the checked items, and checks the length for each
    assert "while _ac_k_3 < len(_ac_seq_3):" in spec and "_ac_o = _ac_seq_3[_ac_k_3]" in spec


def test_indices_are_checked_once_before_their_loop(tmp_path):
    source = textwrap.dedent("""\
        def f(a, b, xs, n):
            for i in range(1, n - 1):
                b[i] = a[i - 1] + a[i + 1]
                b[i] = a[i] + xs[i]
                b[i + 1] = b[i]
            return b
        """)
    array = {"numpy.ndarray": {"count": 1, "dtype": {"float64": 1}, "ndim": {"1": 1}}}
    text = render(tmp_path, source, {"f": {"a": array, "b": array, "n": {"int": {"count": 1, "min": 5, "max": 5}},
                                           "xs": {"list": {"count": 1, "elements": {"float": 3}}},
                                           "i": {"int": {"count": 1, "min": 1, "max": 3}}}}).text
    generated = text.split(MARKER)[1]
    # b is assigned in the loop (b[i + 1] is an element store, not an assignment of b)
    assert "_ac_mv_a.shape[0] - 1" in generated and "_ac_mv_b.shape[0] - 1" in generated
    lines = generated.splitlines()
    unchecked = []  # the statements under a with-block that turns the checks off
    for k, line in enumerate(lines):
        if line.strip() == "with _autocy_cython.boundscheck(False), _autocy_cython.wraparound(False):":
            depth = len(line) - len(line.lstrip())
            body = [x for x in lines[k + 1:k + 4] if len(x) - len(x.lstrip()) > depth]
            unchecked.append("\n".join(body))
    # one copy of the loop (it reads each element of xs once: it owns no list)
    assert len(unchecked) == 2
    assert "_ac_mv_a[(i - 1)]" in unchecked[0] and "_ac_mv_b[(i + 1)]" in unchecked[1]
    # the loop runs no Python code, so the list's length is checked before it too; its element
    # is read without a bounds check, outside the with-blocks (which would change list indexing)
    assert "<= len(xs) - 0" in generated
    assert "_autocy_item_d_f(xs, i)" in generated and "_autocy_own_floats" not in generated
    assert not any("xs" in u for u in unchecked)


@pytest.mark.parametrize("source, fragment", [
    ("import functools\n@functools.lru_cache\ndef f(x):\n    return x * 2.0\n", "decorated"),
    ("def f(x, *rest):\n    return x * 2.0\n", "*args"),
    ("def f(x):\n    def g(v):\n        return v * x\n    return g(2.0)\n", "FunctionDef"),
    ("def f(xs):\n    return [sum(x * 2.0 for x in row) for row in xs]\n", "closure inside a comprehension"),
    # (a try runs as written: what it computes is no gain)
    ("def f(x):\n    try:\n        return x * 2.0\n    except ValueError:\n        return 0.0\n", "nothing to gain"),
    ("def f(x):\n    y = x * 2.0\n    return locals()\n", "locals"),
    ("abs = len\ndef f(x):\n    return abs(x)\n", "rebinds builtins"),
    ("def f(x):\n    _ac_y = x\n    return _ac_y\n", "reserved prefix"),
    ("def f(x):\n    return print(x)\n", "nothing to gain"),
])
def test_refused_functions_say_why(source, fragment):
    result = analyze(source, {"x": {"float": {"count": 1}}, "xs": {"list": {"count": 1}}}, name="f")
    assert result.rejected and fragment in result.rejected


def test_str_predicates_of_an_exact_str_are_tested_in_c(tmp_path):
    source = ("def letters(text):\n    n = 0\n    for i in range(len(text)):\n"
              "        if text[i].isalpha() or text[i].istitle():\n            n += 1\n    return n\n")
    types = {"text": {"str": {"count": 1}}, "n": {"int": {"count": 1, "min": 0, "max": 9}},
             "i": {"int": {"count": 1, "min": 0, "max": 9}}}
    generated = render(tmp_path, source, {"letters": types}).text
    assert "_autocy_str_isalpha(text[i])" in generated and "_autocy_str_istitle(text[i])" in generated


def test_an_int_constant_on_python_objects_stays_a_literal(tmp_path):
    # a cast to object hid the constant from Cython, which then took PyNumber_InPlaceSubtract
    source = ("def f(d, n):\n    total = 0.0\n    for i in range(n):\n        total += 1.5\n"
              "    d['k'] -= 1\n    return total\n")
    types = {"d": {"dict": {"count": 1}}, "n": {"int": {"count": 1, "min": 3, "max": 3}},
             "i": {"int": {"count": 1, "min": 0, "max": 2}}, "total": {"float": {"count": 1}}}
    generated = render(tmp_path, source, {"f": types}).text
    assert "    _ac_o -= 1\n" in generated and "cast(object, 1)" not in generated


@pytest.mark.parametrize("expression, spelled", [
    ("0.5 // 0.1", "_autocy_py_divmod(0.5, 0.1)[0]"),
    ("-4.0 % 2.0", "_autocy_py_divmod(-4.0, 2.0)[1]"),
    ("-0.0 ** -1.25", "-_autocy_py_pow(0.0, -1.25)"),
    ("(1.0 + 2.0) % -0.3", "_autocy_py_divmod(1.0 + 2.0, -0.3)[1]"),
    ("(2.0 ** 3.0) ** (0.5 // 0.1)", "(_autocy_py_pow(2.0, 3.0)) ** (_autocy_py_divmod(0.5, 0.1)[0])"),
    ("abs(-7.5) // 2.0", "_autocy_py_divmod(abs(-7.5), 2.0)[0]"),
    ("x ** 2.0 + 2.0 ** x", "x ** 2.0 + 2.0 ** x"),
    ("float(x - 3) ** -1.25", "_autocy_py_pow(float(x - 3), -1.25)"),
    ("len([1, 2]) // 0.5 + len('ab') ** -2", "_autocy_py_divmod(len([1, 2]), 0.5)[0] + _autocy_py_pow(len('ab'), -2)"),
    ('f"{1.0 // 3.0}"', 'f"{1.0 // 3.0}"'),
    ("1 << len('abc')", "1 << _autocy_py_int(len('abc'))"),
    ("len('ab') * 2147483647 - 1", "_autocy_py_int(len('ab')) * 2147483647 - 1"),
    ("(len('ab') + 1) << 3 >> 70", "(_autocy_py_int(len('ab')) + 1) << 3 >> 70"),
    ("max(len('ab'), 2) >> 64", "_autocy_py_int(max(len('ab'), 2)) >> 64"),
    ("len('ab') / 3", "_autocy_py_int(len('ab')) / 3"),
    ("len('ab') - 1 - abs(-2) * 3 >> 2", "len('ab') - 1 - abs(-2) * 3 >> 2"),
    ("(len('ab') > 1) + 2147483647 * 2147483647", "(len('ab') > 1) + 2147483647 * 2147483647"),
    ("len('ab') * 2.5 + 2 ** 40 * len('a')", "len('ab') * 2.5 + _autocy_py_pow(2, 40) * len('a')"),
    ("(len('ab') > 1) << 63", "(_autocy_py_int(len('ab') > 1)) << 63"),
    ("(not x) << 63 | ('a' in 'ab') << 63", "(_autocy_py_int(not x)) << 63 | (_autocy_py_int('a' in 'ab')) << 63"),
    ("divmod(len('ab'), 3)[1] << 62", "_autocy_py_int(divmod(len('ab'), 3)[1]) << 62"),
    ("max(0, float(x)) + min(len('ab'), 2.5, 3)",
     "max(_autocy_py_int(0), float(x)) + min(_autocy_py_int(len('ab')), 2.5, _autocy_py_int(3))"),
    ("float(x) == len('ab') < 2.0 ** 60", "float(x) == _autocy_py_int(len('ab')) < _autocy_py_pow(2.0, 60)"),
    ("(not len('ab') ** 2) << 63", "(_autocy_py_int(not _autocy_py_pow(len('ab'), 2))) << 63"),
    ("-hash('ab') + abs(hash('a'))", "-_autocy_py_int(hash('ab')) + abs(_autocy_py_int(hash('a')))"),
    ("len('ab') // 2 - 7 % len('a')", "len('ab') // 2 - 7 % len('a')"),
])
def test_literal_arithmetic_is_spelled_with_python_builtins(expression, spelled):
    source = f"x = 3.0\ny = {expression}  # {expression}\n"
    rewritten = respell(source, literal_respellings(ast.parse(source)))
    assert rewritten == f"x = 3.0\ny = {spelled}  # {expression}\n"
    values = []
    for text in (source, rewritten):
        scope = dict(LITERAL_HELPERS)
        try:
            exec(text, scope)
            values.append(repr(scope["y"]))
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            values.append(type(exc).__name__)
    assert values[0] == values[1]


LITERAL_HELPERS = {"_autocy_py_pow": pow, "_autocy_py_divmod": divmod, "_autocy_py_int": lambda x: x}
"""What the helpers of LITERAL_PXD compute, as Python functions."""


def test_literal_arithmetic_is_rewritten_when_the_module_binds_pow_and_divmod():
    # the helpers are C functions of the .pxd: the module's own pow and divmod cannot shadow them
    source = "def pow(a, b):\n    return 0\n\ndivmod = 3\ny = 2.0 ** 0.5 + (1 << len('ab'))\n"
    assert respell(source, literal_respellings(ast.parse(source))) == (
        "def pow(a, b):\n    return 0\n\ndivmod = 3\ny = _autocy_py_pow(2.0, 0.5) + (1 << _autocy_py_int(len('ab')))\n")


def test_typed_code_computes_with_a_len_the_literal_pass_spelled_as_a_python_int(tmp_path):
    # len(xs) + 1 could wrap in the untyped copy (a range of 2**63-1 items); typed code knows
    # xs is a list (far below 2**62 items), so its range() loop stays a C loop (the kernel the
    # differential test compiles: test_len_plus_one_is_a_c_int_in_typed_code_and_grows_elsewhere)
    source = kernel_source("prefix_sums")
    floats = {"list": {"count": 1, "elements": {"float": 3}}}
    text = render(tmp_path, source, {"prefix_sums": {"xs": floats, "sums": floats, "i": {"int": {"count": 1}},
                                                     "total": {"float": {"count": 1}}}}).text
    user, generated = text.split(MARKER)
    assert "    for i in range(1, _autocy_py_int(len(xs)) + 1):\n" in user
    spec = generated.split("def _autocy_spec_prefix_sums")[1].split("def _autocy_resume")[0]
    assert "_ac_stop_1 = (len(xs) + 1)\n" in spec and "for i in range(_ac_start_1, _ac_stop_1, 1):" in spec
    # (len(xs) << 62 is not proven to fit: a checked shift, computed again on objects when it does not)
    assert "_autocy_ilshift(len(xs), 62)" in spec


@pytest.mark.parametrize("source, spelled", [
    ("y = (2.0\n     ** 0.5)\nz = 1\n", "y = (_autocy_py_pow(2.0\n, 0.5))\nz = 1\n"),
    ("y = (len('ab')  # two\n     << 63)\nz = 1\n", "y = (_autocy_py_int(len('ab'))  # two\n     << 63)\nz = 1\n"),
    ("y = (1 <<\n     len('ab')\n     ) + 2.0 // 3.0\n",
     "y = (1 <<\n     _autocy_py_int(len('ab'))\n     ) + _autocy_py_divmod(2.0, 3.0)[0]\n"),
    ("y = 2.0 \\\n    % 0.75\nz = 1\n", "y = _autocy_py_divmod(2.0\n, 0.75)[1]\nz = 1\n"),
    ("y = (len('abc') * 2 +\n     3) << len(\n  'ab' * 31)\n",
     "y = (_autocy_py_int(len('abc')) * 2 +\n     3) << len(\n  'ab' * 31)\n"),
    ("y = (len('abc') % 2 +\n     3) << len(\n  'ab' * 31)\n",
     "y = (_autocy_py_int(len('abc') % 2 +\n     3)) << len(\n  'ab' * 31)\n"),
])
def test_literal_arithmetic_over_several_lines_keeps_its_line_breaks(source, spelled):
    rewritten = respell(source, literal_respellings(ast.parse(source)))
    assert rewritten == spelled
    old, new = ast.parse(source), ast.parse(rewritten)
    assert [n.lineno for n in ast.walk(old) if isinstance(n, ast.stmt)] == \
        [n.lineno for n in ast.walk(new) if isinstance(n, ast.stmt)]
    values = []
    for text in (source, rewritten):
        scope = dict(LITERAL_HELPERS)
        exec(text, scope)
        values.append(repr(scope["y"]))
    assert values[0] == values[1]


def test_code_that_never_runs_is_left_out_of_the_specialization():
    source = ("def f(xs, flag):\n"
              "    if 1e300 == -3.0:\n        y = 1\n    else:\n        z = 2\n"
              "    while 0:\n        w = 3\n    else:\n        v = 4\n"
              "    for x in xs:\n        if flag:\n            break\n            u = 5\n"
              "    while True:\n        if flag:\n            break\n"
              "    while 1:\n        for x in xs:\n            break\n"
              "    if flag:\n        return 0\n    else:\n        raise ValueError\n    r = 8\n"
              "    t = 6\n    return t\n    s = 7\n")
    node = ast.parse(source).body[0]
    kept = ast.unparse(without_unreachable(node))
    assert all(f"{name} =" not in kept for name in "ywusr") and "z = 2" in kept and "v = 4" in kept
    assert "while True" in kept and "while 1" in kept and "t = 6" not in kept
    assert ast.unparse(node).count(" = ") == 8  # the user's function itself is untouched
    plain = ast.parse("def g(x):\n    return x\n").body[0]
    assert without_unreachable(plain) is plain


@pytest.mark.parametrize(("test", "dead"), [
    ("(-1.25 < 1e300) or x > d", "else"), ("0 and x", "if"), ("not (1 or x)", "if"), ("1 and (0 or 2.5)", "else"),
    ("(1 and 0) or x", None), ("x or 1", None), ("not x", None)])
def test_an_and_or_decided_by_its_constant_operands_is_a_constant_test(test, dead):
    # Cython folds `(-1.25 < 1e300) or x > d` to True and drops the else branch; a variable
    # assigned only there made the specialization fail to compile (random programs, seed 5)
    source = f"def f(x, d):\n    if {test}:\n        y = 1\n    else:\n        z = 2\n    return x\n"
    kept = ast.unparse(without_unreachable(ast.parse(source).body[0]))
    assert ("y = 1" not in kept) is (dead == "if") and ("z = 2" not in kept) is (dead == "else"), kept


def test_builtin_names_bound_inside_other_scopes_are_not_module_rebindings():
    # pyperformance's bm_float has a local ``next``: only module-level bindings (and ``global``)
    # can change what a builtin's name means in the module
    source = ("class P:\n    len = 3\n\n"
              "def first(points):\n    next = points[0]\n    return next\n\n"
              "def g(key=(limit := 2)):\n    return key\n\n"
              "def f(x):\n    return abs(x) * 2.0\n")
    assert analyze(source, {"x": {"float": {"count": 1}}}, name="f").rejected is None
    assert module_facts(ast.parse(source)).bound == {"P", "first", "g", "limit", "f"}
    source = "def first(points):\n    global next\n    next = points[0]\n\ndef f(x):\n    return abs(x) * 2.0\n"
    assert "rebinds builtins ['next']" in analyze(source, {"x": {"float": {"count": 1}}}, name="f").rejected


def test_generated_module_keeps_the_users_code_verbatim_and_maps_lines(tmp_path):
    source = '"""doc"""\n\n\n' + JULIA
    rendered = render(tmp_path, source, {"julia": JULIA_TYPES})
    assert rendered.text.startswith(source)
    assert MARKER in rendered.text
    generated_lines = rendered.text.splitlines()
    user_lines = source.splitlines()
    for generated, original in rendered.line_map.items():
        assert generated > len(user_lines)
        assert 1 <= original <= len(user_lines)
    # the guard that unboxes z is mapped to the user's "z = zs[i]"
    z_line = user_lines.index("        z = zs[i]") + 1
    unbox = next(n for n, text in enumerate(generated_lines, 1) if "_ac_z_re = _autocy_creal" in text)
    assert rendered.line_map[unbox] == z_line
    assert rendered.functions[0].specialized


def test_a_main_block_gets_a_note(tmp_path):
    source = JULIA + '\n\nif __name__ == "__main__":\n    print(julia(5, [0j], [0j]))\n'
    assert "`python -m m` cannot run" in render(tmp_path, source, {"julia": JULIA_TYPES}).notes[0]
    assert render(tmp_path, JULIA, {"julia": JULIA_TYPES}).notes == []


def test_generated_file_keeps_the_source_encoding(tmp_path):
    source = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n\n\ndef f(x):\n    y = x * 2.0\n    return y\n"
    types = {"x": {"float": {"count": 1}}, "y": {"float": {"count": 1}}}
    path = tmp_path / "pkg" / "m.py"
    path.parent.mkdir()
    path.write_bytes(source.encode("latin-1"))
    module = ModulePlan("pkg.m", path, compile=True,
                        functions=[FunctionPlan(profile_for(source, "f", types), True, "hot")])
    sources, modules = generate(Plan([module]), tmp_path / "gen")
    assert modules[0].encoding == "iso-8859-1"
    written = sources[0].path.read_bytes()
    assert written.startswith(source.encode("latin-1"))
    assert path.read_bytes() == source.encode("latin-1")  # the user's file is untouched


def test_kind_from_feedback():
    assert kind_from_feedback({"float": {"count": 3}}) is Kind.DOUBLE
    assert kind_from_feedback({"int": {"count": 1, "min": -2 ** 62, "max": 2 ** 62}}) is Kind.CINT
    assert kind_from_feedback({"int": {"count": 1, "min": 0, "max": 2 ** 62 + 1}}) is Kind.OBJECT
    assert kind_from_feedback({"numpy.ndarray": {"count": 1, "dtype": {"float64": 1}, "ndim": {"2": 1}}}) is Kind.ARRAY2
    assert kind_from_feedback({"numpy.ndarray": {"count": 1, "dtype": {"int32": 1}, "ndim": {"1": 1}}}) is Kind.OBJECT
    assert kind_from_feedback({"numpy.float64": {"count": 1}}) is Kind.NPF64
    assert kind_from_feedback({"float": {"count": 1}, "int": {"count": 1}}) is Kind.OBJECT
    assert kind_from_feedback({"decimal.Decimal": {"count": 1}}) is Kind.OBJECT
    assert kind_from_feedback({}) is Kind.OBJECT


def test_element_kind():
    assert element_kind({"list": {"count": 2, "elements": {"float": 8}}}) is Kind.DOUBLE
    assert element_kind({"tuple": {"count": 2, "elements": {"int": 3}}}) is Kind.CINT
    assert element_kind({"list": {"count": 2, "elements": {"float": 8, "int": 1}}}) is Kind.OBJECT
    assert element_kind({"list": {"count": 2}}) is Kind.OBJECT


# ------------------------------------------------------------------ properties

TYPE_NAMES = ["int", "float", "complex", "bool", "list", "str", "dict", "tuple", "NoneType", "decimal.Decimal"]


@st.composite
def feedback(draw, names):
    result = {}
    for name in names:
        seen = draw(st.lists(st.sampled_from(TYPE_NAMES), max_size=2, unique=True))
        record = {}
        for type_name in seen:
            entry = {"count": draw(st.integers(1, 5))}
            if type_name == "int":
                low = draw(st.integers(-(2 ** 60), 2 ** 60))
                entry.update(min=low, max=low + draw(st.integers(0, 2 ** 54)))
            record[type_name] = entry
        if record:
            result[name] = record
    return result


KERNELS = {
    "julia": JULIA,
    "horner": kernel_source("horner"),
    "mixed": "def mixed(a, b):\n    s = a + b\n    q = a / b\n    m = a % b\n    t = s * q - m\n"
             "    if t > 0:\n        r = t\n    else:\n        r = -t\n    return r, abs(a), a < b\n",
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_feedback_gives_a_sound_specialization(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(KERNELS)))
    source = KERNELS[name]
    tree = ast.parse(source)
    variables = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)})
    types = data.draw(feedback(variables))
    analysis = analyze(source, types)
    for variable, kind in analysis.kinds.items():
        # a variable is only ever typed as the one exact type the profile saw for it, or as
        # int-or-float when ints within +-2**53 and floats (or floats and an int literal) were seen
        seen = types.get(variable, {})
        if variable.startswith("_ac_rb"):  # a range() bound's own local: a C int like its loop's variable
            reason = next(t.reason for t in analysis.typings if t.name == variable)
            loop_variable = reason.split("a bound of the range() loop over ")[1].split(";")[0]
            assert kind is Kind.CINT and set(types[loop_variable]) == {"int"}, (variable, reason, types)
        elif kind is Kind.NUM:
            assert set(seen) in ({"int", "float"}, {"float"}), (variable, types)
            assert -(2 ** 53) <= seen.get("int", {}).get("min", 0) <= seen.get("int", {}).get("max", 0) <= 2 ** 53
        else:
            assert set(seen) == {kind.python_type}, (variable, kind, types)
    rendered = render(tmp_path, source, {name: types})
    assert rendered.text.startswith(source)
    ast.parse(rendered.text)  # the generated module is valid (pure-mode Cython is Python syntax)
    report = rendered.functions[0]
    assert report.specialized == (analysis.rejected is None)
    if report.specialized:
        assert f"def {name}(" in rendered.text.split(MARKER)[1]
        assert f"_autocy_generic_{name} = {name}" in rendered.text
        assert rendered.pxd is not None


def test_a_local_named_like_a_method_does_not_stop_its_specialization(tmp_path):
    # sortedcontainers' SortedList: `_delete` was refused because another method has the local
    # `add = self.add`, counted as a second binding of the method
    source = ("class Bag:\n    def add(self, x):\n        total = 0.0\n        for i in range(3):\n"
              "            total += x * i\n        return total\n"
              "    def update(self, xs):\n        add = self.add\n        for x in xs:\n            add(x)\n")
    types = {"x": {"float": {"count": 3}}, "total": {"float": {"count": 3}},
             "i": {"int": {"count": 3, "min": 0, "max": 2}}}
    report = render(tmp_path, source, {"Bag.add": types}).functions[0]
    assert report.specialized, report.reason


@pytest.mark.parametrize(("rebinding", "refusal"), [
    ("from os.path import join as scale", None), ("def later():\n    global scale\n    scale = None", None),
    ("if False:\n    scale = len", None), ("def scale(x):\n    return x", "more than one def or class of this name"),
    ("if False:\n    class scale:\n        pass", "more than one def or class of this name"),
    ("del scale", "deletes the name")])
def test_a_function_the_module_binds_again_gets_its_dispatcher_only_if_it_holds_the_def(tmp_path, rebinding,
                                                                                          refusal):
    # an import after the def, a global statement in a function, a conditional assignment
    # (mpmath's `mpf_add = ext_lib.mpf_add`) may bind the name again: the dispatcher replaces
    # the name only if the name holds the def once the module has run (tests/test_rebound.py)
    source = ("def scale(x):\n    total = 0.0\n    for i in range(3):\n        total += x * i\n"
              f"    return total\n{rebinding}\n")
    types = {"x": {"float": {"count": 3}}, "total": {"float": {"count": 3}},
             "i": {"int": {"count": 3, "min": 0, "max": 2}}}
    rendered = render(tmp_path, source, {"scale": types})
    report = rendered.functions[0]
    if refusal:
        assert not report.specialized and refusal in report.reason
    else:
        assert report.specialized and "binds the name more than once" in report.reason
        assert "if _autocy_is_def(scale, _autocy_here, 'scale', 1):\n    def scale(x):" in rendered.text
        assert "else:\n    _autocy_fn_scale = _autocy_UNBOUND" in rendered.text


def test_a_rebound_builtin_that_the_generated_code_uses_only_where_named_refuses_only_its_users():
    # sortedcontainers' sortedlist: `if py2: from itertools import izip as zip` at module
    # level refused every function of the module
    source = ("import sys\nif sys.version_info < (3,):\n    from itertools import izip as zip\n\n"
              "def f(x):\n    return abs(x) * 2.0\n\n"
              "def g(xs, ys):\n    total = 0.0\n    for a, b in zip(xs, ys):\n        total += a * b\n"
              "    return total\n")
    types = {"x": {"float": {"count": 1}}, "xs": {"list": {"count": 1}}, "ys": {"list": {"count": 1}},
             "total": {"float": {"count": 1}}, "a": {"float": {"count": 1}}, "b": {"float": {"count": 1}}}
    assert analyze(source, types, name="f").rejected is None
    assert "rebinds builtins ['zip']" in analyze(source, types, name="g").rejected
    rebinds_len = "len = 3\n" + source  # (the generated code itself calls len())
    assert "rebinds builtins ['len']" in analyze(rebinds_len, types, name="f").rejected


@pytest.mark.parametrize(("prefix", "counted_down"), [("", True), ("reversed = list\n", False)])
def test_a_reversed_range_loop_is_a_c_range_loop_unless_the_module_rebinds_reversed(prefix, counted_down):
    source = prefix + ("def f(xs, n):\n    t = 0.0\n    for i in reversed(range(1, n)):\n"
                       "        t += xs[i]\n    return t\n")
    types = {"xs": {"list": {"count": 3}}, "n": {"int": {"count": 3, "min": 0, "max": 9}},
             "i": {"int": {"count": 9, "min": 0, "max": 8}}, "t": {"float": {"count": 3}}}
    result = analyze(source, types)
    reasons = {t.name: t.reason for t in result.typings}
    assert ("range() index over C bounds" in reasons.get("i", "")) is counted_down, reasons


@pytest.mark.parametrize(("source", "shadowed"), [
    ("def f(x, k):\n    len = k + 1\n    return x * 2.0 + len\n", "len"),
    ("def f(x, k):\n    return x * 2.0 + sum([float for float in [k]])\n", "float"),
    ("def f(x, k):\n    min = k + 1\n    return x * 2.0 + min\n", None),
    ("def f(x, type):\n    return x * 2.0 + type\n", None),
    ("def f(x, _ac_k, type):\n    return x * 2.0 + type\n", "type"),  # (not renamed: a reserved name)
])
def test_a_local_named_like_a_builtin_the_generated_code_calls_is_refused(source, shadowed):
    # (the dispatcher's guard `type(x) is int` would call the local; min() is called only where
    # the function names the builtin; a parameter is renamed: test_parameters_named_like_builtins_...)
    result = analyze(source, {"x": {"float": {"count": 3}}, "k": {"float": {"count": 3}},
                              "type": {"int": {"count": 3, "min": 1, "max": 2}}})
    if shadowed is None:
        assert result.rejected is None and result.kinds["x"] is Kind.DOUBLE
    else:
        assert f"a local shadows builtins the generated code calls ['{shadowed}']" == result.rejected


def test_parameters_named_like_builtins_are_renamed_in_the_specialization_alone(tmp_path):
    # mpmath's `def mpf_gamma(x, prec, rnd='d', type=0)`: every use in the body, nested scopes
    # included, is renamed; the dispatcher keeps the user's signature and the report the names
    source = ("def f(x, n, /, type=0, *, k=None):\n    t = x * type\n"
              "    return t, [type for type in range(n)], (lambda type: type)(n)\n")
    types = {"x": {"float": {"count": 3}}, "n": {"int": {"count": 3, "min": 0, "max": 4}},
             "type": {"int": {"count": 3, "min": 1, "max": 2}}, "t": {"float": {"count": 3}}}
    assert analyze(source, types).rejected.startswith("has *args")  # (keyword-only: not specialized)
    source = source.replace(", *, k=None", "")
    result = analyze(source, types)
    assert result.rejected is None and result.renamed == {"_ac_p_type": "type"}
    assert result.params == ["x", "n", "_ac_p_type"] and result.kinds["_ac_p_type"] is Kind.CINT
    text = render(tmp_path, source, {"f": types}).text
    assert "def f(x, n, /, type=_autocy_generic_f.__defaults__[0]):\n    return _autocy_enter_f(x, n, type)" in text
    assert "def _autocy_enter_f(x, n, _ac_p_type):" in text
    assert "lambda _ac_p_type: _ac_p_type, 'f')(" in text
    assert "def f(x, n, /, type=0):\n    t = x * type\n" in text  # (the original, the generic path)
    report = render(tmp_path, source, {"f": types}).functions[0]
    assert "type" in report.guards and "type" in {t.name for t in report.typings}
    # (a call of the literal pass's helper in the body binds no reserved name)
    spelled = render(tmp_path, source.replace("t = x * type", "t = x * type + (len(x) << 62)"), {"f": types})
    assert spelled.functions[0].specialized and "_autocy_py_int(len(x)) << 62" in spelled.text


def test_del_of_elements_and_attributes_is_specialized_and_del_of_a_variable_is_refused():
    types = {"xs": {"list": {"count": 3}}, "i": {"int": {"count": 3, "min": 0, "max": 9}}}
    accepted = analyze("def f(xs, i, o):\n    del xs[i], o.attr\n    return i + 1\n", types)
    assert accepted.rejected is None and accepted.kinds["i"] is Kind.CINT
    refused = analyze("def f(xs, i):\n    del xs[i]\n    del i\n    return xs\n", types)
    assert "deletes a variable" in refused.rejected


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="sum() of floats compensates rounding from 3.12 on")
@pytest.mark.parametrize(("element", "looped"), [
    ("x * k + 0.5", True), ("-x / 3", True), ("a * b", True), ("x * 1e999", False), ("x + (2 + 3)", False),
    ("x * len(xs)", False), ("x * GLOBAL", False),
])
def test_a_sum_of_a_generator_expression_is_looped_only_when_c_computes_what_python_does(element, looped):
    # (a literal too large for a double would be spelled `inf`; two ints add exactly in Python)
    loop = "a, b in zip(xs, ys)" if element == "a * b" else "x in xs"
    source = f"def f(xs, ys, k):\n    return sum({element} for {loop})\n"
    floats = {"list": {"count": 3, "elements": {"float": 3}}}
    analysis = analyze(source, {"xs": floats, "ys": floats, "k": {"float": {"count": 3}}})
    assert bool(analysis.reductions) is looped


@pytest.mark.parametrize(("call", "looped"), [
    ("max(x * k for x in xs)", True), ("min(-x for x in xs)", True), ("max(a - b for a, b in zip(xs, ys))", True),
    ("max(abs(x - k) for x in xs)", True), ("max(abs(x, k) for x in xs)", False),
    ("max(abs(abs) for abs in xs)", False), ("max(abs(xs) for x in xs)", True),
    ("max(x for x in xs if x)", False), ("max((x for x in xs), default=0.0)", False),
    ("max(x * k for x in xs), 1.0", False), ("max(2 * 3 for x in xs)", False), ("max(len(xs) for x in xs)", False),
    ("sum(x * k for x in xs)", sys.version_info < (3, 12)),
])
def test_a_max_or_min_of_a_generator_expression_is_looped_in_every_python(call, looped):
    # (no condition, no keyword, one argument; sum() only where it adds as a double does)
    source = f"def f(xs, ys, k):\n    return {call}\n"
    floats = {"list": {"count": 3, "elements": {"float": 3}}}
    analysis = analyze(source, {"xs": floats, "ys": floats, "k": {"float": {"count": 3}}})
    assert [loop.builtin for loop in analysis.reductions.values()] == ([call[:3]] if looped else [])


def _intervals(*small):
    bound = st.one_of(*small, st.integers(-(2 ** 63), 2 ** 63 - 1))
    return st.tuples(bound, bound).map(sorted).map(tuple)


@settings(max_examples=1000, deadline=None)
@given(op=st.sampled_from([ast.Add(), ast.Sub(), ast.Mult(), ast.LShift(), ast.RShift(), ast.BitAnd(), ast.Mod(),
                           ast.FloorDiv()]),
       left=_intervals(st.integers(-300, 300)), right=_intervals(st.integers(0, 8), st.integers(-70, 70)),
       data=st.data())
def test_a_proven_int_range_holds_every_result(op, left, right, data):
    # ExprTyper.combine_interval: for C ints a and b in their proven ranges, Python's a op b
    # (what the typed code must equal) lies in the range it proves
    from autocy.annotate.expressions import ExprTyper
    typer = ExprTyper({"a": Kind.CINT, "b": Kind.CINT}, {"a", "b"}, module_facts(ast.parse("")),
                      intervals={"a": left, "b": right})
    proven = typer.combine_interval(ast.Name("a"), op, ast.Name("b"))
    if proven is None:
        return
    assert -(2 ** 63) <= proven[0] <= proven[1] < 2 ** 63, proven
    inner = (data.draw(st.integers(*left)), data.draw(st.integers(*right)))
    for a, b in [(a, b) for a in left for b in right] + [inner]:  # (the corners, and one inside)
        try:
            result = eval(f"a {_OPS_TEXT[type(op)]} b")  # noqa: S307 - a fixed operator between two ints
        except (ZeroDivisionError, ValueError):
            continue  # (a zero divisor or a negative shift count: the operation raises, typed or not)
        assert proven[0] <= result <= proven[1], (a, b, proven)


_OPS_TEXT = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&",
             ast.Mod: "%", ast.FloorDiv: "//"}
