"""Text composition: posts and replies written from the content banks."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence

from .model import _QuestionBank, _Topic
from .topics import (
    _ANSWER_CLOSERS_AFTER,
    _ANSWER_CLOSERS_BEFORE,
    _ASSISTANT_FRAMES,
    _CLOSERS,
    _EXAMPLE_FRAMES,
    _INFORMAL_SWAPS,
    _NOISE,
    _OPENERS,
    _PEER_REPLY_EXAMPLES,
    _PEER_REPLY_HEADS,
    _POINT_FRAMES,
    _SELF_REPLY_FRAMES,
    _STAFF_BRIEF,
    _STAFF_CONTENT,
    _STAFF_PRAISE,
    _STAFF_PUSH,
    _SUBJECTS,
    _TERM_FRAMES,
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(title: str) -> str:
    """A title as used mid-sentence: "The Treaty" -> "the Treaty", "DNA" stays."""
    if title[1:2].islower():
        return title[:1].lower() + title[1:]
    return title


def _fill(template: str, **slots: str) -> str:
    """Fill ``{slot}`` placeholders; ``{Slot}`` gets the value capitalised."""
    text = template
    for key, value in slots.items():
        text = text.replace("{" + key + "}", value)
        text = text.replace("{" + _capitalise(key) + "}", _capitalise(value))
    return text


def _informalise(rng: random.Random, sentence: str) -> str:
    """Make a sentence look typed in a hurry: a slang spelling, a lower-case start."""
    options = [pair for pair in _INFORMAL_SWAPS if re.search(pair[0], sentence)]
    if options:
        pattern, replacement = rng.choice(options)
        sentence = re.sub(pattern, replacement, sentence, count=1)
    if rng.random() < 0.5:
        sentence = sentence[:1].lower() + sentence[1:]
    return sentence


def _compose_subject(rng: random.Random, topic: _Topic, week: int, name: str) -> str:
    template = rng.choice(_SUBJECTS)
    return _fill(template, n=str(week), title=topic.title, t=rng.choice(topic.terms), name=name)


def _compose_initial_body(rng: random.Random, topic: _Topic, questions: Sequence[str]) -> str:
    """A thread starter: topic sentences with the planted questions among them."""
    points = rng.sample(topic.points, rng.choice((1, 2, 2, 2, 3, 3)))
    frames = rng.sample(_POINT_FRAMES, len(points))
    core = [_fill(frame, p=point) for frame, point in zip(frames, points)]
    if rng.random() < 0.45 or len(core) + len(questions) < 2:
        example = _fill(rng.choice(_EXAMPLE_FRAMES), e=rng.choice(topic.examples))
        core.insert(rng.randint(1, len(core)), example)
    if rng.random() < 0.3:
        core.insert(
            rng.randint(0, len(core)), _fill(rng.choice(_TERM_FRAMES), t=rng.choice(topic.terms))
        )
    if rng.random() < 0.3:
        index = rng.randrange(len(core))
        core[index] = _informalise(rng, core[index])
    if rng.random() < 0.12:
        core.insert(rng.choice((0, len(core))), rng.choice(_NOISE))
    trailing = [q for q in questions if q[-1] not in ".?!"]  # no end mark: keep last
    for question in questions:
        if question not in trailing:
            core.insert(rng.randint(1, len(core)), question)
    sentences = core
    if rng.random() < 0.55:
        openers = [o for o in _OPENERS if "{title}" not in o or not topic.title.endswith("?")]
        sentences.insert(0, _fill(rng.choice(openers), title=_in_sentence(topic.title)))
    if trailing:
        sentences.extend(trailing)
    elif rng.random() < 0.4:
        sentences.append(rng.choice(_CLOSERS))
    elif sentences[-1].endswith(".") and sentences[-1] not in questions and rng.random() < 0.2:
        sentences[-1] = sentences[-1][:-1]
    if len(sentences) >= 5 and rng.random() < 0.4:
        cut = rng.randint(2, len(sentences) - 2)
        return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
    return " ".join(sentences)


def _compose_peer_reply(rng: random.Random, topic: _Topic, name: str) -> str:
    point, other_point = rng.sample(topic.points, 2)
    parts = [_fill(rng.choice(_PEER_REPLY_HEADS), name=name, p=point, t=rng.choice(topic.terms))]
    draw = rng.random()
    if draw < 0.35:
        parts.append(_fill(rng.choice(_POINT_FRAMES), p=other_point))
    elif draw < 0.55:
        parts.append(_fill(rng.choice(_PEER_REPLY_EXAMPLES), e=rng.choice(topic.examples)))
    if rng.random() < 0.2:
        parts[-1] = _informalise(rng, parts[-1])
    return " ".join(parts)


def _compose_self_reply(rng: random.Random, topic: _Topic) -> str:
    return _fill(
        rng.choice(_SELF_REPLY_FRAMES),
        p=rng.choice(topic.points),
        e=rng.choice(topic.examples),
        t=rng.choice(topic.terms),
    )


def _compose_substantive(rng: random.Random, topic: _Topic, name: str) -> str:
    """A teacher's real comment: praise, one or two content remarks, maybe a push."""
    point = rng.choice(topic.points)
    term, other_term = rng.sample(topic.terms, 2)
    slots = {"name": name, "p": point, "t": term, "t2": other_term, "e": rng.choice(topic.examples)}
    contents = rng.sample(_STAFF_CONTENT, rng.choice((1, 1, 2)))
    parts = [_fill(rng.choice(_STAFF_PRAISE), **slots)]
    parts += [_fill(content, **slots) for content in contents]
    if rng.random() < 0.7:
        parts.append(_fill(rng.choice(_STAFF_PUSH), **slots))
    return " ".join(parts)


def _compose_brief(rng: random.Random, name: str) -> str:
    return _fill(rng.choice(_STAFF_BRIEF), name=name)


def _compose_assistant(rng: random.Random, topic: _Topic, name: str) -> str:
    return _fill(
        rng.choice(_ASSISTANT_FRAMES),
        name=name,
        p=rng.choice(topic.points),
        t=rng.choice(topic.terms),
    )


def _compose_answer(
    rng: random.Random, bank: _QuestionBank, name: str, *, before_class: bool
) -> str:
    closers = _ANSWER_CLOSERS_BEFORE if before_class else _ANSWER_CLOSERS_AFTER
    parts = [f"Good question, {name}.", bank.answer or "", rng.choice(closers)]
    return " ".join(part for part in parts if part)


def _pick_paraphrases(rng: random.Random, bank: _QuestionBank, count: int) -> list[str]:
    """Pick paraphrases of one question, at least half of them without '?'."""
    plain = [p for p in bank.paraphrases if "?" not in p]
    asked = [p for p in bank.paraphrases if "?" in p]
    low = max(math.ceil(count / 2), count - len(asked))
    n_plain = rng.randint(low, min(count, len(plain)))
    chosen = rng.sample(plain, n_plain) + rng.sample(asked, count - n_plain)
    rng.shuffle(chosen)
    return chosen
