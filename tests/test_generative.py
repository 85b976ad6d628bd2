"""Random classes, through everything: every command of the command line, every public
function and every page view. Classes with and without course titles, concepts,
reactions, plans, staff or students; odd ids and names (quotes, commas, markup, other
scripts). Each must give no traceback, balanced import reports, escaped names, and the
same answers after the same files are imported again."""

import contextlib
import csv
import io
import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncmon import (
    Workspace,
    acknowledgement_queue,
    acknowledgement_spread,
    acknowledgements,
    class_rates,
    coverage,
    participation,
    repeat_absentees,
    unacknowledged_students,
)
from asyncmon.brief import pre_class_brief
from asyncmon.cli import main
from asyncmon.coordinator import coordinator_table
from asyncmon.page_view import activity_view
from asyncmon.snapshot import Snapshot
from asyncmon.sources.template import POST_COLUMNS

ZONES = ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"]
MARKUP = "<script>alert(1)</script>"
START = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)

_odd = st.sampled_from(list("-_ .,;'\"<>&/#+")) | st.characters(
    categories=("L", "N"), codec="utf-8"
)
ids = st.text(_odd, min_size=1, max_size=8).map(str.strip).filter(bool)
names = st.one_of(
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=24).map(str.strip),
    st.sampled_from([MARKUP, 'Ana "Nan" Silva', "O'Brien, Seán", "李小龙", "", "nan", "None"]),
)
bodies = st.one_of(
    st.sampled_from(
        [
            "Why does water move toward the salty side?",
            "I don't get how enzymes lower the activation energy",
            "+1 same here",
            "so wait, osmosis and diffusion are different things",
            f"what is {MARKUP} doing here?",
            "Great point, thanks!",
            'Is it a, b, or "c"?\nOn a new line too.',
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
)


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def classes(draw):
    """The files of a random class: people, activities, posts and maybe reactions."""
    course_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    titled, with_concepts = draw(st.booleans()), draw(st.booleans())
    people, activities, posts, reactions = [], [], [], []
    for c, course in enumerate(course_ids):
        zone = draw(st.sampled_from(ZONES))
        title = draw(st.one_of(st.just(""), names))
        roles = draw(
            st.lists(st.sampled_from(["student", "student", "teacher", "assistant"]), max_size=7)
        )
        members = draw(st.lists(ids, min_size=len(roles), max_size=len(roles), unique=True))
        for person, role in zip(members, roles, strict=True):
            people.append([course, person, draw(names), role])
        acts = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
        for k, activity in enumerate(acts):
            due = START + timedelta(days=7 * k + c, hours=draw(st.integers(0, 12)))
            starts = due + timedelta(hours=draw(st.integers(1, 72)))
            concepts = ";".join(draw(st.lists(st.sampled_from(["osmosis", "enzyme"]))))
            row = [course, activity, draw(names), _iso(due), _iso(starts), zone]
            activities.append(
                row + ([title] if titled else []) + ([concepts] if with_concepts else [])
            )
            authors = members + ["ghost"]  # someone not on the roster
            in_activity = []
            for n in range(draw(st.integers(0, 6))):
                post_id = f"{activity}-{n}"
                parent = draw(st.sampled_from([""] + in_activity)) if in_activity else ""
                created = due + timedelta(minutes=draw(st.integers(-5 * 24 * 60, 2 * 24 * 60)))
                author, created = draw(st.sampled_from(authors)), _iso(created)
                posts.append([course, activity, post_id, author, created, draw(bodies), parent])
                in_activity.append(post_id)
            for post_id in draw(st.lists(st.sampled_from(in_activity or ["none"]), max_size=3)):
                if members:
                    reactions.append([course, post_id, draw(st.sampled_from(members)), "like"])
    header = ["course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone"]
    header += (["course_title"] if titled else []) + (["concepts"] if with_concepts else [])
    files = [
        ("people.csv", _csv(["course_id", "person_id", "name", "role"], people)),
        ("activities.csv", _csv(header, activities)),
        ("posts.csv", _csv([*POST_COLUMNS, "parent_id"], posts)),
    ]
    if reactions or draw(st.booleans()):
        files.append(
            ("reactions.csv", _csv(["course_id", "post_id", "person_id", "kind"], reactions))
        )
    plans = draw(
        st.lists(
            st.tuples(
                st.integers(0, 5),
                st.sampled_from([None, "roleplay", "quick-write", "debate", "other"]),
                names,
            ),
            max_size=2,
        )
    )
    return files, plans


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue()


def _no_raw_markup(html: str) -> None:
    assert MARKUP not in html


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cls=classes())
def test_any_class_goes_through_every_command_function_and_page(tmp_path_factory, cls):
    files, plans = cls
    folder = tmp_path_factory.mktemp("class")
    paths = []
    for name, content in files:
        (folder / name).write_bytes(content)
        paths.append(str(folder / name))
    ws_dir = str(folder / "ws")

    status, out = _run("import", "--workspace", ws_dir, *paths, "--json")
    assert status in (0, 1)  # 1: no post could be kept (the report says why)
    report = json.loads(out)
    for source in report["sources"]:
        assert source["read"] == source["kept"] + source["merged"] + len(source["rejected"])
    workspace = Workspace(ws_dir, create=False)
    data = workspace.load()
    if data.activities.empty:  # nothing of the schedule could be kept: said, and stopped
        assert _run("metrics", "--workspace", ws_dir)[0] == 2
        return
    acts = list(zip(data.activities["course_id"], data.activities["activity_id"], strict=True))
    for index, kind, gap in plans:
        course, activity = acts[index % len(acts)]
        workspace.save_plan(course, activity, gap=gap or None, followup_kind=kind)

    # every command
    assert _run("validate", *paths)[0] in (0, 1)
    assert _run("show", "--workspace", ws_dir)[0] == 0
    status, out = _run("metrics", "--workspace", ws_dir, "--json", "--method", "tfidf")
    assert status == 0
    document = json.loads(out)
    assert _run("metrics", "--workspace", ws_dir, "--method", "tfidf")[0] == 0
    for course, activity in acts:
        for form in ([], ["--html"]):
            status, out = _run(
                "brief",
                "--workspace",
                ws_dir,
                f"--course={course}",
                f"--activity={activity}",
                *form,
            )
            assert status == 0
            if form:
                _no_raw_markup(out)
    assert _run("publish", "--workspace", ws_dir, "--out", str(folder / "r.html"))[0] == 0
    _no_raw_markup((folder / "r.html").read_text(encoding="utf-8"))

    # every public function, and every page view
    data = workspace.load()
    table = acknowledgements(data)
    coverage(table)
    acknowledgement_spread(table)
    unacknowledged_students(table, data.activities)
    class_rates(participation(data))
    repeat_absentees(data)
    coordinator_table(data)
    snapshot = Snapshot(data, now=START)
    for course, activity in acts:
        acknowledgement_queue(data, table, course, activity)
        _no_raw_markup(pre_class_brief(data, course, activity).to_html())
        view = activity_view(snapshot, course, activity, now=START, method="tfidf")
        shown = [f.name for f in fields(view) if f.name.endswith(("_html", "_svg"))]
        assert len(shown) >= 6
        for name in shown:
            _no_raw_markup(getattr(view, name))

    # the same files again: nothing changes, and every answer is the same
    status, out = _run("import", "--workspace", ws_dir, *paths, "--json")
    again = json.loads(out)
    assert all(c["added"] == 0 and c["updated"] == 0 for c in again["stored"].values())
    status, out = _run("metrics", "--workspace", ws_dir, "--json", "--method", "tfidf")
    assert _stable(json.loads(out)) == _stable(document)


def _stable(document: dict) -> dict:
    """A metrics document without the moment it was computed at."""
    return {k: v for k, v in document.items() if k not in ("generated_at", "as_of")}
