"""HTML from templates that escape: every view's markup is a Jinja2 template in
``asyncmon/templates/``, rendered with autoescaping on, so a student's name or post is
shown as written whatever it contains. A fragment already rendered is passed on as
:class:`markupsafe.Markup` (never a plain string marked safe by hand).

>>> _environment().from_string("<p>{{ text }}</p>").render(text="<script>alert(1)</script>")
'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .formatting import count

__all__ = ["Markup", "macro", "render"]


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("asyncmon", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,  # a name missing from the context is an error, not ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["students"] = lambda n: count(n, "student")
    env.filters["replies"] = lambda n: count(n, "reply", "replies")
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def render(template: str, **context: object) -> str:
    """``template`` (a path under ``asyncmon/templates/``) rendered with ``context``."""
    return _environment().get_template(template).render(**context)


def macro(template: str, name: str, **arguments: object) -> str:
    """The macro ``name`` of ``template`` called with ``arguments``, as a plain string
    (a widget's value). To put it inside another template, pass it as ``Markup(...)``:
    a plain string would be escaped there."""
    return str(getattr(_environment().get_template(template).module, name)(**arguments))
