"""The CSV records read by pyarrow (a large file's fast path) are exactly the records the
``csv`` module gives; where they could differ, the ``csv`` module reads them."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmon.sources._csv import _arrow_columns, _columns, _records, read_table

HEADER = ["course_id", "post_id", "", "body"]  # an unnamed column is read and left out


def by_csv_module(body: str, delimiter: str = ","):
    reader = csv.reader(io.StringIO(body, newline=""), strict=False, delimiter=delimiter)
    return _columns(*_records(reader), HEADER)


PIECES = ["a", "b", " ", ",", ";", '"', '"', "\n", "\r", "\r\n", "\t", "é", "\xa0", "\x1c"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join), st.sampled_from([",", ";"]))
def test_both_readers_agree_wherever_pyarrow_reads(body, delimiter):
    fast = _arrow_columns(body.encode(), HEADER, delimiter)
    if fast is not None:
        assert fast == by_csv_module(body, delimiter)


def test_a_file_with_quoted_lines_blank_records_and_a_swallowed_row():
    body = (
        'C1,p1,x,"two\nlines, with a comma"\r\n'  # row 2: one record over two lines
        "\n"  # row 3: an empty line, not a record, but it has its row number
        " , ,\xa0, \n"  # row 4: every field blank (Python's whitespace): not a record
        'C1,p2,,"said ""hi"""\n'  # row 5
        'C1,p3,,"opened\nC1,p4,,closed?\n"\n'  # row 6 swallows what looks like a row
    )
    fast = _arrow_columns(body.encode(), HEADER, ",")
    assert fast is not None and fast == by_csv_module(body)
    assert fast.rows == [2, 5, 6]
    assert fast.columns["body"] == [
        "two\nlines, with a comma",
        'said "hi"',
        "opened\nC1,p4,,closed?\n",
    ]
    assert set(fast.columns) == {"course_id", "post_id", "body"}
    assert list(fast.problems) == [2]  # the third kept record
    assert "runs over 3 lines" in fast.problems[2]


def test_a_ragged_record_is_left_to_the_csv_module_and_named():
    text = "course_id,post_id,x,body\nC1,p1,,ok\nC1,p2,,too,many\n"
    assert _arrow_columns(text.split("\n", 1)[1].encode(), HEADER, ",") is None
    table, _, _ = read_table(
        text.encode(), "posts.csv", required=["course_id"], example="course_id,..."
    )
    assert table.rows == [2, 3] and list(table.problems) == [1]
    assert "has 5 fields but the header has 4" in table.problems[1]


def test_a_semicolon_file_from_a_spreadsheet_is_read_fast_and_right():
    text = 'course_id;post_id;;body\r\nC1;p1;;3,5 is a decimal\r\nC1;p2;;"a; b"\r\n'
    body = text.split("\r\n", 1)[1]
    fast = _arrow_columns(body.encode(), HEADER, ";")
    assert fast is not None and fast == by_csv_module(body, ";")
    assert fast.columns["body"] == ["3,5 is a decimal", "a; b"]
    table, _, delimiter = read_table(
        text.encode(), "posts.csv", required=["course_id"], example="course_id,..."
    )
    assert delimiter == ";" and table == fast


def test_the_header_is_read_from_the_first_record_alone():
    from asyncmon.sources._csv import header_of

    assert header_of(' Course_ID ;Post_ID;"Body\nText"\nC1;p1;x\n') == [
        "course_id",
        "post_id",
        "body\ntext",
    ]
    assert header_of("a,b") == ["a", "b"]  # no line end at all
    assert header_of("") == []


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["body", '"bo\ndy"', '"bo\r\ndy"']),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)
def test_a_whole_file_reads_as_the_csv_module_reads_it(end, last, body):
    # the header is read line by line as a file opened with newline="" gives the lines,
    # whatever ends them; the records after it are the csv module's own
    text = f"course_id,post_id,,{last}{end}{body}"
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header = [h.strip().lower() for h in next(reader)]
    expected = _columns(*_records(reader), header)
    table, _, _ = read_table(text.encode(), "posts.csv", required=["course_id"], example="")
    assert table == expected
