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
    _parent_folder_exists(out)
    return out


def output_folder(out: str | Path) -> Path:
    """``out`` as a folder to write files into, made when missing; raise with the fix when
    it is a file or its parent folder does not exist."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise AsyncmonError(
            f"{out} is a file; give a folder to write the files into (or a file name such "
            f"as {out.with_suffix('.xlsx').name} for one spreadsheet)",
            code="ASYNC-E222",
        )
    _parent_folder_exists(out)
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise AsyncmonError(f"cannot make {out}: {exc.strerror}", code="ASYNC-E216") from None
    return out


def _parent_folder_exists(out: Path) -> None:
    if not out.parent.is_dir():
        raise AsyncmonError(
            f"the folder {out.parent} does not exist; create it or write elsewhere",
            code="ASYNC-E215",
        )
