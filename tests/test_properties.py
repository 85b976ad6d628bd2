"""Any bytes fed to any importer give rows or the library's own clear error, never a raw
traceback; every report balances; and re-importing adds nothing."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncmon import AsyncmonError, Workspace, import_sources
from asyncmon.sources.report import StoreCounts

from .conftest import ACTIVITIES, PEOPLE
from .test_canvas import view
from .test_moodle import moodle_csv

ROSTER = {"people": ("people.csv", PEOPLE), "activities": ("activities.csv", ACTIVITIES)}
TARGET = {"course_id": "C1", "activity_id": "a1"}

VALID = {
    "moodle-csv": moodle_csv()[1],
    "moodle-json": json.dumps(
        [
            [
                {
                    "id": 1,
                    "discussion": 1,
                    "parent": 0,
                    "userid": 11,
                    "created": 1743242400,
                    "message": "<p>hi</p>",
                }
            ]
        ]
    ).encode(),
    "canvas-json": json.dumps(view()).encode(),
    "csv": b"course_id,activity_id,post_id,parent_id,author_id,created_at,body\n"
    b'C1,a1,1,,11,2025-03-29T10:00:00Z,Hello\nC1,a1,2,1,12,2025-03-29 12:00,"a, b"\n',
}


@st.composite
def mutated(draw, original: bytes):
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from([b",", b'"', b"\n", b"{", b"]", b"null", b"-1", b"\xef\xbb\xbf"])
            )
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


def check(fmt: str | None, data: bytes) -> None:
    try:
        result = import_sources([("input", data)], **ROSTER, **TARGET, format=fmt)
    except AsyncmonError as exc:
        assert str(exc).strip(), "an error always says something"
        return
    for source in result.report.sources:
        assert source.read == source.kept + source.merged + len(source.rejected), source


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(fmt=st.sampled_from([None, *VALID]), data=st.binary(max_size=400))
def test_arbitrary_bytes_give_rows_or_a_clear_error(fmt, data):
    check(fmt, data)


@SETTINGS
@given(fmt=st.sampled_from(sorted(VALID)), data=st.data())
def test_mutated_exports_give_rows_or_a_clear_error(fmt, data):
    check(fmt, data.draw(mutated(VALID[fmt])))
    check(None, data.draw(mutated(VALID[fmt])))


@SETTINGS
@given(data=st.data())
def test_mutated_rosters_give_rows_or_a_clear_error(data):
    people = data.draw(mutated(PEOPLE))
    activities = data.draw(mutated(ACTIVITIES))
    try:
        result = import_sources(
            [("posts.csv", VALID["csv"])],
            people=("people.csv", people),
            activities=("activities.csv", activities),
        )
    except AsyncmonError:
        return
    assert all(s.read == s.kept + s.merged + len(s.rejected) for s in result.report.sources)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(fmt=st.sampled_from(sorted(VALID)), data=st.data())
def test_reimporting_any_readable_export_adds_nothing(tmp_path_factory, fmt, data):
    export = data.draw(st.one_of(st.just(VALID[fmt]), mutated(VALID[fmt])))
    ws = Workspace(tmp_path_factory.mktemp("ws"))
    options = dict(**ROSTER, **TARGET, format=fmt, exported_at=None)
    try:
        ws.import_sources([("export", export)], **options)
    except AsyncmonError:
        return
    again = ws.import_sources([("export", export)], **options).report.stored
    assert all(c.added == 0 and c.updated == 0 for c in again.values()), again
    assert again["posts"] == StoreCounts(unchanged=again["posts"].unchanged)
