"""asyncmon: get a teacher ready for the next class from discussion-board activity.

Read a class's exports (Moodle, Canvas or the product's CSV template) into canonical
tables, keep them in a workspace, and compute participation, acknowledgement coverage and
recurring questions.
"""

from .errors import AsyncmonError, InvalidTableError, SourceFileError, WorkspaceError
from .importing import ImportResult, detect_format, import_sources
from .report import ImportReport, Problem, SourceReport, StoreCounts
from .sample import sample_data_dir
from .store import Workspace
from .tables import ClassData

__all__ = [
    "AsyncmonError",
    "ClassData",
    "ImportReport",
    "ImportResult",
    "InvalidTableError",
    "Problem",
    "SourceFileError",
    "SourceReport",
    "StoreCounts",
    "Workspace",
    "WorkspaceError",
    "detect_format",
    "import_sources",
    "sample_data_dir",
]

__version__ = "0.1.0"
