"""Moodle forum export, CSV and JSON: every quirk of FORMATS.md."""

import json

import pandas as pd
import pytest

from asyncmon import SourceFileError, detect_format, import_sources

HEADER = (
    "id,discussion,parent,userid,userfullname,created,modified,mailed,subject,message,"
    "messageformat,messagetrust,attachment,totalscore,mailnow,deleted,privatereplyto,"
    "privatereplytofullname,wordcount,charcount"
)

# 1743242400 = 2025-03-29 10:00:00Z; 1743246000 = 11:00Z; 1743249600 = 12:00Z
ROWS = [
    '501,500,0,11,Ana Silva,1743242400,1743242400,1,Osmosis,"<p>I don&#39;t get why water '
    'moves &amp; salt doesn&#39;t</p>",1,0,,0,0,0,0,,9,50',
    '502,500,501,12,Zoë Brandt,1743246000,1743249600,1,Re: Osmosis,"<p>Same here.</p>\n'
    '<p>Second paragraph, with a ""quote"".</p>",1,0,,0,0,0,0,,7,40',
    "503,500,501,91,Dr. Ines Moreau,1743249600,1743249600,1,Re: Osmosis,"
    '"<p>Good question, Ana.</p>",1,0,,0,0,0,11,Ana Silva,3,20',
    "504,500,502,13,Omar Haddad,1743249600,1743249600,1,,,1,0,,0,0,1,0,,0,0",
    "505,505,0,13,Omar Haddad,1743249600,1743249600,1,Plain,plain text body,2,0,,0,0,0,0,,3,16",
]


def moodle_csv(rows=ROWS, header=HEADER, bom=True) -> tuple[str, bytes]:
    text = header + "\r\n" + "\r\n".join(rows) + "\r\n"
    return ("forum.csv", (b"\xef\xbb\xbf" if bom else b"") + text.encode())


def test_moodle_csv_is_detected_and_every_quirk_read(roster):
    name, data = moodle_csv()
    assert detect_format((name, data)) == "moodle-csv"
    result = import_sources([moodle_csv()], **roster, course_id="C1", activity_id="a1")
    report = result.report.sources[-1]
    assert (report.read, report.kept, report.merged, report.rejected) == (5, 5, 0, [])
    p = result.data.posts.set_index("post_id")
    # parent 0 marks a discussion's first post; discussion is the thread
    assert pd.isna(p.loc["501", "parent_id"]) and p.loc["502", "parent_id"] == "501"
    assert set(p["thread_id"]) == {"500", "505"}
    # HTML to text, entities decoded, original kept
    assert p.loc["501", "body"] == "I don't get why water moves & salt doesn't"
    assert p.loc["501", "body_original"].startswith("<p>I don&#39;t")
    assert p.loc["502", "body"] == 'Same here.\n\nSecond paragraph, with a "quote".'
    # epoch seconds; created is the time, modified only the edit time
    assert p.loc["502", "created_at"] == pd.Timestamp("2025-03-29T11:00:00Z")
    assert p.loc["502", "edited_at"] == pd.Timestamp("2025-03-29T12:00:00Z")
    assert pd.isna(p.loc["501", "edited_at"])
    # private reply from the teacher to Ana
    assert p.loc["503", "private_to"] == "11" and pd.isna(p.loc["501", "private_to"])
    # a deleted post stays, empty, with its author id
    assert bool(p.loc["504", "deleted"]) and p.loc["504", "body"] == ""
    # messageformat 2 is plain text, kept as it is
    assert p.loc["505", "body"] == "plain text body" and p.loc["505", "body_format"] == "text"
    assert p["activity_id"].unique().tolist() == ["a1"]


def test_older_moodle_without_wordcount_and_without_bom(roster):
    header = HEADER.replace(",wordcount,charcount", "")
    rows = [r.rsplit(",", 2)[0] for r in ROWS]
    result = import_sources(
        [moodle_csv(rows, header, bom=False)], **roster, course_id="C1", activity_id="a1"
    )
    assert result.report.sources[-1].kept == 5


def test_moodle_json_array_of_sheets_with_human_dates(roster):
    records = [
        {
            "id": 601,
            "discussion": 600,
            "parent": 0,
            "userid": 11,
            "userfullname": "Ana Silva",
            "created": "Saturday, 29 March 2025, 11:00 AM",
            "modified": "Saturday, 29 March 2025, 11:00 AM",
            "subject": "Q",
            "message": "<p>not sure how diffusion works</p>",
            "messageformat": 1,
            "deleted": 0,
            "privatereplyto": 0,
        },
        # after the clocks went forward on 30 March: 31 March 8:30 AM CEST = 06:30Z
        {
            "id": 602,
            "discussion": 600,
            "parent": 601,
            "userid": 91,
            "created": "Monday, 31 March 2025, 8:30 AM",
            "modified": "Monday, 31 March 2025, 8:30 AM",
            "subject": "Re: Q",
            "message": "<p>See page 4.</p>",
            "messageformat": 1,
            "deleted": 0,
            "privatereplyto": 0,
        },
        {
            "id": 603,
            "discussion": 600,
            "parent": 601,
            "userid": 12,
            "created": "29/03/2025 11:00",
            "message": "x",
        },
        "not a record",
    ]
    data = json.dumps([records]).encode()
    assert detect_format(("forum.json", data)) == "moodle-json"
    result = import_sources([("forum.json", data)], **roster, course_id="C1", activity_id="a1")
    report = result.report.sources[-1]
    assert (report.read, report.kept, len(report.rejected)) == (4, 2, 2)
    assert [(r.row, r.column) for r in report.rejected] == [(3, "created"), (4, None)]
    p = result.data.posts.set_index("post_id")
    # 11:00 AM on 29 March in Amsterdam (CET, +1) is 10:00Z
    assert p.loc["601", "created_at"] == pd.Timestamp("2025-03-29T10:00:00Z")
    assert p.loc["602", "created_at"] == pd.Timestamp("2025-03-31T06:30:00Z")


def test_an_lms_export_needs_its_activity_named(roster):
    with pytest.raises(
        SourceFileError, match=r"name it with --activity \(activities of C1: a1, a2\)"
    ):
        import_sources([moodle_csv()], **roster)
    with pytest.raises(SourceFileError, match="activity a7 of course C1 is not in the activities"):
        import_sources([moodle_csv()], **roster, activity_id="a7")


def test_bad_moodle_rows_are_rejected_and_the_rest_kept(roster):
    rows = ROWS[:1] + [
        "510,500,501,abc,X,1743242400,1743242400,1,s,m,1,0,,0,0,0,0,,1,1",
        "511,500,501,12,X,1743242400,1743242400,1,s,m,1,0,,0,0,2,0,,1,1",
        "512,500,501,12,X,soon,1743242400,1,s,m,1,0,,0,0,0,0,,1,1",
    ]
    result = import_sources([moodle_csv(rows)], **roster, course_id="C1", activity_id="a1")
    report = result.report.sources[-1]
    assert report.kept == 1
    assert [(r.row, r.column, r.value) for r in report.rejected] == [
        (3, "userid", "abc"),
        (4, "deleted", "2"),
        (5, "created", "soon"),
    ]
