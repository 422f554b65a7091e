"""The `fakewatch` command. Commands parse and print; the work lives in the stage modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

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


def print_json(data: object) -> None:
    """What every `--json` flag prints: readable UTF-8 JSON on stdout."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


PIPED_WIDTH = 10_000
"""Columns a table may take when stdout is not a terminal: ids and paths are never cut to "7…" in a pipe."""


def print_table(table: Table) -> None:
    """A table at the terminal's width, or unshrunk when piped or redirected (use --json for tools)."""
    if console.is_terminal:
        console.print(table)
    else:
        Console(width=PIPED_WIDTH).print(table)


class Count(ProgressColumn):
    """done/total, or the running count alone while the total is not known yet."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        return Text(f"{done}/{int(task.total):,}" if task.total is not None else done, style="progress.download")


def progress_bar() -> Progress:
    """One line per stage: what it works on, a bar, done/total, time left (once a total is known), time taken."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(), TimeRemainingColumn(),
                    TimeElapsedColumn(), console=err, transient=True)


def engine_for(db: str | None):
    from fakewatch.store import open_store

    return open_store(db)


@app.command()
def version(
    findings: Annotated[Optional[Path], typer.Argument(help="A findings.json: print the version that wrote it")] = None,
) -> None:
    """Print this fakewatch's version, or the one that wrote a findings.json."""
    if findings is None:
        console.print(GENERATOR)
        return
    try:
        written = json.loads(findings.read_text(encoding="utf-8"))["generator"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        err.print(f"[red]refused[/] {escape(str(findings))}: not a findings.json with a generator "
                  f"({escape(type(exc).__name__)}: {escape(str(exc))})")
        raise typer.Exit(1) from exc
    console.print(f"{escape(str(written))} wrote {escape(str(findings))}; this is {GENERATOR}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .zip archives")],
    db: DbOption = None,
    format: Annotated[Optional[str], typer.Option(
        "--format", help="Force a format instead of detecting it: telegram, telegram_api, whatsapp, table, web")] = None,
    chat: Annotated[Optional[str], typer.Option(
        "--chat", help="Chat name for WhatsApp .txt files; chat_id for tables without one")] = None,
    date_order: Annotated[Optional[str], typer.Option(
        "--date-order", help="Dates like 01/02/24: dmy or mdy (WhatsApp also ymd, myd, ...: decided per file from "
                             "its clues when not given)")] = None,
    tz: Annotated[Optional[str], typer.Option(
        "--tz", help="Time zone WhatsApp times were written in, e.g. Asia/Almaty (default: UTC)")] = None,
    map_: Annotated[Optional[list[str]], typer.Option(
        "--map", help="Table column=field (fields: platform, chat_id, message_id, account_id, account_name, "
                      "sent_at, text, url, forwarded_from, reply_to); repeatable")] = None,
    platform: Annotated[Optional[str], typer.Option(
        "--platform", help="Platform for tables without a platform column, e.g. twitter (default: table)")] = None,
    zip_max_ratio: Annotated[Optional[float], typer.Option(
        "--zip-max-ratio", help="Refuse a zip whose member expands more than this many times "
                                "(env FAKEWATCH_ZIP_MAX_RATIO; default 200)")] = None,
    zip_max_bytes: Annotated[Optional[int], typer.Option(
        "--zip-max-bytes", help="Refuse zips that would unpack more than this many bytes in all "
                                "(env FAKEWATCH_ZIP_MAX_BYTES; default 20 GiB)")] = None,
) -> None:
    """Read exports into the store. Re-ingesting adds nothing; a malformed file is refused whole."""
    from fakewatch.ingest import ingest as run

    bad = [m for m in map_ or [] if "=" not in m]
    if bad:
        raise typer.BadParameter(f"expected COLUMN=FIELD, got {bad[0]!r}", param_hint="--map")
    options = {"format": format, "chat": chat, "date_order": date_order, "tz": tz, "platform": platform,
               "map": dict(m.split("=", 1) for m in map_ or []), "zip_max_ratio": zip_max_ratio,
               "zip_max_bytes": zip_max_bytes}
    engine = engine_for(db)
    with progress_bar() as bar:
        task = bar.add_task("ingest", total=None)

        def tick(path: str, n: int) -> None:
            bar.update(task, description=escape(f"ingest · {Path(path).name}"), completed=n)

        report = run(engine, paths, options=options, progress=tick)
    for f in report.files:
        state = "already ingested" if f.skipped else f"{f.messages:,} read, {f.added:,} new"
        console.print(f"[green]ok[/] {escape(f.path)} ({f.format}): {state}")
        for note in f.notes:
            console.print(f"   [yellow]note[/] {escape(note)}")
    for e in report.refused:
        err.print(f"[red]refused[/] {escape(str(e))}")
    print_unrecognised(report.unrecognised)
    if report.refused or (report.unrecognised and not report.files):
        raise typer.Exit(1)


def print_unrecognised(unrecognised: list) -> None:
    """Name every file of a folder or archive that was not read: others one by one, media as a count."""
    for item in unrecognised:
        if not item.media:
            err.print(f"[yellow]skipped[/] {escape(item.path)}: not a format fakewatch reads "
                      "(Telegram JSON, WhatsApp .txt, CSV, JSONL, HTML); pass it alone with --format to force one")
    media = [item for item in unrecognised if item.media]
    if media:
        err.print(f"[yellow]skipped[/] {len(media):,} media files, read only as attachments of the chats that "
                  f"name them: {escape(', '.join(Path(m.path).name for m in media[:5]))}"
                  + (", ..." if len(media) > 5 else ""))


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Messages, chats and accounts in the store, per platform and per day."""
    from fakewatch.store.stats import stats as compute

    data = compute(engine_for(db))
    if as_json:
        print_json(data)
        return
    table = Table(title="fakewatch store")
    columns = ("messages", "content_messages", "chats", "accounts")
    for col in ("platform", "messages", "content (no system lines)", "chats", "accounts"):
        table.add_column(col, justify="right" if col != "platform" else "left")
    for platform, row in sorted(data["platforms"].items()):
        table.add_row(escape(platform), *(f"{row.get(k, 0):,}" for k in columns))
    table.add_row("[b]all[/]", *(f"{data[k]:,}" for k in columns))
    print_table(table)
    if data["days"]:
        days = Table(title="messages per day")
        days.add_column("day")
        days.add_column("messages", justify="right")
        for day, n in data["days"].items():
            days.add_row(str(day), f"{n:,}")
        print_table(days)


@app.command()
def investigate(
    paths: Annotated[list[Path], typer.Argument(help="Exports: files, folders or .zip archives")],
    out: Annotated[Path, typer.Option("--out", help="Folder for findings.json, report.html, CSV and GEXF")],
    db: Annotated[Optional[str], typer.Option("--db", envvar="FAKEWATCH_DB",
                                              help="Store URL or SQLite path; default OUT/fakewatch.db")] = None,
    redact_phones: Annotated[bool, typer.Option("--redact-phones",
                                                help="Hide phone numbers in report.html, CSV and GEXF behind stable "
                                                     "pseudonyms (findings.json keeps E.164 for tools)")] = False,
    redact_names: Annotated[bool, typer.Option("--redact-names",
                                               help="Also hide private people's display names and name-based "
                                                    "account ids behind stable pseudonyms")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of report.html: en or ru")] = "en",
    tz: Annotated[Optional[str], typer.Option(
        "--tz", help="Time zone WhatsApp times were written in, e.g. Asia/Almaty (default: UTC)")] = None,
    fetch_links: Annotated[bool, typer.Option(
        "--fetch-links", help="Fetch the pages behind the chats' links (network; refuses private addresses)")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="With --fetch-links: also fetch from private and loopback addresses")] = False,
    stix: Annotated[bool, typer.Option("--stix", help="Also write bundle.stix.json (STIX 2.1, for OpenCTI)")] = False,
    tlp: Annotated[str, typer.Option("--tlp", help="With --stix: TLP marking, clear|green|amber|amber+strict|red")]
    = "clear",
) -> None:
    """Ingest, enrich, detect and assemble campaigns, then write the reports into OUT.

    Exits 1 after writing every output when an input was refused (each is named with its problem)."""
    from fakewatch.export.case import TLP_LEVELS
    from fakewatch.pipeline import DETAIL, InvestigateError, investigate as run, summary
    from fakewatch.report.i18n import LANGS
    from fakewatch.report.redaction import Redaction

    if lang not in LANGS:
        err.print(f"[red]refused[/] --lang {escape(lang)}: choose one of {', '.join(LANGS)}")
        raise typer.Exit(2)

    if tlp not in TLP_LEVELS:  # checked before the run, not after an hour of it
        raise typer.BadParameter(f"{tlp!r}: use one of {', '.join(TLP_LEVELS)}", param_hint="--tlp")
    with progress_bar() as bar:
        tasks: dict[str, int] = {}

        def tick(stage: str, done: int, total: int | None) -> None:
            key = stage.split(DETAIL)[0]  # "ingest · a.json" then "ingest · b.json": one line, its file shown
            if key not in tasks:
                tasks[key] = bar.add_task(escape(stage), total=total)
            bar.update(tasks[key], description=escape(stage), completed=done, total=total)

        try:
            path = run(paths, out, db=db, redaction=Redaction(phones=redact_phones, names=redact_names), lang=lang,
                       options={"tz": tz}, progress=tick,
                       fetch_links=fetch_links, allow_private=allow_private, stix_tlp=tlp if stix else None)
        except InvestigateError as exc:
            err.print(f"[red]refused[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    result = summary(path)
    table = Table(title=f"campaigns ({result['candidates']} weaker candidates in findings.json)")
    for col in ("id", "score", "messages", "title"):
        table.add_column(col)
    for code, score, title, n in result["campaigns"]:
        table.add_row(code, f"{score:.2f}", f"{n:,}", escape(title))
    print_table(table)
    console.print(f"[green]wrote[/] {escape(str(out))}: findings.json, report.html, messages.csv, accounts.csv, "
                  "network.gexf" + (", bundle.stix.json" if stix else ""))
    for line in result["refused"]:
        err.print(f"[red]refused[/] {escape(line)}", soft_wrap=True)  # a path is never broken across lines
    if result["refused"]:
        err.print(f"[red]{len(result['refused'])} input(s) refused[/]: the outputs cover the other inputs only")
        raise typer.Exit(1)


export_app = typer.Typer(help="Hand a case to threat-intel platforms: STIX 2.1 bundles (OpenCTI), MISP events.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")
FindingsArgument = Annotated[Optional[Path], typer.Argument(
    help="A findings.json; without it the campaigns in the store (--db) are exported")]
ExportOut = Annotated[Path, typer.Option("--out", "-o", help="File to write")]
TlpOption = Annotated[str, typer.Option("--tlp", help="TLP marking: clear, green, amber, amber+strict or red")]
RedactOption = Annotated[bool, typer.Option("--redact-phones",
                                            help="Leave phone numbers out and mask them in every text")]
CampaignOption = Annotated[Optional[str], typer.Option(
    "--campaign", help="Export only this campaign (C1, or a candidate K1) instead of the whole case")]


def _export(module_name: str, findings: Path | None, db: str | None, out: Path, tlp: str, redact_phones: bool,
            campaign: str | None) -> None:
    from importlib import import_module

    from fakewatch.export import case as cases

    options = {"tlp": tlp, "redact_phones": redact_phones, "only": campaign}
    try:
        case = cases.read(findings, **options) if findings else cases.from_store(db, **options)
        path = import_module(f"fakewatch.export.{module_name}").write(case, out)
    except cases.ExportError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"[green]wrote[/] {escape(str(path))} ({path.stat().st_size:,} bytes)")


@export_app.command("stix")
def export_stix(findings: FindingsArgument = None, out: ExportOut = Path("bundle.stix.json"), db: DbOption = None,
                tlp: TlpOption = "clear", redact_phones: RedactOption = False,
                campaign: CampaignOption = None) -> None:
    """One STIX 2.1 bundle: report, campaigns, DISARM attack patterns, targets, indicators, evidence notes."""
    _export("stix", findings, db, out, tlp, redact_phones, campaign)


@export_app.command("misp")
def export_misp(findings: FindingsArgument = None, out: ExportOut = Path("event.misp.json"), db: DbOption = None,
                tlp: TlpOption = "clear", redact_phones: RedactOption = False,
                campaign: CampaignOption = None) -> None:
    """One MISP event: domains, URLs, phones, hashes, account objects, DISARM galaxy tags, evidence comments."""
    _export("misp", findings, db, out, tlp, redact_phones, campaign)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario, its truth.json and the report")] = Path(
        "demo"),
    seed: Annotated[int, typer.Option("--seed", help="Scenario seed: the same seed writes the same bytes")] = 2025,
    messages: Annotated[Optional[int], typer.Option(
        "--messages", help="Corpus size; more means more ordinary chatter (default: the scenario's own)")] = None,
    scenario: Annotated[str, typer.Option(
        "--scenario", help="demo, or hard: the adversarial scenario written apart from the detectors")] = "demo",
    db: Annotated[Optional[str], typer.Option("--db", help="Store URL or SQLite path; default a fresh OUT/demo.db")] = None,
    generate_only: Annotated[bool, typer.Option("--generate-only", help="Write the scenario, run nothing")] = False,
) -> None:
    """Generate a scenario (`--scenario demo` or `hard`) with planted campaigns and ground truth, investigate it, score it."""
    import importlib.util
    import time

    from fakewatch.demo import TRUTH, DemoError, generate, inputs
    from fakewatch.demo.media import RealMedia

    started = time.perf_counter()
    try:
        with RealMedia() as media:  # the campaign's video, picture and voice note as real, edited files
            folder = generate(out, seed=seed, messages=messages, media=media, scenario=scenario)
    except DemoError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    truth = json.loads((folder / TRUTH).read_text(encoding="utf-8"))
    planted = sum(len(c["messages"]) for c in truth["campaigns"])
    console.print(f"[green]wrote[/] {escape(str(folder))}: {truth['messages']:,} messages, {len(truth['campaigns'])} "
                  f"planted campaigns ({planted} messages), truth in {TRUTH} "
                  f"({time.perf_counter() - started:.1f} s)", soft_wrap=True)
    if generate_only:
        return
    if db is None:
        store = folder / "demo.db"
        for stale in (store, store.with_name("demo.db-wal"), store.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)
        db = str(store)
    if importlib.util.find_spec("fakewatch.pipeline") is None:
        ingest(inputs(folder), db=db, tz="Asia/Almaty")
        stats(db=db)
        return
    investigate(inputs(folder), folder / "report", db=db, tz="Asia/Almaty")
    console.print(f"report: {escape(str(folder / 'report' / 'report.html'))}; scored against the planted truth:")
    evaluate(folder / "report" / "findings.json", folder / TRUTH)


@app.command("evaluate", hidden=True)  # the same command under its long name
@app.command("eval")
def evaluate(
    findings: Annotated[Path, typer.Argument(help="findings.json written by `fakewatch investigate`")],
    truth: Annotated[Path, typer.Argument(help="truth.json of a demo scenario")],
    as_json: JsonOption = False,
    min_precision: Annotated[Optional[float], typer.Option(help="Message-level precision, pooled")] = None,
    min_recall: Annotated[Optional[float], typer.Option(help="Message-level recall, pooled")] = None,
    min_f1: Annotated[Optional[float], typer.Option(help="Message-level F1, pooled")] = None,
    min_campaign_f1: Annotated[Optional[float], typer.Option(help="Mean F1 of the best match per campaign")] = None,
    min_campaign_recall: Annotated[Optional[float], typer.Option(
        help="Lowest recall of any planted campaign (its best match)")] = None,
    min_account_precision: Annotated[Optional[float], typer.Option(help="Coordinated-account precision")] = None,
    min_account_recall: Annotated[Optional[float], typer.Option(help="Coordinated-account recall")] = None,
    min_account_f1: Annotated[Optional[float], typer.Option(help="Coordinated-account F1")] = None,
    min_seeders: Annotated[Optional[float], typer.Option(help="Share of campaigns whose seeder is in the top 3")] = None,
    min_phones: Annotated[Optional[float], typer.Option(help="Share of target phones found")] = None,
    min_domains: Annotated[Optional[float], typer.Option(help="Share of fake domains found")] = None,
    min_impersonates: Annotated[Optional[float], typer.Option(help="Share of impersonated outlets found")] = None,
    max_benign: Annotated[Optional[float], typer.Option(help="Share of benign viral messages put in a campaign")] = None,
    max_legit: Annotated[Optional[float], typer.Option(
        help="Share of legitimately coordinated messages (truth legit_coordinated) put in a campaign")] = None,
) -> None:
    """Score a findings.json against a truth.json; exit 1 when a given threshold is missed."""
    from fakewatch import evaluate as scoring

    try:
        result = scoring.evaluate(json.loads(findings.read_text(encoding="utf-8")),
                                  json.loads(truth.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        err.print(f"[red]cannot score[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    missed = scoring.check(result, {
        "min_precision": min_precision, "min_recall": min_recall, "min_f1": min_f1,
        "min_campaign_f1": min_campaign_f1, "min_campaign_recall": min_campaign_recall,
        "min_account_precision": min_account_precision,
        "min_account_recall": min_account_recall, "min_account_f1": min_account_f1, "min_seeders": min_seeders,
        "min_phones": min_phones, "min_domains": min_domains, "min_impersonates": min_impersonates,
        "max_benign": max_benign, "max_legit": max_legit})
    if as_json:
        print_json({**result, "missed": missed})
    else:
        console.print(escape(scoring.line(result)), soft_wrap=True)
        print_table(scoring.table(result))
        for miss in missed:
            err.print(f"[red]missed[/] {escape(miss)}")
    if missed:
        raise typer.Exit(1)


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
                     progress=lambda step, done, total: bar.update(task, description=escape(f"detect: {step}"),
                                                                   completed=done, total=total))
    if as_json:
        print_json(report.as_dict())
        return
    table = Table(title=f"detect: {report.messages:,} messages in {report.seconds:.1f} s")
    table.add_column("found")
    table.add_column("count", justify="right")
    for kind, n in report.clusters.items():
        table.add_row(f"{escape(kind)} clusters", f"{n:,}")
    for label, n in (("coordination edges", report.edges), ("co-active pairs", report.coactive_pairs),
                     ("coordinated groups", report.groups),
                     ("coordinated accounts", report.coordinated_accounts), ("cross-posting floods", report.floods),
                     ("waves", report.waves)):
        table.add_row(label, f"{n:,}")
    print_table(table)
    for note in report.notes:
        console.print(f"[yellow]note[/] {escape(note)}")


@app.command()
def clusters(
    db: DbOption = None,
    as_json: JsonOption = False,
    kind: Annotated[Optional[str], typer.Option("--kind", help="text, link, domain, phone, forward or media")] = None,
    min_accounts: Annotated[int, typer.Option("--min-accounts", help="Only clusters with this many authors")] = 1,
    limit: Annotated[int, typer.Option("--limit", help="How many, largest first")] = 50,
) -> None:
    """Content clusters found by `fakewatch detect`, most widely posted first."""
    from fakewatch.detect import KINDS
    from fakewatch.detect.query import clusters as list_clusters

    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"{kind!r} is not a cluster kind; kinds: {', '.join(KINDS)}", param_hint="--kind")
    rows = list_clusters(engine_for(db), kind=kind, min_accounts=min_accounts, limit=limit)
    if as_json:
        print_json(rows)
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
    print_table(table)


@app.command()
def accounts(
    db: DbOption = None,
    as_json: JsonOption = False,
    coordinated: Annotated[bool, typer.Option("--coordinated", help="Only accounts in coordinated groups")] = False,
    aliases: Annotated[bool, typer.Option("--aliases", help="Accounts seen under two names, with the evidence")] = False,
) -> None:
    """Accounts in coordinated groups (`--coordinated`), or seen under two names (`--aliases`)."""
    from fakewatch.detect.query import coordinated_accounts

    if aliases:
        _aliases(db, as_json)
        return
    if not coordinated:
        err.print("only `fakewatch accounts --coordinated` or `--aliases` is available; see `fakewatch stats` for counts")
        raise typer.Exit(2)
    rows = coordinated_accounts(engine_for(db))
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"coordinated accounts ({len(rows):,})")
    for col in ("group", "account", "degree", "partners", "co-posts", "clusters", "floods", "first seen"):
        table.add_column(col, justify="left" if col in ("account", "first seen") else "right", no_wrap=True)
    for r in rows:
        table.add_row(str(r["group"]), escape(r["account_id"]), f"{r['degree']:.2f}", str(len(r["partners"])),
                      f"{r['co_posts']:,}", str(len(r["clusters"])), str(r["floods"]), (r["first_seen"] or "")[:16])
    print_table(table)


def _aliases(db: str | None, as_json: bool) -> None:
    from fakewatch.store.aliases import aliases as linked

    with engine_for(db).connect() as conn:
        rows = linked(conn)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"accounts under two names ({len(rows):,})")
    for col in ("account", "also seen as", "evidence", "chats"):
        table.add_column(col, justify="right" if col == "evidence" else "left", no_wrap=col != "chats")
    for r in rows:
        chats = sorted({f"{m['platform']}:{m['chat_id']}" for m in r["messages"]})
        table.add_row(escape(r["account"]), escape(r["alias"]), f"{len(r['messages']):,} messages",
                      escape(", ".join(chats)))
    console.print(table)


user_app = typer.Typer(help="Web UI accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; keep loopback behind a TLS proxy")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", envvar="FAKEWATCH_WEB_DIR",
                                                     help="Uploads, run outputs, cookie key")] = None,
    allow_fetch: Annotated[bool, typer.Option("--allow-fetch", help="Let the public check fetch submitted URLs")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1,
                                         help="Server processes (each keeps its own check index and rate limits)")] = 1,
) -> None:
    """Run the analyst web UI, the API and the public check page."""
    import os

    import uvicorn

    from fakewatch.web import create_app
    from fakewatch.web.settings import WebSettings

    settings = WebSettings.from_env(data_dir=data_dir, allow_fetch=allow_fetch or None)
    engine = engine_for(db)  # migrated once here, before any worker starts
    settings.signing_key()  # likewise the cookie key, so every worker signs with the same one
    err.print(f"fakewatch serving on http://{escape(host)}:{port}/ (data in {escape(str(settings.data_dir))})")
    if workers == 1:
        uvicorn.run(create_app(engine, settings), host=host, port=port, log_level="warning",
                    proxy_headers=settings.trust_proxy)
        return
    os.environ.update(FAKEWATCH_DB=engine.url.render_as_string(hide_password=False),
                      FAKEWATCH_WEB_DIR=str(settings.data_dir), FAKEWATCH_ALLOW_FETCH=str(settings.allow_fetch))
    uvicorn.run("fakewatch.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", proxy_headers=settings.trust_proxy)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option("--role", help="admin or analyst")] = "analyst",
    password: Annotated[Optional[str], typer.Option("--password", envvar="FAKEWATCH_PASSWORD",
                                                    help="Prompted for when not given")] = None,
    db: DbOption = None,
) -> None:
    """Create a web UI account (password stored as an argon2 hash)."""
    from fakewatch.web.auth import AuthError, create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        made = create_user(engine_for(db), name, password, role)
    except AuthError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"[green]ok[/] user {escape(made.name)} ({made.role})")


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Web UI accounts: name, role, whether disabled, when created."""
    from fakewatch.web.auth import list_users

    rows = [{"name": u["name"], "role": u["role"], "disabled": bool(u["disabled"]),
             "created_at": u["created_at"].isoformat(timespec="seconds")} for u in list_users(engine_for(db))]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"users ({len(rows)})")
    for col in ("name", "role", "disabled", "created"):
        table.add_column(col, no_wrap=True)
    for r in rows:
        table.add_row(escape(r["name"]), r["role"], "yes" if r["disabled"] else "", r["created_at"])
    print_table(table)


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="Login name")],
    password: Annotated[Optional[str], typer.Option("--password", envvar="FAKEWATCH_PASSWORD",
                                                    help="Prompted for when not given")] = None,
    db: DbOption = None,
) -> None:
    """Reset a web UI account's password; the user's open sessions end (API tokens stay valid)."""
    from fakewatch.web.auth import AuthError, set_password

    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(engine_for(db), name, password)
    except AuthError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"[green]ok[/] new password for {escape(name)}")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="User the token acts as")],
    label: Annotated[str, typer.Option("--label", help="What the token is for")] = "cli",
    db: DbOption = None,
) -> None:
    """Create a bearer API token for a user and print it (it is stored only as a digest)."""
    from fakewatch.web.auth import AuthError, create_token

    try:
        print(create_token(engine_for(db), name, label))
    except AuthError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc


@app.command()
def check(
    text: Annotated[Optional[str], typer.Argument(help="Message text as received")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="A link as received")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="A picture, video or voice note as received")] = None,
    allow_fetch: Annotated[bool, typer.Option("--allow-fetch", help="Fetch the URL (SSRF rules apply)")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Is this message, link or media file part of a known fake campaign? Same answer as the public check API."""
    from fakewatch.check import check_file, check_text, check_url
    from fakewatch.media.fingerprint import UnsupportedMedia

    engine = engine_for(db)
    if file is not None:
        try:
            result = check_file(engine, file)
        except (UnsupportedMedia, OSError) as exc:
            err.print(f"[red]refused[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    elif url:
        result = check_url(engine, url, allow_fetch=allow_fetch)
    elif text:
        result = check_text(engine, text)
    else:
        err.print("give TEXT, --url or --file")
        raise typer.Exit(2)
    if as_json:
        print_json(result)
        return
    colour = {"known_fake": "red", "suspicious": "yellow", "no_match": "green"}[result["verdict"]]
    console.print(f"[{colour}]{result['verdict']}[/]"
                  + (" (too short to check: no content word)" if result.get("reason") == "no_content" else ""))
    for m in result["matches"]:
        console.print(f"  {escape(m['campaign_id'])} {escape(m['title'])}: similarity {m['similarity']:.2f}, "
                      f"first seen {escape(str(m['first_seen']))}, {m['chats']} chats"
                      + (f", debunk: {escape(m['debunk']['rating'])}" if m["debunk"] else ""))
    for s in result["signals"]:
        console.print("  signal " + escape(", ".join(f"{k}={v}" for k, v in s.items())))
    for m in result.get("media", []):
        console.print(f"  copy of media cluster {m['cluster_id']}: similarity {m['similarity']:.2f}"
                      + (f", debunk: {escape(m['debunk']['category'])} - {escape(m['debunk']['claim'])}"
                         if m["debunk"] else ""))


@app.command()
def enrich(
    all_: Annotated[bool, typer.Option("--all", help="Redo every message, not only the new ones")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", help="Worker processes (default: 2)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Language, normalised text, phones, links, persons, money and calls to action for each message."""
    from fakewatch.enrich import run

    engine = engine_for(db)
    with progress_bar() as bar:
        task = bar.add_task("enrich", total=None)

        def tick(stage: str, done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        report = run(engine, redo=all_, progress=tick, workers=workers)
    data = {"messages": report.messages, "phones": report.phones, "links": report.links, "persons": report.persons,
            "money": report.money, "languages": dict(report.languages), "seconds": round(report.seconds, 1),
            "workers": report.workers}
    if as_json:
        print_json(data)
        return
    langs = ", ".join(f"{k} {v:,}" for k, v in report.languages.most_common())
    console.print(f"[green]enriched[/] {report.messages:,} messages in {report.seconds:.1f}s "
                  f"({report.rate:,.0f}/s, {report.workers} workers): {report.phones:,} phones, {report.links:,} links, "
                  f"{report.persons:,} names, {report.money:,} amounts" + (f"; languages {langs}" if langs else ""))


watch_app = typer.Typer(help="Watchlist of people to protect: find their names and phones in messages.",
                        no_args_is_help=True)
app.add_typer(watch_app, name="watch")


@watch_app.command("add")
def watch_add(
    kind: Annotated[str, typer.Argument(help="What to watch: person")],
    name: Annotated[str, typer.Argument(help="Name as usually written")],
    phone: Annotated[Optional[list[str]], typer.Option("--phone", help="Phone number, repeatable")] = None,
    alias: Annotated[Optional[list[str]], typer.Option("--alias", help="Other spelling or script, repeatable")] = None,
    db: DbOption = None,
) -> None:
    """Add a person; messages already enriched are matched against them at once."""
    from fakewatch.enrich.watchlist import WatchError, add

    if kind != "person":
        err.print(f"[red]unknown kind[/] {escape(kind)}: only 'person' can be watched")
        raise typer.Exit(2)
    try:
        watch_id = add(engine_for(db), name, kind=kind, aliases=alias or [], phones=phone or [])
    except WatchError as e:
        err.print(f"[red]refused[/] {escape(str(e))}")
        raise typer.Exit(1)
    console.print(f"[green]watching[/] #{watch_id} {escape(name)}")


@watch_app.command("list")
def watch_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The watchlist, with how many messages name each person or list their phone."""
    from fakewatch.enrich.watchlist import summary

    rows = summary(engine_for(db))
    if as_json:
        print_json(rows)
        return
    table = Table(title="watchlist")
    for col in ("id", "name", "aliases", "phones", "named in", "phone in"):
        table.add_column(col, justify="right" if col in ("id", "named in", "phone in") else "left")
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"]), escape(", ".join(r["aliases"])), escape(", ".join(r["phones"])),
                      f"{r['named_in']:,}", f"{r['phone_in']:,}")
    print_table(table)


# --- look-alike outlets: web pages, fetching, the outlet registry ------------------------------------

AllowPrivateOption = Annotated[bool, typer.Option(
    "--allow-private", help="Also fetch from private, loopback and link-local addresses (refused by default)")]


def _fetch_limits(allow_private: bool, allow_net: list[str] | None = None, max_bytes: int | None = None,
                  timeout: float | None = None, max_redirects: int | None = None):
    import ipaddress

    from fakewatch.fetch import FetchLimits

    base = FetchLimits()
    try:
        networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow_net or [])
    except ValueError as exc:
        err.print(f"[red]bad --allow-net[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    return FetchLimits(max_bytes=max_bytes or base.max_bytes, timeout=timeout or base.timeout,
                       max_redirects=base.max_redirects if max_redirects is None else max_redirects,
                       allow_private=allow_private, allow_networks=networks)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="http(s) URLs of pages to keep as evidence")],
    db: DbOption = None,
    allow_private: AllowPrivateOption = False,
    allow_net: Annotated[Optional[list[str]], typer.Option(
        "--allow-net", help="A network (CIDR) that may be fetched from although private, repeatable")] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", help="Largest page body (default 5 MB)")] = None,
    timeout: Annotated[Optional[float], typer.Option("--timeout", help="Seconds per page, redirects included")] = None,
    max_redirects: Annotated[Optional[int], typer.Option("--max-redirects", help="Default 5")] = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch pages over HTTP(S) and store them (raw HTML + SHA-256) like saved .html inputs. Scripts never run."""
    from fakewatch.fetch import fetch_and_store

    limits = _fetch_limits(allow_private, allow_net, max_bytes, timeout, max_redirects)
    with progress_bar() as bar:
        task = bar.add_task("fetch", total=len(urls))
        report = fetch_and_store(engine_for(db), urls, limits=limits,
                                 progress=lambda url, n, total: bar.update(task, completed=n,
                                                                           description=escape(url[:60])))
    if as_json:
        print_json({"stored": report.stored, "unchanged": report.unchanged,
                    "failed": [{"url": e.url, "reason": e.reason} for e in report.failed]})
    else:
        for url in report.stored:
            console.print(f"[green]stored[/] {escape(url)}")
        for url in report.unchanged:
            console.print(f"[green]ok[/] {escape(url)} (the same page is already stored)")
        for e in report.failed:
            err.print(f"[red]not fetched[/] {escape(e.url)}: {escape(e.reason)}")
    if report.failed:
        raise typer.Exit(1)


outlets_app = typer.Typer(help="The registry of real news outlets whose look-alikes are looked for.",
                          no_args_is_help=True)
app.add_typer(outlets_app, name="outlets")


@outlets_app.command("add")
def outlets_add(
    domain: Annotated[str, typer.Argument(help="The outlet's domain, e.g. shyndyk.kz")],
    name: Annotated[str, typer.Option("--name", help="The outlet's name as it writes it")],
    lang: Annotated[Optional[str], typer.Option("--lang", help="Main language, ISO 639-1")] = None,
    country: Annotated[Optional[str], typer.Option("--country", help="Country, ISO 3166 alpha-2")] = None,
    alias: Annotated[Optional[list[str]], typer.Option(
        "--alias", help="Other spelling of the brand (e.g. its Latin transliteration), repeatable")] = None,
    db: DbOption = None,
) -> None:
    """Protect an outlet the bundled registry lacks."""
    from fakewatch.outlets import OutletError, add_outlet

    try:
        outlet = add_outlet(engine_for(db), domain, name, lang=lang, country=country, aliases=alias)
    except OutletError as exc:
        err.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"[green]protecting[/] {escape(outlet.domain)} ({escape(outlet.name)})")


@outlets_app.command("list")
def outlets_list(
    source: Annotated[Optional[str], typer.Option("--source", help="Only bundled, user or corpus outlets")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every protected outlet: bundled, added with `outlets add`, and vouched for by the corpus at the last detect."""
    from fakewatch.outlets import load_outlets

    rows = [o for o in load_outlets(engine_for(db)) if source is None or o.source == source]
    if as_json:
        print_json([{"domain": o.domain, "name": o.name, "lang": o.lang, "country": o.country,
                     "source": o.source, "aliases": list(o.aliases), "evidence": o.evidence} for o in rows])
        return
    table = Table(title=f"outlets ({len(rows):,})")
    for col in ("domain", "name", "lang", "country", "source"):
        table.add_column(col)
    for o in sorted(rows, key=lambda o: (o.source, o.country or "", o.domain)):
        table.add_row(escape(o.domain), escape(o.name), o.lang or "", o.country or "", o.source)
    print_table(table)


@outlets_app.command("check")
def outlets_check(
    domains: Annotated[list[str], typer.Argument(help="Domains or URLs to check")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Does a domain imitate a protected outlet? (No network: the domain is only compared.)"""
    from fakewatch.detect.impersonation import OutletIndex, match_domain
    from fakewatch.outlets import load_outlets

    index = OutletIndex(load_outlets(engine_for(db)))
    found = {d: match_domain(d, index) for d in domains}
    if as_json:
        print_json({d: m and {"domain": m.domain, "outlet": m.outlet.domain, "also": list(m.also),
                              "method": m.method, "score": m.score, "detail": m.detail}
                    for d, m in found.items()})
        return
    for d, m in found.items():
        if m is None:
            console.print(f"{escape(d)}: no look-alike of a protected outlet")
        else:
            also = f" (equally: {escape(', '.join(m.also))})" if m.also else ""
            console.print(f"[red]{escape(d)}[/] imitates [b]{escape(m.outlet.domain)}[/]{also}: {m.method}, "
                          f"score {m.score:.2f} - {escape(m.detail)}")


@app.command()
def lookalikes(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Look-alike domains and cloned pages found by the last `fakewatch detect`, and trackers they share."""
    from dataclasses import asdict

    from fakewatch.detect.lookalikes import impersonations, shared_trackers

    engine = engine_for(db)
    rows, shared = impersonations(engine), shared_trackers(engine)
    if as_json:
        print_json({"lookalikes": [asdict(r) for r in rows], "shared_trackers": [asdict(t) for t in shared]})
        return
    table = Table(title=f"look-alike domains ({len(rows):,})")
    for col in ("domain", "imitates", "method", "score", "messages", "pages", "detail"):
        table.add_column(col, justify="right" if col in ("score", "messages", "pages") else "left")
    for r in rows:
        table.add_row(escape(r.domain), escape(r.outlet), escape(r.method), f"{r.score:.2f}", f"{len(r.message_pks):,}",
                      str(len(r.page_ids)), escape(r.detail))
    print_table(table)
    if shared:
        trk = Table(title="tracker ids shared by several domains")
        for col in ("kind", "id", "domains"):
            trk.add_column(col)
        for t in shared:
            trk.add_row(escape(t.kind), escape(t.tracker_id), escape(", ".join(t.domains)))
        console.print(trk)


@app.command()
def doctor(
    db: DbOption = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", envvar="FAKEWATCH_WEB_DIR",
                                                     help="The web server's data folder")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the store (integrity, migrations, every message's raw record), the web data folder and the set-up.

    Reads only; exits 1 when something needs the operator."""
    from fakewatch import doctor as checks

    findings = checks.run(db, data_dir)
    if as_json:
        print_json(checks.as_dicts(findings))
    else:
        for f in findings:
            mark = "[green]ok[/]" if f.ok else "[red]problem[/]"
            console.print(f"{mark} {f.area}: {escape(f.message)}")
    if not all(f.ok for f in findings):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
