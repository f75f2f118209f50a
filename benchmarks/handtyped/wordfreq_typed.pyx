# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.wordfreq``'s analysis.

The tokenizer reads the text as C ``Py_UCS4`` characters with C indices (``Py_UCS4.isalnum``
is the test ``str.isalnum`` makes per character); the counting code types its containers and
keys as ``dict``/``str`` so that Cython calls the dict C API directly. Generating the text is
not timed and is shared with the pure module.
"""

cimport cython


@cython.boundscheck(False)
@cython.wraparound(False)
def tokenize(str text):
    """The lower-cased words of ``text`` (list of str), as the pure module."""
    cdef list words = []
    cdef Py_ssize_t i, start = -1, n = len(text)
    cdef Py_UCS4 ch
    for i in range(n):
        ch = text[i]
        if ch.isalnum() or ch == u"'":
            if start < 0:
                start = i
        elif start >= 0:
            words.append(text[start:i].lower())
            start = -1
    if start >= 0:
        words.append(text[start:].lower())
    return words


def count_words(list words):
    """How often each word occurs: dict of str -> int."""
    cdef dict counts = {}
    cdef str word
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts


@cython.boundscheck(False)
@cython.wraparound(False)
def followers(list words):
    """For each word, how often each word follows it: dict str -> dict str -> int."""
    cdef dict table = {}
    cdef dict after
    cdef str word, nxt
    cdef Py_ssize_t i
    for i in range(len(words) - 1):
        word = words[i]
        after = table.get(word)
        if after is None:
            after = {}
            table[word] = after
        nxt = words[i + 1]
        after[nxt] = after.get(nxt, 0) + 1
    return table


def top_words(dict counts, Py_ssize_t k):
    """The ``k`` most frequent words: list of (word, count), by count then word."""
    cdef list ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]


def analyze(str text):
    """(number of words, word counts, followers table, top 10 words), as the pure module."""
    cdef list words = tokenize(text)
    cdef dict counts = count_words(words)
    return len(words), counts, followers(words), top_words(counts, 10)
