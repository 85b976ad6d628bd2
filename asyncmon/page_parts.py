"""The HTML pieces of the teacher's page, each a string with every piece of user text
escaped (an ``ipywidgets.HTML`` renders markup; Voila trusts its outputs).

The page holds a fixed set of widgets and sets their ``value`` to these strings on every
switch, so nothing is created or closed per view.
"""

from __future__ import annotations

import base64
import html

import pandas as pd

from .formatting import span

__all__ = [
    "STYLE",
    "brief_links_html",
    "card_html",
    "charts_html",
    "download_link",
    "groups_html",
    "needs_you_html",
    "queue_html",
    "top_html",
    "verdict_html",
]


def _e(text: object) -> str:
    return html.escape(str(text))


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


def card_html(title: str, value: str) -> str:
    """One figure card's content."""
    return (
        f"<div class='am-card-title'>{_e(title)}</div><div class='am-card-value'>{_e(value)}</div>"
    )


def top_html(
    title: str, timing: str, warning: str | None, cards: list[tuple[str, str, str]]
) -> str:
    """The activity's title, its timing, the planning warning and the figure cards
    (``(css, title, value)``: each card is ``div.asyncmon-card.asyncmon-<css>``)."""
    return (
        f"<h2 class='asyncmon-title'>{_e(title)}</h2>"
        f"<div class='asyncmon-timing'>{_e(timing)}</div>"
        + (f"<div class='asyncmon-warning'>⚠ {_e(warning)}</div>" if warning else "")
        + "<div class='am-cards'>"
        + "".join(
            f"<div class='asyncmon-card asyncmon-{css}'>{card_html(name, value)}</div>"
            for css, name, value in cards
        )
        + "</div>"
    )


def charts_html(heatmap_svg: str, timeline_svg: str) -> str:
    """The participation grid and the acknowledgement timeline under their heading."""
    return (
        "<h3>Participation and acknowledgement</h3>"
        f"<div class='asyncmon-heatmap'>{heatmap_svg}</div>"
        f"<div class='asyncmon-timeline'>{timeline_svg}</div>"
    )


def queue_html(queue: pd.DataFrame, *, limit: int = 10) -> str:
    """The acknowledgement queue as an HTML table (every cell escaped), first ``limit``."""
    if queue.empty:
        return "<p>Everyone who took part has been acknowledged.</p>"
    rows = []
    for q in queue.head(limit).itertuples():
        streak = (
            f"not acknowledged in their previous {q.unacknowledged_streak} activities"
            if q.unacknowledged_streak > 1
            else "not acknowledged last time either"
            if q.unacknowledged_streak
            else ""
        )
        css = " class='am-streak'" if q.unacknowledged_streak else ""
        rows.append(
            f"<tr{css}><td>{q.rank}</td><td><b>{_e(q.name)}</b><br>"
            f"<small>{_e(q.status.replace('_', ' '))}, waiting "
            f"{_e(span(q.waiting_hours))}</small><br><small>{_e(streak)}</small></td>"
            f"<td>{_e(q.snippet)}</td></tr>"
        )
    return (
        "<table class='am-table'><tr><th>#</th><th>student</th><th>their post</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def groups_html(
    groups: pd.DataFrame, names: dict[str, str], concepts: list[tuple[str, int]] = ()
) -> str:
    """One expandable section per question group (its examples and students), then the
    concepts asked about; every piece escaped."""
    body = "<h3>Questions and gaps</h3>"
    if groups.empty:
        body += "<p>No question was raised by two or more students yet.</p>"
    else:
        for g in groups.itertuples():
            answered = "a teacher already answered" if g.answered else "not answered yet"
            who = ", ".join(names.get(s, s) for s in g.student_ids)
            title = f"{g.rank}. {g.label} — {g.students} students" + (
                " ✓ answered" if g.answered else ""
            )
            body += (
                f"<details class='am-group'><summary>{_e(title)}</summary>"
                f"<p><i>{_e(answered)}</i></p>"
                + "".join(f"<blockquote>{_e(x)}</blockquote>" for x in g.examples)
                + f"<p><b>Students:</b> {_e(who)}</p></details>"
            )
    if concepts:
        body += "<p>Concepts asked about:</p><ul>" + "".join(
            f"<li>{_e(c)}: {n} student{'' if n == 1 else 's'}</li>" for c, n in concepts
        )
        body += "</ul>"
    return body


def download_link(label: str, text: str, filename: str, mime: str) -> str:
    """An HTML link that downloads ``text`` (base64 data URI: the content is not parsed)."""
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f"<a download='{_e(filename)}' href='data:{mime};charset=utf-8;base64,{data}' "
        f"class='am-download'>{_e(label)}</a>"
    )


def needs_you_html(queue: pd.DataFrame, overlooked: list[str], absentees: list[str]) -> str:
    """Who needs the teacher: the queue, then the overlooked and the repeat absentees."""
    extra = ""
    if overlooked:
        extra += (
            "<p class='am-overlooked'><b>Not acknowledged in their recent "
            f"activities:</b> {_e(', '.join(overlooked))}</p>"
        )
    if absentees:
        extra += (
            "<p class='am-absentees'><b>Missing several activities in a row:</b> "
            f"{_e('; '.join(absentees))}</p>"
        )
    return "<h3>Who needs you</h3>" + queue_html(queue) + extra


def verdict_html(verdict: str, failed_checks: list[str]) -> str:
    """The verdict and the reasons it is not yet asynchronous learning."""
    reasons = "".join(f"<li>{_e(r)}</li>" for r in failed_checks)
    css = "fail" if failed_checks else "ok"
    return f"<p class='{css}'><b>Verdict: {_e(verdict)}</b></p><ul>{reasons}</ul>"


def brief_links_html(brief_html: str, brief_markdown: str, stem: str) -> str:
    """Links that download the brief as HTML and as Markdown (``stem``.html / .md)."""
    return (
        "<h3>Brief</h3>"
        + download_link("Download the brief (HTML)", brief_html, f"{stem}.html", "text/html")
        + " · "
        + download_link(
            "Download the brief (Markdown)", brief_markdown, f"{stem}.md", "text/markdown"
        )
    )
