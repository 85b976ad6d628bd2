"""Spreadsheets of a class: its tables as an Excel workbook (one sheet each) or CSV files.

Five tables, in this order: ``participation``, ``acknowledgements``, ``activities``,
``question_groups``, ``plans_and_outcomes`` (:data:`SHEETS`). Column names are the
library's own. Times are on each course's clock, as a teacher reads them (Excel has no
time zones): a date-time cell without offset, and the course's IANA zone in the
``timezone`` column of every table that holds times.

Students appear under their workspace pseudonym (the same as in every published view:
:mod:`asyncmon.pseudonyms`), ids as well as names, unless the teacher asks for names;
staff are named. Every text cell a spreadsheet could run as a formula is written with a
leading apostrophe (:func:`neutralise`), in CSV and xlsx alike.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from ._paths import output_file, output_folder
from .errors import AsyncmonError
from .metrics import _PARTICIPATION_LEFT_OUT
from .participation import PARTICIPATION_COLUMNS
from .pseudonyms import Pseudonymizer
from .snapshot import Snapshot
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "SHEETS",
    "export_tables",
    "neutralise",
    "to_xlsx_bytes",
    "write_csv_folder",
    "write_xlsx",
    "xlsx_path",
]

#: The tables of an export, in the order of the workbook's sheets.
SHEETS = (
    "participation",
    "acknowledgements",
    "activities",
    "question_groups",
    "plans_and_outcomes",
)

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Columns of the acknowledgements sheet: who took part, and whether and how they were seen.
ACKNOWLEDGEMENT_COLUMNS = [
    *PARTICIPATION_COLUMNS[:6],  # course_id, activity_id, student_id, name, status, first_post_at
    "acknowledged",
    "acknowledged_before_class",
    "acknowledged_at",
    "hours_to_acknowledgement",
    "acknowledgement_kind",
    "acknowledged_by",
    "time_known",
]

# list columns whose items are sentences or student text: one per line in the cell
_LINES = ("examples", "unit_texts", "failed_checks")
# text columns that may hold students' own words (a name a student wrote is replaced)
_FREE_TEXT = (
    "label",
    "representative",
    "examples",
    "unit_texts",
    "gap",
    "feedback",
    "followup_description",
    "note",
)
# what an .xlsx cell cannot hold: control characters (XML 1.0) and over 32,767 characters
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_CHARACTERS = 32_767


def neutralise(value: object) -> object:
    """``value`` as it is safe to write in a spreadsheet cell.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
    read as a formula by Excel, LibreOffice or Google Sheets: it gets a leading apostrophe,
    so the cell shows the text and runs nothing (OWASP's advice on CSV injection). Numbers,
    negative ones too, and every other value are returned as they are.

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("-x"), neutralise("fine"), neutralise(-2.5)
    ("'=1+1", "'-x", 'fine', -2.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_tables(
    data: ClassData,
    *,
    show_names: bool = False,
    pseudonyms: Callable[[str], str] | None = None,
    as_of: datetime | None = None,
    method: str = "auto",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[str, pd.DataFrame]:
    """The class's tables as a teacher reads them in a spreadsheet, one per sheet.

    Parameters
    ----------
    data : ClassData
    show_names : bool, default False
        Show students' names and ids. By default both are replaced by the student's
        pseudonym, in every table, and a student's full name written in a post, a label,
        a plan or a note is replaced too (a first name alone is not). Staff are named.
    pseudonyms : callable, optional
        Person id to pseudonym: the workspace's, ``Pseudonymizer(workspace_secret(path))``,
        so that a student has the same pseudonym as in every other view. By default a
        secret made for this export only (the pseudonyms then match nothing else).
    as_of : datetime, optional
        Acknowledgement counted up to this moment (default: each activity's class start).
    method : str, default "auto"
        Question grouping method (see :func:`~asyncmon.question_groups`).
    thresholds : Thresholds

    Returns
    -------
    dict of str to DataFrame
        Keyed by :data:`SHEETS`, in that order. Times are on the course's clock, without
        offset, its zone in a last ``timezone`` column; lists are joined as text (ids with
        ``", "``, sentences and students' wordings one per line); hours are rounded to
        two decimals, shares are fractions from 0 to 1.

        - ``participation``: one row per student and activity, the columns of
          :func:`~asyncmon.acknowledgements` as the metrics document gives them
          (``status`` on_time / late / after_class / missing, ``posts``, ``words``...,
          ``acknowledged_by`` as the staff's names).
        - ``acknowledgements``: one row per student and activity in which the student
          had taken part by the moment counted: ``status, first_post_at, acknowledged,
          acknowledged_before_class, acknowledged_at`` (the first reply or reaction of
          staff), ``hours_to_acknowledgement`` (from the first post), ``acknowledgement_kind``
          (substantive comment, brief comment or reaction), ``acknowledged_by``,
          ``time_known`` (False: it rests on reactions whose time the export lacks).
        - ``activities``: :func:`~asyncmon.planning.activity_summary`, ``failed_checks``
          one per line.
        - ``question_groups``: :func:`~asyncmon.question_groups`.
        - ``plans_and_outcomes``: one row per activity with a plan or an outcome:
          ``course_id, activity_id, title``, the plan's ``gap, gap_source, feedback,
          followup_kind, followup_description, created_at, updated_at``, then the
          outcome's ``outcome, note, understood, recorded_at, recorded_by``.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> tables = export_tables(load_sample().for_course("BIO101"), method="tfidf")
    >>> list(tables) == list(SHEETS), len(tables["participation"])  # 26 students, 7 activities
    (True, 182)
    >>> "Mohammed Al-Sayed" in tables["participation"]["name"].to_list()
    False
    """
    snapshot = Snapshot(data, now=as_of, thresholds=thresholds, method=method, known_only=False)
    table = snapshot.table(None, as_of)
    hidden = _Hiding(data, pseudonyms, show_names)
    staff = _staff_names(data)
    participation = table.drop(columns=list(_PARTICIPATION_LEFT_OUT))
    participation["acknowledged_by"] = [
        ", ".join(staff.get((course, person), person) for person in people)
        for course, people in zip(participation["course_id"], participation["acknowledged_by"])
    ]
    took_part = participation[table["participating_as_of"]]
    tables = {
        "participation": participation,
        "acknowledgements": took_part[ACKNOWLEDGEMENT_COLUMNS],
        "activities": snapshot.summary(None, as_of),
        "question_groups": snapshot.groups(None, None),
        "plans_and_outcomes": _plans_and_outcomes(data),
    }
    zones = dict(zip(data.courses["course_id"], data.courses["timezone"]))
    return {
        name: _on_course_clock(_readable(hidden(frame)), zones) for name, frame in tables.items()
    }


class _Hiding:
    """How students are hidden: their ids (and names) to their pseudonyms, and their full
    names wherever a text holds one. Hides nothing when students are shown by name."""

    def __init__(self, data: ClassData, pseudonyms: Callable[[str], str] | None, show: bool):
        students = data.people[data.people["role"] == "student"]
        self.ids: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        if show or students.empty:
            return
        pseudo = pseudonyms or Pseudonymizer(secrets.token_bytes(32))
        self.ids = {person: pseudo(person) for person in students["person_id"]}
        self._names = {
            name.casefold(): self.ids[person]
            for person, name in zip(students["person_id"], students["name"])
            if name.strip()
        }
        longest_first = sorted(self._names, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(n) for n in longest_first) + r")(?!\w)",
            re.IGNORECASE,
        )

    def text(self, value: object) -> object:
        """``value`` with every student's full name in it replaced by their pseudonym."""
        if self._pattern is None or not isinstance(value, str):
            return value
        return self._pattern.sub(lambda m: self._names.get(m.group(0).casefold(), "Student"), value)

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not self.ids:
            return frame
        out = frame.copy()
        if "student_id" in out:
            out["student_id"] = out["student_id"].map(self.ids).fillna(out["student_id"])
            if "name" in out:
                out["name"] = out["student_id"]
        if "student_ids" in out:
            out["student_ids"] = [[self.ids.get(s, s) for s in ids] for ids in out["student_ids"]]
        for column in _FREE_TEXT:
            if column in out:
                out[column] = [
                    [self.text(v) for v in value] if isinstance(value, list) else self.text(value)
                    for value in out[column]
                ]
        return out


def _staff_names(data: ClassData) -> dict[tuple[str, str], str]:
    staff = data.people[data.people["role"] != "student"]
    return dict(zip(zip(staff["course_id"], staff["person_id"]), staff["name"]))


def _plans_and_outcomes(data: ClassData) -> pd.DataFrame:
    keys = ["course_id", "activity_id"]
    both = data.plans.merge(data.outcomes, on=keys, how="outer")
    activities = data.activities[keys + ["title", "class_starts_at"]]
    both = activities.merge(both, on=keys, how="inner").sort_values(
        ["course_id", "class_starts_at"]
    )
    return both.drop(columns="class_starts_at").reset_index(drop=True)


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists joined as text, hours rounded to two decimals."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and any(isinstance(v, (list, tuple)) for v in out[column]):
            joiner = "\n" if column in _LINES else ", "
            out[column] = [
                joiner.join(map(str, v)) if isinstance(v, (list, tuple)) else v for v in out[column]
            ]
        elif "hours" in column and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(2)
    return out.reset_index(drop=True)


def _on_course_clock(frame: pd.DataFrame, zones: Mapping[str, str]) -> pd.DataFrame:
    """Every time on its course's clock (without offset), the zone in ``timezone``."""
    times = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if not times:
        return frame
    out = frame.copy()
    zone = out["course_id"].map(zones)
    for column in times:
        local = out[column].dt.tz_convert("UTC").dt.tz_localize(None)  # then course by course
        for name in zone.dropna().unique():
            rows = zone == name
            local[rows] = out.loc[rows, column].dt.tz_convert(name).dt.tz_localize(None)
        out[column] = local
    out["timezone"] = zone
    return out


def _cells(frame: pd.DataFrame, *, xlsx: bool) -> pd.DataFrame:
    """``frame`` as it is written: text neutralised (and, in xlsx, without the control
    characters an .xlsx cannot hold, cut to the 32,767 characters a cell holds)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].map(lambda v: neutralise(_xlsx_text(v) if xlsx else v))
    return out


def _xlsx_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    return _NOT_IN_XLSX.sub("", value)[: _XLSX_CELL_CHARACTERS - 1]


def to_xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """``tables`` as an Excel workbook (.xlsx), one sheet each, header row frozen.

    Text cells are neutralised (:func:`neutralise`); control characters an .xlsx cannot
    hold are left out and a text longer than a cell holds (32,767 characters) is cut.

    Examples
    --------
    >>> data = to_xlsx_bytes({"t": pd.DataFrame({"x": ["=1+1", "ok"], "n": [-1, 2]})})
    >>> data[:2]
    b'PK'
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _cells(frame, xlsx=True).to_excel(
                writer, sheet_name=name[:31], index=False, freeze_panes=(1, 0)
            )
    return buffer.getvalue()


def xlsx_path(path: str | Path) -> Path:
    """``path`` as a workbook to write, checked before anything is computed.

    Raises
    ------
    AsyncmonError
        As :func:`write_xlsx`.
    """
    out = output_file(path, example="class.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise AsyncmonError(
            f"{out} does not end in .xlsx; name the spreadsheet like class.xlsx, or end the "
            "path with / to write a folder of CSV files",
            code="ASYNC-E223",
        )
    return out


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write ``tables`` as an Excel workbook at ``path`` (replaced if it exists).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    AsyncmonError
        ``path`` does not end in .xlsx (ASYNC-E223), is a folder (ASYNC-E214), its folder
        does not exist (ASYNC-E215) or it cannot be written (ASYNC-E216).
    """
    out = xlsx_path(path)
    content = to_xlsx_bytes(tables)
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise AsyncmonError(f"cannot write {out}: {exc.strerror}", code="ASYNC-E216") from None
    return out


def write_csv_folder(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each table as ``<name>.csv`` in ``folder`` (made if missing).

    The files are UTF-8 with a byte-order mark (``utf-8-sig``), so that Excel opens
    accented names right; text cells are neutralised (:func:`neutralise`). Only these
    files are written: a file of the same name is replaced, any other file of the folder
    is left as it is.

    Returns
    -------
    list of Path
        The files written, in the order of ``tables``.

    Raises
    ------
    AsyncmonError
        ``folder`` is a file (ASYNC-E222), its parent does not exist (ASYNC-E215), or a
        file cannot be written (ASYNC-E216).
    """
    out = output_folder(folder)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        try:
            _cells(frame, xlsx=False).to_csv(path, index=False, encoding="utf-8-sig")
        except OSError as exc:
            raise AsyncmonError(f"cannot write {path}: {exc.strerror}", code="ASYNC-E216") from None
        written.append(path)
    return written
