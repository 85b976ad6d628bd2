"""asyncmon: get a teacher ready for the next class from discussion-board activity.

Read a class's exports (Moodle, Canvas or the product's CSV template) into canonical
tables, keep them in a workspace, and compute participation, acknowledgement coverage,
recurring questions and who replies to whom.
"""

from .coverage import (
    acknowledgement_queue,
    acknowledgement_spread,
    acknowledgements,
    coverage,
    unacknowledged_students,
)
from .datasets import load_sample, sample_data_dir
from .errors import (
    AsyncmonError,
    InvalidTableError,
    PlanChangedError,
    SourceFileError,
    WorkspaceError,
)
from .explore import (
    acknowledgement_and_next_time,
    acknowledgement_speed,
    recurring_concepts,
    repeat_late_posters,
    unanswered_students,
)
from .followup import gap_recurrence, student_post
from .network import interactions, isolated
from .participation import class_rates, participation, repeat_absentees
from .sources.importing import ImportResult, detect_format, import_sources
from .sources.report import ImportReport, Problem, SourceReport, StoreCounts
from .store import Workspace
from .styling import styled
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "AsyncmonError",
    "ClassData",
    "ImportReport",
    "ImportResult",
    "InvalidTableError",
    "PlanChangedError",
    "Problem",
    "SourceFileError",
    "SourceReport",
    "StoreCounts",
    "Thresholds",
    "Workspace",
    "WorkspaceError",
    "unanswered_students",
    "styled",
    "repeat_late_posters",
    "recurring_concepts",
    "acknowledgement_speed",
    "acknowledgement_and_next_time",
    "acknowledgement_queue",
    "acknowledgement_spread",
    "acknowledgements",
    "class_rates",
    "coverage",
    "detect_format",
    "gap_recurrence",
    "import_sources",
    "interactions",
    "isolated",
    "load_sample",
    "participation",
    "repeat_absentees",
    "sample_data_dir",
    "student_post",
    "unacknowledged_students",
]

__version__ = "0.1.0"
