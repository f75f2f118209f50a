"""Word statistics of a text: tokenizing, counting, and which word follows which (dicts).

The text is made up from a small vocabulary with punctuation, capitals and apostrophes, so
that the tokenizer has something to do.
"""

import random

VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he I this are or his from at "
    "which but have an they you were her she there been one all we their has would when if so "
    "no will can more other what about up out them some could into than then its time only "
    "don't it's river mountain quickly silver number people water sound light world house "
    "again place little year every great where through after thought school Mary's Cambridge "
    "cafe naive x2 3rd 1981 99"
).split()
PUNCTUATION = (",", ".", ";", ":", "!", "?", " -", "")


def make_text(n_words, seed=0):
    """A deterministic text of ``n_words`` words (str), the same for the same ``seed``."""
    rng = random.Random(seed)
    parts = []
    for k in range(n_words):
        word = rng.choice(VOCABULARY)
        if rng.random() < 0.1:
            word = word.capitalize()
        mark = PUNCTUATION[rng.randrange(len(PUNCTUATION))] if rng.random() < 0.2 else ""
        parts.append(word + mark)
        parts.append("\n" if k % 13 == 12 else " ")
    return "".join(parts)


def tokenize(text):
    """The words of ``text`` (list of str), lower-cased.

    A word is a run of letters, digits and apostrophes; everything else separates words.
    """
    words = []
    start = -1
    for i in range(len(text)):
        ch = text[i]
        if ch.isalnum() or ch == "'":
            if start < 0:
                start = i
        elif start >= 0:
            words.append(text[start:i].lower())
            start = -1
    if start >= 0:
        words.append(text[start:].lower())
    return words


def count_words(words):
    """How often each word occurs: dict of str -> int (in first-seen order)."""
    counts = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts


def followers(words):
    """For each word, how often each other word comes right after it: dict str -> dict str -> int."""
    table = {}
    for i in range(len(words) - 1):
        after = table.get(words[i])
        if after is None:
            after = {}
            table[words[i]] = after
        nxt = words[i + 1]
        after[nxt] = after.get(nxt, 0) + 1
    return table


def top_words(counts, k):
    """The ``k`` most frequent words: list of (word, count), by count then word."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]


def analyze(text):
    """Everything at once: (number of words, word counts, followers table, top 10 words)."""
    words = tokenize(text)
    counts = count_words(words)
    return len(words), counts, followers(words), top_words(counts, 10)
