"""Benchmark importing a template ``posts.csv`` against the floor of reading and storing it.

Run from the repository root::

    python benchmarks/import_speed.py                  # 200,000 posts, 3 runs (about a minute)
    python benchmarks/import_speed.py --rows 20000 --runs 5

It writes a synthetic class in the CSV template (``posts.csv`` of ``--rows`` posts: 4
courses in two zones, 10 activities each, 60 students and 2 staff per course, ~40-word
bodies (runs of the sample class's words), a third of the posts replies with their thread
left to derive, some edited or deleted, a tenth of the times local wall-clock times, and
the ``people.csv`` and ``activities.csv`` to match), then measures, in the same run and
each in a fresh process:

- **floor**: ``pandas.read_csv`` of ``posts.csv`` and writing the frame as it is to a table
  of a fresh SQLite file (no checks at all);
- **import**: ``Workspace(fresh).import_sources([posts.csv], people=..., activities=...)``,
  what ``asyncmon import`` does (every check, the report, the workspace write).

It prints the median seconds over the runs, the ratio import / floor (of the medians, and
the median of each run's own ratio, the two measured side by side), and each one's
peak memory (the process's peak resident set, less what it held before the work: the
interpreter and its imports are left out). Machines here are shared and
noisy: compare ratios, not seconds.

This is a script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]

POST_HEADER = (
    "course_id,activity_id,post_id,parent_id,author_id,created_at,edited_at,deleted,subject,body"
)
START = datetime(2025, 2, 3, 8, tzinfo=UTC)
COURSES = (("BIO101", "Europe/Amsterdam"), ("HIS210", "America/New_York"))


def write_class(folder: Path, rows: int, seed: int = 14) -> None:
    """``posts.csv``, ``people.csv`` and ``activities.csv`` of a synthetic class."""
    rng = random.Random(seed)
    with open(ROOT / "sample_data" / "posts.csv", encoding="utf-8", newline="") as f:
        words = [w for post in csv.DictReader(f) for w in post["body"].split()]
    courses = [(f"{code}-{i}", tz) for i in range(2) for code, tz in COURSES]
    with open(folder / "people.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["course_id", "person_id", "name", "role"])
        for course, _ in courses:
            out.writerows((course, f"s{i}", f"Student {i}", "student") for i in range(60))
            out.writerows([(course, "t1", "Teacher One", "teacher"), (course, "a1", "Ana", "ta")])
    with open(folder / "activities.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone"])
        for course, tz in courses:
            for a in range(10):
                due = datetime(2025, 2, 9, 23, 59) + timedelta(days=7 * a)
                start = due + timedelta(hours=33, minutes=1)
                out.writerow(
                    (
                        course,
                        f"w{a}",
                        f"Week {a}",
                        f"{due:%Y-%m-%d %H:%M}",
                        f"{start:%Y-%m-%d %H:%M}",
                        tz,
                    )
                )

    posted: dict[tuple[str, str], list[int]] = {}
    zones = {course: ZoneInfo(tz) for course, tz in courses}
    with open(folder / "posts.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(POST_HEADER.split(","))
        for n in range(rows):
            course, _ = courses[n % len(courses)]
            activity = f"w{rng.randrange(10)}"
            earlier = posted.setdefault((course, activity), [])
            parent = rng.choice(earlier[-50:]) if earlier and rng.random() < 0.33 else None
            post_id = 100_000 + n
            earlier.append(post_id)
            author = "t1" if rng.random() < 0.05 else f"s{rng.randrange(60)}"
            week = int(activity[1:])
            moment = START + timedelta(days=7 * week, minutes=rng.randrange(7 * 24 * 60))
            if rng.random() < 0.1:
                created = f"{moment.astimezone(zones[course]):%Y-%m-%d %H:%M}"  # local time
            else:
                created = f"{moment:%Y-%m-%dT%H:%M:%SZ}"
            edited = (
                f"{moment + timedelta(minutes=rng.randrange(1, 600)):%Y-%m-%dT%H:%M:%SZ}"
                if rng.random() < 0.05
                else ""
            )
            deleted = 1 if rng.random() < 0.01 else 0
            at = rng.randrange(len(words) - 60)
            body = " ".join(words[at : at + rng.randrange(25, 55)])
            out.writerow(
                (
                    course,
                    activity,
                    post_id,
                    "" if parent is None else parent,
                    author,
                    created,
                    edited,
                    deleted,
                    f"Re: week {week}" if parent else f"Week {week} thoughts",
                    "" if deleted else body,
                )
            )


def _floor(folder: Path, out: Path) -> None:
    import sqlite3

    import pandas as pd

    frame = pd.read_csv(folder / "posts.csv")
    con = sqlite3.connect(out / "floor.sqlite")
    frame.to_sql("posts", con, index=False)
    con.commit()
    con.close()


def _import(folder: Path, out: Path) -> None:
    from asyncmon import Workspace

    result = Workspace(out / "ws").import_sources(
        [folder / "posts.csv"],
        people=folder / "people.csv",
        activities=folder / "activities.csv",
    )
    report = result.report
    print(
        json.dumps(
            {
                "kept": report.kept,
                "rejected": len(report.rejected),
                "warnings": len(report.warnings),
            }
        ),
        file=sys.stderr,
    )


def _memory_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MB. Read from
    ``/proc/self/status``: unlike ``ru_maxrss``, the peak there is of this program only
    and not carried over from the parent that started it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _measure(what: str, folder: Path, out: Path) -> None:
    """One measurement in this (fresh) process: prints seconds and peak memory."""
    import pandas  # noqa: F401  (the imports are not what is measured)

    if what == "import":
        import asyncmon  # noqa: F401
    before = _memory_mb("VmRSS")
    start = time.perf_counter()
    (_floor if what == "floor" else _import)(folder, out)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": _memory_mb("VmHWM") - before}))


def _run(what: str, folder: Path) -> dict:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, __file__, "--measure", what, str(folder), out],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if done.stderr.strip():
        figures["report"] = done.stderr.strip().splitlines()[-1]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        what, folder, out = args.measure
        _measure(what, Path(folder), Path(out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_class(folder, args.rows)
        size = (folder / "posts.csv").stat().st_size / 1e6
        print(f"posts.csv: {args.rows:,} rows, {size:.1f} MB; {args.runs} runs, medians")
        results: dict[str, list[dict]] = {"floor": [], "import": []}
        for _ in range(args.runs):
            for what in results:  # side by side, alternating
                results[what].append(_run(what, folder))
        medians = {
            what: (
                statistics.median(r["seconds"] for r in runs),
                statistics.median(r["peak_mb"] for r in runs),
            )
            for what, runs in results.items()
        }
        floor_s, floor_mb = medians["floor"]
        import_s, import_mb = medians["import"]
        print(f"floor (pandas.read_csv + to_sql): {floor_s:6.2f} s   peak {floor_mb:6.0f} MB")
        print(f"asyncmon import:                  {import_s:6.2f} s   peak {import_mb:6.0f} MB")
        print(f"ratio import / floor:             {import_s / floor_s:6.2f}")
        pairs = zip(results["import"], results["floor"], strict=True)
        own = statistics.median(i["seconds"] / f["seconds"] for i, f in pairs)
        print(f"median of each run's own ratio:   {own:6.2f}")
        print(f"import report: {results['import'][-1].get('report', '')}")


if __name__ == "__main__":
    main()
