"""The `fakewatch` command. Commands parse and print; the work lives in the stage modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fakewatch import GENERATOR

app = typer.Typer(help="Find, trace and debunk coordinated fake campaigns.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="FAKEWATCH_DB", help="Store URL (SQLAlchemy) or SQLite path; default ./fakewatch.db"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}"),
                    TimeElapsedColumn(), console=err, transient=True)


def engine_for(db: str | None):
    from fakewatch.store import open_store

    return open_store(db)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(GENERATOR)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .zip archives")],
    db: DbOption = None,
    format: Annotated[Optional[str], typer.Option("--format", help="Force a format instead of detecting it")] = None,
    chat: Annotated[Optional[str], typer.Option("--chat", help="Chat name for WhatsApp .txt files")] = None,
    date_order: Annotated[Optional[str], typer.Option("--date-order", help="WhatsApp dates: dmy or mdy")] = None,
    map_: Annotated[Optional[list[str]], typer.Option("--map", help="Table column=field, repeatable")] = None,
) -> None:
    """Read exports into the store. Re-ingesting adds nothing; a malformed file is refused whole."""
    from fakewatch.ingest import ingest as run

    options = {"format": format, "chat": chat, "date_order": date_order,
               "map": dict(m.split("=", 1) for m in map_ or [] if "=" in m)}
    engine = engine_for(db)
    with progress_bar() as bar:
        task = bar.add_task("ingest", total=None)

        def tick(path: str, n: int) -> None:
            bar.update(task, description=escape(Path(path).name), completed=n)

        report = run(engine, paths, options=options, progress=tick)
    for f in report.files:
        state = "already ingested" if f.skipped else f"{f.messages:,} read, {f.added:,} new"
        console.print(f"[green]ok[/] {escape(f.path)} ({f.format}): {state}")
        for note in f.notes:
            console.print(f"   [yellow]note[/] {escape(note)}")
    for e in report.refused:
        err.print(f"[red]refused[/] {escape(str(e))}")
    if report.refused:
        raise typer.Exit(1)


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Messages, chats and accounts in the store, per platform and per day."""
    from fakewatch.store.stats import stats as compute

    data = compute(engine_for(db))
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title="fakewatch store")
    for col in ("platform", "messages", "chats", "accounts"):
        table.add_column(col, justify="right" if col != "platform" else "left")
    for platform, row in sorted(data["platforms"].items()):
        table.add_row(escape(platform), *(f"{row.get(k, 0):,}" for k in ("messages", "chats", "accounts")))
    table.add_row("[b]all[/]", f"{data['messages']:,}", f"{data['chats']:,}", f"{data['accounts']:,}")
    console.print(table)
    if data["days"]:
        days = Table(title="messages per day")
        days.add_column("day")
        days.add_column("messages", justify="right")
        for day, n in data["days"].items():
            days.add_row(str(day), f"{n:,}")
        console.print(days)


@app.command()
def investigate(
    paths: Annotated[list[Path], typer.Argument(help="Exports: files, folders or .zip archives")],
    out: Annotated[Path, typer.Option("--out", help="Folder for findings.json, report.html, CSV and GEXF")],
    db: Annotated[Optional[str], typer.Option("--db", envvar="FAKEWATCH_DB",
                                              help="Store URL or SQLite path; default OUT/fakewatch.db")] = None,
    redact_phones: Annotated[bool, typer.Option("--redact-phones",
                                                help="Mask phone numbers in report.html, CSV and GEXF "
                                                     "(findings.json keeps E.164 for tools)")] = False,
) -> None:
    """Ingest, enrich, detect and assemble campaigns, then write the reports into OUT."""
    from fakewatch.pipeline import InvestigateError, investigate as run, summary

    with progress_bar() as bar:
        tasks: dict[str, int] = {}

        def tick(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(escape(stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            path = run(paths, out, db=db, redact_phones=redact_phones, progress=tick)
        except InvestigateError as exc:
            err.print(f"[red]refused[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    result = summary(path)
    table = Table(title=f"campaigns ({result['candidates']} weaker candidates in findings.json)")
    for col in ("id", "score", "messages", "title"):
        table.add_column(col)
    for code, score, title, n in result["campaigns"]:
        table.add_row(code, f"{score:.2f}", f"{n:,}", escape(title))
    console.print(table)
    console.print(f"[green]wrote[/] {escape(str(out))}: findings.json, report.html, messages.csv, accounts.csv, "
                  "network.gexf")


@app.command()
def demo(db: DbOption = None) -> None:
    """Ingest the bundled example and show what the store holds."""
    from importlib.resources import files

    example = Path(str(files("fakewatch") / "data" / "example"))
    ingest([example], db=db or "demo.db")
    stats(db=db or "demo.db")


@app.command()
def detect(
    db: DbOption = None,
    as_json: JsonOption = False,
    window: Annotated[Optional[int], typer.Option("--window", help="Co-posting time window, seconds")] = None,
    similarity: Annotated[Optional[float], typer.Option("--similarity", help="Near-duplicate Jaccard threshold")] = None,
    min_repetition: Annotated[Optional[int], typer.Option("--min-repetition", help="Least co-posts per edge")] = None,
) -> None:
    """Find near-duplicate and shared-link clusters, coordinated accounts, floods, seeders and waves."""
    from dataclasses import replace

    from fakewatch.detect import DetectParams, run

    given = {"time_window": window, "similarity": similarity, "min_repetition": min_repetition}
    params = replace(DetectParams(), **{k: v for k, v in given.items() if v is not None})
    with progress_bar() as bar:
        task = bar.add_task("detect", total=None)
        report = run(engine_for(db), params=params,
                     progress=lambda step, done, total: bar.update(task, description=escape(step), completed=done))
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"detect: {report.messages:,} messages in {report.seconds:.1f} s")
    table.add_column("found")
    table.add_column("count", justify="right")
    for kind, n in report.clusters.items():
        table.add_row(f"{escape(kind)} clusters", f"{n:,}")
    for label, n in (("coordination edges", report.edges), ("coordinated groups", report.groups),
                     ("coordinated accounts", report.coordinated_accounts), ("cross-posting floods", report.floods),
                     ("waves", report.waves)):
        table.add_row(label, f"{n:,}")
    console.print(table)
    for note in report.notes:
        console.print(f"[yellow]note[/] {escape(note)}")


@app.command()
def clusters(
    db: DbOption = None,
    as_json: JsonOption = False,
    kind: Annotated[Optional[str], typer.Option("--kind", help="text, link, domain, forward or media")] = None,
    min_accounts: Annotated[int, typer.Option("--min-accounts", help="Only clusters with this many authors")] = 1,
    limit: Annotated[int, typer.Option("--limit", help="How many, largest first")] = 50,
) -> None:
    """Content clusters found by `fakewatch detect`, most widely posted first."""
    from fakewatch.detect.query import clusters as list_clusters

    rows = list_clusters(engine_for(db), kind=kind, min_accounts=min_accounts, limit=limit)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="clusters")
    for col in ("id", "kind", "size", "accounts", "chats", "waves", "first seen", "seeder", "content"):
        table.add_column(col, justify="right" if col in ("id", "size", "accounts", "chats", "waves") else "left",
                         no_wrap=True, overflow="ellipsis", max_width=60 if col == "content" else None,
                         min_width={"content": 20, "first seen": 16, "seeder": 12}.get(col, len(col)))
    for r in rows:
        text = r["key"] if r["kind"] != "text" else (r["representative"]["text"] or r["key"])
        table.add_row(str(r["id"]), r["kind"], f"{r['size']:,}", f"{r['accounts']:,}", f"{r['chats']:,}",
                      str(r["waves"]), (r["first_seen"] or "")[:16], escape(r["seeders"][0] if r["seeders"] else ""),
                      escape(" ".join(text.split())[:120]))
    console.print(table)


@app.command()
def accounts(
    db: DbOption = None,
    as_json: JsonOption = False,
    coordinated: Annotated[bool, typer.Option("--coordinated", help="Only accounts in coordinated groups")] = False,
) -> None:
    """Accounts in coordinated groups (`--coordinated`): partners, co-posts, clusters and floods."""
    from fakewatch.detect.query import coordinated_accounts

    if not coordinated:
        err.print("only `fakewatch accounts --coordinated` is available; see `fakewatch stats` for counts")
        raise typer.Exit(2)
    rows = coordinated_accounts(engine_for(db))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"coordinated accounts ({len(rows):,})")
    for col in ("group", "account", "degree", "partners", "co-posts", "clusters", "floods", "first seen"):
        table.add_column(col, justify="left" if col in ("account", "first seen") else "right", no_wrap=True)
    for r in rows:
        table.add_row(str(r["group"]), escape(r["account_id"]), f"{r['degree']:.2f}", str(len(r["partners"])),
                      f"{r['co_posts']:,}", str(len(r["clusters"])), str(r["floods"]), (r["first_seen"] or "")[:16])
    console.print(table)


if __name__ == "__main__":
    app()
