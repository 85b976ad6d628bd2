"""The thresholds behind every judgement the product makes, kept in one place.

Every metric that judges takes a ``thresholds=`` argument; the defaults are
:data:`DEFAULT_THRESHOLDS`. Change one with ``dataclasses.replace``::

    from dataclasses import replace
    strict = replace(DEFAULT_THRESHOLDS, coverage_needed=0.9)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["DEFAULT_THRESHOLDS", "GROUPING_CUT_RANGE", "GROUPING_THRESHOLDS", "Thresholds"]


@dataclass(frozen=True)
class Thresholds:
    """Thresholds for monitoring, planning and absence.

    Attributes
    ----------
    coverage_needed : float, default 0.8
        Share of the students who took part before class that the teacher should have
        acknowledged (reply or reaction) before class for the activity to count as
        monitored. Even a thumbs-up counts.
    min_substantive_comments : int, default 1
        Students who must have received a substantive comment before class for the
        activity to count as monitored.
    substantive_words : int, default 8
        A staff reply of at least this many words is a *substantive comment*; a shorter one
        ("Nice point!") is a *brief comment*.
    min_planning_hours : float, default 24
        Hours the teacher needs between the due time (or the last late post) and class to
        collect the data and plan feedback; under this the planning window is short.
    data_in_share : float, default 0.9
        The data counts as collected once this share of the students who took part before
        class have posted; late posts after the due time push that moment later and so eat
        into the planning window.
    last_k : int, default 3
        A student not acknowledged in any of their last ``last_k`` activities (those they
        took part in) is flagged as never getting the teacher's attention.
    missing_streak : int, default 2
        A student missing this many of the most recent activities in a row is a repeat
        absentee.
    earliest_share : float, default 0.25
        The earliest posters (this share of participants, by first post time) against whom
        the spread of acknowledgement is measured.
    """

    coverage_needed: float = 0.8
    min_substantive_comments: int = 1
    substantive_words: int = 8
    min_planning_hours: float = 24.0
    data_in_share: float = 0.9
    last_k: int = 3
    missing_streak: int = 2
    earliest_share: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()

#: Cosine-distance cut of the average-linkage tree, per embedding method: two groups
#: merge while the mean distance between their units is below it. Tuned with
#: ``benchmarks/question_grouping.py`` on ``benchmarks/data/question_eval.json`` and
#: checked on the sample class's planted questions. Where the two disagreed (the sample
#: puts two neighbouring questions in one activity) the tighter cut was kept, since
#: merging two different questions misleads a teacher more than splitting one: "minilm"
#: is best at 0.65 on the evaluation set, 0.625 on the sample; "wordllama" at 0.75 and
#: 0.65-0.70.
GROUPING_THRESHOLDS: MappingProxyType[str, float] = MappingProxyType(
    {"minilm": 0.625, "wordllama": 0.70, "tfidf": 0.925}
)

#: With "minilm", the cut is chosen per activity within this range: the cut whose groups
#: have the best mean silhouette (each unit's separation from the nearest other group
#: against its cohesion with its own; a group of one counts 0). Chosen on the
#: development activities (``benchmarks/data/dev``): median ARI 0.48 against 0.43 for the
#: best single cut (0.55) there; ``benchmarks/question_grouping.py`` prints both on the
#: blind corpus too. Above ``questions.group.EXACT_MAX`` units the middle of the range is
#: used.
GROUPING_CUT_RANGE: tuple[float, float] = (0.45, 0.65)
