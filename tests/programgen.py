"""Random numeric Python functions for differential testing of the annotator.

:func:`make_module` writes the source of a module of functions ``f0``, ``f1``, ... built from
a seeded random generator: assignments, augmented assignments and element updates of ints,
floats, a list of floats and a local list of ints (made by ``[0] * 4``, ``list(range(m))``
and copies, indexed, measured, iterated, stored into, swapped and flipped as fannkuch does: a
C array in typed code when nothing else sees it), ``for`` loops over ``range()``, over the list and by index,
over a ``bytes`` literal (items 0..255, read in C),
bounded ``while`` loops, ``if``/``else``, ``try``/``except``/``finally``, ``break`` and
``continue``, and expressions mixing
``+ - * / // % **``, shifts, comparisons (also with the module constants ``LIMIT_F`` and
``LIMIT_I``), ``abs``, ``min``, ``max`` (of two floats, two ints, or a float and an int),
``int``, ``float`` and ``math`` calls. Every function takes ``(a, b, xs, n)``: an int, a
float, a list of floats and a small int in the profile, anything in the tests. Loops are bounded by ``n``, ``len(xs)`` or a
constant, so every call ends quickly whatever the arguments.

The same seed gives the same module, so a failing program can be written out again.
"""

from __future__ import annotations

import random

FLOAT_CONSTANTS = ["0.5", "-1.25", "3.0", "0.0", "-0.0", "1e300", "1e-300", "2.5", "7.0"]
INT_CONSTANTS = ["0", "1", "-3", "7", "2", "1099511627776", "-1"]
FLOAT_OPS = ["+", "-", "*", "/", "//", "%", "**"]
INT_OPS = ["+", "-", "*", "//", "%"]
COMPARE = ["<", "<=", ">", ">=", "==", "!="]
BYTES_CONSTANTS = ['b""', 'b"\\x00\\x01\\x7f\\x80\\xff"', 'b"AZ az"', 'b"\\xfe" * 9']

PRELUDE = ["s = 0.0", "t = 0", "u = 0", "d = 1.5", "k = 2", "w = 0", "flag = False", "q = 0", "e = 0",
           "ns = [0] * 4", "c = 0"]
"""The locals every function starts with: float ``s``, int ``t``, int-or-float ``u`` (an int
0 that float additions make a float), ``d``, ``k``, the while counter ``w``, ``flag``, the
flip length ``q``, the local list of ints ``ns`` and its loop variable ``e``, and ``c``, the
loop variable over bytes."""


class _Function:
    """The generator of one function body (see :func:`make_module`)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []
        self.loops = 0          # enclosing loops
        self.index: list[str] = []  # enclosing range(len(xs)) loop variables
        self.item: list[str] = []   # enclosing "for x in xs" variables
        self.codes: list[str] = []  # enclosing "for c in b'...'" variables

    # ---- expressions

    def float_expr(self, depth: int = 0) -> str:
        rng = self.rng
        leaves = ["b", "d", "s", rng.choice(FLOAT_CONSTANTS)] + self.item + [f"xs[{i}]" for i in self.index]
        if depth >= 2 or rng.random() < 0.35:
            return rng.choice(leaves)
        choice = rng.random()
        if choice < 0.45:
            op = rng.choice(FLOAT_OPS)
            if op == "**":  # a float exponent: never an int result of unbounded size
                return f"({self.float_expr(depth + 1)} ** {rng.choice(FLOAT_CONSTANTS)})"
            return f"({self.float_expr(depth + 1)} {op} {self.divisor(op, self.float_expr(depth + 1), '0.5')})"
        if choice < 0.6:
            op = rng.choice(FLOAT_OPS[:4])
            return f"({self.float_expr(depth + 1)} {op} {self.divisor(op, self.int_expr(depth + 1), '1')})"
        if choice < 0.7:
            return f"abs({self.float_expr(depth + 1)})"
        if choice < 0.78:
            return f"math.sqrt(abs({self.float_expr(depth + 1)}))"
        if choice < 0.83:  # (one argument an int now and then: the result is whichever is picked)
            other = self.int_expr(depth + 1) if rng.random() < 0.3 else self.float_expr(depth + 1)
            return f"{rng.choice(['min', 'max'])}({self.float_expr(depth + 1)}, {other})"
        if choice < 0.88:
            return f"float({self.int_expr(depth + 1)})"
        if choice < 0.93:
            return f"({self.float_expr(depth + 1)} if {self.condition(depth + 1)} else {self.float_expr(depth + 1)})"
        return f"(-{self.float_expr(depth + 1)})"

    def divisor(self, op: str, operand: str, offset: str) -> str:
        """The right operand of ``op``: of a division, mostly made nonzero (``abs(e) + 1``),
        so that most calls get past it."""
        if op in ("/", "//", "%") and self.rng.random() < 0.8:
            return f"(abs({operand}) + {offset})"
        return operand

    def int_expr(self, depth: int = 0) -> str:
        rng = self.rng
        leaves = ["a", "n", "k", "t", rng.choice(INT_CONSTANTS), "len(xs)"] + self.index + self.codes
        leaves.append(rng.choice(["ns[0]", "ns[k % 4]", "len(ns)"]))
        if depth >= 2 or rng.random() < 0.4:
            return rng.choice(leaves)
        choice = rng.random()
        if choice < 0.55:
            op = rng.choice(INT_OPS)
            return f"({self.int_expr(depth + 1)} {op} {self.divisor(op, self.int_expr(depth + 1), '1')})"
        if choice < 0.65:
            return f"abs({self.int_expr(depth + 1)})"
        if choice < 0.72:
            return f"({rng.choice(['a', 'n', 'len(xs)', *INT_CONSTANTS])} ** {rng.choice(['2', '3'])})"
        if choice < 0.8:
            return f"int({self.float_expr(depth + 1)})"
        if choice < 0.86:
            return f"{rng.choice(['min', 'max'])}({self.int_expr(depth + 1)}, {self.int_expr(depth + 1)})"
        if choice < 0.92:  # shifts: past 64 bits, and a negative count (ValueError)
            op, count = rng.choice([("<<", "1"), ("<<", "40"), ("<<", "63"), (">>", "3"), (">>", "64"), ("<<", "-1")])
            return f"({self.int_expr(depth + 1)} {op} {count})"
        return f"(-{self.int_expr(depth + 1)})"

    def condition(self, depth: int = 0) -> str:
        rng = self.rng
        choice = rng.random()
        if choice < 0.4:
            return f"{self.float_expr(depth + 1)} {rng.choice(COMPARE)} {self.float_expr(depth + 1)}"
        if choice < 0.7:
            return f"{self.int_expr(depth + 1)} {rng.choice(COMPARE)} {self.int_expr(depth + 1)}"
        if choice < 0.75:
            return "flag"
        if choice < 0.8:  # a module constant (a Python object to typed code) on either side
            number, constant = rng.choice([(self.float_expr, "LIMIT_F"), (self.int_expr, "LIMIT_I")])
            sides = [number(depth + 1), constant]
            rng.shuffle(sides)
            return f"{sides[0]} {rng.choice(COMPARE)} {sides[1]}"
        if choice < 0.9 and depth < 2:
            return f"({self.condition(depth + 1)} {rng.choice(['and', 'or'])} {self.condition(depth + 1)})"
        return f"not {self.int_expr(depth + 1)} {rng.choice(COMPARE)} {self.float_expr(depth + 1)}"

    # ---- statements

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def block(self, indent: int, depth: int) -> None:
        for _ in range(self.rng.randint(1, 3)):
            self.statement(indent, depth)

    def statement(self, indent: int, depth: int) -> None:  # noqa: C901 - one case per statement
        rng = self.rng
        choice = rng.random()
        if depth >= 2:
            choice = min(choice, 0.585)  # no loops or ifs that deep
        if rng.random() < 0.1:
            self.int_list_statement(indent, depth)
        elif choice < 0.12:
            self.emit(indent, f"d = {self.float_expr()}")
        elif choice < 0.22:  # (modulo a prime: k and t never grow without bound in loops)
            self.emit(indent, f"k = {self.int_expr()} % 1000003")
        elif choice < 0.32:
            self.emit(indent, f"s {rng.choice(['+=', '-=', '*='])} {self.float_expr()}")
        elif choice < 0.4:
            op = rng.choice(["+=", "-=", "*="])
            self.emit(indent, f"t {op} {self.int_expr() if op != '*=' else rng.choice(INT_CONSTANTS)}")
        elif choice < 0.46:
            self.emit(indent, f"u += {rng.choice([self.float_expr(), self.int_expr()])}")
        elif choice < 0.5:
            self.emit(indent, f"flag = {self.condition()}")
        elif choice < 0.56:
            if self.index:
                target = f"xs[{rng.choice(self.index)}]"
            else:
                target = f"xs[{rng.choice(['0', '-1', 'k', 'n'])}]"
            self.emit(indent, f"{target} {rng.choice(['=', '+=', '-=', '*='])} {self.float_expr()}")
        elif choice < 0.59 and self.loops:
            self.emit(indent, f"if {self.condition()}:")
            self.emit(indent + 1, rng.choice(["break", "continue"]))
        elif choice < 0.59:
            self.emit(indent, f"return {self.float_expr()}")
        elif choice < 0.69:
            bound = rng.choice(["n", "3", "k % 5", "len(xs)"])
            var = rng.choice(["i", "j"])
            self.emit(indent, f"for {var} in range({bound}):")
            self.loop(indent, depth, [var] if bound == "len(xs)" else [], [])
        elif choice < 0.76:
            var = rng.choice(["i", "j"])
            self.emit(indent, f"for {var} in range(len(xs)):")
            self.loop(indent, depth, [var], [])
        elif choice < 0.81:
            self.emit(indent, "for x in xs:")
            self.loop(indent, depth, [], ["x"])
        elif choice < 0.83 and "c" not in self.codes:
            self.emit(indent, f"for c in {rng.choice(BYTES_CONSTANTS)}:")
            self.loop(indent, depth, [], [], ["c"])
        elif choice < 0.88:
            self.emit(indent, f"while w < {rng.choice(['n', '4', 'len(xs)', 'min(n, 6)'])}:")
            self.emit(indent + 1, "w += 1")
            self.loop(indent, depth, [], [])
        elif choice < 0.91 and depth < 2:  # (run as written by the specialization: aswritten.py)
            self.emit(indent, "try:")
            self.block(indent + 1, depth + 1)
            caught = rng.choice(["ZeroDivisionError", "(OverflowError, ValueError)", "Exception"])
            self.emit(indent, f"except {caught}:")
            self.block(indent + 1, depth + 1)
            if rng.random() < 0.3:
                self.emit(indent, "finally:")
                self.emit(indent + 1, "w += 1")
        else:
            self.emit(indent, f"if {self.condition()}:")
            self.block(indent + 1, depth + 1)
            if rng.random() < 0.6:
                self.emit(indent, "else:")
                self.block(indent + 1, depth + 1)

    def int_list_statement(self, indent: int, depth: int) -> None:
        """A statement on the local list of ints ``ns``: an element store, update or swap (an
        index that may be out of range or negative), a new list, a copy, a loop over its items
        ``e``, or a flip of a prefix
        whose length ``q + 1`` may be 0 or negative (then the list grows, as Python does it;
        only while it is short, or loops would double it again and again)."""
        rng = self.rng
        choice = rng.random()
        indices = [*self.index, "0", "-1", "k % 4", "t % 5", "n"]
        if choice < 0.45:
            self.emit(indent, f"ns[{rng.choice(indices)}] {rng.choice(['=', '+=', '-='])} {self.int_expr()}")
        elif choice < 0.55:
            i, j = rng.choice(indices), rng.choice(indices)
            self.emit(indent, f"ns[{i}], ns[{j}] = ns[{j}], ns[{i}]")
        elif choice < 0.65:
            self.emit(indent, f"ns = list(range({rng.choice(['n', '3', 'k % 5'])}))")
        elif choice < 0.72:
            self.emit(indent, "ns = ns[:]")
        elif choice < 0.88 and depth < 2:  # (the body may store into ns, flip it or bind a new list)
            self.emit(indent, "for e in ns:")
            self.emit(indent + 1, f"t += e % {rng.choice(['3', '7', '1000003'])}")
            self.loop(indent, depth, [], [])
        else:
            self.emit(indent, f"q = {self.int_expr()} % 5 - 2")
            self.emit(indent, "if len(ns) < 64:")  # (q = -1 doubles the list: loops would blow it up)
            self.emit(indent + 1, "ns[:q + 1] = ns[q::-1]")

    def loop(self, indent: int, depth: int, index: list[str], item: list[str], codes: tuple[str, ...] = ()) -> None:
        """The body of a loop just emitted: ``index`` names a range(len(xs)) variable,
        ``item`` an element variable of ``xs``, ``codes`` the variable of a loop over bytes."""
        self.loops += 1
        self.index += index
        self.item += item
        self.codes += codes
        self.block(indent + 1, depth + 1)
        self.loops -= 1
        del self.index[len(self.index) - len(index):]
        del self.item[len(self.item) - len(item):]
        del self.codes[len(self.codes) - len(codes):]

    def function(self, name: str) -> list[str]:
        self.lines = [f"def {name}(a, b, xs, n):"]
        for line in PRELUDE:  # (Cython rejects a read of a local that is never assigned before it)
            self.emit(1, line)
        for _ in range(self.rng.randint(2, 5)):
            self.statement(1, 0)
        self.emit(1, "return s, t, u, d, k, flag")
        return self.lines


def make_module(seed: int, count: int) -> str:
    """The source of a module of ``count`` random functions ``f0 .. f<count-1>`` (see the
    module docstring) and a ``train()`` that calls each with profile-typical arguments.

    Args:
        seed: the random seed (the same seed gives the same source).
        count: how many functions.

    Returns:
        The module source (str).
    """
    rng = random.Random(seed)
    lines = [f'"""Random functions of programgen, seed {seed}."""', "", "import math", "",
             "LIMIT_F = 0.5", "LIMIT_I = 3", ""]
    for number in range(count):
        lines += ["", *_Function(rng).function(f"f{number}"), ""]
    lines += ["", "def train():",
              '    """Calls every function with an int, a float, a list of floats and a small int."""',
              "    import random",
              "    rng = random.Random(0)",
              f"    for name in [f'f{{k}}' for k in range({count})]:",
              "        for _ in range(12):",
              "            args = (rng.randint(-5, 9), rng.uniform(-3.0, 3.0),",
              "                    [rng.uniform(-2.0, 2.0) for _ in range(rng.randint(1, 5))], rng.randint(0, 6))",
              "            try:",
              "                globals()[name](*args)",
              "            except Exception:",
              "                pass",
              ""]
    return "\n".join(lines)
