"""Reading a JSON source, with errors that say where and what to do.

A Canvas discussion is a tree of replies, and a long back-and-forth between two people is a
thread hundreds of levels deep: more nesting than Python's JSON reader takes (it recurses
once per level). Such a document is read again by :func:`loads_without_recursion`, which
keeps its own stack, so a thread of any depth is read.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped

from ..errors import SourceFileError
from ._csv import decode

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


def load_json(data: bytes, name: str, *, fix: str) -> object:
    """Parse ``data`` as JSON; raise :class:`SourceFileError` naming the line and ``fix``."""
    text = decode(data, name)
    try:
        try:
            return json.loads(text)
        except RecursionError:
            return loads_without_recursion(text)
    except json.JSONDecodeError as exc:
        raise SourceFileError(
            name,
            [f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {fix}"],
            code="ASYNC-E107",
        ) from None


def loads_without_recursion(text: str) -> object:
    """What ``json.loads(text)`` gives, for a document nested to any depth.

    Strings are read by the standard library's own scanner; objects and arrays are built
    with an explicit stack, so the work is linear in the text and needs no recursion.

    >>> loads_without_recursion('{"a": [1, 2.5, {"b": null}], "c": "\\\\u00e9"}')
    {'a': [1, 2.5, {'b': None}], 'c': 'é'}
    >>> deep = '[' * 5000 + ']' * 5000
    >>> depth, value = 0, loads_without_recursion(deep)
    >>> while value:
    ...     depth, value = depth + 1, value[0]
    >>> depth
    4999

    Raises
    ------
    json.JSONDecodeError
        As ``json.loads`` would, with the position of the problem.
    """
    open_containers: list[list | dict] = []
    keys: list[str | None] = []
    pos = _skip(text, 0)
    value: object
    while True:
        char = text[pos : pos + 1]
        if char in ("{", "["):
            pos = _skip(text, pos + 1)
            if text[pos : pos + 1] == ("}" if char == "{" else "]"):
                value, pos = ({} if char == "{" else []), pos + 1
            else:
                open_containers.append({} if char == "{" else [])
                keys.append(None)
                if char == "{":
                    keys[-1], pos = _key(text, pos)
                continue
        else:
            value, pos = _scalar(text, pos)
        # the value is complete: place it, and close every container it completes
        while True:
            pos = _skip(text, pos)
            if not open_containers:
                if pos != len(text):
                    raise json.JSONDecodeError("Extra data", text, pos)
                return value
            top = open_containers[-1]
            if isinstance(top, dict):
                top[keys[-1]] = value
            else:
                top.append(value)
            char = text[pos : pos + 1]
            if char == ",":
                pos = _skip(text, pos + 1)
                if isinstance(top, dict):
                    keys[-1], pos = _key(text, pos)
                break
            if char != ("}" if isinstance(top, dict) else "]"):
                expected = "',' delimiter" if char else "a closing bracket"
                raise json.JSONDecodeError(f"Expecting {expected}", text, pos)
            value = open_containers.pop()
            keys.pop()
            pos += 1


def _skip(text: str, pos: int) -> int:
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def _key(text: str, pos: int) -> tuple[str, int]:
    if text[pos : pos + 1] != '"':
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
    key, pos = scanstring(text, pos + 1, True)
    pos = _skip(text, pos)
    if text[pos : pos + 1] != ":":
        raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
    return key, _skip(text, pos + 1)


def _scalar(text: str, pos: int) -> tuple[object, int]:
    if text[pos : pos + 1] == '"':
        return scanstring(text, pos + 1, True)
    number = _NUMBER.match(text, pos)
    if number and not text.startswith("-Infinity", pos):
        whole, fraction, exponent = number.groups()
        parsed = float(number[0]) if fraction or exponent else int(whole)
        return parsed, number.end()
    for literal, constant in _LITERALS.items():
        if text.startswith(literal, pos):
            return constant, pos + len(literal)
    raise json.JSONDecodeError("Expecting value", text, pos)
