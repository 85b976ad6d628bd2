"""The exceptions asyncmon raises.

Every error a user can meet derives from :class:`AsyncmonError`, so a notebook or the
command line can catch one class and show its message, which always says what is wrong,
where, and what to do.
"""

from __future__ import annotations

__all__ = [
    "AsyncmonError",
    "InvalidTableError",
    "PlanChangedError",
    "SourceFileError",
    "WorkspaceError",
]


class AsyncmonError(Exception):
    """Root of every error raised by asyncmon."""


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

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(f"{file}: {p}" for p in self.problems))


class InvalidTableError(AsyncmonError):
    """A canonical table breaks its schema (missing column, wrong type, duplicate key...).

    Attributes
    ----------
    table : str
        The table's name (``"posts"``, ``"people"``...).
    problems : list of str
        Every problem found in the table, not only the first.
    """

    def __init__(self, table: str, problems: list[str]):
        self.table = table
        self.problems = list(problems)
        super().__init__("\n".join(f"{table} table: {p}" for p in self.problems))


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
            "opened: load the saved plan, or save again to overwrite it"
        )
