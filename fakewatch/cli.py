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
def demo(db: DbOption = None) -> None:
    """Ingest the bundled example and show what the store holds."""
    from importlib.resources import files

    example = Path(str(files("fakewatch") / "data" / "example"))
    ingest([example], db=db or "demo.db")
    stats(db=db or "demo.db")


if __name__ == "__main__":
    app()
