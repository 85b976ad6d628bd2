"""The product's CSV template: posts.csv and reactions.csv."""

from datetime import UTC

import pandas as pd
import pytest

from asyncmon import SourceFileError, import_sources

HEADER = (
    "course_id,activity_id,post_id,thread_id,parent_id,author_id,created_at,edited_at,"
    "deleted,subject,body,private_to\n"
)


def posts(*rows: str) -> tuple[str, bytes]:
    return ("posts.csv", (HEADER + "".join(r + "\n" for r in rows)).encode())


def test_good_rows_are_kept_and_bad_rows_rejected_with_row_column_and_fix(roster):
    result = import_sources(
        [
            posts(
                "C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,Hi,First post,",  # row 2: good
                "C1,a1,2,,1,12,31/02/2025,,0,,Reply,",  # row 3: bad date
                "C1,a9,3,,,13,2025-03-29T10:00:00Z,,0,,Wrong activity,",  # row 4: no such activity
                "C1,a1,4,,,,2025-03-29T10:00:00Z,,0,,No author,",  # row 5: no author
                "C1,a1,5,,1,13,2025-03-29 12:00,,maybe,,x,",  # row 6: bad deleted flag
                'C1,a1,6,,1,13,2025-03-29 12:00,,0,,"Quoted, with comma\nand a newline",',  # row 7
            )
        ],
        **roster,
    )
    report = result.report.sources[-1]
    assert (report.read, report.kept, report.merged, len(report.rejected)) == (6, 2, 0, 4)
    assert [(p.row, p.column) for p in report.rejected] == [
        (3, "created_at"),
        (4, "activity_id"),
        (5, "author_id"),
        (6, "deleted"),
    ]
    assert str(report.rejected[0]) == (
        "posts.csv row 3, column created_at: '31/02/2025' is not a date and time; use "
        "2025-02-04T14:15:00Z or 2025-02-04 15:15 (local time in the course zone)"
    )
    assert "add it there" in report.rejected[1].message
    kept = result.data.posts.set_index("post_id")
    assert kept.loc["6", "body"] == "Quoted, with comma\nand a newline"
    # 12:00 local on 29 March in Amsterdam (UTC+1) is 11:00Z.
    assert kept.loc["6", "created_at"] == pd.Timestamp("2025-03-29T11:00:00Z")
    # thread derived from the parent when the column is empty
    assert kept.loc["6", "thread_id"] == "1"


def test_duplicate_rows_are_merged_and_the_latest_edit_wins(roster):
    result = import_sources(
        [
            posts(
                "C1,a1,1,1,,11,2025-03-29T10:00:00Z,,0,,Draft,",
                "C1,a1,1,1,,11,2025-03-29T10:00:00Z,2025-03-29T11:00:00Z,0,,Edited text,",
                "C1,a1,1,1,,11,2025-03-29T10:00:00Z,,0,,Draft,",
            )
        ],
        **roster,
    )
    report = result.report.sources[-1]
    assert (report.read, report.kept, report.merged) == (3, 1, 2)
    assert result.data.posts["body"].tolist() == ["Edited text"]


def test_authors_not_on_the_roster_are_kept_listed_and_never_guessed(roster):
    result = import_sources([posts("C1,a1,1,,,77,2025-03-29T10:00:00Z,,0,,Guest post,")], **roster)
    assert result.data.posts["author_id"].tolist() == ["77"]
    assert result.report.unknown_authors == [
        {
            "file": "posts.csv",
            "row": 2,
            "course_id": "C1",
            "post_id": "1",
            "author_id": "77",
            "name": None,
        }
    ]
    assert "77" not in set(result.data.people["person_id"])
    assert "not on the roster" in result.report.sources[-1].warnings[0].message


def test_deleted_posts_may_have_no_author_and_keep_their_replies(roster):
    result = import_sources(
        [
            posts(
                "C1,a1,1,,,,2025-03-29T10:00:00Z,,1,,,",
                "C1,a1,2,,1,12,2025-03-29T11:00:00Z,,0,,Reply to a deleted post,",
            )
        ],
        **roster,
    )
    frame = result.data.posts.set_index("post_id")
    assert bool(frame.loc["1", "deleted"]) and pd.isna(frame.loc["1", "author_id"])
    assert frame.loc["2", "parent_id"] == "1" and frame.loc["2", "thread_id"] == "1"


def test_missing_columns_are_all_named_at_once(roster):
    with pytest.raises(SourceFileError, match=r"missing required column\(s\) author_id, body"):
        import_sources(
            [("posts.csv", b"course_id,activity_id,post_id,created_at\n")], **roster, format="csv"
        )


def test_a_spreadsheet_saved_in_another_encoding_gets_a_clear_error(roster):
    latin1 = (HEADER + "C1,a1,1,,,12,2025-03-29T10:00:00Z,,0,,Zo\xeb,\n").encode("latin-1")
    with pytest.raises(SourceFileError, match=r"is not UTF-8 text .*save it again as 'CSV UTF-8'"):
        import_sources([("posts.csv", latin1)], **roster)


def test_a_row_with_too_many_fields_is_rejected_not_misread(roster):
    result = import_sources(
        [posts("C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,,unquoted, comma,,extra")], **roster
    )
    assert result.report.sources[-1].rejected[0].message.startswith("has 14 fields")


def test_reactions_with_known_and_unknown_times(roster):
    from datetime import datetime

    exported = datetime(2025, 3, 30, 20, 0, tzinfo=UTC)
    result = import_sources(
        [
            posts("C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,,Post,"),
            (
                "reactions.csv",
                b"course_id,post_id,person_id,kind,created_at\n"
                b"C1,1,91,thumbs-up,2025-03-29T12:00:00Z\n"
                b"C1,1,92,Like,\n"
                b"C1,1,91,thumbs-up,2025-03-29T12:00:00Z\n"
                b"C1,1,92,like,yesterday\n",
            ),
        ],
        **roster,
        exported_at=exported,
    )
    report = result.report.sources[-1]
    assert (report.read, report.kept, report.merged, len(report.rejected)) == (4, 2, 1, 1)
    r = result.data.reactions.set_index("person_id")
    assert r.loc["91", "created_at"] == pd.Timestamp("2025-03-29T12:00:00Z")
    assert pd.isna(r.loc["92", "created_at"]) and r.loc["92", "kind"] == "like"
    assert r.loc["92", "exported_at"] == pd.Timestamp(exported)


def test_values_are_stripped_of_every_white_space_python_knows(roster):
    # ids and texts lose leading and trailing white space as str.strip would take it off:
    # Unicode spaces, the information separators and NEL too; inner spaces stay
    pad = "\x1c\u3000\x85\xa0 \t"
    data = (
        "course_id,activity_id,post_id,parent_id,author_id,created_at,subject,body\n"
        f"{pad}C1{pad},a1,{pad}7,,11{pad},2025-03-29T10:00:00Z,{pad},{pad}two\u2003words{pad}\n"
    ).encode()
    result = import_sources([("posts.csv", data)], **roster)
    post = result.data.posts.iloc[0]
    assert (post.course_id, post.post_id, post.author_id) == ("C1", "7", "11")
    assert post.body == "two\u2003words" and post.words == 2
    assert pd.isna(post.subject)  # nothing but white space: no subject


def test_the_white_space_stripped_is_python_s_own():
    import sys

    from asyncmon.sources.template import _SPACE

    assert set(_SPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_replies_and_reactions_to_posts_nowhere_are_kept_with_a_warning(tmp_path, roster):
    from asyncmon import Workspace

    ws = Workspace(tmp_path)
    ws.import_sources([posts("C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,,Stored earlier,")], **roster)
    result = ws.import_sources(
        [
            posts(
                "C1,a1,2,,1,12,2025-03-29T11:00:00Z,,0,,To the stored post,",  # row 2
                "C1,a1,3,,2,13,2025-03-29T12:00:00Z,,0,,To row 2,",  # row 3
                "C1,a1,4,,99,11,2025-03-29T13:00:00Z,,0,,To a post nowhere,",  # row 4
                "C1,a1,5,,,55,2025-03-29T14:00:00Z,,0,,By a stranger,",  # row 5
            ),
            (
                "reactions.csv",
                b"course_id,post_id,person_id,kind\n"
                b"C1,1,91,like\n"  # row 2: to the stored post, by the teacher
                b"C1,98,92,like\n"  # row 3: to a post nowhere
                b"C1,3,66,like\n",  # row 4: by someone not on the roster
            ),
        ],
        **roster,
    )
    posts_report, reactions_report = result.report.sources[-2:]
    assert [(w.row, w.column) for w in posts_report.warnings] == [
        (4, "parent_id"),
        (5, "author_id"),
    ]
    assert [(w.row, w.column) for w in reactions_report.warnings] == [
        (3, "post_id"),
        (4, "person_id"),
    ]
    assert len(result.data.posts) == 4 and len(result.data.reactions) == 3  # all kept
    thread = result.data.posts.set_index("post_id")["thread_id"]
    assert thread.to_dict() == {"2": "1", "3": "1", "4": "99", "5": "5"}


def test_the_same_post_in_two_files_keeps_the_last_read_and_names_the_other(roster):
    a = ("a.csv", posts("C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,,First words,")[1])
    b = ("b.csv", posts("C1,a1,1,,,11,2025-03-29T10:00:00Z,,0,,Other words,")[1])
    result = import_sources([a, b], **roster)
    assert result.data.posts["body"].tolist() == ["Other words"]  # the last read of equals
    first, second = result.report.sources[-2:]
    assert (first.file, first.kept, first.merged) == ("a.csv", 0, 1)
    assert (second.file, second.kept, second.merged) == ("b.csv", 1, 0)
    assert [(w.row, w.column) for w in first.warnings] == [(2, "post_id")]
    assert first.warnings[0].message.startswith("same id as b.csv row 2 with other content")
