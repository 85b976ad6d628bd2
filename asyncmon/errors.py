"""The exceptions asyncmon raises, and the code of each failure.

Every error a user can meet derives from :class:`AsyncmonError`, so a notebook or the
command line can catch one class and show its message, which always says what is wrong,
where, and what to do. Each failure has a stable code (``ASYNC-E112``), carried by the
error as ``code`` and at the start of its message: scripts and tests match the code, not
the English, and the README's error table is keyed by it. :data:`CODES` lists them all.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CODES",
    "AsyncmonError",
    "InvalidTableError",
    "PlanChangedError",
    "SourceFileError",
    "WorkspaceError",
]

#: Every failure's code, with what it means. Codes are never reused or renumbered.
CODES: dict[str, str] = {
    # asking for something that does not exist
    "ASYNC-E001": "unknown source format",
    "ASYNC-E002": "unknown date order",
    "ASYNC-E003": "unknown or uninstalled question grouping method",
    "ASYNC-E004": "no question grouping method installed",
    "ASYNC-E005": "question model files missing or not the tested ones",
    "ASYNC-E006": "unknown question detector, or its model is not installed",
    "ASYNC-E007": "grouping threshold out of range",
    "ASYNC-E008": "not a host name (--allow-host)",
    "ASYNC-E009": "Parquet needs pyarrow (the engines extra)",
    "ASYNC-E010": "the pyspark engine needs pyspark and Java (the spark extra)",
    "ASYNC-E011": "another Spark session is active, or --spark-master without pyspark",
    # source files
    "ASYNC-E101": "a source file cannot be opened (missing, a folder, unreadable)",
    "ASYNC-E102": "a source file is not UTF-8 text",
    "ASYNC-E103": "a source file is binary",
    "ASYNC-E104": "a source file cannot be read as CSV",
    "ASYNC-E105": "a CSV header lacks columns, repeats one, or is missing",
    "ASYNC-E106": "a file matches no known format",
    "ASYNC-E107": "a file is not valid JSON",
    "ASYNC-E108": "a JSON file is not shaped as its format",
    "ASYNC-E109": "an LMS export needs --course or --activity",
    "ASYNC-E110": "no activity file of the import could be read",
    "ASYNC-E111": "no schedule (activities file)",
    "ASYNC-E112": "no roster (people file)",
    # the workspace
    "ASYNC-E201": "not an asyncmon workspace",
    "ASYNC-E202": "the workspace path is a file",
    "ASYNC-E203": "the workspace cannot be created",
    "ASYNC-E204": "the workspace cannot be used (read-only, full, damaged)",
    "ASYNC-E205": "the workspace holds no class yet",
    "ASYNC-E206": "course not in the workspace",
    "ASYNC-E207": "activity not in the workspace",
    "ASYNC-E208": "no workspace given to a dashboard",
    "ASYNC-E209": "unknown follow-up kind",
    "ASYNC-E210": "unknown gap source",
    "ASYNC-E211": "the plan was changed elsewhere since it was opened",
    "ASYNC-E212": "the pseudonym secret cannot be written",
    "ASYNC-E213": "the pseudonym secret is too short",
    "ASYNC-E214": "a file to write is named as a folder",
    "ASYNC-E215": "a file to write is in a folder that does not exist",
    "ASYNC-E216": "a file to write cannot be written",
    "ASYNC-E217": "the exploration notebook is not installed",
    "ASYNC-E218": "a notebook name does not end in .ipynb",
    "ASYNC-E219": "the notebook to write exists already",
    "ASYNC-E220": "unknown outcome of a follow-up",
    "ASYNC-E221": "a count of students who got it is not a whole number of 0 or more",
    "ASYNC-E222": "a folder to write files into is a file",
    "ASYNC-E223": "a spreadsheet name does not end in .xlsx",
    "ASYNC-E224": "a folder of canonical Parquet tables lacks a table or a column",
    # tables and corrections
    "ASYNC-E301": "class data breaks the schema of its tables",
    "ASYNC-E302": "not a table of class data",
    "ASYNC-E303": "a table lacks the columns a function needs",
    "ASYNC-E311": "not a question group",
    "ASYNC-E312": "groups of different activities cannot be merged",
    "ASYNC-E313": "a correction names no unit, post or group",
    "ASYNC-E314": "a group's new name is empty",
    "ASYNC-E315": "no correction to undo",
}


class AsyncmonError(Exception):
    """Root of every error raised by asyncmon.

    Attributes
    ----------
    code : str
        The failure's stable code (a key of :data:`CODES`), also at the start of the
        message.
    message : str
        The message without its code: what is wrong, where, and what to do.
    """

    code = "ASYNC-E000"

    def __init__(self, message: str, *, code: str | None = None):
        self.code = code or type(self).code
        if self.code not in CODES:
            raise ValueError(f"unknown error code {self.code!r}")  # a bug, never the user's
        self.message = message
        super().__init__(f"{self.code} {message}")


class SourceFileError(AsyncmonError):
    """A source file cannot be read at all (wrong encoding, not CSV or JSON, missing columns).

    Row-level problems never raise: the row is rejected and listed in the import report.

    Attributes
    ----------
    file : str
        The file's name as given.
    problems : list of str
        Every problem found, each a full sentence naming where and what to do.
    """

    def __init__(self, file: str, problems: list[str], *, code: str):
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(f"{file}: {p}" for p in self.problems), code=code)


class InvalidTableError(AsyncmonError):
    """A canonical table breaks its schema (missing column, wrong type, duplicate key...).

    Attributes
    ----------
    table : str
        The table's name (``"posts"``, ``"people"``...).
    problems : list of str
        Every problem found in the table, not only the first.
    failure_cases : DataFrame or None
        The failing cells behind the problems, one row each (as pandera's):
        ``table, index`` (the row label, None when a whole column fails), ``column,
        check, failure_case`` (the value found); None when the error is not about rows.
    """

    def __init__(
        self,
        table: str,
        problems: list[str],
        *,
        code: str = "ASYNC-E301",
        failure_cases: Any = None,
    ):
        self.table = table
        self.problems = list(problems)
        self.failure_cases = failure_cases
        super().__init__("\n".join(f"{table} table: {p}" for p in self.problems), code=code)


class WorkspaceError(AsyncmonError):
    """The workspace cannot be opened or does not hold what was asked for."""


class PlanChangedError(WorkspaceError):
    """A plan was saved elsewhere (another page, a colleague) since the editor read it.

    Raised by :meth:`~asyncmon.Workspace.save_plan` when given the plan as the editor read
    it and the stored plan is no longer that; nothing is written. Load the stored plan
    (``stored``) or save again without ``expected`` to overwrite it.

    Attributes
    ----------
    stored : dict or None
        The plan now in the workspace (its five fields), or None when there is none.
    """

    def __init__(self, course_id: str, activity_id: str, stored: dict | None):
        self.stored = stored
        super().__init__(
            f"the plan of {course_id} {activity_id} was changed elsewhere since it was "
            "opened: load the saved plan, or save again to overwrite it",
            code="ASYNC-E211",
        )
