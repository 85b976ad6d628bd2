from datetime import UTC, datetime

import pytest

from asyncmon._times import parse_moodle_time, parse_time, zone
from asyncmon.sources._html import html_to_text

AMS = zone("Europe/Amsterdam")
NY = zone("America/New_York")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_local_time_uses_the_offset_in_force_on_that_day():
    # Amsterdam is UTC+1 until 30 March 2025 02:00, then UTC+2.
    assert parse_time("2025-03-29 23:59", AMS) == (utc(2025, 3, 29, 22, 59), None)
    assert parse_time("2025-03-31 09:00", AMS) == (utc(2025, 3, 31, 7, 0), None)
    # New York: EST (-5) until 9 March 2025, then EDT (-4).
    assert parse_time("2025-03-08 23:59", NY)[0] == utc(2025, 3, 9, 4, 59)
    assert parse_time("2025-03-10T09:00", NY)[0] == utc(2025, 3, 10, 13, 0)


def test_explicit_offsets_and_z_are_taken_as_given():
    assert parse_time("2025-02-04T14:15:00Z", NY)[0] == utc(2025, 2, 4, 14, 15)
    assert parse_time("2025-02-04T15:15:00+01:00", NY)[0] == utc(2025, 2, 4, 14, 15)


def test_a_skipped_local_time_is_an_error_that_says_why():
    with pytest.raises(ValueError, match="does not exist in Europe/Amsterdam"):
        parse_time("2025-03-30 02:30", AMS)


def test_a_repeated_local_time_reads_as_its_first_occurrence_with_a_note():
    # 26 October 2025 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    moment, note = parse_time("2025-10-26 02:30", AMS)
    assert moment == utc(2025, 10, 26, 0, 30)
    assert "occurs twice" in note


@pytest.mark.parametrize("text", ["31/02/2025", "tomorrow", "2025-02-31 10:00", "", "2025-02-04"])
def test_bad_times_name_the_accepted_forms(text):
    with pytest.raises(ValueError, match="is not a date and time; use 2025-02-04T14:15:00Z"):
        parse_time(text, AMS)


def test_moodle_epoch_and_human_dates():
    # 1738660500 = 2025-02-04 09:15:00 UTC
    assert parse_moodle_time("1738660500", AMS)[0] == utc(2025, 2, 4, 9, 15)
    # Human-readable dates carry no offset: 9:15 AM in Amsterdam in February is 08:15Z.
    assert parse_moodle_time("Tuesday, 4 February 2025, 9:15 AM", AMS)[0] == utc(2025, 2, 4, 8, 15)
    assert parse_moodle_time("Tuesday, 1 April 2025, 9:15 PM", AMS)[0] == utc(2025, 4, 1, 19, 15)
    with pytest.raises(ValueError, match="human-readable dates"):
        parse_moodle_time("mardi, 4 février 2025, 09:15", AMS)


def test_unknown_zone_says_what_to_use():
    with pytest.raises(ValueError, match="not an IANA time zone name; use one such as"):
        zone("CET+1")
    with pytest.raises(ValueError, match="not an IANA time zone name"):
        zone("Europe")  # a folder of the zone database, not a zone


def test_html_becomes_text_without_running_or_showing_markup():
    html = (
        "<p>I don&#39;t get why <b>water</b> moves &amp; salt doesn&rsquo;t</p>"
        "<script>alert('x')</script><style>p {color: red}</style>"
        "<p>Line&nbsp;two<br>line three <img src=x onerror=alert(1)></p>"
    )
    assert html_to_text(html) == (
        "I don't get why water moves & salt doesn\u2019t\n\nLine two\nline three"
    )


def test_escaped_markup_stays_as_visible_text():
    assert (
        html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == "<script>alert(1)</script>"
    )
