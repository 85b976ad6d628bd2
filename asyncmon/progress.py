"""Progress on long work, in the terminal: reading a large file, grouping the questions
of many activities, embedding many sentences.

Off by default (a library call prints nothing); the ``asyncmon`` command turns it on when
its error stream is a terminal, so a script or a pipe sees no bars. The teacher's page has
its own busy sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

__all__ = ["progress", "show_progress"]

T = TypeVar("T")
_where: dict[str, IO[str] | bool | None] = {"stream": None}


def show_progress(on: bool = True, *, stream: IO[str] | None = None) -> None:
    """Show progress bars on the terminal (``on``), or not.

    With ``stream`` the bars are written there whether or not it is a terminal (a test
    reads them); without it they go to standard error, and only when it is a terminal.
    """
    _where["stream"] = (stream if stream is not None else True) if on else None


def progress(
    items: Iterable[T], *, what: str, unit: str, total: int | None = None, least: int = 0
) -> Iterator[T] | Iterable[T]:
    """``items``, with a bar (``what``: what is being done; ``unit``: what is counted) when
    progress is shown and there are at least ``least`` items (when the total is known)."""
    stream = _where["stream"]
    if stream is None or (total is not None and total < least):
        return items
    from tqdm import tqdm

    told = stream if not isinstance(stream, bool) else None
    return tqdm(
        items,
        desc=what,
        unit=unit,
        total=total,
        file=told,
        disable=False if told is not None else None,  # None: only on a terminal
        leave=told is not None,  # a terminal's bar goes once done; a stream keeps it
        mininterval=0.5 if told is None else 0,
        dynamic_ncols=True,
    )
