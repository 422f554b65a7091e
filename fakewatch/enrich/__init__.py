"""Enrichment: what every message contains (language, normalised text, phones, links, persons, money, calls).

`run(engine)` reads the messages that have no `enrichment` row yet (all of them
with ``redo=True``), runs every extractor over them and writes the enrich tables.
One extractor per module: :mod:`.normalize`, :mod:`.language`, :mod:`.phones`,
:mod:`.links`, :mod:`.persons`, :mod:`.money`, :mod:`.actions`, :mod:`.watchlist`.

Speed: messages are read in chunks and handed in batches to a pool of worker
processes (two by default, one per core of the target laptop); results come back
as plain rows and are written with executemany. Copies of one text are common in
campaigns, so each worker remembers the text-derived results of recent texts and
reuses them. The slow NER runs only on texts that can contain a name that matters
(see `Enricher._from_text`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from sqlalchemy import Engine, delete, exists, func, insert, select

from fakewatch.enrich.actions import find_actions
from fakewatch.enrich.language import detect_language
from fakewatch.enrich.links import find_links
from fakewatch.enrich.money import find_money, offers_payment
from fakewatch.enrich.normalize import clean, normalise, template
from fakewatch.enrich.persons import find_persons
from fakewatch.enrich.phones import find_phones
from fakewatch.enrich.watchlist import Entry, Matcher, entries, link_persons, name_words

Progress = Callable[[str, int, "int | None"], None]

CHUNK = 20_000  # messages read from the store per query
BATCH = 2_000  # messages per worker task: large enough to amortise pickling, small enough to balance two cores
POOL_MIN = 5_000  # below this many messages, starting worker processes costs more than it saves
CACHE_TEXTS = 50_000  # distinct texts whose results a worker remembers
ENTITY_TYPES = ("phone", "text_link", "link", "url", "mention")


@dataclass
class EnrichReport:
    messages: int = 0
    phones: int = 0
    links: int = 0
    persons: int = 0
    money: int = 0
    seconds: float = 0.0
    workers: int = 1
    languages: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Messages per second."""
        return self.messages / self.seconds if self.seconds else 0.0


@dataclass
class Rows:
    """What one batch of messages adds to each enrich table."""

    enrichment: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    persons: list[dict] = field(default_factory=list)
    money: list[dict] = field(default_factory=list)
    watch_hits: list = field(default_factory=list)  # (message_pk, Hit) for names the NER did not report


def digest(text: str) -> str:
    """Short stable digest of a normalised or template text, for indexed grouping."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Enricher:
    """Runs every extractor over messages; one per worker process, holding its caches and the watchlist."""

    def __init__(self, watch: Sequence[Entry] = ()):
        self.matcher = Matcher(watch)
        self._cache: OrderedDict[str, tuple] = OrderedDict()

    def _from_text(self, text: str) -> tuple:
        """Everything that depends on the text alone, cached: copies of a campaign text are common."""
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        cleaned = clean(text)
        norm, tmpl = normalise(cleaned, cleaned=True), template(cleaned, cleaned=True)
        lang, conf = detect_language(text)
        amounts = find_money(text)
        actions = find_actions(text)
        hits = self.matcher.find(text) if self.matcher else []
        # The NER costs ~1 ms a line; it runs where a name can matter: a capitalised word in mid-sentence (the
        # template has <name>) in a message that also carries a phone, amount, call, named protest or watched
        # name. (Not a bare link: news channels put one under every post.)
        signals = amounts or actions.cta or actions.event or hits or "<phone>" in tmpl
        persons = find_persons(text) if signals and "<name>" in tmpl else []
        result = (lang, conf, norm, tmpl, digest(norm), digest(tmpl), amounts, offers_payment(text, amounts),
                  actions, persons, hits)
        self._cache[text] = result
        if len(self._cache) > CACHE_TEXTS:
            self._cache.popitem(last=False)
        return result

    def batch(self, messages: Sequence[tuple[int, str, Sequence[tuple[str, str, str | None]]]]) -> Rows:
        """Rows for messages given as (message_pk, text, [(entity type, entity text, href)])."""
        rows = Rows()
        for pk, text, ents in messages:
            text = text or ""
            lang, conf, norm, tmpl, norm_hash, tmpl_hash, amounts, pays, actions, persons, hits = \
                self._from_text(text)
            phones = find_phones(text, [t for kind, t, _ in ents if kind == "phone"])
            links = find_links(text,
                               [href or t for kind, t, href in ents if kind in ("text_link", "link", "url")],
                               [t for kind, t, _ in ents if kind == "mention"])
            rows.enrichment.append({
                "message_pk": pk, "lang": lang, "lang_conf": conf, "norm": norm, "template": tmpl,
                "norm_hash": norm_hash, "template_hash": tmpl_hash, "has_phone": bool(phones),
                "has_link": bool(links), "has_money": bool(amounts), "pays": pays, "cta": actions.cta,
                "gathering": actions.gathering,
            })
            rows.phones += [{"message_pk": pk, "e164": p.e164, "region": p.region, "line_type": p.line_type,
                             "raw": p.raw, "from_entity": p.from_entity,
                             "watch_id": self.matcher.by_phone.get(p.e164)} for p in phones]
            rows.links += [{"message_pk": pk, "url": x.url, "host": x.host, "domain": x.domain, "suffix": x.suffix,
                            "shortener": x.shortener, "tg_handle": x.tg_handle, "from_entity": x.from_entity}
                           for x in links]
            rows.money += [{"message_pk": pk, "amount": m.amount, "currency": m.currency, "raw": m.raw}
                           for m in amounts]
            watched = {name_words(h.text): h for h in hits}
            for p in persons:
                hit = watched.pop(name_words(p.name), None) if p.kind == "PER" else None
                rows.persons.append({"message_pk": pk, "kind": p.kind, "name": p.name, "normal": p.normal,
                                     "source": "ner", "watch_id": hit.watch_id if hit else None})
            rows.watch_hits += [(pk, h) for h in watched.values()]
        return rows


_worker: Enricher | None = None


# One BLAS thread per worker: natasha's numpy layers are tiny, and OpenBLAS's own threads fighting the other
# worker for two cores made the NER twenty times slower.
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _init_worker(watch: Sequence[Entry]) -> None:
    global _worker
    os.environ.update(_ONE_THREAD)  # before natasha imports numpy in this fresh (spawned) process
    _worker = Enricher(watch)


def _run_batch(messages) -> Rows:
    return _worker.batch(messages)


def _pending(engine: Engine) -> tuple[int, Iterator[list[tuple]]]:
    """(how many messages to enrich, an iterator over chunks of (pk, text, entities))."""
    from fakewatch.store.tables.core import entities, messages
    from fakewatch.store.tables.enrich import enrichment

    todo = ~exists().where(enrichment.c.message_pk == messages.c.id)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(messages).where(todo)).scalar_one()

    def chunks() -> Iterator[list[tuple]]:
        last = None
        while True:
            query = select(messages.c.id, messages.c.text).where(todo).order_by(messages.c.id).limit(CHUNK)
            if last is not None:
                query = query.where(messages.c.id > last)
            with engine.connect() as conn:
                rows = conn.execute(query).all()
                if not rows:
                    return
                ents: dict[int, list[tuple]] = {}
                for e in conn.execute(
                    select(entities.c.message_pk, entities.c.type, entities.c.text, entities.c.href)
                    .where(entities.c.message_pk.between(rows[0].id, rows[-1].id),
                           entities.c.type.in_(ENTITY_TYPES))
                ):
                    ents.setdefault(e.message_pk, []).append((e.type, e.text, e.href))
            last = rows[-1].id
            yield [(r.id, r.text, ents.get(r.id, ())) for r in rows]

    return total, chunks()


def _write(engine: Engine, rows: Rows, report: EnrichReport) -> None:
    from fakewatch.store.tables import enrich as t

    with engine.begin() as conn:
        for table, data in ((t.enrichment, rows.enrichment), (t.phones, rows.phones), (t.links, rows.links),
                            (t.persons, rows.persons), (t.money, rows.money)):
            if data:
                conn.execute(insert(table), data)
        if rows.watch_hits:
            link_persons(conn, rows.watch_hits)
    report.messages += len(rows.enrichment)
    report.phones += len(rows.phones)
    report.links += len(rows.links)
    report.persons += len(rows.persons) + len(rows.watch_hits)
    report.money += len(rows.money)
    report.languages.update(r["lang"] for r in rows.enrichment)


def clear(engine: Engine) -> None:
    """Delete every enrichment result (the watchlist stays)."""
    from fakewatch.store.tables import enrich as t

    with engine.begin() as conn:
        for table in (t.money, t.persons, t.links, t.phones, t.enrichment):
            conn.execute(delete(table))


def _batches(chunks: Iterator[list[tuple]], size: int) -> Iterator[list[tuple]]:
    for chunk in chunks:
        for i in range(0, len(chunk), size):
            yield chunk[i:i + size]


def run(engine: Engine, *, redo: bool = False, progress: Progress | None = None,
        workers: int | None = None) -> EnrichReport:
    """Enrich the messages that have no enrichment yet (every message with `redo`) and store the results.

    `workers` defaults to two processes, or one for fewer than POOL_MIN messages.
    """
    started = time.monotonic()
    if redo:
        clear(engine)
    watch = entries(engine)
    total, chunks = _pending(engine)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if total >= POOL_MIN else 1
    report = EnrichReport(workers=workers)
    if progress:
        progress("enrich", 0, total)

    def done(rows: Rows) -> None:
        _write(engine, rows, report)
        if progress:
            progress("enrich", report.messages, total)

    if workers == 1:
        enricher = Enricher(watch)
        for batch in _batches(chunks, BATCH):
            done(enricher.batch(batch))
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker,
                                 initargs=(watch,)) as pool:
            inflight: list[Future] = []
            for batch in _batches(chunks, BATCH):
                inflight.append(pool.submit(_run_batch, batch))
                while len(inflight) > workers * 2:
                    done(inflight.pop(0).result())
            for future in inflight:
                done(future.result())
    report.seconds = time.monotonic() - started
    return report
