"""Stable, irreversible pseudonyms for published views.

A student gets the same pseudonym in every view and every export of a workspace: it is
an HMAC of their person id under the workspace's secret (``secret.key`` in the workspace
folder, created on first use, readable by its owner only). Without the secret a
pseudonym cannot be traced back to a person id, and another workspace gives different
pseudonyms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

__all__ = ["Pseudonymizer", "workspace_secret"]

SECRET_FILE = "secret.key"


def workspace_secret(folder: str | Path) -> bytes:
    """The workspace's pseudonym secret, created (32 random bytes, mode 600) if missing."""
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


class Pseudonymizer:
    """Maps person ids to pseudonyms such as ``Student 7KQ2MX``.

    Parameters
    ----------
    secret : bytes
        The workspace secret (:func:`workspace_secret`).

    Examples
    --------
    >>> p = Pseudonymizer(b"0" * 32)
    >>> p("1016") == p("1016") != p("1017")
    True
    >>> p("1016").startswith("Student ")
    True
    """

    def __init__(self, secret: bytes):
        self._secret = secret

    def __call__(self, person_id: str) -> str:
        digest = hmac.new(self._secret, str(person_id).encode(), hashlib.sha256).digest()
        return "Student " + base64.b32encode(digest[:5]).decode("ascii")[:6]

    def people(self, people: pd.DataFrame) -> pd.DataFrame:
        """The people table with every student's name replaced by their pseudonym."""
        out = people.copy()
        students = out["role"] == "student"
        out.loc[students, "name"] = out.loc[students, "person_id"].map(self)
        return out
