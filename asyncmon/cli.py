"""The ``asyncmon`` command line: import, validate, show, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ._times import DATE_ORDERS
from .brief import pre_class_brief
from .engine import ENGINES
from .errors import AsyncmonError
from .metrics import metrics_document
from .sources import FORMATS
from .sources.importing import import_sources
from .store import Workspace

_WORKSPACE_HELP = "the workspace folder (made by asyncmon import)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncmon",
        description="Read a class's discussion-board exports and get ready for the next class.",
    )
    parser.add_argument("--version", action="version", version=f"asyncmon {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, help_text in (
        ("import", "import exports into a workspace and print the import report"),
        ("validate", "read exports and print the import report without writing anything"),
    ):
        cmd = commands.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="Moodle CSV/JSON, Canvas full-view JSON, template posts.csv / "
            "reactions.csv (people.csv and activities.csv are recognised too)",
        )
        cmd.add_argument(
            "--workspace",
            metavar="DIR",
            required=(name == "import"),
            help=(
                "the workspace folder (created if missing)"
                if name == "import"
                else "an existing workspace whose roster and schedule the files may use"
            ),
        )
        cmd.add_argument(
            "--people", metavar="FILE", help="roster: course_id, person_id, name, role"
        )
        cmd.add_argument(
            "--activities",
            metavar="FILE",
            help="schedule: course_id, activity_id, title, due_at, class_starts_at, timezone",
        )
        cmd.add_argument("--course", metavar="ID", help="course of an LMS export")
        cmd.add_argument(
            "--activity",
            metavar="ID",
            help="activity of an LMS export (a forum or topic is one activity)",
        )
        cmd.add_argument(
            "--format", choices=FORMATS, help="force the format instead of detecting it"
        )
        cmd.add_argument(
            "--exported-by",
            metavar="PERSON_ID",
            help="who took a Canvas export (their own likes are in it)",
        )
        cmd.add_argument(
            "--exported-at",
            metavar="TIME",
            type=_instant,
            help="when the export was taken, ISO 8601 (default: now)",
        )
        cmd.add_argument(
            "--date-order",
            choices=DATE_ORDERS,
            help="read dates such as 03/02/2025 day first (dmy) or month first (mdy); "
            "by default each file's own dates decide (16/02/2025 can only be day first)",
        )
        cmd.add_argument("--json", action="store_true", help="print the report as JSON")

    metrics = commands.add_parser(
        "metrics", help="participation, coverage, question groups and verdicts of a workspace"
    )
    where = metrics.add_mutually_exclusive_group(required=True)
    where.add_argument("--workspace", metavar="DIR", help=_WORKSPACE_HELP)
    where.add_argument(
        "--data",
        metavar="DIR",
        help="a folder of canonical Parquet tables (asyncmon export --format parquet)",
    )
    metrics.add_argument("--course", metavar="ID", help="only this course")
    metrics.add_argument("--activity", metavar="ID", help="only this activity")
    metrics.add_argument(
        "--as-of",
        metavar="TIME",
        type=_instant,
        help="count acknowledgement up to this moment (default: class start)",
    )
    metrics.add_argument(
        "--engine",
        choices=ENGINES,
        default="pandas",
        help="where the core computation runs (same results)",
    )
    metrics.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine pyspark: the Spark master (default local[2]; e.g. spark://host:7077)",
    )
    metrics.add_argument(
        "--method",
        default="auto",
        help="question grouping method: auto, minilm, wordllama or tfidf",
    )
    shape = metrics.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print one JSON document")
    shape.add_argument(
        "--out",
        metavar="DIR",
        help="write participation.parquet and activities.parquet in this folder (no "
        "question grouping: it reads every text)",
    )

    brief = commands.add_parser("brief", help="print the pre-class brief of one activity")
    brief.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    brief.add_argument("--course", metavar="ID", required=True, help="the course")
    brief.add_argument(
        "--activity", metavar="ID", required=True, help="the activity whose class is next"
    )
    brief.add_argument(
        "--as-of",
        metavar="TIME",
        type=_instant,
        help="figures as of this moment (default: class start)",
    )
    shape = brief.add_mutually_exclusive_group()
    shape.add_argument("--html", action="store_true", help="HTML instead of Markdown")
    shape.add_argument(
        "--for-students",
        action="store_true",
        help="the post to paste into the forum for the students (plain text, names no one)",
    )

    show = commands.add_parser("show", help="print what a workspace holds")
    show.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)

    dashboard = commands.add_parser(
        "dashboard", help="serve the pre-class dashboard of a workspace (Voila)"
    )
    dashboard.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    dashboard.add_argument(
        "--port", type=_port, default=8866, help="local port (default 8866); fails if taken"
    )
    dashboard.add_argument(
        "--now", metavar="TIME", type=_instant, help="look from this moment (replays; default: now)"
    )
    dashboard.add_argument(
        "--no-preheat", action="store_true", help="do not keep a kernel ready for the next visitor"
    )
    _server_options(dashboard)

    coordinator = commands.add_parser(
        "coordinator", help="serve the coordinator dashboard (students pseudonymised)"
    )
    coordinator.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    coordinator.add_argument(
        "--port", type=_port, default=8867, help="local port (default 8867); fails if taken"
    )
    coordinator.add_argument(
        "--show-names", action="store_true", help="show students' names instead of pseudonyms"
    )
    _server_options(coordinator)

    publish = commands.add_parser(
        "publish", help="write the coordinator view as one self-contained HTML file"
    )
    publish.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    publish.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="the HTML file to write (its folder must exist)",
    )
    publish.add_argument(
        "--show-names", action="store_true", help="show students' names instead of pseudonyms"
    )

    export = commands.add_parser(
        "export",
        help="write the class's tables as a spreadsheet (.xlsx), a folder of CSV files, or "
        "its canonical tables as Parquet",
    )
    export.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    export.add_argument(
        "--out",
        metavar="PATH",
        required=True,
        help="a workbook such as class.xlsx (one sheet per table), or a folder ending in / "
        "(or an existing one) for one CSV file per table",
    )
    export.add_argument(
        "--format",
        choices=("xlsx", "csv", "parquet"),
        help="default: csv for a folder, xlsx otherwise; parquet writes the canonical tables "
        "as stored (names, ids and texts) into the folder --out",
    )
    export.add_argument(
        "--show-names", action="store_true", help="show students' names instead of pseudonyms"
    )
    export.add_argument(
        "--as-of",
        metavar="TIME",
        type=_instant,
        help="count acknowledgement up to this moment (default: class start)",
    )

    lab = commands.add_parser(
        "lab", help="open JupyterLab on a workspace, to explore the class in notebooks"
    )
    lab.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    lab.add_argument(
        "--notebooks",
        metavar="DIR",
        help="the folder of your notebooks, JupyterLab's root (default: DIR/notebooks, "
        "where the tour and the two dashboards are put when missing)",
    )
    lab.add_argument(
        "--port", type=_port, default=8888, help="local port (default 8888); fails if taken"
    )

    notebook = commands.add_parser(
        "notebook", help="write the exploration tour as a notebook bound to a workspace"
    )
    notebook.add_argument("--workspace", metavar="DIR", required=True, help=_WORKSPACE_HELP)
    notebook.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="the notebook to write, e.g. my_class.ipynb (never overwritten)",
    )

    demo = commands.add_parser(
        "demo", help="import the bundled sample class into a fresh workspace and serve it"
    )
    demo.add_argument(
        "--workspace",
        metavar="DIR",
        help="where to create the workspace (default: a new temporary folder)",
    )
    demo.add_argument(
        "--port", type=_port, default=8866, help="local port (default 8866); fails if taken"
    )
    demo.add_argument(
        "--no-serve", action="store_true", help="only import and print what the workspace holds"
    )
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("asyncmon")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "(not installed)"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use a number from 1 to 65535")
    return port


def _server_options(server: argparse.ArgumentParser) -> None:
    """The options both dashboards' servers take."""
    server.add_argument(
        "--max-pages",
        type=_pages,
        default=4,
        help="most kernels alive at once, the one kept ready included (default 4)",
    )
    server.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        type=_host,
        default=[],
        help="a host name to answer to besides localhost (the name a login proxy in front "
        "forwards); repeatable",
    )


def _pages(text: str) -> int:
    try:
        pages = int(text)
    except ValueError:
        pages = 0
    if not 1 <= pages <= 200:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of pages; use a whole number from 1 to 200 (each page "
            "open at once is a Python process of 150-400 MB)"
        )
    return pages


def _host(text: str) -> str:
    from .serving import check_host_name

    try:
        return check_host_name(text)
    except AsyncmonError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2025-02-04T14:15:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs an offset or Z (e.g. 2025-02-04T14:15Z)")
    return moment.astimezone(UTC)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 when something was imported (or shown), 1 when nothing could be imported, 2 for an
    error that stops the command (its message says what to do).
    """
    from .progress import show_progress

    args = _parser().parse_args(argv)
    show_progress(True)  # bars on standard error, only when it is a terminal
    try:
        return _run(args)
    except BrokenPipeError:  # `asyncmon show | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes
        return 0
    finally:
        show_progress(False)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command in ("import", "validate"):
            return _import(args)
        if args.command == "metrics":
            return _metrics(args)
        if args.command == "brief":
            return _brief(args)
        if args.command == "show":
            print(_show(Workspace(args.workspace, create=False)))
            return 0
        if args.command == "dashboard":
            return _serve(
                _with_class(args.workspace),
                port=args.port,
                now=args.now,
                preheat=not args.no_preheat,
                max_kernels=args.max_pages,
                allowed_hosts=args.allow_host,
            )
        if args.command == "coordinator":
            return _serve(
                _with_class(args.workspace),
                port=args.port,
                notebook="coordinator_dashboard",
                show_names=args.show_names,
                max_kernels=args.max_pages,
                allowed_hosts=args.allow_host,
            )
        if args.command == "publish":
            return _publish(args)
        if args.command == "export":
            return _export(args)
        if args.command == "demo":
            return _demo(args)
        if args.command == "lab":
            return _lab(args)
        if args.command == "notebook":
            from .lab import write_exploration_notebook

            out = write_exploration_notebook(_with_class(args.workspace).path, args.out)
            print(f"Wrote {out}: open it in JupyterLab (asyncmon lab) and run it top to bottom.")
            return 0
    except AsyncmonError as exc:
        print(f"asyncmon: {exc}", file=sys.stderr)
        return 2
    return 2


def _with_class(folder) -> Workspace:
    """The workspace at ``folder``, which must hold a class (a schedule at least)."""
    workspace = Workspace(folder, create=False)
    if not workspace.holds_class():
        raise AsyncmonError(
            f"{folder} holds no class yet: no schedule was imported (a first import may have "
            "failed). Import one: asyncmon import POSTS --people people.csv --activities "
            f"activities.csv --workspace {folder}",
            code="ASYNC-E205",
        )
    return workspace


def _load(args: argparse.Namespace):
    data = _with_class(args.workspace).load()
    _check_chosen(args, data.courses, data.activities, "the workspace")
    return data if args.course is None else data.for_course(args.course)


def _check_chosen(args: argparse.Namespace, courses, activities, where: str) -> None:
    """The course and activity asked for (if any) are among those ``where`` holds."""
    if args.course is not None:
        if args.course not in set(courses["course_id"]):
            raise AsyncmonError(
                f"course {args.course} is not in {where}; courses: "
                f"{', '.join(sorted(courses['course_id']))}",
                code="ASYNC-E206",
            )
        activities = activities[activities["course_id"] == args.course]
    if args.activity is not None and args.activity not in set(activities["activity_id"]):
        raise AsyncmonError(
            f"activity {args.activity} is not in {where}; activities: "
            f"{', '.join(sorted(set(activities['activity_id'])))}",
            code="ASYNC-E207",
        )


def _metrics(args: argparse.Namespace) -> int:
    if args.engine == "pyspark":
        from .spark import DEFAULT_MASTER, session

        session(master=args.spark_master or DEFAULT_MASTER)
    elif args.spark_master is not None:
        raise AsyncmonError("--spark-master goes with --engine pyspark", code="ASYNC-E011")
    if args.data is not None and not args.json or args.out is not None:
        return _metric_tables(args)
    if args.data is not None:  # --json: the whole document, texts read (small data)
        from .parquet import load_parquet

        data = load_parquet(args.data)
        _check_chosen(args, data.courses, data.activities, args.data)
        data = data if args.course is None else data.for_course(args.course)
    else:
        data = _load(args)
    document = metrics_document(
        data, activity_id=args.activity, as_of=args.as_of, engine=args.engine, method=args.method
    )
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    _print_activities(document["activities"])
    for g in document["question_groups"]:
        if g["rank"] == 1:
            hint = f" [key words: {g['keywords']}]" if g["keywords"] else ""
            print(
                f"{g['course_id']} {g['activity_id']}: main gap candidate "
                f'"{g["label"]}" ({g["students"]} students){hint}'
            )
    return 0


def _metric_tables(args: argparse.Namespace) -> int:
    """``metrics --out`` (or ``--data`` alone): the participation and activities tables,
    from a Parquet folder scanned by the engine, or from a workspace."""
    from .parquet import load_parquet, metric_tables, parquet_metrics, write_metric_tables

    if args.data is not None:
        known = load_parquet(args.data, tables=("courses", "activities"))
        _check_chosen(args, known.courses, known.activities, args.data)
        if args.engine == "pyspark" and args.out is not None:
            return _spark_metric_tables(args)
        tables = parquet_metrics(
            args.data, engine=args.engine, as_of=args.as_of, course_id=args.course
        )
    else:
        tables = metric_tables(_load(args), engine=args.engine, as_of=args.as_of)
    if args.activity is not None:
        tables = {name: t[t["activity_id"] == args.activity] for name, t in tables.items()}
    if args.out is None:
        activities = tables["activities"]
        _print_activities(
            activities.astype(object).where(activities.notna(), None).to_dict("records")
        )
        return 0
    files = write_metric_tables(tables, args.out)
    print(f"Wrote {len(files)} Parquet files in {args.out}:")
    print("\n".join(f"  {path.name}: {len(tables[path.stem])} rows" for path in files))
    return 0


def _spark_metric_tables(args: argparse.Namespace) -> int:
    """``metrics --data DIR --engine pyspark --out OUT``: written by Spark itself, nothing
    of the tables' size collected to this process."""
    from .parquet import SMALL_TABLES, load_parquet
    from .spark import write_spark_metric_tables

    small = load_parquet(args.data, course_id=args.course, tables=SMALL_TABLES)
    rows = write_spark_metric_tables(
        args.data,
        small,
        args.out,
        as_of=args.as_of,
        course_id=args.course,
        activity_id=args.activity,
    )
    print(f"Wrote {len(rows)} Parquet datasets (folders of parts, by Spark) in {args.out}:")
    print("\n".join(f"  {name}.parquet/: {n} rows" for name, n in rows.items()))
    return 0


def _print_activities(activities) -> None:
    for a in activities:
        cov = a["coverage_before_class"]
        coverage = "—" if cov is None else f"{cov:.0%}"
        print(
            f"{a['course_id']} {a['activity_id']:<5} took part {a['participating']:>3}/"
            f"{a['students']:<3} acknowledged before class {a['acknowledged_before_class']:>3}"
            f" ({coverage:>4})  planning {a['planning_hours']:.0f} h  {a['verdict']}"
        )


def _brief(args: argparse.Namespace) -> int:
    data = _load(args)
    if args.for_students:
        from .followup import student_post
        from .snapshot import known_at

        known = known_at(data, args.as_of) if args.as_of else data
        print(student_post(known, args.course, args.activity), end="")
        return 0
    brief = pre_class_brief(data, args.course, args.activity, as_of=args.as_of)
    print(brief.to_html() if args.html else brief.to_markdown(), end="")
    return 0


def _import(args: argparse.Namespace) -> int:
    options = dict(
        people=args.people,
        activities=args.activities,
        course_id=args.course,
        activity_id=args.activity,
        format=args.format,
        exported_by=args.exported_by,
        exported_at=args.exported_at,
        date_order=args.date_order,
    )
    if args.command == "import":
        result = Workspace(args.workspace).import_sources(args.files, **options)
    else:
        if args.workspace:  # checked against what the workspace holds; nothing stored
            options |= Workspace(args.workspace, create=False).import_context()
        result = import_sources(args.files, **options)
    print(result.report.to_json() if args.json else result.report.to_text())
    activity_rows = sum(
        s.kept for s in result.report.sources if s.format not in ("people", "activities")
    )
    return (
        0
        if activity_rows
        or not any(s.format not in ("people", "activities") for s in result.report.sources)
        else 1
    )


def _show(workspace: Workspace) -> str:
    from .formatting import course_label, local_time

    data = workspace.load()
    summary = data.summary()
    if summary.empty:
        return f"{workspace.path}: empty workspace"
    lines = [f"Workspace {workspace.path}"]
    lines.append(summary.to_string(index=False, na_rep=""))
    live = data.posts[~data.posts["deleted"]]
    counts = live.groupby(["course_id", "activity_id"]).size().to_dict()
    for course in data.courses.itertuples(index=False):
        acts = data.activities[data.activities["course_id"] == course.course_id]
        lines.append(
            f"\n{course_label(course.course_id, course.title)} ({course.timezone}): "
            f"{len(acts)} activities"
        )
        for a in acts.itertuples(index=False):
            due = local_time(a.due_at, course.timezone)
            start = local_time(a.class_starts_at, course.timezone)
            lines.append(
                f"  {a.activity_id:<6} due {due}, class {start}: "
                f"{counts.get((course.course_id, a.activity_id), 0)} posts  {a.title}"
            )
    return "\n".join(lines)


#: The sample term replayed by the demo: Monday evening before BIO101's week-4 class.
DEMO_NOW = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)


def _serve(
    workspace: Workspace,
    *,
    port: int,
    now: datetime | None = None,
    preheat: bool = True,
    notebook: str = "pre_class_dashboard",
    show_names: bool = False,
    max_kernels: int = 4,
    allowed_hosts: Sequence[str] = (),
) -> int:
    """Run Voila until it stops, or until this process is told to stop (SIGTERM, Ctrl-C):
    then Voila is stopped with SIGTERM, which shuts every kernel down."""
    from .coordinator import SHOW_NAMES_VARIABLE
    from .serving import NOW_VARIABLE, WORKSPACE_VARIABLE, notebook_path, voila_command

    env = dict(os.environ)
    env[WORKSPACE_VARIABLE] = str(workspace.path.resolve())
    if now is not None:
        env[NOW_VARIABLE] = now.isoformat()
    if show_names:
        env[SHOW_NAMES_VARIABLE] = "1"
    command = voila_command(
        notebook_path(notebook),
        port=port,
        preheat=preheat,
        max_kernels=max_kernels,
        allowed_hosts=allowed_hosts,
    )
    what = "pre-class" if notebook == "pre_class_dashboard" else "coordinator"
    print(
        f"Serving the {what} dashboard of {workspace.path} at http://127.0.0.1:{port}/ "
        "(Ctrl-C stops it)",
        flush=True,
    )
    return _supervise(command, env)


def _supervise(command: list[str], env: dict[str, str]) -> int:
    """Run a server until it stops, or until this process is told to stop (SIGTERM,
    Ctrl-C): then the server is stopped with SIGTERM, which shuts every kernel down."""
    import signal
    import subprocess

    server = subprocess.Popen(command, env=env)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGTERM)  # the server shuts its kernels down, then exits
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print("Stopped.", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _lab(args: argparse.Namespace) -> int:
    from .lab import lab_command, new_token, write_lab_notebooks
    from .serving import WORKSPACE_VARIABLE

    workspace = _with_class(args.workspace)
    folder = Path(args.notebooks) if args.notebooks else workspace.path / "notebooks"
    if not args.notebooks:  # the tour and the dashboards, in a folder of the workspace
        folder.mkdir(mode=0o700, exist_ok=True)
        write_lab_notebooks(workspace.path, folder)
    if not folder.is_dir():
        raise AsyncmonError(
            f"the folder {folder} does not exist; create it or leave --notebooks out",
            code="ASYNC-E215",
        )
    token = new_token()
    env = dict(os.environ, **{WORKSPACE_VARIABLE: str(workspace.path.resolve())})
    print(
        f"JupyterLab on the class of {workspace.path}, notebooks in {folder}:\n"
        f"  http://127.0.0.1:{args.port}/lab?token={token}\n"
        "(open that address; Ctrl-C stops it)",
        flush=True,
    )
    layouts = workspace.path.resolve() / "lab-layouts"  # the tabs Lab reopens, per class
    command = lab_command(folder.resolve(), port=args.port, token=token, layouts=layouts)
    return _supervise(command, env)


def _publish(args: argparse.Namespace) -> int:
    from ._paths import output_file
    from .coordinator import publish_html

    out = output_file(args.out, example="courses.html")
    page = publish_html(_with_class(args.workspace), show_names=args.show_names)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise AsyncmonError(f"cannot write {out}: {exc.strerror}", code="ASYNC-E216") from None
    print(
        f"Wrote {args.out} ({len(page) / 1e6:.1f} MB; students "
        f"{'by name' if args.show_names else 'pseudonymised'}); it opens from disk, "
        "with no server and no network."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from ._paths import output_folder
    from .export import export_tables, write_csv_folder, write_xlsx, xlsx_path
    from .pseudonyms import Pseudonymizer, workspace_secret

    workspace = _with_class(args.workspace)
    if args.format == "parquet":
        return _export_parquet(workspace, args)
    as_csv = args.format == "csv" or (
        args.format is None and (args.out.endswith(("/", os.sep)) or Path(args.out).is_dir())
    )
    if as_csv:  # a wrong path fails before the class is read
        output_folder(args.out)
    else:
        xlsx_path(args.out)
    pseudonyms = None if args.show_names else Pseudonymizer(workspace_secret(workspace.path))
    tables = export_tables(
        workspace.load(), show_names=args.show_names, pseudonyms=pseudonyms, as_of=args.as_of
    )
    rows = {name: len(frame) for name, frame in tables.items()}
    if as_csv:
        files = write_csv_folder(tables, args.out)
        print(f"Wrote {len(files)} CSV files (UTF-8) in {args.out}:")
        lines = [f"  {path.name}: {rows[path.stem]} rows" for path in files]
    else:
        write_xlsx(tables, args.out)
        print(f"Wrote {args.out}, one sheet per table:")
        lines = [f"  {name}: {n} rows" for name, n in rows.items()]
    print("\n".join(lines))
    print(
        f"Students {'by name' if args.show_names else 'pseudonymised'}; times on each "
        "course's clock (its zone in the timezone column); text that a spreadsheet would "
        "run as a formula starts with an apostrophe."
    )
    return 0


def _export_parquet(workspace: Workspace, args: argparse.Namespace) -> int:
    """The canonical tables as stored, for the institution's own pipeline: the students'
    names, ids and words are kept (pseudonyms are for what leaves it, as spreadsheets)."""
    from .parquet import write_parquet

    if args.show_names or args.as_of is not None:
        print(
            "asyncmon: --show-names and --as-of shape spreadsheets; Parquet holds the "
            "canonical tables as stored (names and ids kept): leave them out",
            file=sys.stderr,
        )
        return 2
    files = write_parquet(workspace.load(), args.out)
    posts = sum(1 for f in files if f.parent.parent.name == "posts")
    print(
        f"Wrote the canonical tables as Parquet in {args.out}: {len(files) - posts} table "
        f"files and posts/ (one folder per course, {posts} in all). Names, ids and post "
        "texts are kept as stored: keep the folder as private as the workspace."
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    folder = args.workspace
    from .datasets import sample_import_options

    target = folder or tempfile.mkdtemp(prefix="asyncmon-demo-")
    workspace = Workspace(target)
    options = sample_import_options()
    result = workspace.import_sources(options.pop("files"), **options)
    print("Imported the bundled sample class:\n")
    print(result.report.to_text(limit=5))
    print()
    print(_show(workspace))
    if args.no_serve:
        print(f"\nNext: asyncmon dashboard --workspace {target}")
        return 0
    print(f"\nReplaying {DEMO_NOW:%A %d %B %Y %H:%M} UTC, the evening before a class.")
    return _serve(workspace, port=args.port, now=DEMO_NOW, preheat=True)


if __name__ == "__main__":
    raise SystemExit(main())
