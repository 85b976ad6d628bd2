"""Template posts read a column at a time: the same rows kept, the same rejections and
warnings, word for word, as reading them row by row gave."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from asyncmon import import_sources
from asyncmon._times import parse_time, parse_times

HEADER = "course_id,activity_id,post_id,parent_id,author_id,created_at,edited_at,deleted,body"
PEOPLE = "course_id,person_id,name,role\n" + "".join(
    f"C{c},s{i},Student {i},student\n" for c in (1, 2) for i in range(20)
)
ACTIVITIES = (
    "course_id,activity_id,title,due_at,class_starts_at,timezone\n"
    "C1,a1,One,2025-11-10 23:59,2025-11-12 09:00,Europe/Amsterdam\n"
    "C2,a1,One,2025-11-10 23:59,2025-11-12 09:00,America/New_York\n"
)
NOT_A_TIME = (
    "is not a date and time; use 2025-02-04T14:15:00Z or 2025-02-04 15:15 (local time in "
    "the course zone)"
)

# (row as written, column, value, message) of each bad row; None: kept, with a warning
BAD = [
    (
        ",a1,b1,,s1,2025-03-01T10:00:00Z,,0,x",
        "course_id",
        "",
        "course_id is empty; every post needs one",
    ),
    (
        "C1,,b2,,s1,2025-03-01T10:00:00Z,,0,x",
        "activity_id",
        "",
        "activity_id is empty; every post needs one",
    ),
    (
        "C1,a1, ,,s1,2025-03-01T10:00:00Z,,0,x",
        "post_id",
        "",
        "post_id is empty; every post needs one",
    ),
    (
        "C1,a9,b4,,s1,2025-03-01T10:00:00Z,,0,x",
        "activity_id",
        "a9",
        "activity a9 of course C1 is not in the activities file; add it there (with its due "
        "and class times) or correct the id",
    ),
    (
        "C1,a1,b5,,s1,2025-03-01T10:00:00Z,,maybe,x",
        "deleted",
        "maybe",
        "deleted must be 1 or 0 (or true/false)",
    ),
    (
        "C1,a1,b6,,,2025-03-01T10:00:00Z,,0,x",
        "author_id",
        "",
        "author_id is empty; give the author's person_id",
    ),
    (
        "C1,a1,b7,b7,s1,2025-03-01T10:00:00Z,,0,x",
        "parent_id",
        "b7",
        "a post cannot reply to itself; empty parent_id for a thread's first post",
    ),
    ("C1,a1,b8,,s1,31/02/2025,,0,x", "created_at", "31/02/2025", f"'31/02/2025' {NOT_A_TIME}"),
    (
        "C1,a1,b9,,s1,2025-02-30 10:00,,0,x",
        "created_at",
        "2025-02-30 10:00",
        f"'2025-02-30 10:00' {NOT_A_TIME}",
    ),
    (
        "C1,a1,b10,,s1,2025-03-01 24:00,,0,x",
        "created_at",
        "2025-03-01 24:00",
        f"'2025-03-01 24:00' {NOT_A_TIME}",
    ),
    (
        "C1,a1,b11,,s1,2025-03-01T10:00:00+25:00,,0,x",
        "created_at",
        "2025-03-01T10:00:00+25:00",
        f"'2025-03-01T10:00:00+25:00' {NOT_A_TIME}",
    ),
    (
        "C1,a1,b12,,s1,0001-01-01 00:00,,0,x",
        "created_at",
        "0001-01-01 00:00",
        "'0001-01-01 00:00' is not a plausible date (years 1990-2100); check the year",
    ),
    (
        "C1,a1,b13,,s1,2025-03-30 02:30,,0,x",
        "created_at",
        "2025-03-30 02:30",
        "2025-03-30 02:30 does not exist in Europe/Amsterdam (clocks skip that hour for "
        "daylight saving); give a time outside the skipped hour or add an offset",
    ),
    (
        "C2,a1,b14,,s1,2025-03-09 02:30,,0,x",
        "created_at",
        "2025-03-09 02:30",
        "2025-03-09 02:30 does not exist in America/New_York (clocks skip that hour for "
        "daylight saving); give a time outside the skipped hour or add an offset",
    ),
    (
        "C1,a1,b15,,s1,2025-03-01T10:00:00Z,,0,too,many",
        None,
        None,
        "has 10 fields but the header has 9; put a field that contains a comma between "
        "double quotes",
    ),
]
WARNED = [
    (
        "C1,a1,w1,,s1,2025-10-26 02:30,,0,x",
        "created_at",
        "2025-10-26 02:30",
        "2025-10-26 02:30 occurs twice in Europe/Amsterdam (clocks go back that night); read "
        "as the first occurrence, add an offset to choose the other",
    ),
    (
        "C2,a1,w2,,s1,2025-03-01T10:00:00Z,soon,0,x",
        "edited_at",
        "soon",
        f"'soon' {NOT_A_TIME}; the edit time is left empty",
    ),
]


def _good(rng: random.Random, n: int) -> list[str]:
    rows = []
    start = datetime(2025, 11, 3, 8)  # after every change of clocks of 2025
    for i in range(n):
        course = f"C{1 + i % 2}"
        moment = start + timedelta(minutes=rng.randrange(20_000))
        created = (
            f"{moment:%Y-%m-%d %H:%M}"
            if rng.random() < 0.3
            else f"{moment:%Y-%m-%dT%H:%M:%S}{rng.choice(['Z', '+01:00', '-05:00'])}"
        )
        edited = f"{moment + timedelta(hours=1):%Y-%m-%dT%H:%MZ}" if rng.random() < 0.1 else ""
        parent = f"p{i - 2}" if i > 2 and rng.random() < 0.3 else ""
        rows.append(
            f"{course},a1,p{i},{parent},s{rng.randrange(20)},{created},{edited},0,words {i}"
        )
    return rows


def test_ten_thousand_rows_with_bad_ones_scattered_lose_exactly_those():
    rng = random.Random(14)
    rows = _good(rng, 10_000)
    for line, *_ in BAD + WARNED:
        rows.insert(rng.randrange(len(rows) + 1), line)
    where = {line: rows.index(line) + 2 for line, *_ in BAD + WARNED}  # header is row 1
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    result = import_sources(
        [("posts.csv", text.encode())],
        people=("people.csv", PEOPLE.encode()),
        activities=("activities.csv", ACTIVITIES.encode()),
    )
    report = result.report.sources[-1]
    assert (report.read, report.kept, report.merged) == (10_000 + len(BAD) + 2, 10_002, 0)
    assert report.balanced
    # the unreadable row first (found while reading), then the others in row order
    expected = sorted(
        ((where[line], column, value, message) for line, column, value, message in BAD),
        key=lambda p: (p[1] is not None, p[0]),
    )
    assert [(p.row, p.column, p.value, p.message) for p in report.rejected] == expected
    assert [(p.row, p.column, p.value, p.message) for p in report.warnings] == sorted(
        (where[line], column, value, message) for line, column, value, message in WARNED
    )
    kept = set(result.data.posts["post_id"])
    assert kept == {f"p{i}" for i in range(10_000)} | {"w1", "w2"}


def test_times_read_in_bulk_are_read_as_one_by_one():
    # every quarter of an hour around each change of clocks of 2025 in zones whose
    # changes are unusual (half an hour at Lord Howe, winter time in Dublin, none in
    # Kolkata), in all the bulk shapes, beside values the bulk reader leaves to parse_time
    values, zones = [], []
    for name in ("Europe/Amsterdam", "Australia/Lord_Howe", "Europe/Dublin", "Asia/Kolkata"):
        tz = ZoneInfo(name)
        for month, day in ((3, 30), (4, 6), (10, 5), (10, 26), (11, 2)):
            for quarter in range(24 * 4):
                moment = datetime(2025, month, day) + timedelta(minutes=15 * quarter)
                for shape in (
                    "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S",
                    "%Y-%m-%dT%H:%MZ",
                    "%Y-%m-%d %H:%M:%S-03:30",
                ):
                    values.append(moment.strftime(shape))
                    zones.append(tz)
    odd = [
        " 2025-02-04T14:15:00Z\t",
        "2025-02-04T14:15:00.5Z",
        "2025-02-04T14:15:00z",
        "2025-2-4 14:15",
        "16/02/2025 14:15",
        "03/02/2025 10:00",
        "",
        "soon",
        "2025-02-04T14:15:00+0100",
        "2101-01-01 00:00",
        "1989-12-31T23:59:59Z",
        "2025-02-29 10:00",
        "2024-02-29 10:00",
        "2025-02-04T14:60",
        "٢٠٢٥-02-04 10:00",
    ]
    values += odd
    zones += [ZoneInfo("America/New_York")] * len(odd)
    for order in (None, "dmy", "mdy"):
        times, errors, notes = parse_times(values, zones, order)
        for i, (text, tz) in enumerate(zip(values, zones, strict=True)):
            try:
                moment, note = parse_time(text, tz, order)
            except ValueError as exc:
                assert (errors.get(i), bool(np.isnat(times[i]))) == (str(exc), True), text
                continue
            assert i not in errors, text
            assert times[i] == np.datetime64(moment.replace(tzinfo=None), "us"), text
            assert notes.get(i) == note, text


@pytest.mark.parametrize("order", [None, "dmy"])
def test_spreadsheet_dates_decide_the_order_as_before(order):
    text = (
        HEADER + "\n"
        "C1,a1,1,,s1,16/02/2025 10:00,,0,x\n"
        "C1,a1,2,,s1,03/02/2025 10:00,03/02/2025 11:00,0,x\n"
        "C1,a1,3,,s1,2025-02-03 10:00,,0,x\n"
    )
    result = import_sources(
        [("posts.csv", text.encode())],
        people=("people.csv", PEOPLE.encode()),
        activities=("activities.csv", ACTIVITIES.encode()),
        date_order=order,
    )
    report = result.report.sources[-1]
    assert report.date_order == "dmy" and report.rejected == []
    posts = result.data.posts.set_index("post_id")
    # 3 February 10:00 in Amsterdam (UTC+1) is 09:00Z, edited an hour later
    assert str(posts.loc["2", "created_at"]) == "2025-02-03 09:00:00+00:00"
    assert str(posts.loc["2", "edited_at"]) == "2025-02-03 10:00:00+00:00"


def _walk(threads, courses, posts, parents, known):
    """Threads found by walking up from each post in turn, as a reader would: the first
    given thread id, the id of a post without a parent, or a parent not here (its thread
    in the workspace, else its id); a circle of parents ends where it closes."""
    at = {(c, p): i for i, (c, p) in enumerate(zip(courses, posts, strict=True))}
    threads = list(threads)
    for i in [i for i, t in enumerate(threads) if not t]:
        seen, current = set(), i
        while True:
            parent = parents[current]
            key = (courses[current], parent)
            if parent is None:
                threads[i] = threads[current] or posts[current]
                break
            if key in seen or key not in at:
                threads[i] = known.get(key, parent)
                break
            seen.add(key)
            current = at[key]
            if threads[current]:
                threads[i] = threads[current]
                break
    return threads


@pytest.mark.parametrize("seed", range(40))
def test_threads_followed_all_at_once_are_the_threads_walked_one_by_one(seed):
    # deep chains, circles of parents, given threads, parents only in the workspace
    import pandas as pd

    from asyncmon.sources.importing import _PostRows

    rng = random.Random(seed)
    n = rng.randrange(1, 300 if seed % 2 else 12)  # few posts: many circles
    courses = [rng.choice(["C1", "C2"]) for _ in range(n)]
    posts = [f"p{i}" for i in range(n)]
    parents = [
        None
        if rng.random() < 0.15
        else f"p{rng.randrange(n)}"
        if rng.random() < 0.8
        else f"w{rng.randrange(5)}"  # not in this import
        for _ in range(n)
    ]
    threads = [f"t{i}" if rng.random() < 0.1 else None for i in range(n)]
    known = {(c, f"w{k}"): f"stored{k}" for c in ("C1",) for k in range(3)}
    rows = _PostRows.__new__(_PostRows)
    rows.frame = pd.DataFrame(
        {"course_id": courses, "post_id": posts, "parent_id": parents, "thread_id": threads},
        dtype=object,
    )
    rows.derive_threads(known)
    assert rows.frame["thread_id"].tolist() == _walk(threads, courses, posts, parents, known)


def test_a_circle_of_parents_ends_where_it_closes():
    import pandas as pd

    from asyncmon.sources.importing import _PostRows

    # p0 -> p1 -> p2 -> p1 (a circle of two under p0), p3 -> p4 -> p3
    rows = _PostRows.__new__(_PostRows)
    rows.frame = pd.DataFrame(
        {
            "course_id": ["C1"] * 5,
            "post_id": ["p0", "p1", "p2", "p3", "p4"],
            "parent_id": ["p1", "p2", "p1", "p4", "p3"],
            "thread_id": [None] * 5,
        },
        dtype=object,
    )
    rows.derive_threads({})
    # p0 walks p1, p2, and stops as p2's parent p1 comes round again: p1 stands for it;
    # p1 walks p2, p1 and stops at p1's parent p2; p2 then meets p1's thread, and so on
    assert rows.frame["thread_id"].tolist() == ["p1", "p2", "p2", "p4", "p4"]
