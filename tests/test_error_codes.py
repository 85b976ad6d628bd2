"""Every failure has its own stable code, carried by the error and its message, listed
in the README: scripts and tests match codes, not English."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from asyncmon import Workspace, import_sources, sample_data_dir
from asyncmon.errors import CODES, AsyncmonError, PlanChangedError, SourceFileError

PACKAGE = Path(__file__).resolve().parent.parent / "asyncmon"
README = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
ERRORS = {"AsyncmonError", "SourceFileError", "WorkspaceError", "InvalidTableError"}


def _raised_codes() -> tuple[list[str], list[str]]:
    """The code of every error the package makes, and the places that make one without."""
    codes, missing = [], []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS:
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
                if code is None:
                    missing.append(f"{path.name}:{node.lineno}")
                else:
                    codes += re.findall(r"ASYNC-E\d{3}", ast.unparse(code))
    return codes, missing


def test_every_error_the_package_makes_names_a_known_code_and_every_code_is_used():
    codes, missing = _raised_codes()
    assert missing == []
    assert set(codes) <= set(CODES)
    assert set(CODES) - set(codes) == {"ASYNC-E211"}  # PlanChangedError sets its own
    assert PlanChangedError("C", "A", None).code == "ASYNC-E211"


def test_every_code_is_in_the_readme_error_table():
    table = README[README.index("### Errors you may meet") :]
    assert [c for c in CODES if f"`{c}`" not in table] == []


def test_an_unknown_code_is_a_bug_not_a_message():
    with pytest.raises(ValueError, match="unknown error code"):
        AsyncmonError("x", code="ASYNC-E999")


def _code(call) -> str:
    with pytest.raises(AsyncmonError) as caught:
        call()
    assert str(caught.value).startswith(caught.value.code + " ")
    assert caught.value.message in str(caught.value)
    return caught.value.code


def test_failures_a_user_meets_carry_their_own_code(tmp_path):
    d = sample_data_dir()
    posts = d / "posts.csv"
    (tmp_path / "latin1.csv").write_bytes("course_id,title\nC1,Caf\xe9\n".encode("latin-1"))
    (tmp_path / "odd.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    roster = {"people": d / "people.csv", "activities": d / "activities.csv"}
    assert _code(lambda: import_sources([tmp_path / "nope.csv"], **roster)) == "ASYNC-E101"
    assert _code(lambda: import_sources([tmp_path / "latin1.csv"], **roster)) == "ASYNC-E102"
    assert _code(lambda: import_sources([tmp_path / "odd.csv"], **roster)) == "ASYNC-E106"
    assert _code(lambda: import_sources([posts], people=d / "people.csv")) == "ASYNC-E111"
    assert _code(lambda: import_sources([posts], activities=d / "activities.csv")) == "ASYNC-E112"
    assert _code(lambda: import_sources([posts], format="xls", **roster)) == "ASYNC-E001"
    assert _code(lambda: import_sources([posts], date_order="ymd", **roster)) == "ASYNC-E002"
    # two unreadable files: one error for the import, each file's own code inside
    both = [tmp_path / "latin1.csv", tmp_path / "odd.csv"]
    with pytest.raises(SourceFileError) as caught:
        import_sources(both, **roster)
    assert caught.value.code == "ASYNC-E110"
    assert "ASYNC-E102" in str(caught.value) and "ASYNC-E106" in str(caught.value)
    assert _code(lambda: Workspace(tmp_path / "none", create=False)) == "ASYNC-E201"
    ws = Workspace(tmp_path / "ws")
    ws.import_sources([posts], **roster)
    kind = lambda: ws.save_plan("BIO101", "w1", followup_kind="Roleplay")  # noqa: E731
    assert _code(kind) == "ASYNC-E209"
    assert _code(lambda: ws.save_plan("BIO101", "w99", gap="x")) == "ASYNC-E207"
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "asyncmon.sqlite").write_bytes(b"not a database" * 100)
    assert _code(lambda: Workspace(tmp_path / "damaged").load()) == "ASYNC-E204"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "--workspace", "{tmp}/missing"], "ASYNC-E201"),
        (["publish", "--workspace", "{ws}", "--out", "{tmp}"], "ASYNC-E214"),
        (["publish", "--workspace", "{ws}", "--out", "{tmp}/no/such/report.html"], "ASYNC-E215"),
        (["brief", "--workspace", "{ws}", "--course", "NOPE", "--activity", "w1"], "ASYNC-E206"),
    ],
)
def test_the_command_line_prints_the_code_first(tmp_path, args, code):
    d = sample_data_dir()
    ws = Workspace(tmp_path / "ws")
    ws.import_sources([], people=d / "people.csv", activities=d / "activities.csv")
    filled = [a.format(tmp=tmp_path, ws=ws.path) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "asyncmon.cli", *filled],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"asyncmon: {code} ") and "Traceback" not in done.stderr
