import pytest

from sample.textstats import (VOCABULARY, count_ngrams, make_corpus, tokenize, top_ngrams,
                              word_lengths_histogram)

TEXT = "The cat sat; the CAT sat down!\nÉlan42vite, the end."
TOKENS = ["the", "cat", "sat", "the", "cat", "sat", "down", "élan", "vite", "the", "end"]


def test_tokenize_hand_checked():
    assert tokenize(TEXT) == TOKENS


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("   ,;! 123 ", []),
    ("word", ["word"]),
    ("  Two  WORDS  ", ["two", "words"]),
    ("a-b_c", ["a", "b", "c"]),
    ("naïve Straße", ["naïve", "straße"]),
])
def test_tokenize_edge_cases(text, expected):
    assert tokenize(text) == expected


def test_count_unigrams_and_bigrams():
    assert count_ngrams(TOKENS, 1) == {("the",): 3, ("cat",): 2, ("sat",): 2, ("down",): 1,
                                       ("élan",): 1, ("vite",): 1, ("end",): 1}
    assert count_ngrams(TOKENS, 2) == {
        ("the", "cat"): 2, ("cat", "sat"): 2, ("sat", "the"): 1, ("sat", "down"): 1,
        ("down", "élan"): 1, ("élan", "vite"): 1, ("vite", "the"): 1, ("the", "end"): 1,
    }


def test_count_ngrams_short_input_and_bad_n():
    assert count_ngrams(["a", "b"], 3) == {}
    assert count_ngrams([], 1) == {}
    assert count_ngrams(["a", "b"], 2) == {("a", "b"): 1}
    with pytest.raises(ValueError):
        count_ngrams(["a"], 0)


def test_top_ngrams_order_count_then_key():
    counts = count_ngrams(TOKENS, 2)
    assert top_ngrams(counts, 3) == [(("cat", "sat"), 2), (("the", "cat"), 2),
                                     (("down", "élan"), 1)]
    assert top_ngrams(counts, 0) == []
    assert len(top_ngrams(counts, 100)) == len(counts)


def test_word_lengths_histogram():
    histogram = word_lengths_histogram(TOKENS)
    assert histogram == {3: 8, 4: 3}
    assert list(histogram) == [3, 4]
    assert word_lengths_histogram([]) == {}


def test_vocabulary():
    assert len(VOCABULARY) == 200
    assert len(set(VOCABULARY)) == 200
    assert all(word.isalpha() and word == word.lower() for word in VOCABULARY)


def test_make_corpus_deterministic():
    assert make_corpus(12, 3) == "katin Ge kavel ullo\nge. piné lovel Saro kapi gemer dun; Rozu"
    assert make_corpus(500, 1) == make_corpus(500, 1)
    assert make_corpus(500, 1) != make_corpus(500, 2)
    assert make_corpus(0, 0) == ""


def test_corpus_pipeline():
    tokens = tokenize(make_corpus(5000, 7))
    assert len(tokens) == 5000
    assert all(token in VOCABULARY for token in tokens)
    bigrams = count_ngrams(tokens, 2)
    assert sum(bigrams.values()) == 4999
    assert top_ngrams(bigrams, 3) == [(("piquor", "né"), 4), (("zu", "lotin"), 4),
                                      (("baot", "katin"), 3)]


def test_ngram_counts_of_a_large_corpus_add_up():
    tokens = tokenize(make_corpus(150_000, seed=5))
    bigrams = count_ngrams(tokens, 2)
    trigrams = count_ngrams(tokens, 3)
    assert sum(bigrams.values()) == len(tokens) - 1
    assert sum(trigrams.values()) == len(tokens) - 2
    assert sum(word_lengths_histogram(tokens).values()) == len(tokens)
