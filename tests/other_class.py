"""A class that is not the sample, for tests: a development activity of the question
corpus (benchmarks/data/dev: written apart from the code, another subject, other ids),
imported through the CSV template in another time zone, without the optional columns (no
thread ids, no course title, no concepts, no reactions)."""

import csv
import io
import json
from pathlib import Path

from asyncmon import Workspace

CORPUS = Path(__file__).parent.parent / "benchmarks" / "data" / "dev" / "circuits-school.json"
#: Between the activity's due time and its class (Chicago, UTC-6 in January).
BEFORE_CLASS = "2026-01-16T06:00:00Z"


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def import_other_class(folder: Path) -> dict:
    """Import the class into a new workspace in ``folder``; return the corpus's JSON."""
    raw = json.loads(CORPUS.read_text(encoding="utf-8"))
    people = {p["author_id"]: p["role"] for p in raw["posts"]}
    posts = [
        [
            "PHYS-9",
            "circuits",
            f"x-{p['post_id']}",
            f"x-{p['parent_id']}" if p["parent_id"] else "",
            f"u-{p['author_id']}",
            f"2026-01-1{2 + i // 40}T{8 + i % 12:02d}:{i % 60:02d}:00-06:00",
            p["body"],
        ]
        for i, p in enumerate(raw["posts"])
    ]
    ws = Workspace(folder)
    result = ws.import_sources(
        [
            (
                "posts.csv",
                csv_bytes(
                    [
                        "course_id",
                        "activity_id",
                        "post_id",
                        "parent_id",
                        "author_id",
                        "created_at",
                        "body",
                    ],
                    posts,
                ),
            )
        ],
        people=(
            "people.csv",
            csv_bytes(
                ["course_id", "person_id", "name", "role"],
                [["PHYS-9", f"u-{a}", f"Person {a}", r] for a, r in people.items()],
            ),
        ),
        activities=(
            "activities.csv",
            csv_bytes(
                ["course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone"],
                [
                    [
                        "PHYS-9",
                        "circuits",
                        "Series and parallel",
                        "2026-01-15 23:59",
                        "2026-01-16 08:30",
                        "America/Chicago",
                    ]
                ],
            ),
        ),
    )
    assert result.report.stored["posts"].added == len(posts)
    return raw
