"""Text statistics over plain strings, lists and dicts: a deterministic corpus, a
character-loop tokenizer, n-gram counts and histograms. Plain functions, no classes.
"""

import random

_SYLLABLES = ["ka", "lo", "mer", "tin", "sa", "ro", "vel", "dun", "pi", "quor",
              "ba", "né", "zu", "fal", "ot", "rim", "ge", "shan", "ith", "ul"]


def _make_vocabulary():
    """The fixed vocabulary: 200 distinct lowercase words built from ``_SYLLABLES``.

    Returns:
        list of 200 str in a fixed order: the 20 syllables, then two-syllable words.
    """
    words = list(_SYLLABLES)
    seen = set(words)
    count = len(_SYLLABLES)
    for step in range(1, count):
        for i in range(count):
            word = _SYLLABLES[i] + _SYLLABLES[(i + step) % count]
            if len(words) < 200 and word not in seen:
                seen.add(word)
                words.append(word)
    return words


VOCABULARY = _make_vocabulary()
"""The 200 words :func:`make_corpus` draws from (list of str)."""

_PUNCTUATION = [".", ",", ";", "!", "?", ":"]


def make_corpus(n_words, seed=0):
    """A deterministic pseudo-text of ``n_words`` words from :data:`VOCABULARY`.

    Words are chosen with ``random.Random(seed)``, with a skew towards the first words of
    the vocabulary so that some n-grams repeat often. About one word in eight is
    capitalized, one in six is followed by punctuation, and numbers appear now and then.

    Args:
        n_words: int >= 0, how many words to write.
        seed: int, the random seed; the same seed gives the same text.

    Returns:
        str, words separated by single spaces or newlines (no trailing whitespace).
    """
    rng = random.Random(seed)
    size = len(VOCABULARY)
    pieces = []
    for index in range(n_words):
        # the smaller of two draws favours low indexes: a Zipf-like skew
        word = VOCABULARY[min(rng.randrange(size), rng.randrange(size))]
        roll = rng.random()
        if roll < 0.125:
            word = word[0].upper() + word[1:]
        elif roll < 0.14:
            word = word.upper()
        if rng.random() < 0.03:
            word = word + str(rng.randrange(100))
        if rng.random() < 1 / 6:
            word = word + _PUNCTUATION[rng.randrange(len(_PUNCTUATION))]
        pieces.append(word)
        if index + 1 < n_words:
            pieces.append("\n" if rng.random() < 0.05 else " ")
    return "".join(pieces)


def tokenize(text):
    """Split ``text`` into lowercase words of letters.

    A word is a maximal run of characters for which ``str.isalpha`` is true; everything
    else (spaces, digits, punctuation) separates words.

    Args:
        text: str.

    Returns:
        list of str, the lowercased words in order.
    """
    tokens = []
    current = []
    for ch in text:
        if ch.isalpha():
            current.append(ch)
        elif current:
            tokens.append("".join(current).lower())
            current = []
    if current:
        tokens.append("".join(current).lower())
    return tokens


def count_ngrams(tokens, n):
    """Count the n-grams (runs of ``n`` consecutive tokens) of ``tokens``.

    Args:
        tokens: list of str.
        n: int >= 1, the n-gram length.

    Returns:
        dict mapping a tuple of ``n`` str to its count (int >= 1); empty when there are
        fewer than ``n`` tokens.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    counts = {}
    for i in range(len(tokens) - n + 1):
        key = tuple(tokens[i:i + n])
        counts[key] = counts.get(key, 0) + 1
    return counts


def top_ngrams(counts, k):
    """The ``k`` most frequent n-grams.

    Args:
        counts: dict mapping an n-gram (tuple of str) to its count (int).
        k: int >= 0, how many to return.

    Returns:
        list of (ngram, count) pairs, by count descending, ties by n-gram ascending; at
        most ``k`` long.
    """
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]


def word_lengths_histogram(tokens):
    """How many tokens there are of each length.

    Args:
        tokens: list of str.

    Returns:
        dict mapping a length in characters (int) to the number of tokens that long (int),
        keys in ascending order.
    """
    histogram = {}
    for token in tokens:
        length = len(token)
        histogram[length] = histogram.get(length, 0) + 1
    return dict(sorted(histogram.items()))
