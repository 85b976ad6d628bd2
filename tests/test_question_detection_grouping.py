"""Linear splitting, the classifier, the per-activity cut and the bounded grouping path."""

import numpy as np
import pandas as pd
import pytest

from asyncmon.questions import available_methods, question_units, split_units
from asyncmon.questions.detect import MAX_UNIT_CHARS, ruled_out
from asyncmon.questions.group import (
    _cluster,
    _cut,
    _neighbour_linkage,
    _silhouette,
    _similarity,
    _tree,
)

needs_minilm = pytest.mark.skipif(
    "minilm" not in available_methods(), reason="the 'questions' extra (MiniLM) is not installed"
)


def test_a_long_one_line_post_splits_into_every_sentence():
    # 5,000 repetitions of 2 sentences: 10,000 units, each as written
    body = "Cells are neat. Why does water move in? " * 5000
    units = split_units(body)
    assert len(units) == 10_000
    assert units[:2] == ["Cells are neat.", "Why does water move in?"]


def test_a_sentence_without_punctuation_is_cut_at_white_space():
    body = "word " * 1000  # 5,000 characters, one "sentence"
    units = split_units(body)
    # 600 characters hold 120 "word " (the last space trimmed): 599-character pieces
    assert all(len(u) <= MAX_UNIT_CHARS for u in units)
    assert " ".join(units).split() == ["word"] * 1000


def test_abbreviations_are_still_found_in_a_bounded_window():
    assert split_units("See e.g. the slides. Why?") == ["See e.g. the slides.", "Why?"]


@needs_minilm
def test_the_classifier_keeps_questions_and_drops_statements():
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2"],
            "author_id": ["a", "b"],
            "body": [
                "I liked the reading a lot. Why does water move into the cell?",
                "Great video. See you on Thursday!",
            ],
        }
    )
    units = question_units(posts, detector="classifier")
    assert units["text"].tolist() == ["Why does water move into the cell?"]
    assert units["score"].between(0.5, 1.0).all()
    cues = question_units(posts, detector="cues")
    assert cues["text"].tolist() == ["Why does water move into the cell?"]


def test_an_unknown_detector_is_named():
    posts = pd.DataFrame({"post_id": ["p"], "author_id": ["a"], "body": ["Why?"]})
    with pytest.raises(Exception, match="unknown detector 'bert'"):
        question_units(posts, detector="bert")


def test_silhouette_matches_its_definition():
    from sklearn.metrics import silhouette_samples

    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    distance = np.clip(1 - x @ x.T, 0, 2)
    np.fill_diagonal(distance, 0)
    labels = np.array([0] * 10 + [1] * 12 + [2] * 7 + [3])  # unit 29 alone
    expected = silhouette_samples(distance, labels, metric="precomputed")
    expected[-1] = 0.0  # scikit-learn also gives a group of one 0
    assert _silhouette(distance, labels) == pytest.approx(expected.mean())


def test_the_cut_is_chosen_where_the_groups_separate():
    # two tight bundles of 4 unit vectors around orthogonal axes: inside a bundle the
    # cosine distance is about 0.005, between bundles about 1; every cut in the range
    # separates them, so all cuts give the same two groups
    rng = np.random.default_rng(2)
    base = np.eye(8)[:2]
    x = np.vstack(
        [
            base[0] + rng.normal(scale=0.05, size=(4, 8)),
            base[1] + rng.normal(scale=0.05, size=(4, 8)),
        ]
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels, cut = _cluster(x, None)
    assert len(set(labels[:4])) == len(set(labels[4:])) == 1 and labels[0] != labels[4]
    assert 0.45 <= cut <= 0.65
    # a fixed cut is used as given
    assert _cluster(x, 0.3)[1] == 0.3


def test_the_bounded_path_equals_the_exact_tree_cut():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 32))
    x = np.vstack([c + rng.normal(scale=0.5, size=(rng.integers(1, 9), 32)) for c in centres])
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    tree = _tree(_similarity(x))
    for cut in (0.3, 0.5, 0.7):
        exact = _cut(tree, cut)
        bounded = _neighbour_linkage(x, cut)
        # the same partition (labels may be numbered differently)
        pairs = set(zip(exact.tolist(), bounded.tolist()))
        assert len(pairs) == len(set(exact.tolist())) == len(set(bounded.tolist()))


def test_logistics_and_self_answered_questions_are_not_units():
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3"],
            "author_id": ["a", "b", "c"],
            "body": [
                # 0 logistics (not a unit), 1 a question about the subject
                "Is the word count 250 including the examples? Why does the bulb dim?",
                # 0 answered at once (rhetorical), 1 the answer
                "Why do houses use parallel? Because each lamp can be switched alone.",
                # 0 a question, 1 a confusion (not an answer)
                "Why do houses use parallel? I don't get that.",
            ],
        }
    )
    units = question_units(posts, detector="cues")
    assert list(zip(units["post_id"], units["unit_index"])) == [("p1", 1), ("p3", 0), ("p3", 1)]


@pytest.mark.parametrize(
    ("unit", "following", "expected"),
    [
        # a question-word question answered at once is rhetorical
        ("Why is the sky blue?", "Because short wavelengths scatter more.", True),
        # after a yes/no question, "because" gives the reason for asking
        ("Does the moon spin?", "because we always see the same craters", False),
        ("is it childrens' or children's??", "because children's looks right to me", False),
        # a verdict answers any question
        ("Is FPTP fair?", "Depends what you think an election is for.", True),
        ("So is UDP useless?", "Not at all, DNS relies on it.", True),
        ("Is A diagonalisable?", "yes, 2 distinct eigenvalues.", True),
        # "no idea" is a doubt, not an answer
        ("Is A diagonalisable?", "no idea tbh", False),
        # logistics: marks, what is on the exam, calculators
        ("does this count towards our grade or is it just practice", None, True),
        ("is this going to be on the mock exam?", None, True),
        ("can we use calculators for this or leave it as fractions?", None, True),
        # the subject's own words that sound like logistics
        ("after loads of heads surely tails is due?", None, False),
        ("do we delete the revenue from the year we recorded it?", None, False),
        ("why is it marked wrong when I put ga there?", None, False),
        ("it looks good on paper but does it work?", None, False),
    ],
)
def test_what_the_rules_rule_out(unit, following, expected):
    assert ruled_out(unit, following) is expected


@needs_minilm
def test_the_classifier_reads_what_follows_a_question():
    bodies = [
        # a post that only asks: a question, however short
        "Why is the sky blue?",
        # a question, then the writer's context: still a question
        "Why is osmosis passive? My notes say it needs a membrane.",
        # a question its writer answers in the next sentence: rhetorical
        "Why does this matter? It shows the cell needs energy.",
    ]
    posts = pd.DataFrame(
        {"post_id": ["p1", "p2", "p3"], "author_id": ["a", "b", "c"], "body": bodies}
    )
    units = question_units(posts, detector="classifier")
    assert list(zip(units["post_id"], units["unit_index"])) == [("p1", 0), ("p2", 0)]
