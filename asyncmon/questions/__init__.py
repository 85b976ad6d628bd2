"""Question frequency: find the questions and confusions students raise, and group them.

A teacher opening the next class wants the main knowledge gap: the question that many
students raise, each in their own words. The package does the text part of that, one
module per step:

- :mod:`.detect` splits post bodies into sentence-like units (linear time) and keeps
  those that ask or express a confusion, with or without a question mark.
- :mod:`.embed` turns units into unit vectors (their content, without the framing).
- :mod:`.group` clusters the vectors so that paraphrases fall together, choosing the
  cut per activity; memory stays bounded on large activities.
- :mod:`.label` describes a group: a wording a teacher can say aloud, plus key words.
- :mod:`.corrections` keeps the teacher's corrections (merge, move, rename, dismiss,
  add, undo), which win over any later computation.
- :mod:`.metric` ranks the groups per activity: :func:`question_groups` is the public
  entry that the brief, the dashboards and ``asyncmon metrics`` use.

Nothing is downloaded at run time. ``benchmarks/question_grouping.py`` measures detection
and grouping on development data and, separately, on a blind evaluation corpus.
"""

from ..thresholds import GROUPING_THRESHOLDS
from .corrections import (
    add_post,
    dismiss_unit,
    merge_groups,
    move_units,
    rename_group,
    undo_correction,
)
from .detect import detect_cue, question_units, split_units
from .embed import available_methods, default_method, embed_texts, question_content
from .group import group_questions
from .label import label_group, representative, say_aloud
from .metric import concept_counts, question_groups

__all__ = [
    "GROUPING_THRESHOLDS",
    "add_post",
    "dismiss_unit",
    "merge_groups",
    "move_units",
    "rename_group",
    "say_aloud",
    "undo_correction",
    "available_methods",
    "concept_counts",
    "default_method",
    "detect_cue",
    "embed_texts",
    "group_questions",
    "label_group",
    "question_content",
    "question_groups",
    "question_units",
    "representative",
    "split_units",
]
