# cython: language_level=3
"""Hand-typed Cython baseline of ``sample.textstats.tokenize`` and ``count_ngrams``.

The same algorithms as the pure module with the types an expert would declare: the text
is a ``str``, the loop character a C ``Py_UCS4`` (so ``ch.isalpha()`` becomes the C-level
Unicode table lookup), the accumulators typed ``list``/``dict``/``tuple`` and the index a
``Py_ssize_t``. Bounds checking and wraparound stay at Cython's safe defaults: the only
indexing is a slice, where they would not change the generated code much.
"""


def tokenize(str text):
    """Lowercase words of letters (list of str); see ``sample.textstats.tokenize``."""
    cdef list tokens = []
    cdef list current = []
    cdef Py_UCS4 ch
    for ch in text:
        if ch.isalpha():
            current.append(ch)
        elif current:
            tokens.append("".join(current).lower())
            current = []
    if current:
        tokens.append("".join(current).lower())
    return tokens


def count_ngrams(list tokens, Py_ssize_t n):
    """``{ngram tuple: count}`` (dict); see ``sample.textstats.count_ngrams``."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    cdef dict counts = {}
    cdef Py_ssize_t i
    cdef tuple key
    for i in range(len(tokens) - n + 1):
        key = tuple(tokens[i:i + n])
        counts[key] = counts.get(key, 0) + 1
    return counts
