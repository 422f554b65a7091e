"""Synthetic Telegram Desktop exports for the ingest benchmark.

The messages mimic what the Desktop exporter writes for a busy group (formats.md):
`date` + `date_unixtime`, `from`/`from_id`, `text` as a string or as a list with
entities plus `text_entities`, replies, forwards, photo placeholders, service
messages; a million take about twenty seconds to write.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fakewatch.demo.writers import message_json

START = 1_744_000_000  # epoch seconds the generated history starts at
WORDS = ("марш", "суббота", "акимат", "звоните", "организатор", "фейк", "новости", "алматы", "оплата", "митинг",
         "protest", "march", "saturday", "call", "paid", "video", "governor", "journalist", "срочно", "все")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_export(path: Path, messages: int, *, chats: int = 1, seed: int = 1) -> Path:
    """Write a Telegram export with `messages` messages: single-chat shape when `chats` is 1, else full-account.

    Laid out as Telegram Desktop writes it (one space of indent per level, every
    container opened), by the demo's writer.
    """
    rng = random.Random(seed)
    per_chat = -(-messages // chats)
    with path.open("w", encoding="utf-8") as out:
        pad = ""
        if chats > 1:
            out.write('{\n "about": "synthetic",\n "personal_information": {\n  "user_id": 1\n },\n "chats": {\n'
                      '  "about": "",\n  "list": [\n')
            pad = "   "
        written = 0
        for c in range(chats):
            count = min(per_chat, messages - written)
            if chats > 1 and c:
                out.write(",\n" + pad)
            out.write('{\n%s "name": "Чат %d",\n%s "type": "private_supergroup",\n%s "id": %d,\n%s "messages": ['
                      % (pad, c, pad, pad, 5000 + c, pad))
            for i in range(1, count + 1):
                out.write(("\n" if i == 1 else ",\n") + pad + "  " + message_json(_message(rng, i), len(pad) + 2))
            out.write("\n%s ]\n%s}" % (pad, pad))
            written += count
        out.write("\n  ]\n }\n}\n" if chats > 1 else "\n")
    return path


def _message(rng: random.Random, i: int) -> dict[str, Any]:
    ts = START + i * 7
    iso = datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    user = 100_000 + rng.randrange(5000)
    roll = rng.random()
    if roll < 0.02:
        return {"id": i, "type": "service", "date": iso, "date_unixtime": str(ts), "actor": f"user {user}",
                "actor_id": f"user{user}", "action": "invite_members", "members": ["x"], "text": "",
                "text_entities": []}
    msg: dict[str, Any] = {"id": i, "type": "message", "date": iso, "date_unixtime": str(ts),
                           "from": f"Пользователь {user}", "from_id": f"user{user}"}
    if roll < 0.12:
        msg["reply_to_message_id"] = max(1, i - rng.randrange(1, 50))
    elif roll < 0.20:
        msg["forwarded_from"] = f"Канал {rng.randrange(100)}"
    if rng.random() < 0.08:
        msg.update(photo="(File not included. Change data exporting settings to download.)", width=1280, height=720)
    body = _text(rng, rng.randrange(3, 30))
    if rng.random() < 0.2:
        link = "https://news-%d.example/a/%d" % (rng.randrange(50), i)
        msg["text"] = [body + " ", {"type": "link", "text": link}]
        msg["text_entities"] = [{"type": "plain", "text": body + " "}, {"type": "link", "text": link}]
    else:
        msg["text"] = body
        msg["text_entities"] = [{"type": "plain", "text": body}]
    return msg
