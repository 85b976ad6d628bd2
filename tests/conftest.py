"""Shared fixtures: a tiny hand-made class (roster and schedule) that tests import against.

Course C1 (Europe/Amsterdam): students 11, 12, 13; teacher 91; assistant 92.
Activity a1 due 2025-03-29 23:59 local (22:59Z, CET +1), class 2025-03-31 09:00 local
(07:00Z, CEST +2: the clocks went forward on 30 March in between).
"""

import os

import pytest
from hypothesis import settings

PEOPLE = b"""course_id,person_id,name,role
C1,11,Ana Silva,student
C1,12,Zo\xc3\xab Brandt,student
C1,13,Omar Haddad,student
C1,91,Dr. Ines Moreau,teacher
C1,92,Tom Berg,assistant
"""

ACTIVITIES = b"""course_id,activity_id,title,due_at,class_starts_at,timezone,course_title,concepts
C1,a1,Week 1,2025-03-29 23:59,2025-03-31 09:00,Europe/Amsterdam,Cell Biology,osmosis; diffusion
C1,a2,Week 2,2025-04-05 23:59,2025-04-07 09:00,Europe/Amsterdam,Cell Biology,
"""


@pytest.fixture
def roster():
    """Keyword arguments giving the tiny class's roster and schedule to an import."""
    return {"people": ("people.csv", PEOPLE), "activities": ("activities.csv", ACTIVITIES)}


@pytest.fixture
def workspace(tmp_path):
    """A new workspace holding the sample class, as `asyncmon demo` imports it."""
    from asyncmon import Workspace
    from asyncmon.datasets import sample_import_options

    options = sample_import_options()
    ws = Workspace(tmp_path)
    ws.import_sources(options.pop("files"), **options)
    return ws


@pytest.fixture(scope="session")
def other(tmp_path_factory):
    """The class that is not the sample (tests/other_class.py), loaded from its workspace."""
    from asyncmon import Workspace

    from .other_class import import_other_class

    folder = tmp_path_factory.mktemp("other") / "ws"
    import_other_class(folder)
    return Workspace(folder, create=False).load()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright (skips, or fails under CI, without one)."""
    from .browser import ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


# Generated examples: random locally (to find new failures), the same on every CI run (so a
# run on main never fails on an example nobody has seen; a failure found locally is kept
# in .hypothesis/ and replayed until fixed).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
