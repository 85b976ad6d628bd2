"""Who talks to whom: the reply network of an activity, and the students left out of it
(what Threadz and SNAPP show a teacher).

A *reply* goes from its author to the author of the post it replies to (its
``parent_id``, in the same course). It counts when the reply is not deleted and both
posts have an author: a reply to a deleted post still counts when the source kept who
wrote that post (Moodle does, Canvas does not), as participation's
``replies_to_peers`` counts it. A reply to oneself is no reply. Everyone who writes is a
node: students, teachers and assistants, and authors not on the roster. The reply belongs
to the activity it was written in. Reactions are not replies.

- :func:`interactions`: replies per ordered pair of people, per activity.
- :func:`isolated`: students who took part in an activity and whom nobody else replied
  to, or who replied to nobody else.
- :func:`reply_network_layout`: where the charts draw each person (students on a circle,
  staff in the middle) and each reply, computed once for the SVG
  (:func:`~asyncmon.charts.reply_network_svg`) and the plotly figure
  (:func:`~asyncmon.figures.reply_network_figure`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .formatting import count
from .tables import STAFF_ROLES, ClassData

__all__ = [
    "INTERACTION_COLUMNS",
    "ISOLATED_COLUMNS",
    "MOST_PEOPLE_DRAWN",
    "ReplyNetwork",
    "interactions",
    "isolated",
    "reply_network_layout",
]

INTERACTION_COLUMNS = ["course_id", "activity_id", "from_id", "to_id", "replies"]
ISOLATED_COLUMNS = [
    "course_id",
    "activity_id",
    "student_id",
    "name",
    "received_replies",
    "gave_replies",
]
#: Above this many people, a network chart draws only the most connected (and the
#: isolated students) and says how many it leaves out.
MOST_PEOPLE_DRAWN = 80

_ACTIVITY = ["course_id", "activity_id"]
_BEND = 0.15  # how far a reply's curve bows out, as a share of its length


def _replies(data: ClassData, course_id: str | None, activity_id: str | None) -> pd.DataFrame:
    """Every reply that counts, one row each: ``course_id, activity_id`` (of the reply),
    ``from_id`` (its author), ``to_id`` (the parent's author, never the same person)."""
    posts = data.posts[["course_id", "activity_id", "post_id", "parent_id", "author_id", "deleted"]]
    if course_id is not None:
        posts = posts[posts["course_id"] == course_id]
    written = posts[posts["author_id"].notna()]
    replies = written[~written["deleted"] & written["parent_id"].notna()]
    if activity_id is not None:
        replies = replies[replies["activity_id"] == activity_id]
    parents = written[["course_id", "post_id", "author_id"]].rename(
        columns={"post_id": "parent_id", "author_id": "to_id"}
    )
    pairs = replies.rename(columns={"author_id": "from_id"}).merge(
        parents, on=["course_id", "parent_id"]
    )
    pairs = pairs[pairs["from_id"] != pairs["to_id"]]
    return pairs[[*_ACTIVITY, "from_id", "to_id"]]


def interactions(
    data: ClassData, *, course_id: str | None = None, activity_id: str | None = None
) -> pd.DataFrame:
    """Who replied to whom, and how often, in each activity.

    Parameters
    ----------
    data : ClassData
    course_id : str, optional
        Only this course.
    activity_id : str, optional
        Only the replies written in activities with this id (in every course unless
        ``course_id`` is given: ids repeat across courses).

    Returns
    -------
    DataFrame
        One row per activity and ordered pair of people with at least one reply:

        - ``course_id, activity_id``: where the replies were written
        - ``from_id``: who replied (a student, a teacher, an assistant or an author off
          the roster)
        - ``to_id``: whom they replied to: the author of the post replied to
        - ``replies``: how many replies (not deleted, not to oneself)

        By course and activity, most replies first, then ``from_id``, ``to_id``.

    Examples
    --------
    In week 2 of BIO101 the teacher, Marta Kowalska (1001), replied to nine students.
    Ibrahim Diallo (1024) deleted a post there, and the reply Sakura Tanaka (1013) had
    written to it still counts (Moodle kept who wrote it):

    >>> from asyncmon import load_sample
    >>> pairs = interactions(load_sample(), course_id="BIO101", activity_id="w2")
    >>> len(pairs), int(pairs["replies"].sum())
    (32, 32)
    >>> pairs.loc[pairs["from_id"] == "1001", "to_id"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['1015', '1018', '1019', '1023', '1025', '1028', '1029', '1031', '1032']
    >>> pairs.loc[pairs["to_id"] == "1024"].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'course_id': 'BIO101', 'activity_id': 'w2', 'from_id': '1013', 'to_id': '1024',
      'replies': 1},
     {'course_id': 'BIO101', 'activity_id': 'w2', 'from_id': '1026', 'to_id': '1024',
      'replies': 1},
     {'course_id': 'BIO101', 'activity_id': 'w2', 'from_id': '1036', 'to_id': '1024',
      'replies': 1}]
    """
    pairs = _replies(data, course_id, activity_id)
    counted = pairs.groupby([*_ACTIVITY, "from_id", "to_id"]).size().rename("replies")
    counted = counted.reset_index()
    counted["replies"] = counted["replies"].astype(int)
    counted = counted.sort_values(
        [*_ACTIVITY, "replies", "from_id", "to_id"], ascending=[True, True, False, True, True]
    )
    return counted[INTERACTION_COLUMNS].reset_index(drop=True)


def isolated(
    data: ClassData, *, course_id: str | None = None, activity_id: str | None = None
) -> pd.DataFrame:
    """Students who took part in an activity but are cut off in its replies: nobody else
    replied to them, or they replied to nobody else.

    A student took part when they wrote at least one post that is not deleted there.
    Replies are counted as in :func:`interactions`: from anyone (teachers and assistants
    included), never to oneself.

    Parameters
    ----------
    data : ClassData
    course_id, activity_id : str, optional
        As in :func:`interactions`.

    Returns
    -------
    DataFrame
        One row per isolated student and activity:

        - ``course_id, activity_id, student_id, name``
        - ``received_replies``: replies other people wrote to the student's posts there
        - ``gave_replies``: replies the student wrote there to other people's posts

        At least one of the two is 0. By course and activity, then the most isolated
        first (fewest replies received and given together), then by name.

    Examples
    --------
    In week 2 of BIO101, eleven students are isolated: Ethan Walker and Mei Lin Chen
    neither got nor gave a reply; Ibrahim Diallo got three and replied to nobody:

    >>> from asyncmon import load_sample
    >>> alone = isolated(load_sample(), course_id="BIO101", activity_id="w2")
    >>> len(alone)
    11
    >>> alone[["name", "received_replies", "gave_replies"]].values.tolist()[:3]
    [['Ethan Walker', 0, 0], ['Mei Lin Chen', 0, 0], ['Aleksandra Petrović', 0, 1]]
    >>> alone.tail(1)[["student_id", "name", "received_replies", "gave_replies"]].values.tolist()
    [['1024', 'Ibrahim Diallo', 3, 0]]
    """
    posts = data.posts
    if course_id is not None:
        posts = posts[posts["course_id"] == course_id]
    if activity_id is not None:
        posts = posts[posts["activity_id"] == activity_id]
    students = data.people.loc[data.people["role"] == "student", ["course_id", "person_id", "name"]]
    took_part = (
        posts.loc[~posts["deleted"], [*_ACTIVITY, "author_id"]]
        .drop_duplicates()
        .rename(columns={"author_id": "student_id"})
        .merge(students.rename(columns={"person_id": "student_id"}), on=["course_id", "student_id"])
    )
    pairs = _replies(data, course_id, activity_id)
    keys = [*_ACTIVITY, "student_id"]
    received = pairs.groupby([*_ACTIVITY, "to_id"]).size().rename("received_replies")
    gave = pairs.groupby([*_ACTIVITY, "from_id"]).size().rename("gave_replies")
    for counts in (received, gave):
        took_part = took_part.merge(counts.rename_axis(keys).reset_index(), on=keys, how="left")
        took_part[counts.name] = took_part[counts.name].fillna(0).astype(int)
    alone = took_part[(took_part["received_replies"] == 0) | (took_part["gave_replies"] == 0)]
    alone = alone.assign(_replies=alone["received_replies"] + alone["gave_replies"])
    alone = alone.sort_values([*_ACTIVITY, "_replies", "name", "student_id"])
    return alone[ISOLATED_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class ReplyNetwork:
    """The reply network of one activity as a chart draws it (see
    :func:`reply_network_layout`).

    Attributes
    ----------
    nodes : DataFrame
        One row per person drawn: ``person_id, name`` (the id when off the roster),
        ``role`` (``student``, ``teacher``, ``assistant``, or None off the roster),
        ``staff`` (a teacher or an assistant), ``isolated`` (an isolated student),
        ``received, gave`` (replies, as in :func:`isolated`), ``x, y`` (position, from -1
        to 1, the centre at 0, y growing downwards as on a page).
    edges : DataFrame
        The :func:`interactions` rows between people drawn: ``from_id, to_id, replies``;
        ``from_staff`` (the replies came from a teacher or an assistant); ``x0, y0`` (the
        replier), ``x1, y1`` (the person replied to) and ``cx, cy``: a curve's control
        point, bent to the left of the way the replies go so that A → B and B → A stay
        apart; ``width``: the line's width in pixels (1 for a reply, wider for more, 8 at
        most).
    people, pairs, isolated : int
        Everyone in the network (drawn or not), ordered pairs with a reply, isolated
        students.
    left_out : int
        People not drawn (beyond the most connected).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    people: int
    pairs: int
    isolated: int
    left_out: int

    @property
    def summary(self) -> str:
        """The network in one sentence, for a chart's title and screen readers.

        >>> net = ReplyNetwork(pd.DataFrame(), pd.DataFrame(), 24, 31, 5, 0)
        >>> net.summary
        'Replies among 24 people: 31 pairs; 5 students isolated'
        """
        return (
            f"Replies among {count(self.people, 'person', 'people')}: "
            f"{count(self.pairs, 'pair')}; {count(self.isolated, 'student')} isolated"
        )

    @property
    def caption(self) -> str:
        """What the chart leaves out, or ``""`` when it draws everyone."""
        if not self.left_out:
            return ""
        return (
            f"Showing the {self.people - self.left_out - self.isolated} most connected and "
            f"every isolated student; {count(self.left_out, 'person', 'people')} left out."
        )


def reply_network_layout(
    interactions: pd.DataFrame,
    people: pd.DataFrame,
    isolated: pd.DataFrame,
    *,
    most: int = MOST_PEOPLE_DRAWN,
) -> ReplyNetwork:
    """Where to draw everyone in the reply network of one activity: students (and authors
    off the roster) on a circle in the order of their names, teachers and assistants in the
    middle. Above ``most`` people, only the ``most`` most connected (replies received and
    given) are drawn, and every isolated student.

    Parameters
    ----------
    interactions : DataFrame
        :func:`interactions` of one activity.
    people : DataFrame
        The ``people`` table (for names and roles; other courses are ignored).
    isolated : DataFrame
        :func:`isolated` of the same activity.
    most : int, default :data:`MOST_PEOPLE_DRAWN`

    Returns
    -------
    ReplyNetwork

    Raises
    ------
    ValueError
        When the frames hold more than one activity.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> data = load_sample()
    >>> where = {"course_id": "BIO101", "activity_id": "w2"}
    >>> net = reply_network_layout(interactions(data, **where), data.people,
    ...                            isolated(data, **where))
    >>> net.summary
    'Replies among 23 people: 32 pairs; 11 students isolated'
    >>> net.nodes.loc[net.nodes["staff"], ["name", "x", "y"]].values.tolist()
    [['Marta Kowalska', 0.0, 0.0]]
    """
    activities = pd.concat([interactions[_ACTIVITY], isolated[_ACTIVITY]]).drop_duplicates()
    if len(activities) > 1:
        raise ValueError(
            f"a reply network is drawn for one activity; these frames hold {len(activities)}: "
            "filter them with course_id= and activity_id="
        )
    courses = set(activities["course_id"])
    roster = people.loc[people["course_id"].isin(courses), ["person_id", "name", "role"]]
    received = interactions.groupby("to_id")["replies"].sum()
    gave = interactions.groupby("from_id")["replies"].sum()
    ids = pd.Index(received.index).union(gave.index).union(pd.Index(isolated["student_id"]))
    nodes = pd.DataFrame({"person_id": ids.astype(str)}).merge(roster, on="person_id", how="left")
    nodes["name"] = nodes["name"].fillna(nodes["person_id"])
    nodes["role"] = nodes["role"].astype(object).where(nodes["role"].notna(), None)
    nodes["staff"] = nodes["role"].isin(STAFF_ROLES)
    nodes["isolated"] = nodes["person_id"].isin(set(isolated["student_id"]))
    nodes["received"] = nodes["person_id"].map(received).fillna(0).astype(int)
    nodes["gave"] = nodes["person_id"].map(gave).fillna(0).astype(int)
    everyone = len(nodes)
    if everyone > most:
        ranked = nodes[~nodes["isolated"]].assign(_n=nodes["received"] + nodes["gave"])
        ranked = ranked.sort_values(["_n", "name", "person_id"], ascending=[False, True, True])
        kept = set(ranked["person_id"].head(most)) | set(nodes.loc[nodes["isolated"], "person_id"])
        nodes = nodes[nodes["person_id"].isin(kept)]
    nodes = nodes.sort_values(["staff", "name", "person_id"]).reset_index(drop=True)
    nodes["x"], nodes["y"] = _positions(nodes["staff"])
    drawn = set(nodes["person_id"])
    staff = set(nodes.loc[nodes["staff"], "person_id"])
    edges = interactions.loc[
        interactions["from_id"].isin(drawn) & interactions["to_id"].isin(drawn),
        ["from_id", "to_id", "replies"],
    ].reset_index(drop=True)
    edges["from_staff"] = edges["from_id"].isin(staff)
    at = nodes.set_index("person_id")[["x", "y"]]
    edges[["x0", "y0"]] = at.loc[edges["from_id"]].to_numpy()
    edges[["x1", "y1"]] = at.loc[edges["to_id"]].to_numpy()
    edges["cx"] = (edges["x0"] + edges["x1"]) / 2 - (edges["y1"] - edges["y0"]) * _BEND
    edges["cy"] = (edges["y0"] + edges["y1"]) / 2 + (edges["x1"] - edges["x0"]) * _BEND
    edges["width"] = (1.0 + 1.5 * (edges["replies"] - 1)).clip(upper=8.0)
    return ReplyNetwork(
        nodes=nodes,
        edges=edges,
        people=everyone,
        pairs=len(interactions),
        isolated=len(isolated),
        left_out=everyone - len(nodes),
    )


def _positions(staff: pd.Series) -> tuple[list[float], list[float]]:
    """Students on the unit circle from the top, clockwise; staff in the middle (on a
    small circle when there are several)."""
    xs: list[float] = []
    ys: list[float] = []
    for flags, radius in ((~staff, 1.0), (staff, 0.22)):
        n = int(flags.sum())
        if n == 1 and radius < 1:
            radius = 0.0
        for i in range(n):
            angle = 2 * math.pi * i / n - math.pi / 2
            xs.append(round(radius * math.cos(angle), 6) + 0.0)  # never -0.0
            ys.append(round(radius * math.sin(angle), 6) + 0.0)
    return xs, ys
