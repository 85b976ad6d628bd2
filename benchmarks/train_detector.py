"""Train the question/confusion classifier on development data; write its weights.

Run from the repository root (needs the ``questions`` extra)::

    python benchmarks/train_detector.py            # prints the leave-one-out figures
    python benchmarks/train_detector.py --write    # and writes asyncmon/questions/detector.npz

Training data: the development activities (``benchmarks/data/dev/*.json``) and the
sentence set (``benchmarks/data/question_eval.json``). Every student post is split into
units as the product splits it; a unit is a positive when it overlaps a labelled
question unit. The regularisation and the probability cut are chosen by leaving one
development activity out at a time (a unit no cue fires on may need a higher
probability): the most recall among the settings of precision at least 0.87 (the goal
is recall at precision 0.85 or more on a new class, and precision drops a little from
the development data to a new class; a statement taken for a question can become the
label of the main gap, so precision is not given up for recall), with the logistics
and self-answer rules applied after the classifier as ``question_units`` applies them.
The blind corpus (``benchmarks/blind/``) is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _corpus  # noqa: E402

from asyncmon.questions import classifier, detect_cue, embed_texts, split_units  # noqa: E402
from asyncmon.questions.detect import ruled_out  # noqa: E402

OUT = ROOT / "asyncmon" / "questions" / "detector.npz"
GRID_C = (0.3, 1.0, 3.0, 10.0)
GRID_CUT = (0.3, 0.4, 0.5, 0.6)
GRID_CUT_ALONE = (0.6, 0.7, 0.8, 0.9)  # for units no cue fires on
PRECISION_FLOOR = 0.87  # leave-one-activity-out precision the chosen cuts must keep


def units_of(activity: _corpus.Activity) -> pd.DataFrame:
    """Every unit of the students' posts, labelled 1 when it is a question unit."""
    rows = []
    for post in activity.student_posts.itertuples():
        pieces = split_units(post.body)
        spans = _corpus.locate(post.body, pieces)
        for k, (text, (start, end)) in enumerate(zip(pieces, spans)):
            following = pieces[k + 1] if k + 1 < len(pieces) else None
            rows.append(
                {
                    "post_id": post.post_id,
                    "text": text,
                    "start": start,
                    "end": end,
                    "ruled_out": ruled_out(text, following),
                }
            )
    frame = pd.DataFrame(rows, columns=["post_id", "text", "start", "end", "ruled_out"])
    frame["gold"] = _corpus.match_units(activity, frame)["gold"]
    frame["cue"] = [detect_cue(t) is not None for t in frame["text"]]
    frame["y"] = (frame["gold"] >= 0).astype(int)
    return frame


def matrix(frame: pd.DataFrame):
    texts = frame["text"].tolist()
    cues = [detect_cue(t) is not None for t in texts]
    return classifier.features(texts, embed_texts(texts, method="minilm"), cues)


def fit(x, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write detector.npz")
    args = parser.parse_args()
    from scipy import sparse

    activities = _corpus.load_folder(_corpus.DEV)
    extra = _corpus.load_sentence_set()
    frames = [units_of(a) for a in activities]
    matrices = [matrix(f) for f in frames]
    extra_frames = [units_of(a) for a in extra]
    extra_x = sparse.vstack([matrix(f) for f in extra_frames])
    extra_y = np.concatenate([f["y"] for f in extra_frames])

    print("leave one development activity out (the sentence set always trains):")
    cue_kept = cue_correct = cue_found = cue_wanted = 0
    for frame, activity in zip(frames, activities):
        keep = np.array([detect_cue(t) is not None for t in frame["text"]], dtype=bool)
        keep &= ~frame["ruled_out"].to_numpy()
        cue_kept += int(keep.sum())
        cue_correct += int((keep & (frame["y"] == 1)).sum())
        cue_found += frame.loc[keep & (frame["gold"] >= 0), "gold"].nunique()
        cue_wanted += len(activity.units)
    print(
        f"  cues alone       precision {cue_correct / cue_kept:.3f}  "
        f"recall {cue_found / cue_wanted:.3f}"
    )
    best = None
    for c in GRID_C:
        probabilities = []
        for k in range(len(frames)):
            x = sparse.vstack([m for i, m in enumerate(matrices) if i != k] + [extra_x])
            y = np.concatenate([f["y"] for i, f in enumerate(frames) if i != k] + [extra_y])
            probabilities.append(fit(x, y, c).predict_proba(matrices[k])[:, 1])
        for cut in GRID_CUT:
            for cut_alone in (cut, *(g for g in GRID_CUT_ALONE if g > cut)):
                kept = correct = found = wanted = 0
                for k, frame in enumerate(frames):
                    cue = frame["cue"].to_numpy()
                    p = probabilities[k]
                    keep = np.where(cue, p >= cut, p >= cut_alone)
                    keep &= ~frame["ruled_out"].to_numpy()  # as question_units does
                    kept += int(keep.sum())
                    correct += int((keep & (frame["y"] == 1)).sum())
                    found += frame.loc[keep & (frame["gold"] >= 0), "gold"].nunique()
                    wanted += len(activities[k].units)
                precision, recall = correct / max(kept, 1), found / max(wanted, 1)
                print(
                    f"  C={c:<5} cut={cut:.2f} without a cue={cut_alone:.2f}  "
                    f"precision {precision:.3f}  recall {recall:.3f}"
                )
                # the goal is recall at a precision of at least 0.85 on classes written
                # apart from the code; precision fell by about 0.04 from development to
                # such classes before, so the most recall is chosen among the settings
                # whose precision here is at least PRECISION_FLOOR (then precision decides)
                score = (precision >= PRECISION_FLOOR, recall, precision)
                if best is None or score > best[0]:
                    best = (score, c, cut, cut_alone, precision, recall)
    _, c, cut, cut_alone, precision, recall = best
    print(
        f"chosen: C={c}, cut={cut}, without a cue {cut_alone} "
        f"(precision {precision:.3f}, recall {recall:.3f})"
    )
    if args.write:
        x = sparse.vstack([*matrices, extra_x])
        y = np.concatenate([*(f["y"] for f in frames), extra_y])
        model = fit(x, y, c)
        np.savez_compressed(
            OUT,
            coef=model.coef_.ravel().astype(np.float32),
            intercept=np.float64(model.intercept_[0]),
            threshold=np.float64(cut),
            threshold_without_cue=np.float64(cut_alone),
            trained_on=np.array([a.name for a in activities + extra]),
        )
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
