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

from .errors import WorkspaceError

__all__ = ["Pseudonymizer", "workspace_secret"]

SECRET_FILE = "secret.key"


SECRET_BYTES = 32


def workspace_secret(folder: str | Path) -> bytes:
    """The workspace's pseudonym secret, created (32 random bytes, mode 600) if missing.

    The secret is written to a temporary file, flushed to disk, then renamed into place:
    a full disk or a kill leaves no partial key. A key shorter than 32 bytes (left by an
    older version or edited by hand) is refused: with it, pseudonyms could be reversed by
    trying every id.

    Raises
    ------
    WorkspaceError
        The secret cannot be written (say where and why), or the stored one is too short.
    """
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as f:
                f.write(secrets.token_bytes(SECRET_BYTES))
                f.flush()
                os.fsync(f.fileno())
            os.link(temporary, path)  # fails if another process made the key meanwhile
        except FileExistsError:
            pass
        except OSError as exc:
            raise WorkspaceError(
                f"cannot write the pseudonym secret {path}: {exc.strerror}; free some disk "
                "space (or make the workspace writable) and run the command again",
                code="ASYNC-E212",
            ) from None
        finally:
            temporary.unlink(missing_ok=True)
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise WorkspaceError(
            f"the pseudonym secret {path} holds {len(secret)} bytes, fewer than "
            f"{SECRET_BYTES}: pseudonyms made with it could be reversed. Delete the file to "
            "make a new secret (pseudonyms published before will change)",
            code="ASYNC-E213",
        )
    return secret


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
