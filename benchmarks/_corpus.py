"""Labelled discussion activities for measuring question detection and grouping.

Two kinds of data, kept apart:

- development data (``benchmarks/data/``): what detection and grouping may be tuned
  and trained on: ``data/dev/*.json`` (activities) and ``data/question_eval.json``
  (sentences, written together with the first detection cues);
- the blind corpus (``benchmarks/blind/*.json``): written by writers who saw only the
  definition of a question unit and a subject brief; never tuned on, only reported.

Both activity folders use one format (see ``benchmarks/blind/README.md``): posts with
their bodies, and per post the exact spans that are question units with the question
they raise. This module turns a file into frames and scores a detector or a grouping
against it. It is the benchmark's and the training script's, not the product's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BLIND = ROOT / "benchmarks" / "blind"
DEV = ROOT / "benchmarks" / "data" / "dev"
SENTENCES = ROOT / "benchmarks" / "data" / "question_eval.json"


@dataclass(frozen=True)
class Activity:
    """One labelled activity.

    posts: post_id, author_id, role, parent_id, body (every post, staff too).
    units: post_id, author_id, start, end, text, question (gold units, students only).
    agreements: post_id, author_id, question (pure agreement replies).
    """

    name: str
    subject: str
    level: str
    posts: pd.DataFrame
    units: pd.DataFrame
    agreements: pd.DataFrame

    @property
    def student_posts(self) -> pd.DataFrame:
        return self.posts[self.posts["role"] == "student"]


def _activity(path: Path) -> Activity:
    raw = json.loads(path.read_text(encoding="utf-8"))
    posts, units, agreements = [], [], []
    for p in raw["posts"]:
        posts.append(
            {
                "post_id": p["post_id"],
                "author_id": p["author_id"],
                "role": p["role"],
                "parent_id": p["parent_id"],
                "body": p["body"],
            }
        )
        cursor = 0
        for u in p.get("units", []):
            start = p["body"].find(u["text"], cursor)
            if start < 0:
                start = p["body"].find(u["text"])
            cursor = start + len(u["text"])
            units.append(
                {
                    "post_id": p["post_id"],
                    "author_id": p["author_id"],
                    "start": start,
                    "end": start + len(u["text"]),
                    "text": u["text"],
                    "question": u["question"],
                }
            )
        if p.get("agrees_with"):
            agreements.append(
                {"post_id": p["post_id"], "author_id": p["author_id"], "question": p["agrees_with"]}
            )
    return Activity(
        name=raw["activity_id"],
        subject=raw["subject"],
        level=raw["level"],
        posts=pd.DataFrame(posts),
        units=pd.DataFrame(
            units, columns=["post_id", "author_id", "start", "end", "text", "question"]
        ),
        agreements=pd.DataFrame(agreements, columns=["post_id", "author_id", "question"]),
    )


def load_folder(folder: Path) -> list[Activity]:
    return [_activity(path) for path in sorted(folder.glob("*.json"))]


def load_sentence_set() -> list[Activity]:
    """``question_eval.json`` (one record per sentence) as one activity per topic."""
    raw = json.loads(SENTENCES.read_text(encoding="utf-8"))["sentences"]
    frame = pd.DataFrame(raw)
    out = []
    for topic, part in frame.groupby("topic", sort=True):
        posts, units = [], []
        for post_id, sentences in part.groupby("post_id", sort=False):
            sep = sentences["separator"].iloc[0] if "separator" in sentences else " "
            sep = sep if isinstance(sep, str) else " "
            body, spans = "", []
            for s in sentences.itertuples():
                if body:
                    body += sep
                spans.append((len(body), s))
                body += s.text
            role = sentences["author_role"].iloc[0]
            author = sentences["author_id"].iloc[0]
            posts.append(
                {
                    "post_id": post_id,
                    "author_id": author,
                    "role": role,
                    "parent_id": None,
                    "body": body,
                }
            )
            for start, s in spans:
                if s.is_question and role == "student":
                    units.append(
                        {
                            "post_id": post_id,
                            "author_id": author,
                            "start": start,
                            "end": start + len(s.text),
                            "text": s.text,
                            "question": s.group,
                        }
                    )
        out.append(
            Activity(
                name=f"sentences/{topic}",
                subject=topic,
                level="",
                posts=pd.DataFrame(posts),
                units=pd.DataFrame(units),
                agreements=pd.DataFrame(columns=["post_id", "author_id", "question"]),
            )
        )
    return out


# --------------------------------------------------------------------------------------
# Locating units: the product's units are sentences of the body; a gold unit is a span.


def locate(body: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Character spans of ``pieces`` (split_units' output, in order) within ``body``."""
    spans, cursor = [], 0
    for piece in pieces:
        start = body.find(piece, cursor)
        if start < 0:  # a bullet or quote marker was removed: look from the start
            start = body.find(piece)
        if start < 0:
            spans.append((cursor, cursor))
            continue
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_units(activity: Activity, predicted: pd.DataFrame) -> pd.DataFrame:
    """Pair predicted units with gold units of the same post by character overlap.

    ``predicted``: post_id, start, end (and anything else). Returns one row per predicted
    unit with ``gold`` (index into ``activity.units`` or -1): a predicted unit matches the
    gold unit it overlaps most, when the overlap covers half of either of them.
    """
    gold_by_post: dict[str, list[tuple[int, tuple[int, int]]]] = {}
    for i, u in enumerate(activity.units.itertuples()):
        gold_by_post.setdefault(u.post_id, []).append((i, (u.start, u.end)))
    matches = []
    for p in predicted.itertuples():
        best, best_overlap = -1, 0
        for i, span in gold_by_post.get(p.post_id, []):
            o = _overlap((p.start, p.end), span)
            if o > best_overlap:
                best, best_overlap = i, o
        if best >= 0:
            g = activity.units.iloc[best]
            if best_overlap * 2 < min(p.end - p.start, g.end - g.start):
                best = -1
        matches.append(best)
    out = predicted.copy()
    out["gold"] = matches
    return out


def trap_hits(activity: Activity, predicted: pd.DataFrame, raw: dict) -> list[str]:
    """Kinds of the traps that predicted units overlap (false positives by kind)."""
    traps = {}
    for p in raw["posts"]:
        for t in p.get("traps", []):
            start = p["body"].find(t["text"])
            traps.setdefault(p["post_id"], []).append(((start, start + len(t["text"])), t["kind"]))
    kinds = []
    for p in predicted.itertuples():
        for span, kind in traps.get(p.post_id, []):
            if _overlap((p.start, p.end), span) > 0:
                kinds.append(kind)
                break
    return kinds


def raw_json(activity: Activity) -> dict:
    for folder in (BLIND, DEV):
        for path in folder.glob("*.json"):
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw["activity_id"] == activity.name:
                return raw
    return {"posts": []}


def ari(truth: list, predicted: list) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(truth, predicted)) if truth else float("nan")


def median(values: list[float]) -> float:
    values = [v for v in values if not np.isnan(v)]
    return float(np.median(values)) if values else float("nan")
