"""Reading a CSV source the way spreadsheets and LMSs write it: UTF-8 (BOM or not),
comma separated, ``"`` quoting with doubled quotes, newlines inside quoted fields.

File-level problems (encoding, no header, missing columns) raise one
:class:`~asyncmon.errors.SourceFileError` listing all of them; row-level problems are
returned for the caller to reject the row and keep the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .._times import date_order_of
from ..errors import SourceFileError
from ..progress import progress
from .report import SourceReport

csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class CsvRow:
    """One data record: its spreadsheet row number (header = 1), values by column, and a
    problem that makes the whole row unreadable (or ``None``)."""

    row: int
    values: dict[str, str]
    problem: str | None = None


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); raise a clear error for anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            name,
            [
                f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                "save it again as 'CSV UTF-8' (spreadsheets) or export it again from the LMS"
            ],
            code="ASYNC-E102",
        ) from None
    if "\x00" in text:
        raise SourceFileError(
            name, ["holds NUL bytes: it is a binary file, not CSV or JSON"], code="ASYNC-E103"
        )
    return text


def delimiter_of(text: str) -> str:
    """``;`` when the header row is separated by semicolons and holds no comma (what
    spreadsheets write where the comma is the decimal mark), else ``,``."""
    first = text.split("\n", 1)[0]
    return ";" if ";" in first and "," not in first else ","


def header_of(text: str) -> list[str]:
    """The normalised header (stripped, lower-case) of CSV ``text``; empty if none."""
    try:
        first = next(csv.reader(io.StringIO(text), delimiter=delimiter_of(text)), [])
    except csv.Error:
        return []
    return [c.strip().lower() for c in first]


def read_rows(
    data: bytes,
    name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    example: str,
) -> tuple[list[CsvRow], list[str], str]:
    """Read ``data`` as CSV with the given required and optional columns.

    Returns the data rows, the names of extra (ignored) columns and the separator used
    (``;`` when the header is separated by semicolons, as European spreadsheets write).

    Raises
    ------
    SourceFileError
        Not UTF-8, no header, duplicate or missing required columns (all listed at once).
    """
    text = decode(data, name)
    delimiter = delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False, delimiter=delimiter)
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise SourceFileError(name, [f"cannot be read as CSV ({exc})"], code="ASYNC-E104") from None
    if not raw_header or not any(h.strip() for h in raw_header):
        raise SourceFileError(
            name, [f"has no header row; the first row must be: {example}"], code="ASYNC-E105"
        )
    header = [h.strip().lower() for h in raw_header]
    problems = []
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        problems.append(f"row 1: column(s) {', '.join(dupes)} appear more than once")
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            f"row 1: missing required column(s) {', '.join(missing)}; the header must "
            f"include: {example}"
        )
    if problems:
        raise SourceFileError(name, problems, code="ASYNC-E105")
    known = set(required) | set(optional)
    extra = [h for h in header if h and h not in known]
    rows = []
    row_number = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            rows.append(CsvRow(row_number, {}, f"cannot be read as CSV ({exc})"))
            continue
        row_number += 1
        if not fields or not any(f.strip() for f in fields):
            continue  # a blank line is not a record
        problem = None
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            problem = (
                f"has {len(fields)} fields but the header has {len(header)}; put a field "
                "that contains a comma between double quotes"
            )
        values = {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header) if h}
        problem = problem or _swallowed(values, len(header))
        rows.append(CsvRow(row_number, values, problem))
    return rows, extra, delimiter


def _swallowed(values: dict[str, str], columns: int) -> str | None:
    """A field that runs over several lines and holds a line shaped like a whole record
    (as many commas as the header) swallowed the rows after it: a double quote was
    opened and not closed. Say so, rather than keep those rows as text."""
    if columns < 3:
        return None
    for column, value in values.items():
        lines = value.split("\n")
        for line in lines[1:]:
            if line.count(",") >= columns - 1:
                return (
                    f"column {column} runs over {len(lines)} lines and holds what looks like "
                    f"more rows ({line[:40]!r}...): a double quote opened in this row is not "
                    'closed. Close it (or write a quote inside a field as "") and import '
                    "again; the rows it swallowed were not read"
                )
    return None


def read_records(
    data: bytes,
    name: str,
    *,
    format: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> tuple[SourceReport, Iterator[CsvRow]]:
    """A CSV source's report and its readable rows.

    The report warns about unused columns; iterating counts every record as read and
    rejects the unreadable ones (the caller sees only rows it can interpret).
    """
    rows, extra, delimiter = read_rows(
        data,
        name,
        required=required,
        optional=optional,
        example=", ".join(tuple(required) + tuple(optional)),
    )
    report = SourceReport(name, format)
    if delimiter != ",":
        report.warn(1, None, None, f"read as separated by '{delimiter}' (its header has no comma)")
    if extra:
        report.warn(1, ", ".join(extra), None, "column(s) not used by asyncmon; ignored")

    def readable() -> Iterator[CsvRow]:
        for row in progress(rows, what=f"reading {PurePath(name).name}", unit=" rows"):
            report.read += 1
            if row.problem:
                report.reject(row.row, None, None, row.problem)
            else:
                yield row

    return report, readable()


def date_order(
    report: SourceReport,
    rows: Sequence[CsvRow],
    columns: Sequence[str],
    told: str | None,
    usual: tuple[str, str] | None = None,
) -> str | None:
    """How this file's spreadsheet-style dates (``16/02/2025 14:15``) are read: ``told``
    (``--date-order``), what the file's own dates show, or else ``usual`` (the order of
    the schedule imported with it). The report says which reading was used (or why none
    could be) and keeps it as ``date_order``."""
    values = (r.values.get(c, "") for r in rows if not r.problem for c in columns)
    order, note = date_order_of(values, told, usual)
    if note:
        report.warn(1, ", ".join(columns), None, note)
        report.date_order = order
    return order
