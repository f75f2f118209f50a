"""Numeric kernels that exercise every typing the annotator knows (floats, complex, C ints)."""

import math


def julia(maxiter, zs, cs):
    output = [0] * len(zs)
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output


def horner(coeffs, x):
    acc = 0.0
    for k in range(len(coeffs)):
        acc = acc * x + coeffs[k]
    return acc


def float_ops(a, b):
    s = a + b
    d = a - b
    p = a * b
    q = a / b
    f = a // b
    m = a % b
    w = abs(a) ** 0.5
    big = -a if a < b else +b
    return (s, d, p, q, f, m, w, big, a == b, a != b, a <= b, not a)


def squares(a, b):
    """``a ** 2 + b ** 2``: CPython's pow(), which C's a * a does not always equal."""
    return a ** 2 + b ** 2


def libm_constants(n):
    """math functions of constants (a local the C compiler could propagate, literals): what
    the libm computes at run time, as in CPython, not what gcc would fold them to."""
    x = 6.9486747387446535
    total = 0.0
    for _ in range(n):
        total += math.sinh(x) + math.cosh(-1.344658641898933) + math.exp(6.751559513251458)
    return total


def complex_ops(z, w, x):
    s = z + w
    d = z - w
    p = z * w
    mixed = z * x + x
    neg = -z
    r = abs(p)
    parts = z.real - w.imag
    built = complex(x, parts)
    return (s, d, p, mixed, neg, r, parts, built, z == w)


def count_until(limit, step):
    n = 0
    total = 0.0
    while n < limit:
        total = total + step
        n += 1
    return n, total


def last_index(xs):
    for i in range(len(xs)):
        pass
    return i


def maybe_unbound(flag):
    if flag:
        y = 1.5
    return y


def mean(xs):
    total = 0.0
    for x in xs:
        total = total + x
    return total / len(xs)


def int_mix(a, b):
    k = a + b
    m = a * b
    return k, m, a / b, a // b, a % b, -a


def text_shape(s):
    upper = 0
    letters = 0
    for ch in s:
        if ch.isalpha():
            letters += 1
            if ch.isupper():
                upper += 1
    return letters, upper, s.lower()


def char_classes(text, width):
    """The str predicates of each piece ``text[i:i + width]`` (one character for width 1) as
    the bits of an int."""
    codes = []
    for i in range(len(text)):
        piece = text[i:i + width]
        bits = 0
        if piece.isalnum():
            bits += 1
        if piece.isalpha():
            bits += 2
        if piece.isdecimal():
            bits += 4
        if piece.isdigit():
            bits += 8
        if piece.isnumeric():
            bits += 16
        if piece.isspace():
            bits += 32
        if piece.islower():
            bits += 64
        if piece.isupper():
            bits += 128
        if piece.isprintable():
            bits += 256
        if piece.istitle():
            bits += 512
        codes.append(bits)
    return codes


def literal_ops(which):
    """Arithmetic between literals, which Cython alone would do with C's rules."""
    if which == 0:
        return 0.5 // 0.1, -4.0 % 2.0, 4.0 % -2.0, (1.0 + 2.0) % -0.3, 2 ** -1, abs(-7.5) // 2.0
    if which == 1:
        return -0.0 ** -1.25
    if which == 2:
        return 2.0 ** 1e300
    if which == 3:
        return float(which - 3) ** -1.25  # (Cython makes float() a C double)
    return 0 ** -1


def c_int_overflows(xs, k):
    """Operations on len() and small literals, which Cython alone would do in C ints that wrap."""
    n = len(xs) * 4
    if k == 0:
        return (1 << len(xs) if len(xs) < 100 else 0, len(xs) << 61, len(xs) * 2147483647 * 2147483647,
                len(xs) + 2147483647 * 5)
    if k == 1:
        return len(xs) >> 64, -len(xs) * 3 - 2147483647 * 2147483647, max(len(xs), 3) << 62, n
    if k == 2:
        return len(xs) << -1
    if k == 3:
        return len(xs) >> -2
    if k == 5:  # C makes both a double (max(0, -1.0) == 0.0) and compares an int made a double
        return max(0, float(len(xs)) - 4.0), min(len(xs), 2.5), float(len(xs) - 1) < len(xs)
    return (len(xs) > 1) << 63, (not xs) << 63, divmod(len(xs), 3)[0] << 62, len(xs) // 2 << 61, -hash(len(xs) - 1)


def prefix_sums(xs):
    """Running totals, one more than ``xs`` has: ``len(xs) + 1`` is a Python int in the untyped
    copy (a range of 2**63-1 items would wrap in C) and a C int in typed code (a list)."""
    sums = [0.0] * (len(xs) + 1)
    total = 0.0
    for i in range(1, len(xs) + 1):
        total += xs[i - 1]
        sums[i] = total
    return sums, len(xs) << 62


def char_code(s):
    """ord(), which Cython inlines (and raised ValueError for a str of another length)."""
    return ord(s)


def dead_branches(xs):
    """Code that never runs: Cython drops it, so typed code must not pass on what it assigns."""
    total = 0.0
    if 1e300 == -3.0:
        for x in xs:
            total += x
    for x in xs:
        total += x * 2.0
        continue
        total = 0.0
    return total
    total = -1.0


def remainders(x):
    """Float remainders with a constant: profiled with an int, so a float takes the generic path."""
    return 7.0 % x, -7.0 % x, x % 7.5, x % -7.5


def mixed_arith(a, b):
    return a * b, b * a, a + b, b + a, a - b


def radius_checks(z):
    w = z * z
    return abs(z) < 2, abs(z) <= 2.0, abs(z) > 2, abs(w) >= 4, abs(z) < 1e-90


def grow(acc, items):
    acc += items
    size = len(acc)
    return size


def shadowed(xs, n):
    """Comprehension variables named like typed locals: each is a variable of its own."""
    total = 0.0
    i = 0
    for i in range(n):
        total += xs[i] * i
    scaled = [i * total for i in range(i)]  # range(i) reads the loop's last i
    nested = [[i + j for i in range(j)] for j in range(i)]
    picked = [total for total in xs if total > 1.0]
    return total, i, scaled, nested, picked


def ratio(i, j):
    """A callee of one return: loops call its flagging variant."""
    return 1.0 / (i - j) + (i * j) // 3


def flagged_loops(xs, ys, k):
    """Flagging statements in a loop: a zero divisor, an element that is not a float, an int
    overflow, a math domain error or a rebound callee deoptimizes in the middle of the loop,
    and the rest runs (or raises) as in Python."""
    total = 0.0
    acc = 1
    count = 0
    rem = 0
    n = min(len(xs), len(ys))
    for i in range(n):
        total += xs[i] / ys[i]
        acc = acc * k + i
        rem += (i - k) // (k - 2) + (i * 7) % k
        if xs[i] / ys[i] > 1.0:
            count += 1
        total += math.sqrt(xs[i]) * ratio(i + 2, k)
        xs[i] += total / ys[i]
    return total, acc, count, rem, xs


def owned_updates(xs, ys, n, scale):
    """Float elements updated in place by a loop that owns its lists (no Python code runs in
    it): the lists may be one list, share their floats, or hold other objects."""
    for i in range(n):
        xs[i] += ys[i] * scale
        ys[i] -= xs[i] / scale
    return xs, ys


def pair_pulls(xs, vs, ms, steps, limit):
    """An n-body-like loop nest that owns its float lists and stores into them, so it holds
    them in C arrays while it runs: a zero distance deoptimizes in the middle of the nest, a
    position past ``limit`` returns from inside it; either way the lists end as in Python."""
    n = len(xs)
    for step in range(steps):
        for i in range(n):
            for j in range(i + 1, n):
                d = xs[i] - xs[j]
                pull = d / (d * d * d)
                vs[i] -= ms[j] * pull
                vs[j] += ms[i] * pull
        for i in range(n):
            xs[i] += 0.01 * vs[i]
            if xs[i] > limit:
                return step
    return -1


def nested_sums(xs, ys, n, m):
    """Loops nested in a loop over ``i < n`` that reads ``xs[i]``: the inner ``j < n`` loop's
    reads of ``xs[j]`` are in range once the outer loop's check passed (it checks nothing of
    its own), the ``j < m`` loop's reads of ``ys[j + 1]`` are not (another stop, another list),
    but neither ``m`` nor ``ys`` changes in the outer loop: they are checked once, before it,
    and a failure runs the outer loop as Python does."""
    total = 0.0
    for i in range(n):
        for j in range(i, n):
            total += xs[i] * xs[j]
        for j in range(m):
            total += ys[j + 1] * xs[i]
    return total


def growing_sums(xs, n):
    """The inner loop's stop grows in the outer loop's body: what the outer loop checked says
    nothing of it, so it checks its reads itself (and raises IndexError as Python does)."""
    total = 0.0
    for i in range(n):
        for j in range(n):
            total += xs[j] * xs[i]
        n += 1
    return total


def weight(j):
    """A callee that runs no Python code: loops check its guard once, before them."""
    return j * 0.25 + 1.0


def sequence_loops(xs, ns, k):
    """Loops over the items of a list or tuple that run no Python code: their guards are
    checked and the length read once, before the loop, and each item is read straight into
    its C variable. An item of another kind, an int beyond the guarded range, a math domain
    error or a zero divisor deoptimizes in the middle, and the rest runs as in Python."""
    total = 0.0
    for x in xs:
        total += math.sqrt(x) / k
    weighted = 0
    for i, n in enumerate(ns, 1):
        weighted += n * i
        if weighted > 1000000000000:
            break
    else:
        weighted -= 1
    mixed = 0
    for j, v in enumerate(xs):
        mixed += v * weight(j)
    return total, weighted, mixed


THRESHOLD = 0.5
LIMIT = 3


def against_constants(xs, n):
    """A float and an int compared with module constants, on either side: compared in C while
    the constants are an exact float and an exact int (tests rebind them to anything)."""
    above = 0
    below = 0
    for x in xs:
        if x > THRESHOLD:
            above += 1
        if LIMIT >= x:
            below += 1
    steps = 0
    for i in range(n):
        if i < LIMIT:
            steps += 1
        if THRESHOLD == i:
            steps += 10
    return above, below, steps, n != LIMIT, THRESHOLD <= n


def blend(xs, weight=None, bias=None):
    """Optional parameters tested against None: typed as the floats the profile saw."""
    if weight is None:
        weight = 0.5
    total = 0.0
    for x in xs:
        total += x * weight
    if bias is not None:
        total += bias
    return total, None is weight, bias is None


def weighted_total(xs, k, d):
    """``sum()`` of a generator expression over floats: a C loop in the compiled copy (up to
    Python 3.11), which gives up for an empty list, items or locals that are no exact floats
    and a zero divisor, and then runs the statement as written."""
    total = sum(x * k - -x / d + 0.5 for x in xs)
    return total


def dot(xs, ys, bias):
    """``sum()`` over ``zip()``: the loop stops at the shorter list, as ``zip()`` does."""
    return sum(a * b + bias for a, b in zip(xs, ys))


def negated_total(xs):
    """The same loop, with nothing else typed: ``sum()`` starts from the int 0, so the sum of
    ``[0.0]`` negated is ``0.0``, not ``-0.0``."""
    return sum(-x for x in xs)


def extremes(xs, ys, k):
    """``max()`` and ``min()`` of generator expressions over floats: C loops in the compiled
    copy (every Python version), which keep the first item and replace it by a later one that
    compares greater (less), NaN compared as C compares it, and give up for an empty list (a
    ValueError), items or locals that are no exact floats and a zero divisor."""
    top = max(a - b / k for a, b in zip(xs, ys))
    low = min(+x for x in xs)
    constant = max(k for _ in xs)  # (the item is a local: the loop returns that local)
    return top, low, constant


def largest_gap(xs, ys):
    """``abs()`` in the loop's item: C's ``fabs()``."""
    return max(abs(a - b) for a, b in zip(xs, ys))


def smallest(xs):
    """``min()`` of the items themselves: the result is the list's element, not an equal copy."""
    return min(x for x in xs)


def crc_shifts(data, crc, table, k):
    """crcmod's non-reflected CRC-32 loop (a left shift masked to 32 bits), then shifts by ``k``."""
    crc = crc & 0xFFFFFFFF
    for x in data:
        crc = table[x ^ ((crc >> 24) & 0xFF)] ^ ((crc << 8) & 0xFFFFFF00)
    return crc, crc << k, (crc << 3) >> k, (-crc << 30) & (crc << k)


def byte_stats(data, stop):
    """Over bytes: a sum until ``stop`` (for/else), a count of high bytes, and a weighted sum
    that outgrows 64 bits after 13 bytes."""
    total = 0
    high = 0
    weighted = 1
    for b in data:
        if b == stop:
            break
        total += b
        if b >= 128:
            high += 1
        weighted = weighted * 31 + b
    else:
        total = -total
    return total, high, weighted


def bytes_literals(k):
    """Loops and comprehensions over bytes literals, and constant expressions Cython folds into
    one: with type inference off, Cython iterated them as bytes of length 1, not ints."""
    total = 0
    for c in b"\x00\x7f\x80\xff" * 2:
        total += c
    folded = [c for c in b"a" + b"b"]
    return total, folded, {c for c in b"xyz"[1:]}, sum(c for c in (b"" or b"k")), [c * k for c in b"\xfe"]


def train():
    """The profiling workload: the types a profile would see in normal use."""
    zs = [complex(x / 10, y / 10) for x in range(-15, 15) for y in range(-15, 15)]
    julia(50, zs, [complex(-0.62772, -0.42193)] * len(zs))
    for x in (0.5, 1.5, -2.0):
        horner([1.0, -2.0, 0.5, 3.0], x)
        float_ops(x, 0.75)
        squares(x, 0.75)
        libm_constants(2)
        complex_ops(complex(x, 1.0), complex(0.5, -x), x)
    count_until(100, 0.1)
    last_index([1.0, 2.0])
    maybe_unbound(True)
    mean([1.0, 2.0, 3.5])
    int_mix(7, 3)
    text_shape("Hello World")
    char_classes("Hello, World 42 \u00b2\u01c5", 1)
    mixed_arith(1.5, 2.5)
    literal_ops(0)
    c_int_overflows([0.5] * 3, 0)
    prefix_sums([0.5, 1.5, 2.0])
    dead_branches([1.0, 2.5])
    remainders(3)
    radius_checks(complex(1.0, 1.5))
    grow([1.0], [2.0, 3.0])
    shadowed([0.5, 1.5, 2.5, 3.0], 4)
    crc_table = [(i * 0x04C11DB7) & 0xFFFFFFFF for i in range(256)]
    crc_shifts(b"123456789", 0, crc_table, 5)
    crc_shifts(bytes(range(256)), 0xFFFFFFFF, crc_table, 0)
    byte_stats(b"\x00\x7f\x80\xff", 300)
    byte_stats(b"stop", 111)
    bytes_literals(3)
    flagged_loops([1.0, 4.0, 9.0], [2.0, 0.5, 3.0], 7)
    owned_updates([1.0, 2.0, 3.0], [0.5, 0.25, 4.0], 3, 2.0)
    pair_pulls([0.0, 1.0, 2.5], [0.0, 0.5, -0.5], [3.0, 1.0, 0.5], 20, 1e9)
    nested_sums([0.5, 1.5, 2.0, 3.0], [1.0, 2.0, 0.25, 4.0], 4, 3)
    growing_sums([0.5, 1.5, 2.0, 3.0, 1.0, 2.0, 0.25, 4.0], 4)
    sequence_loops([1.0, 4.0, 2.25], (3, -1, 7), 2.0)
    sequence_loops([0.5, 9.0], (2, 5), 0.5)
    against_constants([0.25, 0.75, 4.0], 5)
    blend([0.5, 1.5, 2.0], 0.25, 1.0)
    blend([1.0, 4.0], 2.0, -0.5)
    weighted_total([0.5, 1.5, 2.0], 0.25, 3.0)
    weighted_total([1.0, 4.0], 2.0, -0.5)
    negated_total([0.5, 1.5, 2.0])
    dot([0.5, 1.5, 2.0], [1.0, -2.0, 4.0], 0.25)
    extremes([0.5, 1.5, 2.0], [1.0, -2.0, 4.0], 0.25)
    smallest([0.5, 1.5, 2.0])
    largest_gap([0.5, 1.5, 2.0], [1.0, -2.0, 4.0])
