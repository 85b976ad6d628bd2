"""Turning post HTML into plain text without ever executing or showing markup.

Entities are decoded, tags removed, block elements become line breaks, and the content of
``script``, ``style`` and similar elements is dropped rather than turned into visible text.
The result is text: whatever it contains (even ``<script>`` spelled out with entities) is
shown escaped by every view of the product.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HIDDEN = frozenset(
    {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math"}
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "section",
        "article",
        "dd",
        "dt",
        "figure",
        "figcaption",
    }
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden_depth:
                self.parts.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _HIDDEN:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML fragment as plain text.

    Parameters
    ----------
    markup : str
        An HTML fragment, e.g. a Moodle or Canvas post message.

    Returns
    -------
    str
        Plain text: entities decoded, tags removed, paragraphs (block elements)
        separated by one blank line, ``<br>`` as a line break, runs of spaces collapsed,
        script/style content dropped.

    Examples
    --------
    >>> html_to_text("<p>Why does it &amp; how?</p><script>alert(1)</script><p>Thanks</p>")
    'Why does it & how?\\n\\nThanks'
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip("\n")
