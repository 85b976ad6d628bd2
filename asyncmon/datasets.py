"""The bundled sample class: where it is, and how to import it.

The sample class (three courses, seven weekly discussion activities each, with facts
planted on purpose) is written by the private generator ``asyncmon._sample``; see
``sample_data/README.md`` for what is planted there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tables import ClassData

import json
import os
from datetime import datetime
from pathlib import Path

__all__ = ["SAMPLE_SEED", "load_sample", "sample_data_dir", "sample_import_options"]

SAMPLE_SEED = 2025
"""Seed of the bundled sample class."""


def sample_data_dir() -> Path:
    """Folder of the bundled sample class (the repository's ``sample_data/``).

    When the package is installed without its repository (no ``sample_data/`` beside
    it), the same class is generated once into ``~/.cache/asyncmon/sample-<seed>``: the
    generator is deterministic, so it is byte for byte the bundled one.

    Returns
    -------
    Path
        The folder that :func:`asyncmon._sample.write_sample_class` filled with
        :data:`SAMPLE_SEED`; see its ``README.md`` for what is planted there.

    Examples
    --------
    >>> sorted(p.name for p in sample_data_dir().glob("*.csv"))
    ['activities.csv', 'people.csv', 'posts.csv', 'reactions.csv']
    """
    bundled = Path(__file__).resolve().parent.parent / "sample_data"
    if (bundled / "planted.json").exists():
        return bundled
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache / "asyncmon" / f"sample-{SAMPLE_SEED}"
    if not (folder / "planted.json").exists():
        from ._sample import write_sample_class

        write_sample_class(folder)
    return folder


def sample_import_options() -> dict:
    """Arguments that import the bundled sample class from its template files.

    The sample's likes of unknown time come from its Canvas export, so they count as of
    that export (``exported_at``).

    Returns
    -------
    dict
        ``files, people, activities, exported_at`` for :func:`asyncmon.import_sources` or
        :meth:`asyncmon.Workspace.import_sources`.
    """
    folder = sample_data_dir()
    planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    return {
        "files": [folder / "posts.csv", folder / "reactions.csv"],
        "people": folder / "people.csv",
        "activities": folder / "activities.csv",
        "exported_at": datetime.fromisoformat(planted["canvas"]["exported_at"]),
    }


def load_sample() -> ClassData:
    """The bundled sample class as :class:`~asyncmon.ClassData`, imported in memory.

    Examples
    --------
    >>> data = load_sample()
    >>> sorted(data.courses.course_id)
    ['BIO101', 'ENG150', 'HIS210']
    """
    from .sources.importing import import_sources

    options = sample_import_options()
    return import_sources(options.pop("files"), **options).data
