"""Where a post lives in its LMS, so the teacher is one click from replying or liking.

The schedule may give each activity's discussion address (``url``); a post's own address
follows from it and from the post's ids as each LMS spells them:

- Moodle: ``<site>/mod/forum/discuss.php?d=<discussion id>#p<post id>``, the site being
  the forum address up to ``/mod/`` (a Moodle installed under a path keeps it);
- Canvas: ``<topic address>?entry_id=<entry id>`` (the entry shown in its topic);
- the CSV template: the discussion's address itself (its post ids are the school's own).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["WEB_ADDRESS", "post_url"]

#: An address a link may point to: http(s), with a host, no white space, no quote or
#: angle bracket (so it cannot end an attribute or a Markdown link early).
WEB_ADDRESS = re.compile(r"https?://[^\s/?#<>\"'`]+[^\s<>\"'`]*\Z", re.IGNORECASE)


def post_url(activity_url: object, source: str, thread_id: str, post_id: str) -> str | None:
    """The address of one post in its LMS, or None without a usable discussion address.

    Examples
    --------
    >>> post_url("https://moodle.example.edu/lms/mod/forum/view.php?id=52", "moodle-csv",
    ...          "311", "4120")
    'https://moodle.example.edu/lms/mod/forum/discuss.php?d=311#p4120'
    >>> post_url("https://canvas.example.edu/courses/7/discussion_topics/55#top",
    ...          "canvas-json", "1001", "1002")
    'https://canvas.example.edu/courses/7/discussion_topics/55?entry_id=1002'
    >>> post_url("javascript:alert(1)", "csv", "t1", "p1") is None
    True
    """
    if not isinstance(activity_url, str) or not WEB_ADDRESS.match(activity_url.strip()):
        return None
    parts = urlsplit(activity_url.strip())
    if source.startswith("moodle"):
        site = parts.path.split("/mod/")[0].rstrip("/")
        query = f"d={quote(str(thread_id), safe='')}"
        return urlunsplit(
            (
                parts.scheme,
                parts.netloc,
                f"{site}/mod/forum/discuss.php",
                query,
                f"p{quote(str(post_id), safe='')}",
            )
        )
    if source.startswith("canvas"):
        query = f"entry_id={quote(str(post_id), safe='')}"
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return activity_url.strip()
