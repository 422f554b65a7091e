"""A fast writer of synthetic Telegram Desktop exports for the ingest benchmark.

The messages mimic what the Desktop exporter writes for a busy group (formats.md):
`date` + `date_unixtime`, `from`/`from_id`, `text` as a string or as a list with
entities plus `text_entities`, replies, forwards, photo placeholders, service
messages. Written with plain string formatting so that a million messages take
seconds, not minutes, to produce.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from pathlib import Path

START = 1_744_000_000  # epoch seconds the generated history starts at
WORDS = ("марш", "суббота", "акимат", "звоните", "организатор", "фейк", "новости", "алматы", "оплата", "митинг",
         "protest", "march", "saturday", "call", "paid", "video", "governor", "journalist", "срочно", "все")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_export(path: Path, messages: int, *, chats: int = 1, seed: int = 1) -> Path:
    """Write a Telegram export with `messages` messages: single-chat shape when `chats` is 1, else full-account."""
    rng = random.Random(seed)
    per_chat = -(-messages // chats)
    with path.open("w", encoding="utf-8") as out:
        if chats > 1:
            out.write('{\n "about": "synthetic", "personal_information": {"user_id": 1},\n "chats": {\n  "about": "",'
                      '\n  "list": [\n')
        written = 0
        for c in range(chats):
            count = min(per_chat, messages - written)
            if chats > 1 and c:
                out.write(",\n")
            out.write('{\n "name": "Чат %d",\n "type": "private_supergroup",\n "id": %d,\n "messages": [\n'
                      % (c, 5000 + c))
            for i in range(1, count + 1):
                out.write(_message(rng, i) + (",\n" if i < count else "\n"))
            out.write(" ]\n}")
            written += count
        if chats > 1:
            out.write("\n  ]\n }\n}\n")
        else:
            out.write("\n")
    return path


def _message(rng: random.Random, i: int) -> str:
    ts = START + i * 7
    iso = datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    user = 100_000 + rng.randrange(5000)
    roll = rng.random()
    if roll < 0.02:
        return ('  {"id": %d, "type": "service", "date": "%s", "date_unixtime": "%d", "actor": "user %d", '
                '"actor_id": "user%d", "action": "invite_members", "members": ["x"], "text": "", "text_entities": []}'
                % (i, iso, ts, user, user))
    head = ('  {"id": %d, "type": "message", "date": "%s", "date_unixtime": "%d", "from": "Пользователь %d", '
            '"from_id": "user%d"' % (i, iso, ts, user, user))
    extra = ""
    if roll < 0.12:
        extra += ', "reply_to_message_id": %d' % max(1, i - rng.randrange(1, 50))
    elif roll < 0.20:
        extra += ', "forwarded_from": "Канал %d"' % rng.randrange(100)
    if rng.random() < 0.08:
        extra += (', "photo": "(File not included. Change data exporting settings to download.)", '
                  '"width": 1280, "height": 720')
    body = _text(rng, rng.randrange(3, 30))
    if rng.random() < 0.2:
        link = "https://news-%d.example/a/%d" % (rng.randrange(50), i)
        parts = [body + " ", {"type": "link", "text": link}]
        ents = [{"type": "plain", "text": body + " "}, {"type": "link", "text": link}]
        text = ', "text": %s, "text_entities": %s' % (json.dumps(parts, ensure_ascii=False),
                                                      json.dumps(ents, ensure_ascii=False))
    else:
        text = ', "text": "%s", "text_entities": [{"type": "plain", "text": "%s"}]' % (body, body)
    return head + extra + text + "}"
