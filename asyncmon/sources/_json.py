"""Reading a JSON source, with errors that say where and what to do."""

from __future__ import annotations

import json

from ..errors import SourceFileError
from ._csv import decode


def load_json(data: bytes, name: str, *, fix: str) -> object:
    """Parse ``data`` as JSON; raise :class:`SourceFileError` naming the line and ``fix``."""
    text = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFileError(
            name, [f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {fix}"]
        ) from None
    except RecursionError:
        raise SourceFileError(name, ["is nested too deeply to read as JSON; " + fix]) from None
