"""Measure question detection and grouping: development data beside the blind corpus.

Run from the repository root (the ``questions`` extra installed)::

    python benchmarks/question_grouping.py              # everything (about 10 minutes)
    python benchmarks/question_grouping.py --no-large   # without the large-input runs

Per activity, for the development activities (``benchmarks/data/dev``, what detection
and grouping were trained and tuned on) and, reported apart, for the blind corpus
(``benchmarks/blind``, never tuned on):

- detection: precision and recall of question units, with the classifier and with the
  cues alone, and which traps (rhetorical, staff, logistics...) were taken for units;
- grouping with perfect detection: adjusted Rand index (ARI) of the groups against the
  true questions, with the cut chosen per activity and with the best single cut;
- end to end (detection then grouping): ARI over the true units (a missed unit is a
  group of its own), and whether the three top-ranked groups are the three questions
  most students raised.

Then speed and memory: grouping 2,000 units; ``question_units`` on a 350 KB one-line
post; ``question_groups`` on a 20,000-post activity (each in a fresh process, peak
memory from the operating system). This is a script, not a test: it prints figures
and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _corpus  # noqa: E402

from asyncmon.questions import group_questions, question_units, split_units  # noqa: E402
from asyncmon.questions.detect import agreement_replies  # noqa: E402

FIXED_CUT = 0.55  # the best single cut on the development activities (median ARI)


def predicted(activity: _corpus.Activity, detector: str) -> pd.DataFrame:
    """The product's units of the students' posts, located in their bodies."""
    posts = activity.student_posts[["post_id", "author_id", "body"]]
    units = question_units(posts, detector=detector)
    spans = {}
    for post in posts.itertuples():
        pieces = split_units(post.body)
        for index, span in enumerate(_corpus.locate(post.body, pieces)):
            spans[(post.post_id, index)] = span
    units["start"] = [spans[(p, i)][0] for p, i in zip(units["post_id"], units["unit_index"])]
    units["end"] = [spans[(p, i)][1] for p, i in zip(units["post_id"], units["unit_index"])]
    units["context"] = units["post_id"].map(dict(zip(posts["post_id"], posts["body"])))
    return _corpus.match_units(activity, units)


def detection(activity: _corpus.Activity, units: pd.DataFrame) -> dict:
    kept = len(units)
    correct = int((units["gold"] >= 0).sum())
    found = units.loc[units["gold"] >= 0, "gold"].nunique()
    traps = _corpus.trap_hits(activity, units[units["gold"] < 0], _corpus.raw_json(activity))
    return {
        "precision": correct / max(kept, 1),
        "recall": found / max(len(activity.units), 1),
        "traps": traps,
    }


def grouping(activity: _corpus.Activity) -> dict:
    gold = activity.units.copy()
    gold["context"] = gold["post_id"].map(
        dict(zip(activity.posts["post_id"], activity.posts["body"]))
    )
    truth = gold["question"].tolist()
    adaptive = group_questions(gold, method="minilm")
    fixed = group_questions(gold, method="minilm", threshold=FIXED_CUT)
    bare = group_questions(gold.drop(columns="context"), method="minilm", threshold=0.625)
    return {
        "ari": _corpus.ari(truth, adaptive["group"].tolist()),
        "cut": adaptive.attrs["cut"],
        "ari_fixed": _corpus.ari(truth, fixed["group"].tolist()),
        "ari_before": _corpus.ari(truth, bare["group"].tolist()),
    }


def end_to_end(activity: _corpus.Activity, units: pd.DataFrame) -> dict:
    grouped = group_questions(units, method="minilm")
    assigned = {g: f"found-{grp}" for g, grp in zip(grouped["gold"], grouped["group"]) if g >= 0}
    truth = activity.units["question"].tolist()
    got = [assigned.get(i, f"missed-{i}") for i in range(len(truth))]
    # the three questions most students raised (agreement replies add their authors)
    raisers: dict[str, set] = {}
    for q, a in zip(activity.units["question"], activity.units["author_id"]):
        raisers.setdefault(q, set()).add(a)
    for q, a in zip(activity.agreements["question"], activity.agreements["author_id"]):
        raisers.setdefault(q, set()).add(a)
    top_true = sorted(raisers, key=lambda q: -len(raisers[q]))[:3]
    # rank the found groups as question_groups does: distinct students, agreeing
    # replies ("same", "+1") counted with the group they reply to
    posts = activity.student_posts[["post_id", "author_id", "parent_id", "body"]]
    agreeing = agreement_replies(posts, grouped)
    group_of = grouped.groupby("post_id")["group"].agg(lambda g: g.mode().iloc[0])
    students = {g: set(part["author_id"]) for g, part in grouped.groupby("group")}
    for parent, author in zip(agreeing["parent_id"], agreeing["author_id"]):
        students[group_of[parent]].add(author)
    order = sorted(students, key=lambda g: (-len(students[g]), g))
    top_found = []
    for key in order[:3]:
        members = grouped[grouped["group"] == key]
        labels = [activity.units["question"].iloc[g] for g in members["gold"] if g >= 0]
        top_found.append(max(set(labels), key=labels.count) if labels else None)
    return {
        "ari_e2e": _corpus.ari(truth, got),
        "top3": len(set(top_true) & set(top_found)),
    }


def report(title: str, activities: list[_corpus.Activity]) -> None:
    print(f"\n== {title} ({len(activities)} activities) ==")
    header = (
        f"{'activity':<36} {'units':>5} {'P':>5} {'R':>5} {'P cue':>5} {'R cue':>5} "
        f"{'ARI':>5} {'cut':>5} {'fixed':>5} {'before':>6} {'e2e':>5} {'top3':>4}"
    )
    print(header)
    rows = []
    traps: list[str] = []
    for activity in activities:
        units = predicted(activity, "classifier")
        row = {"name": activity.name, "units": len(activity.units)}
        row.update(detection(activity, units))
        cues = detection(activity, predicted(activity, "cues"))
        row["precision_cues"], row["recall_cues"] = cues["precision"], cues["recall"]
        row.update(grouping(activity))
        row.update(end_to_end(activity, units))
        traps += row["traps"]
        rows.append(row)
        print(
            f"{row['name'][:36]:<36} {row['units']:>5} {row['precision']:>5.2f} "
            f"{row['recall']:>5.2f} {row['precision_cues']:>5.2f} {row['recall_cues']:>5.2f} "
            f"{row['ari']:>5.2f} {row['cut']:>5.3f} {row['ari_fixed']:>5.2f} "
            f"{row['ari_before']:>6.2f} {row['ari_e2e']:>5.2f} {row['top3']:>4}/3"
        )
    frame = pd.DataFrame(rows)
    for label, fn in (("median", np.median), ("worst", np.min)):
        print(
            f"{label:<36} {'':>5} {fn(frame['precision']):>5.2f} {fn(frame['recall']):>5.2f} "
            f"{fn(frame['precision_cues']):>5.2f} {fn(frame['recall_cues']):>5.2f} "
            f"{fn(frame['ari']):>5.2f} {'':>5} {fn(frame['ari_fixed']):>5.2f} "
            f"{fn(frame['ari_before']):>6.2f} {fn(frame['ari_e2e']):>5.2f} "
            f"{fn(frame['top3']):>4}/3"
        )
    counts = pd.Series(traps).value_counts().to_dict() if traps else {}
    print(f"traps taken for units: {counts or 'none'}")


# --------------------------------------------------------------------------------------
# speed and memory, each in a fresh process

_CHILD = r"""
import json, resource, sys, time
import pandas as pd
sys.path.insert(0, {root!r})
from asyncmon.questions import group_questions, question_units
job = {job!r}
posts = pd.read_json({posts!r}, orient="records", dtype=False)
start = embedded = time.perf_counter()
if job == "units":
    out = question_units(posts)
    n = len(out)
elif job == "group":
    from asyncmon.questions.embed import _unit_vectors
    from asyncmon.questions.group import _cluster
    vectors = _unit_vectors(posts["text"].tolist(), "minilm")
    embedded = time.perf_counter()
    labels, _ = _cluster(vectors, None)
    n = len(set(labels.tolist()))
elif job == "cluster":
    import numpy as np
    from asyncmon.questions.group import _cluster
    rng = np.random.default_rng(0)
    n = len(posts)
    centres = rng.normal(size=(n // 20, 384)).astype(np.float32)
    vectors = centres[rng.integers(0, len(centres), n)]
    vectors += rng.normal(scale=0.5, size=(n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    start = time.perf_counter()
    labels, _ = _cluster(vectors, None)
    n = len(set(labels.tolist()))
else:
    units = question_units(posts)
    units["context"] = units["post_id"].map(dict(zip(posts["post_id"], posts["body"])))
    out = group_questions(units, method="minilm")
    n = len(units)
seconds = time.perf_counter() - start
embedding = (embedded - start) if job == "group" else None
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "embedding": embedding, "peak_mb": peak, "n": int(n)}}))
"""


def child(job: str, posts: pd.DataFrame, tmp: Path) -> dict:
    path = tmp / f"{job}.json"
    posts.to_json(path, orient="records")
    code = _CHILD.format(root=str(ROOT), job=job, posts=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def speed(large: bool) -> None:
    import tempfile

    print("\n== speed and memory (fresh process each; peak = the whole process) ==")
    dev = _corpus.load_folder(_corpus.DEV)
    units = pd.concat([a.units for a in dev], ignore_index=True)
    texts = units["text"].tolist()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        picked = [texts[i] for i in rng.integers(0, len(texts), 2000)]
        frame = pd.DataFrame(
            {
                "text": [f"{t} ({i % 7})" for i, t in enumerate(picked)],
                "author_id": [f"s{i}" for i in range(2000)],
            }
        )
        r = child("group", frame, tmp)
        print(
            f"group 2,000 units: {r['seconds']:.2f} s (embedding {r['embedding']:.2f} s, "
            f"clustering and choosing the cut {r['seconds'] - r['embedding']:.2f} s), "
            f"peak {r['peak_mb']:.0f} MB"
        )
        if not large:
            return
        bodies = pd.concat([a.student_posts for a in dev])["body"].tolist()
        long_body = " ".join(bodies)
        while len(long_body) < 350_000:
            long_body += " " + long_body
        long_body = long_body[:350_000].replace("\n", " ")
        one = pd.DataFrame({"post_id": ["p1"], "author_id": ["s1"], "body": [long_body]})
        r = child("units", one, tmp)
        print(
            f"question_units on a 350 KB one-line post: {r['seconds']:.1f} s, "
            f"{r['n']} units, peak {r['peak_mb']:.0f} MB"
        )
        many = pd.DataFrame(
            {
                "post_id": [f"p{i}" for i in range(20_000)],
                "author_id": [f"s{i % 3000}" for i in range(20_000)],
                "body": [f"{bodies[i % len(bodies)]} (v{i // len(bodies)})" for i in range(20_000)],
            }
        )
        r = child("cluster", pd.DataFrame({"i": range(30_000)}), tmp)
        print(
            f"cluster 30,000 unit vectors (bounded path, synthetic 384-d): "
            f"{r['seconds']:.0f} s, peak {r['peak_mb']:.0f} MB"
        )
        r = child("activity", many, tmp)
        print(
            f"detect and group a 20,000-post activity: {r['seconds']:.0f} s, "
            f"{r['n']} units, peak {r['peak_mb']:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-large", action="store_true", help="skip the large inputs")
    parser.add_argument("--speed-only", action="store_true", help="only speed and memory")
    args = parser.parse_args()
    t = time.perf_counter()
    if args.speed_only:
        speed(not args.no_large)
        return
    report(
        "development activities (trained and tuned on: their P and R are the classifier's on its"
        " own training data; benchmarks/train_detector.py prints them leaving one activity out)",
        _corpus.load_folder(_corpus.DEV),
    )
    report("BLIND corpus (never tuned on)", _corpus.load_folder(_corpus.BLIND))
    print(
        "\nP/R: detection precision/recall (classifier; 'cue': cues alone). ARI: grouping "
        "with perfect detection, cut chosen per activity ('cut'); 'fixed': single cut "
        f"{FIXED_CUT}; 'before': the previous grouping (unit alone, cut 0.625). e2e: "
        "detection then grouping. top3: of the three questions most students raised, "
        "how many are among the three top-ranked groups."
    )
    speed(not args.no_large)
    print(f"\n(total {time.perf_counter() - t:.0f} s)")


if __name__ == "__main__":
    main()
