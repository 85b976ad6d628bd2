"""Where the command line writes a file the user named."""

from __future__ import annotations

from pathlib import Path

from .errors import AsyncmonError


def output_file(out: str | Path, *, example: str) -> Path:
    """``out`` as a path to write; raise with the fix when it is a folder or its folder
    does not exist (``example`` is a file name to suggest)."""
    out = Path(out)
    if out.is_dir():
        raise AsyncmonError(
            f"{out} is a folder; give the file to write, e.g. {out / example}",
            code="ASYNC-E214",
        )
    if not out.parent.is_dir():
        raise AsyncmonError(
            f"the folder {out.parent} does not exist; create it or write elsewhere",
            code="ASYNC-E215",
        )
    return out
