"""Source formats: detection from a file's content and the parser for each format."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import SourceFileError
from . import canvas, moodle, template
from ._csv import decode, header_of
from ._json import load_json
from ._records import Parsed, ReadContext

__all__ = ["FORMATS", "ROSTER_FORMATS", "detect_format", "parse_source"]

#: Formats of class activity, as named on the command line (``--format``).
FORMATS = ("moodle-csv", "moodle-json", "canvas-json", "csv")
#: Files of the product's template that describe the class rather than its activity.
ROSTER_FORMATS = ("people", "activities")

_TEMPLATE_KINDS = (
    ("people", {"person_id", "role"}),
    ("activities", {"activity_id", "due_at", "class_starts_at"}),
    ("csv", {"post_id", "author_id"}),
    ("reactions", {"post_id", "person_id", "kind"}),
)


def detect_format(data: bytes, name: str) -> str:
    """Name the format of a source file from its content.

    Returns one of ``moodle-csv``, ``moodle-json``, ``canvas-json``, ``csv`` (template
    posts), ``reactions``, ``people``, ``activities``.

    Raises
    ------
    SourceFileError
        When the content matches no known format.
    """
    text = decode(data, name)
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        document = load_json(data, name, fix="check the file is a complete export")
        if isinstance(document, list):
            return "moodle-json"
        if isinstance(document, dict) and "view" in document:
            return "canvas-json"
        raise SourceFileError(
            name,
            [
                "is JSON but neither a Moodle forum export (an array of "
                "sheets) nor a Canvas discussion full view (an object "
                "with 'view'); pass --format"
            ],
            code="ASYNC-E106",
        )
    header = set(header_of(text))
    if {"discussion", "userid", "message"} <= header:
        return "moodle-csv"
    for kind, columns in _TEMPLATE_KINDS:
        if columns <= header:
            return kind
    raise SourceFileError(
        name,
        [
            "row 1: the header matches no known format (a Moodle forum export, or the template's "
            "posts, reactions, people or activities file; see the README); pass --format if it "
            "is one of them"
        ],
        code="ASYNC-E106",
    )


_PARSERS: dict[str, Callable[[bytes, str, ReadContext], Parsed]] = {
    "moodle-csv": moodle.parse_csv,
    "moodle-json": moodle.parse_json,
    "canvas-json": canvas.parse,
    "csv": template.parse_posts,
    "reactions": template.parse_reactions,
}


def parse_source(data: bytes, name: str, ctx: ReadContext, *, format: str | None = None) -> Parsed:
    """Parse one activity file in ``format`` (a key of the parsers, including ``reactions``)
    or the detected one."""
    kind = format or detect_format(data, name)
    if kind not in _PARSERS:
        raise SourceFileError(
            name, [f"format {kind!r} is not one of {', '.join(FORMATS)}"], code="ASYNC-E001"
        )
    return _PARSERS[kind](data, name, ctx)
