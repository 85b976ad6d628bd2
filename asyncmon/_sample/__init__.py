"""Deterministic, realistic sample class for asyncmon.

The sample class has three courses in three time zones, seven weekly discussion
activities each, and the habits a teacher would recognise: early posters get
long comments, later posters get a thumbs-up or nothing, one student is never
acknowledged, one stops posting, and a few questions keep coming back in other
words. Every such fact is planned first and then written, so the generator can
report exactly what it planted (``planted.json`` and ``README.md``) without
reading its own files back.

Files written by :func:`write_sample_class`:

- the product's CSV template for all courses: ``people.csv``,
  ``activities.csv``, ``posts.csv``, ``reactions.csv``;
- Moodle forum exports of every activity of ``BIO101``
  (``moodle/BIO101_w1.csv`` and ``.json``, ...);
- a Canvas discussion "full view" of ``HIS210`` activity ``w3``
  (``canvas/HIS210_w3.json``);
- ``planted.json`` and ``README.md`` describing what was planted.

The plan is made in ``plan`` (with ``rosters``, ``activity``, ``staff``, ``timing`` and
``compose``) from the texts in ``data/*.toml`` (names, sentence frames and each
course's weekly topics, read by ``topics``); ``template``, ``moodle``, ``canvas``,
``facts`` and ``readme`` write it. The same seed always gives byte-identical files.

Run ``python -m asyncmon._sample [DIRECTORY]`` to regenerate the bundled sample
(default: the repository's ``sample_data/``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..datasets import SAMPLE_SEED
from .canvas import _write_canvas
from .facts import _planted_facts
from .moodle import _write_moodle
from .plan import _build_plan
from .readme import _readme
from .template import _write_template, _write_text

__all__ = ["SAMPLE_SEED", "write_sample_class"]


def write_sample_class(directory: str | Path, *, seed: int = SAMPLE_SEED) -> dict:
    """Write the sample class and return the facts planted in it.

    Parameters
    ----------
    directory : str or Path
        Folder to write into; created if needed. Existing files of the same
        names are overwritten, other files are left alone.
    seed : int, default SAMPLE_SEED
        Seed of the random generator. The same seed always gives byte-identical
        files; the bundled ``sample_data/`` uses :data:`SAMPLE_SEED`.

    Returns
    -------
    dict
        The planted facts, also written as ``planted.json``. Keys:

        - ``seed``: the seed used.
        - ``files``: written files by kind (``template``, ``moodle``,
          ``canvas``, ``docs``), relative to ``directory``.
        - ``courses``: per course ``course_id``, ``title``, ``timezone``,
          ``teachers``, ``assistants``, ``student_ids``,
          ``never_acknowledged_student``, ``repeat_absentee`` (and the
          activities missed), ``two_time_absentee``, ``shared_student_ids``.
        - ``activities``: per activity the due and class times (local and UTC),
          the planning window in hours, students per status (``students_on_time``,
          ``students_late``, ``students_after_class``, ``students_missing``),
          ``posts`` (non-deleted rows in posts.csv), ``deleted_post_ids``,
          ``staff_acknowledged_students_before_class`` (replied to or reacted to
          by staff before class start), ``..._after_class_only``,
          ``..._unknown_time_only``, every acknowledgement with its kind and
          time, and staff replies dated after class.
        - ``question_groups``: per planted recurring question its course,
          activity, ``key``, ``label``, ``canonical_question``, whether and
          when the teacher answered it, and each occurrence (``post_id``,
          ``student_id``, exact ``sentence``).
        - ``one_off_questions``: questions that belong to no group.
        - ``moodle``: ``course_id`` and ``files`` of the Moodle exports.
        - ``canvas``: the Canvas file, ``exporting_teacher_id``,
          ``fake_student_id``, ``fake_student_entry_ids``,
          ``duplicate_entry_ids``, ``new_only_entry_ids``,
          ``liked_entry_ids`` and more.
        - ``edge_cases``: ``edited_post_ids``, ``non_roster_author_post_ids``,
          ``unknown_time_reactions``, ``private_replies``, ``deleted_posts``,
          ``posted_exactly_at_due``, ``staff_thread_starters``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     facts = write_sample_class(folder)
    >>> [course["course_id"] for course in facts["courses"]]
    ['BIO101', 'HIS210', 'ENG150']
    >>> facts["canvas"]["file"]
    'canvas/HIS210_w3.json'
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    plan = _build_plan(seed)
    assert plan.canvas is not None
    files = {
        "template": _write_template(root, plan),
        "moodle": _write_moodle(root, plan),
        "canvas": [_write_canvas(root, plan)],
        "docs": ["README.md", "planted.json"],
    }
    facts = _planted_facts(plan, files)
    text = json.dumps(facts, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    _write_text(root / "planted.json", text)
    _write_text(root / "README.md", _readme(plan, facts))
    return facts
