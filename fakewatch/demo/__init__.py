"""The demo scenario: a realistic corpus with planted campaigns and the ground truth to score against.

`generate(out_dir)` writes:

    telegram/full_export/result.json   full-account export holding most chats (+ left_chats)
    telegram/<chat>/result.json        single-chat exports of the others (one chat is in both, identically)
    whatsapp/<Chat name>.txt           two WhatsApp groups, Android (ru) and iOS (en) layouts
    web/*.html                         the fake articles and the real outlets' pages, as saved by a browser
    truth.json                         campaigns by message identity, their accounts, seeders, targets, domains;
                                       benign_viral messages; legit_coordinated groups (coordinated, not fake)

Two scenarios share that layout: "demo" (`scenario`) and "hard" (`hard`, an
adversarial one written from issue 13 apart from the detectors).
Deterministic per seed: every random stream is a `random.Random` seeded from
the seed (and a chat's name), and no wall-clock time goes in.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import hard, pages
from .hard_texts import LOOKALIKE_TRACKERS
from .scenario import ChatSpec, Post, Scenario, build
from .writers import MediaSink, TelegramWriter, WhatsAppWriter

DEFAULT_SEED = 2025
DEFAULT_MESSAGES = 20_000
TRUTH = "truth.json"
INPUT_DIRS = ("telegram", "whatsapp", "web")
EXPORTER_PHONE = "+7 701 555 90 90"
COUNTING_RULE = ("a message carrying a campaign's content is a campaign message whoever posted it; ordinary "
                 "members who passed it on are unwitting_accounts, not coordinated_accounts; replies, questions "
                 "and warnings quoting it are not campaign messages")


@dataclass(frozen=True)
class Flavour:
    """One scenario: how it is built, its saved web pages, the fake pages' analytics ids, its default size."""

    build: Callable[[int, int], Scenario]
    pages: Callable[[Scenario], tuple[pages.Page, ...]]
    trackers: tuple[str, ...]
    messages: int


SCENARIOS = {
    "demo": Flavour(build, lambda _s: pages.PAGES, pages.FAKE_TRACKERS, DEFAULT_MESSAGES),
    "hard": Flavour(hard.build, hard.pages, LOOKALIKE_TRACKERS, hard.DEFAULT_MESSAGES),
}


class DemoError(Exception):
    """The output folder holds something that is not an earlier demo."""


def inputs(out_dir: Path | str) -> list[Path]:
    """The folders of a generated demo to hand to ingest/investigate (truth.json is not an input)."""
    return [Path(out_dir) / name for name in INPUT_DIRS]


def _clear(out: Path) -> None:
    """Remove an earlier demo's files; refuse to touch folders that are not a demo's."""
    existing = [out / name for name in INPUT_DIRS if (out / name).exists()]
    if existing and not (out / TRUTH).exists():
        raise DemoError(f"{out} holds {existing[0].name}/ but no {TRUTH}: not a demo folder, not overwriting it")
    for folder in existing:
        shutil.rmtree(folder)


class _Truth:
    """Collects the identities of tagged messages as chats are written."""

    def __init__(self, scenario: Scenario, name: str, trackers: tuple[str, ...]) -> None:
        self.scenario = scenario
        self.name = name
        self.trackers = trackers
        self.campaign: dict[str, list[dict[str, str]]] = {c.id: [] for c in scenario.campaigns}
        self.accounts: dict[str, set[str]] = {c.id: set() for c in scenario.campaigns}
        self.legit: dict[str, list[dict[str, str]]] = {g.id: [] for g in scenario.legit}
        self.legit_accounts: dict[str, set[str]] = {g.id: set() for g in scenario.legit}
        self.benign: list[dict[str, str]] = []
        self.total = 0
        self.seen: set[tuple[str, str]] = set()

    def record(self, chat: ChatSpec, posts: list[Post], ids: list[str] | None = None) -> list[Post]:
        """Note the tagged ones of `posts`, identified by `ids` (WhatsApp: as the writer derived them)
        or else by their Telegram ids."""
        if (chat.platform, chat.native_id) in self.seen:
            return posts  # the chat also exported alone: same identities, counted once
        self.seen.add((chat.platform, chat.native_id))
        self.total += len(posts)
        for n, post in enumerate(posts):
            if post.tag is None:
                continue
            message_id = ids[n] if ids is not None else str(post.id)
            ident = {"platform": chat.platform, "chat_id": chat.native_id, "message_id": message_id}
            if post.tag == "benign":
                self.benign.append(ident)
            elif post.tag.startswith("legit:"):
                code = post.tag.split(":", 1)[1]
                self.legit[code].append(ident)
                self.legit_accounts[code].add(post.author.key)
            else:
                code = post.tag.split(":", 1)[1]
                self.campaign[code].append(ident)
                if not post.unwitting:
                    self.accounts[code].add(post.author.key)
        return posts

    def as_dict(self) -> dict[str, Any]:
        out = []
        for c in self.scenario.campaigns:
            item: dict[str, Any] = {
                "id": c.id, "kind": c.kind, "title": c.title, "messages": self.campaign[c.id],
                "coordinated_accounts": sorted(self.accounts[c.id]), "unwitting_accounts": sorted(c.unwitting),
                "seeder": c.seeder.key, "targets": {"persons": c.persons, "phones": c.phones},
                "domains": c.domains, "impersonates": c.impersonates,
            }
            if c.domains:
                item["trackers"] = list(self.trackers)
            out.append(item)
        legit = [{"id": g.id, "kind": g.kind, "title": g.title, "accounts": sorted(self.legit_accounts[g.id]),
                  "messages": self.legit[g.id]} for g in self.scenario.legit]
        return {"scenario": self.name, "seed": self.scenario.seed, "messages": self.total, "counting": COUNTING_RULE,
                "campaigns": out, "benign_viral": self.benign, "legit_coordinated": legit}


def generate(out_dir: Path | str, *, seed: int = DEFAULT_SEED, messages: int | None = None,
             media: MediaSink | None = None, scenario: str = "demo") -> Path:
    """Write `scenario` (a name in SCENARIOS) for `seed` with about `messages` messages into `out_dir`.

    Returns `out_dir`. `messages` defaults to the scenario's own size.

    The demo's planted campaigns, sellers, warnings and official statement are the
    same at every size (about 1,200 messages, so also the smallest corpus); in both
    scenarios `messages` adds ordinary chatter up to that total.
    `media` decides which media files go into the exports (default: none).
    """
    if scenario not in SCENARIOS:
        raise DemoError(f"no scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
    flavour = SCENARIOS[scenario]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    laid = flavour.build(seed, flavour.messages if messages is None else messages)
    truth = _Truth(laid, scenario, flavour.trackers)
    tg = TelegramWriter(media)
    chats = laid.chats

    def laid_out(kinds: tuple[str, ...]) -> Iterator[tuple[ChatSpec, list[Post]]]:
        for chat in chats:
            if chat.platform == "telegram" and chat.export in kinds:
                posts = truth.record(chat, laid.posts(chat))
                if chat.export == "both":
                    tg.single(out / "telegram" / chat.key / "result.json", chat, posts)
                yield chat, posts

    tg.full(out / "telegram" / "full_export" / "result.json", laid.exporter, EXPORTER_PHONE,
            laid_out(("full", "both")), laid_out(("left",)))
    for chat in chats:
        if chat.platform == "telegram" and chat.export == "single":
            tg.single(out / "telegram" / chat.key / "result.json", chat, truth.record(chat, laid.posts(chat)))
    wa = WhatsAppWriter(media)
    for chat in chats:
        if chat.platform == "whatsapp":
            posts = laid.posts(chat)
            truth.record(chat, posts, wa.write(out / "whatsapp" / f"{chat.name}.txt", chat, posts))
    pages.write(out / "web", flavour.pages(laid))
    (out / TRUTH).write_text(json.dumps(truth.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


__all__ = ["DEFAULT_MESSAGES", "DEFAULT_SEED", "SCENARIOS", "DemoError", "MediaSink", "TRUTH", "generate", "inputs"]
