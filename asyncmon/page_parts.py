"""The HTML pieces of the teacher's page, each rendered from a macro of
``templates/page_parts.html.j2`` with every piece of user text escaped (an
``ipywidgets.HTML`` renders markup; Voila trusts its outputs).

The page holds a fixed set of widgets and sets their ``value`` to these strings on every
switch, so nothing is created or closed per view.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pandas as pd

from .formatting import span
from .rendering import Markup, macro

__all__ = [
    "STYLE",
    "brief_links_html",
    "busy_html",
    "card_html",
    "charts_html",
    "download_link",
    "groups_html",
    "needs_you_html",
    "network_html",
    "queue_html",
    "section_html",
    "top_html",
    "verdict_html",
    "working_html",
]


STYLE = """<style>
.asyncmon-card { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; margin: 4px;
  min-width: 200px; max-width: 320px; background: #fafafa; }
.am-card-title { color: #555; font-size: 0.85em; }
.am-card-value { font-size: 1.05em; font-weight: 600; }
.am-cards { display: flex; flex-flow: row wrap; }
.asyncmon-warning { color: #8a5a00; }
.asyncmon-verdict .fail { color: #9b1c1c; } .asyncmon-verdict .ok { color: #1c6b2f; }
.am-streak { background: #fdecea; }
table.am-table td, table.am-table th { padding: 2px 8px; text-align: left; vertical-align: top; }
.asyncmon-groups details { margin: 4px 0; border: 1px solid #e3e3e3; border-radius: 4px;
  padding: 4px 8px; }
.asyncmon-groups summary { cursor: pointer; font-weight: 600; }
.am-busy { display: inline-block; padding: 4px 10px; border-radius: 4px; background: #fff4ce;
  color: #5c4400; }
.am-busy::before { content: ""; display: inline-block; width: 10px; height: 10px;
  margin-right: 6px; border: 2px solid #5c4400; border-top-color: transparent;
  border-radius: 50%; animation: am-spin 0.8s linear infinite; vertical-align: -1px; }
@keyframes am-spin { to { transform: rotate(360deg); } }
.asyncmon-content.am-stale { opacity: 0.45; }
.am-chart-empty { color: #555; font-style: italic; }
.asyncmon-conflict { color: #9b1c1c; }
</style>"""


_PARTS = "page_parts.html.j2"


def card_html(title: str, value: str) -> str:
    """One figure card's content."""
    return macro(_PARTS, "card", title=title, value=value)


def top_html(
    title: str,
    timing: str,
    warning: str | None,
    cards: list[tuple[str, str, str]],
    last_time: Sequence[tuple[str, str]] = (),
) -> str:
    """The activity's title, its timing, the planning warning, what happened since the
    course's previous activity (``div.asyncmon-last-time``) and the figure cards
    (``(css, title, value)``: each card is ``div.asyncmon-card.asyncmon-<css>``)."""
    return macro(
        _PARTS,
        "top",
        title=title,
        timing=timing,
        warning=warning,
        cards=cards,
        last_time=list(last_time),
    )


def charts_html(heatmap_svg: str, timeline_svg: str) -> str:
    """The participation grid and the acknowledgement timeline under their heading (the
    SVG of :mod:`asyncmon.charts`, which escapes every text it draws)."""
    return macro(
        _PARTS, "charts", heatmap_svg=Markup(heatmap_svg), timeline_svg=Markup(timeline_svg)
    )


def network_html(network_svg: str, isolated: pd.DataFrame) -> str:
    """The reply network under its heading (SVG of :func:`~asyncmon.charts.reply_network_svg`,
    which escapes every name), then the isolated students, each escaped."""
    rows = [(i.name, int(i.received_replies), int(i.gave_replies)) for i in isolated.itertuples()]
    return macro(_PARTS, "network", svg=Markup(network_svg), isolated=rows)


def queue_html(queue: pd.DataFrame, *, limit: int = 10) -> str:
    """The acknowledgement queue as an HTML table (every cell escaped), first ``limit``."""
    rows = [
        {
            "rank": q.rank,
            "name": q.name,
            "status": q.status.replace("_", " "),
            "waiting": span(q.waiting_hours),
            "streak": (
                f"not acknowledged in their previous {q.unacknowledged_streak} activities"
                if q.unacknowledged_streak > 1
                else "not acknowledged last time either"
                if q.unacknowledged_streak
                else ""
            ),
            "snippet": q.snippet,
            "link": getattr(q, "link", None),
        }
        for q in queue.head(limit).itertuples()
    ]
    return macro(_PARTS, "queue", rows=rows)


def groups_html(
    groups: pd.DataFrame, names: dict[str, str], concepts: Sequence[tuple[str, int]] = ()
) -> str:
    """One expandable section per question group (its examples and students), then the
    concepts asked about; every piece escaped."""
    rows = [
        {
            "rank": g.rank,
            "label": g.label,
            "students": g.students,
            "answered": bool(g.answered),
            "examples": list(g.examples),
            "who": ", ".join(names.get(s, s) for s in g.student_ids),
        }
        for g in groups.itertuples()
    ]
    return macro(_PARTS, "groups", rows=rows, concepts=list(concepts))


def download_link(label: str, text: str | bytes, filename: str, mime: str) -> str:
    """An HTML link that downloads ``text`` (or bytes, such as a workbook) from a base64
    data URI: the content is not parsed."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    data = base64.b64encode(raw).decode("ascii")
    charset = ";charset=utf-8" if isinstance(text, str) else ""
    href = f"data:{mime}{charset};base64,{data}"
    return macro(_PARTS, "download", label=label, href=href, filename=filename)


def needs_you_html(queue: pd.DataFrame, overlooked: list[str], absentees: list[str]) -> str:
    """Who needs the teacher: the queue, then the overlooked and the repeat absentees."""
    return macro(
        _PARTS,
        "needs_you",
        queue_table=Markup(queue_html(queue)),
        overlooked=overlooked,
        absentees=absentees,
    )


def verdict_html(verdict: str, failed_checks: list[str]) -> str:
    """The verdict and the reasons it is not yet asynchronous learning."""
    return macro(_PARTS, "verdict", text=verdict, failed_checks=failed_checks)


def brief_links_html(
    brief_html: str, brief_markdown: str, stem: str, student_post: str = ""
) -> str:
    """Links that download the brief as HTML and as Markdown (``stem``.html / .md), then
    the post for the students, to read and to download (``stem``-students.txt)."""
    as_html = download_link("Download the brief (HTML)", brief_html, f"{stem}.html", "text/html")
    as_markdown = download_link(
        "Download the brief (Markdown)", brief_markdown, f"{stem}.md", "text/markdown"
    )
    for_students = download_link(
        "Download the post for students (text)",
        student_post,
        f"{stem}-students.txt",
        "text/plain",
    )
    return macro(
        _PARTS,
        "brief_links",
        html_link=Markup(as_html),
        markdown_link=Markup(as_markdown),
        students_link=Markup(for_students),
        student_post=student_post,
    )


def section_html(title: str) -> str:
    """A section's heading."""
    return macro(_PARTS, "section", title=title)


def busy_html(course_id: str, activity_id: str) -> str:
    """The busy sign shown while an activity's view is worked out."""
    return working_html(f"{activity_id} of {course_id}")


def working_html(what: str) -> str:
    """A busy sign: "Working out ``what``…", announced politely to screen readers."""
    return macro(_PARTS, "busy", what=what)
