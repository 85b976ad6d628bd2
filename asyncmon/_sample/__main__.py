"""Regenerate the sample class: ``python -m asyncmon._sample [DIRECTORY]``.

The default folder is the repository's ``sample_data/``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..datasets import sample_data_dir
from . import write_sample_class


def _main(argv: Sequence[str]) -> int:
    target = Path(argv[0]) if argv else sample_data_dir()
    facts = write_sample_class(target)
    posts = sum(act["posts"] for act in facts["activities"])
    print(f"wrote the sample class to {target} ({posts} posts)")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
