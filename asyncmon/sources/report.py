"""The import report: what each source file gave, kept, merged and rejected, and why.

Every import returns one. Its invariant, checked by the tests for every importer:
``read == kept + merged + len(rejected)`` for each source file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

__all__ = ["ImportReport", "Problem", "SourceReport", "StoreCounts"]


@dataclass(frozen=True)
class Problem:
    """One problem found in a source: where it is, what is wrong and what to do.

    Attributes
    ----------
    file : str
        The source file's name.
    row : int or None
        Spreadsheet row (the header is row 1) for CSV; position of the record (1-based) for
        JSON; ``None`` when the problem concerns the whole file.
    column : str or None
        The column or field concerned.
    value : str or None
        The offending value, as read.
    message : str
        What is wrong and how to fix it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class SourceReport:
    """What one source file gave.

    Attributes
    ----------
    file : str
        The file's name.
    format : str
        The source format read (``moodle-csv``, ``moodle-json``, ``canvas-json``, ``csv``,
        ``people``, ``activities``, ``reactions``).
    read : int
        Records read (rows of a CSV, entries of a Canvas tree, records of a Moodle sheet).
    kept : int
        Records that became rows of a canonical table.
    merged : int
        Records that duplicated another record of the same import (same post id) and were
        merged into it (the most recently edited version wins).
    rejected : list of Problem
        Records left out, each with its reason. ``read == kept + merged + len(rejected)``.
    warnings : list of Problem
        Things kept but worth knowing (an author not on the roster, an ambiguous local
        time, a reply whose parent is not in the import...).
    date_order : {'dmy', 'mdy'} or None
        How the file's spreadsheet-style dates (``16/02/2025 14:15``) were read: day first
        or month first; ``None`` when it has none (or their order could not be told).
    """

    file: str
    format: str
    read: int = 0
    kept: int = 0
    merged: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    date_order: str | None = None

    def reject(self, row: int | None, column: str | None, value: object, message: str) -> None:
        """Record a rejected record."""
        self.rejected.append(Problem(self.file, row, column, _text(value), message))

    def warn(self, row: int | None, column: str | None, value: object, message: str) -> None:
        """Record a warning about a kept record."""
        self.warnings.append(Problem(self.file, row, column, _text(value), message))

    @property
    def balanced(self) -> bool:
        """Whether ``read == kept + merged + rejected``."""
        return self.read == self.kept + self.merged + len(self.rejected)


@dataclass(frozen=True)
class StoreCounts:
    """What writing one table into a workspace changed.

    Attributes
    ----------
    added : int
        New rows.
    updated : int
        Rows already present whose content changed (an edited post, a renamed person).
    unchanged : int
        Rows already present and identical: re-importing the same export adds nothing.
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """The report of one import: one :class:`SourceReport` per file, and what was stored.

    Attributes
    ----------
    sources : list of SourceReport
    unknown_authors : list of dict
        Posts kept whose author is not on the roster (``file, row, course_id, post_id,
        author_id``). They are stored but never counted as any student's work.
    stored : dict of str to StoreCounts, or None
        Per table, what the workspace write changed; ``None`` when nothing was written
        (``asyncmon validate``).
    """

    sources: list[SourceReport] = field(default_factory=list)
    unknown_authors: list[dict] = field(default_factory=list)
    stored: dict[str, StoreCounts] | None = None

    @property
    def read(self) -> int:
        """Records read over all files."""
        return sum(s.read for s in self.sources)

    @property
    def kept(self) -> int:
        """Records kept over all files."""
        return sum(s.kept for s in self.sources)

    @property
    def merged(self) -> int:
        """Records merged as duplicates over all files."""
        return sum(s.merged for s in self.sources)

    @property
    def rejected(self) -> list[Problem]:
        """Every rejected record over all files."""
        return [p for s in self.sources for p in s.rejected]

    @property
    def warnings(self) -> list[Problem]:
        """Every warning over all files."""
        return [p for s in self.sources for p in s.warnings]

    def __repr__(self) -> str:
        return (
            f"ImportReport({len(self.sources)} file{'' if len(self.sources) == 1 else 's'}: "
            f"read {self.read}, kept {self.kept}, merged {self.merged}, rejected "
            f"{len(self.rejected)}, warnings {len(self.warnings)})"
        )

    def _repr_html_(self, *, limit: int = 20) -> str:
        """The report in a notebook: one row per file, then the rejections and warnings
        (at most ``limit`` of each listed), every value escaped."""
        from ..rendering import render

        unknown = sorted({a["author_id"] for a in self.unknown_authors})
        return render("import_report.html.j2", r=self, limit=limit, unknown=unknown)

    def to_dict(self) -> dict:
        """The report as plain data (what ``asyncmon import --json`` prints)."""
        return {
            "totals": {
                "read": self.read,
                "kept": self.kept,
                "merged": self.merged,
                "rejected": len(self.rejected),
                "warnings": len(self.warnings),
            },
            "sources": [
                {
                    "file": s.file,
                    "format": s.format,
                    "read": s.read,
                    "kept": s.kept,
                    "merged": s.merged,
                    "rejected": [asdict(p) for p in s.rejected],
                    "warnings": [asdict(p) for p in s.warnings],
                    "date_order": s.date_order,
                }
                for s in self.sources
            ],
            "unknown_authors": list(self.unknown_authors),
            "stored": None
            if self.stored is None
            else {name: asdict(counts) for name, counts in self.stored.items()},
        }

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self, *, limit: int = 20) -> str:
        """The report for people: one line per file, then rejections and warnings.

        Parameters
        ----------
        limit : int, default 20
            At most this many rejections and warnings are listed one by one; the rest
            are counted (``--json`` always lists them all).
        """
        lines = []
        for s in self.sources:
            lines.append(
                f"{s.file} ({s.format}): read {s.read}, kept {s.kept}, "
                f"merged {s.merged} as duplicates, rejected {len(s.rejected)}"
            )
        lines.append(
            f"Total: read {self.read}, kept {self.kept}, merged {self.merged}, "
            f"rejected {len(self.rejected)}"
        )
        for title, problems in (("Rejected", self.rejected), ("Warnings", self.warnings)):
            if problems:
                lines.append(f"{title} ({len(problems)}):")
                lines.extend(f"  {p}" for p in problems[:limit])
                if len(problems) > limit:
                    lines.append(f"  ... and {len(problems) - limit} more (see --json)")
        if self.unknown_authors:
            ids = sorted({a["author_id"] for a in self.unknown_authors})
            lines.append(
                f"Not on the roster ({len(self.unknown_authors)} posts, kept out of the "
                f"metrics): author ids {', '.join(ids)}; add them to the people file if "
                "they belong to the class."
            )
        if self.stored is not None:
            for name, c in self.stored.items():
                lines.append(
                    f"Workspace {name}: {c.added} added, {c.updated} updated, "
                    f"{c.unchanged} unchanged"
                )
        return "\n".join(lines)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
