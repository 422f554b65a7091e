"""Near-duplicate clustering: variants join, different texts do not, the LSH S-curve is what the docstring says."""

from __future__ import annotations

import random

import numpy as np
import pytest

from fakewatch.detect import neardup
from fakewatch.detect.keys import group_by_key
from bench.paraphrase_bench import paraphrase  # the paraphrases, shared with the bench that measures them
from fakewatch.enrich.normalize import template

ANNOUNCEMENT = ("Внимание! 25 апреля все на марш у акимата в 12:00, каждому участнику заплатят 5000 тенге. "
                "Организатор журналист Айгуль Сапарова, звоните {phone}")


@pytest.mark.parametrize("variant", [
    ANNOUNCEMENT.format(phone="+7 777 123 45 67"),  # another phone
    ANNOUNCEMENT.format(phone="8 701 555 0101") + " 🔥🔥",  # emoji
    ANNOUNCEMENT.replace("Внимание", "Внимaние").format(phone="+77011112233"),  # Latin look-alike letter
    ANNOUNCEMENT.replace("акимата", "акимата города").format(phone="+77011112233"),  # a word added
])
def test_variants_of_one_announcement_join(variant):
    texts = [template(ANNOUNCEMENT.format(phone="+7 701 555 01 01")), template(variant),
             template("Продам коляску зима-лето, состояние отличное, самовывоз, звоните +7 705 111 2233")]
    labels = neardup.near_duplicate_labels(texts)
    assert labels[0] == labels[1] >= 0 and labels[2] == -1


def test_short_texts_group_only_when_equal():
    texts = ["все на марш 25 апреля", "все на марш 25 апреля", "все на марш 26 апреля"]
    labels = neardup.near_duplicate_labels(texts, exact_below=40)
    assert labels[0] == labels[1] >= 0 and labels[2] == -1


def test_signature_agreement_estimates_jaccard():
    rng = random.Random(3)
    words = ["".join(rng.choice("абвгдежзиклмнопрст") for _ in range(6)) for _ in range(400)]
    a = " ".join(rng.choice(words) for _ in range(60))
    b = " ".join(w if rng.random() > 0.15 else rng.choice(words) for w in a.split())
    sig = neardup.signatures([a, b], num_perm=256)
    exact = neardup._jaccard(a, b, neardup.SHINGLE)
    assert abs((sig[0] == sig[1]).mean() - exact) < 0.08


@pytest.mark.parametrize("similarity,low,high", [(0.5, 0.6, 0.8), (0.7, 0.98, 1.0), (0.8, 0.999, 1.0)])
def test_candidate_probability_follows_the_documented_s_curve(similarity, low, high):
    p = 1 - (1 - similarity ** neardup.ROWS) ** neardup.BANDS
    assert low <= p <= high


def test_planted_copies_found_among_unrelated_texts():
    rng = random.Random(7)
    words = ["".join(rng.choice("абвгдежзиклмнопрстуф") for _ in range(rng.randint(3, 8))) for _ in range(3000)]
    texts, truth = [], []
    for k in range(30):
        base = [rng.choice(words) for _ in range(rng.randint(12, 25))]
        for _ in range(8):
            copy = list(base)
            copy[rng.randrange(len(copy))] = rng.choice(words)  # one word changed per copy
            texts.append(" ".join(copy))
            truth.append(k)
    for _ in range(3000):
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(5, 25))))
        truth.append(-1)
    labels = neardup.near_duplicate_labels(texts)
    truth = np.array(truth)
    whole = sum(len(set(labels[truth == k])) == 1 and labels[truth == k][0] >= 0 for k in range(30))
    assert whole >= 28
    assert (labels[truth == -1] >= 0).sum() == 0
    for label in set(labels[truth >= 0].tolist()) - {-1}:
        assert len(set(truth[labels == label])) == 1  # no two planted texts merged


def test_deterministic_for_a_seed():
    texts = [template(ANNOUNCEMENT.format(phone=f"+7 701 555 01 0{i}")) for i in range(5)] + ["x" * 50]
    assert (neardup.near_duplicate_labels(texts) == neardup.near_duplicate_labels(texts)).all()


def test_group_by_key_counts_a_message_once_per_key():
    g = group_by_key([0, 0, 1, 2, 3], ["a", "a", "b", "a", None])
    assert (g.rows.tolist(), g.labels.tolist(), g.keys) == ([0, 2], [0, 0], ["a"])


def _corpus(seed: int):
    """40 texts of 30 words with 6 paraphrases each, among 3,000 texts on the same few topics (each unrelated
    text uses 3-4 of 10 topic words and everyday words any text has)."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("абвгдежзиклмнопрстуф") for _ in range(rng.randint(4, 9))) for _ in range(5000)]
    topic, everyday = vocab[:10], vocab[10:60]
    texts, truth = [], []
    for k in range(40):
        base = [rng.choice(vocab[60:]) for _ in range(30)]
        for _ in range(6):
            texts.append(paraphrase(rng, " ".join(base), vocab[60:]))
            truth.append(k)
    for _ in range(3000):
        words = rng.sample(topic, rng.randint(3, 4)) + rng.sample(everyday, 8) + [rng.choice(vocab[60:])
                                                                               for _ in range(rng.randint(6, 20))]
        rng.shuffle(words)
        texts.append(" ".join(words))
        truth.append(-1)
    return texts, np.array(truth)


@pytest.mark.parametrize("seed", range(3))
def test_paraphrases_join_through_word_sets_and_topic_neighbours_do_not(seed):
    texts, truth = _corpus(seed)
    char_only = neardup.near_duplicates(texts)
    assert (char_only.labels[truth >= 0] >= 0).mean() < 0.1  # shuffled and reworded: few 5-grams left
    both = neardup.near_duplicates(texts, word_threshold=0.3)
    labels = both.labels
    whole = sum(len(set(labels[truth == k].tolist())) == 1 and labels[truth == k][0] >= 0 for k in range(40))
    assert whole >= 34
    assert (labels[truth == -1] >= 0).sum() == 0  # same topic, same everyday words: not a paraphrase
    for label in set(labels[truth >= 0].tolist()) - {-1}:
        assert len(set(truth[labels == label].tolist())) == 1
    assert both.paraphrase_links > 0


def test_word_pass_drops_the_corpus_common_words():
    assert neardup.content_words("звоните <phone> все на марш у акимата 12 апреля") == {"звоните", "марш", "акимата",
                                                                                        "апреля"}
    # texts sharing the 8 words every text of the corpus uses (a third of each word set) are not paraphrases
    rng = random.Random(1)
    common = "сегодня только очень можно будет нужно просто хорошо".split()
    texts = []
    for _ in range(60):
        words = common + ["".join(rng.choice("абвгдежзиклмнопрст") for _ in range(7)) for _ in range(8)]
        rng.shuffle(words)
        texts.append(" ".join(words))
    found = neardup.near_duplicates(texts, word_threshold=0.3)
    assert found.paraphrase_links == 0 and (found.labels == -1).all()
