"""Reading a CSV source the way spreadsheets and LMSs write it: UTF-8 (BOM or not),
comma separated, ``"`` quoting with doubled quotes, newlines inside quoted fields.

File-level problems (encoding, no header, missing columns) raise one
:class:`~asyncmon.errors.SourceFileError` listing all of them; row-level problems are
returned for the caller to reject the row and keep the others.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import numpy as np

from .._gc import collection_paused
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
    end = text.find("\n")
    first = text if end < 0 else text[:end]  # not split: that copies the rest of the file
    return ";" if ";" in first and "," not in first else ","


def header_of(text: str) -> list[str]:
    """The normalised header (stripped, lower-case) of CSV ``text``; empty if none."""
    try:
        first = next(csv.reader(_lines(text), delimiter=delimiter_of(text)), [])
    except csv.Error:
        return []
    return [c.strip().lower() for c in first]


def _lines(text: str) -> Iterator[str]:
    """``text``'s lines, each with its ``\n``, made one at a time as the ``csv`` module asks
    (a header needs the first few, not a copy of a 50 MB file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


class _ArrowColumns(Mapping[str, list[str]]):
    """The columns of records read by pyarrow (``arrow``: name to Arrow string column),
    each made a list of Python strings only when first asked for."""

    def __init__(self, arrow: dict[str, Any]) -> None:
        self.arrow = arrow
        self._lists: dict[str, list[str]] = {}

    def __getitem__(self, name: str) -> list[str]:
        if name not in self._lists:
            self._lists[name] = self.arrow[name].to_pylist()
        return self._lists[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrow)

    def __len__(self) -> int:
        return len(self.arrow)


@dataclass(frozen=True)
class CsvTable:
    """The records of a CSV source as columns: spreadsheet row numbers (header = 1),
    the raw values of every column of the header, and the problem that makes a record
    unreadable, by position."""

    rows: list[int]
    columns: Mapping[str, list[str]]
    problems: dict[int, str]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        """The values of column ``name``; empty strings when the file has no such column."""
        found = self.columns.get(name)
        return found if found is not None else [""] * len(self.rows)

    def arrow(self, name: str) -> Any:
        """:meth:`column` as an Arrow string array: the one pyarrow read, without making
        Python strings of it, or one made of the ``csv`` module's values."""
        import pyarrow as pa

        if isinstance(self.columns, _ArrowColumns) and name in self.columns.arrow:
            return self.columns.arrow[name]
        return pa.array(self.column(name), type=pa.string())

    def readable(self) -> CsvTable:
        """The records without a problem."""
        if not self.problems:
            return self
        keep = [i for i in range(len(self.rows)) if i not in self.problems]
        return CsvTable(
            [self.rows[i] for i in keep],
            {c: [v[i] for i in keep] for c, v in self.columns.items()},
            {},
        )


def read_table(
    data: bytes,
    name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    example: str,
) -> tuple[CsvTable, list[str], str]:
    """Read ``data`` as CSV with the given required and optional columns.

    Returns every record as columns (blank lines left out), the names of extra (ignored)
    columns and the separator used (``;`` when the header is separated by semicolons, as
    European spreadsheets write). Records are read by Python's ``csv`` module, then
    checked a column at a time.

    Raises
    ------
    SourceFileError
        Not UTF-8, no header, duplicate or missing required columns (all listed at once).
    """
    text = decode(data, name)
    delimiter = delimiter_of(text)
    lines = _HeaderLines(text)
    try:
        raw_header = next(csv.reader(lines, strict=False, delimiter=delimiter), None)
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
    with collection_paused():  # the records are let go of inside: little is left to scan
        # the records' bytes, without a copy: the file's, past its BOM and the header
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        start = bom + len(text[: lines.read].encode())
        table = _arrow_columns(memoryview(data)[start:], header, delimiter)
        if table is None:
            rest = io.StringIO(text[lines.read :], newline="")
            table = _columns(*_records(csv.reader(rest, strict=False, delimiter=delimiter)), header)
    return table, extra, delimiter


class _HeaderLines:
    """The lines of ``text`` one at a time, split as a file opened with ``newline=""``
    splits them (after ``\r\n``, a lone ``\r`` or ``\n``), counting the characters
    handed out (``read``): the ``csv`` module reads a header from them without a copy of
    the whole text (``io.StringIO`` of a 58 MB file takes 0.15 s)."""

    _END = re.compile(r"\r\n?|\n")

    def __init__(self, text: str) -> None:
        self.text = text
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.read >= len(self.text):
            raise StopIteration
        found = self._END.search(self.text, self.read)
        end = len(self.text) if found is None else found.end()
        line = self.text[self.read : end]
        self.read = end
        return line


#: A character Python's ``str.strip`` keeps (any but its whitespace), for pyarrow's regex.
_NOT_SPACE = r"[^\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f}\x{85}\p{Z}]"


def _arrow_columns(body: bytes | memoryview, header: list[str], delimiter: str) -> CsvTable | None:
    """The records after the header (``body``, UTF-8) read by pyarrow's CSV reader (five
    times faster than the ``csv`` module on a large file), exactly as :func:`_records` and
    :func:`_columns` would give them (an empty line is a blank record of its own row, as
    there); ``None`` when pyarrow is not installed or the records need the ``csv``
    module's own reading: a record of another width than the header's (ragged, with its
    problem), a field over the ``csv`` module's size limit. A test compares both readers
    on random texts."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    width = len(header)
    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_columns != width or table.num_rows == 0:
        return None
    columns = table.columns
    if any((pc.max(pc.utf8_length(c)).as_py() or 0) > csv.field_size_limit() for c in columns):
        return None
    # a record whose every field is blank is not one, but it has its row number; only the
    # records blank so far are looked at in the next column (most have a first field)
    filled = pc.match_substring_regex(columns[0], _NOT_SPACE).to_numpy(zero_copy_only=False)
    for column in columns[1:]:
        blank = np.flatnonzero(~filled)
        if not len(blank):
            break
        found = pc.match_substring_regex(column.take(pa.array(blank)), _NOT_SPACE)
        filled[blank] = found.to_numpy(zero_copy_only=False)
    kept = np.flatnonzero(filled)
    if len(kept) < table.num_rows:
        table = table.take(pa.array(kept))
    arrays = {h: table.column(i) for i, h in enumerate(header) if h}
    multiline = {
        h: a.to_pylist() for h, a in arrays.items() if pc.any(pc.match_substring(a, "\n")).as_py()
    }
    problems = _swallowed(multiline, width)
    return CsvTable((kept + 2).tolist(), _ArrowColumns(arrays), dict(sorted(problems.items())))


def _records(reader: Iterator[list[str]]) -> tuple[list[list[str]], dict[int, str]]:
    """Every record after the header; a record the ``csv`` module cannot read is an empty
    one, with its error by position."""
    records: list[list[str]] = []
    unreadable: dict[int, str] = {}
    while True:
        try:
            records.extend(reader)
        except csv.Error as exc:
            unreadable[len(records)] = f"cannot be read as CSV ({exc})"
            records.append([])
            continue
        return records, unreadable


def _columns(records: list[list[str]], unreadable: dict[int, str], header: list[str]) -> CsvTable:
    width = len(header)
    # a blank line is not a record, but it has its row number
    kept = [i for i, fields in enumerate(records) if i in unreadable or any(map(str.strip, fields))]
    rows = [i + 2 for i in kept]
    chosen = [records[i] for i in kept] if len(kept) < len(records) else records
    problems: dict[int, str] = {}
    ragged = [i for i, fields in enumerate(chosen) if len(fields) != width]
    if ragged:
        chosen = list(chosen)
        for i in ragged:
            fields = chosen[i]
            if kept[i] in unreadable:
                problems[i] = unreadable[kept[i]]
            elif len(fields) > width and any(f.strip() for f in fields[width:]):
                problems[i] = (
                    f"has {len(fields)} fields but the header has {width}; put a field "
                    "that contains a comma between double quotes"
                )
            chosen[i] = (fields + [""] * width)[:width]
    values = list(zip(*chosen, strict=True)) if chosen else [()] * width
    columns = {h: list(v) for h, v in zip(header, values, strict=True) if h}
    for i, problem in _swallowed(columns, width).items():
        problems.setdefault(i, problem)
    return CsvTable(rows, columns, dict(sorted(problems.items())))


def _swallowed(columns: dict[str, list[str]], width: int) -> dict[int, str]:
    """A field that runs over several lines and holds a line shaped like a whole record
    (as many commas as the header) swallowed the rows after it: a double quote was
    opened and not closed. Say so, rather than keep those rows as text."""
    found: dict[int, str] = {}
    if width < 3:
        return found
    for column, values in columns.items():
        if "\n" not in "".join(values):
            continue
        for i, value in enumerate(values):
            if i in found or "\n" not in value:
                continue
            lines = value.split("\n")
            for line in lines[1:]:
                if line.count(",") >= width - 1:
                    found[i] = (
                        f"column {column} runs over {len(lines)} lines and holds what looks "
                        f"like more rows ({line[:40]!r}...): a double quote opened in this row "
                        'is not closed. Close it (or write a quote inside a field as "") and '
                        "import again; the rows it swallowed were not read"
                    )
                    break
    return found


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
    report, table = _read(data, name, format, required, optional)
    names = list(table.columns)
    rows = [
        CsvRow(row, dict(zip(names, values, strict=True)), table.problems.get(i))
        for i, (row, *values) in enumerate(zip(table.rows, *table.columns.values(), strict=True))
    ]

    def readable() -> Iterator[CsvRow]:
        for row in progress(rows, what=f"reading {PurePath(name).name}", unit=" rows"):
            report.read += 1
            if row.problem:
                report.reject(row.row, None, None, row.problem)
            else:
                yield row

    return report, readable()


def read_columns(
    data: bytes,
    name: str,
    *,
    format: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> tuple[SourceReport, CsvTable]:
    """:func:`read_records` as columns: the report (every record counted as read, the
    unreadable ones rejected) and the readable records."""
    report, table = _read(data, name, format, required, optional)
    rows = list(progress(table.rows, what=f"reading {PurePath(name).name}", unit=" rows"))
    report.read += len(rows)
    for i, problem in table.problems.items():
        report.reject(rows[i], None, None, problem)
    return report, table.readable()


def _read(
    data: bytes, name: str, format: str, required: Sequence[str], optional: Sequence[str]
) -> tuple[SourceReport, CsvTable]:
    """The table of a CSV source and its report, which warns about unused columns."""
    table, extra, delimiter = read_table(
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
    return report, table


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


def date_order_of_columns(
    report: SourceReport,
    table: CsvTable,
    columns: Sequence[str],
    told: str | None,
    usual: tuple[str, str] | None = None,
) -> str | None:
    """:func:`date_order` for the readable records of a :class:`CsvTable`."""
    import pyarrow.compute as pc

    # an empty value, or one starting with four digits (ISO 8601), is no spreadsheet date;
    # Arrow sets aside those of four ASCII digits first (most, in a large file)
    found = []
    for j, column in enumerate(columns):
        values = table.arrow(column)
        maybe = pc.invert(pc.match_substring_regex(values, "^[0-9]{4}")).to_numpy(
            zero_copy_only=False
        )
        at = np.flatnonzero(maybe)
        found += [(i, j, v) for i, v in zip(at.tolist(), values.take(at).to_pylist(), strict=True)]
    found.sort()  # row by row, as the file gives them
    candidates = (v for _, _, v in found if v and not v[:4].isdigit())
    order, note = date_order_of(candidates, told, usual)
    if note:
        report.warn(1, ", ".join(columns), None, note)
        report.date_order = order
    return order
