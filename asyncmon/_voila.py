"""Voila, started the product's way: ``python -m asyncmon._voila NOTEBOOK [options]``.

Voila finds page templates only in the Jupyter data folders, so the product's own template
(``asyncmon/jupyter/voila/templates/asyncmon``: Voila's lab page with nothing fetched from
outside) is put first on ``JUPYTER_PATH`` before Voila starts.

``--asyncmon-allow-host=NAME`` (repeatable) adds a host name the server answers to besides
localhost and loopback addresses (the name a reverse proxy forwards, see the README); the
others are Voila's own command line (see :func:`asyncmon.serving.voila_command`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The folder holding ``voila/templates/asyncmon``.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "jupyter"


ALLOW_HOST = "--asyncmon-allow-host="


def main(argv: list[str] | None = None) -> None:
    """Start Voila with the product's template folder first on ``JUPYTER_PATH``, answering
    to the host names given with ``--asyncmon-allow-host=`` too."""
    args = sys.argv[1:] if argv is None else argv
    hosts = [a.removeprefix(ALLOW_HOST) for a in args if a.startswith(ALLOW_HOST)]
    others = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATE_ROOT), others]))
    from voila.app import Voila

    app = Voila.instance()
    app.initialize([a for a in args if not a.startswith(ALLOW_HOST)])
    if hosts:
        # read by the server's Host check (remote access is off in voila_config/voila.json)
        settings = dict(app.tornado_settings)
        settings["local_hostnames"] = [*settings.get("local_hostnames", ["localhost"]), *hosts]
        app.tornado_settings = settings
    app.start()


if __name__ == "__main__":
    main()
