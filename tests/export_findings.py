"""A small hand-written findings.json for the export tests: every field an export reads, hostile text included."""

from __future__ import annotations

import copy
from typing import Any

PHONES = ["+77015550101", "+77775550202"]  # third parties' numbers listed as "organisers"
WHATSAPP_SEEDER = "whatsapp:+77055550303"  # a WhatsApp account is its phone number
HOSTILE_TITLE = "Все на марш! [жми](http://evil.example/x) ![t](http://evil.example/p.png) <script>x</script> " \
                "звоните 8 (701) 555-01-01"
FAKE_URL = "https://shyndyk-kz.info/kogam/marsh-51873"


def _msg(chat: str, n: int, platform: str = "telegram") -> dict[str, str]:
    return {"platform": platform, "chat_id": chat, "message_id": str(n)}


CAMPAIGNS: list[dict[str, Any]] = [
    {
        "id": "C1", "title": HOSTILE_TITLE, "score": 0.87,
        "first_seen": "2025-04-18T06:12:00Z", "last_seen": "2025-04-24T21:40:00Z",
        "messages": [_msg("1001", 77), _msg("1002", 78), _msg("Родители 5Б", 3, "whatsapp")],
        "accounts": ["telegram:user555", "telegram:user556", WHATSAPP_SEEDER, "telegram:user1"],
        "coordinated_accounts": ["telegram:user555", "telegram:user556", WHATSAPP_SEEDER],
        "seeders": [WHATSAPP_SEEDER, "telegram:user555"],
        "chats": ["telegram:1001", "telegram:1002", "whatsapp:Родители 5Б"],
        "targets": {"persons": ["Айгуль Нурланова"], "phones": PHONES},
        "targets_detail": {"phones": [{"value": PHONES[0], "messages": 2}], "persons": []},
        "domains": ["shyndyk-kz.info"], "impersonates": ["shyndyk.kz"],
        "techniques": ["T0048.004", "T0149.003", "T0049"],
        "kind": "doxxing", "harm_signals": ["third_party_phones", "gathering"],
        "score_parts": {"coordination": 0.9, "harm": 1.0, "harm.third_party_phones": 1.0},
        "clusters": [{"id": 1, "kind": "link", "key": FAKE_URL, "size": 2},
                     {"id": 2, "kind": "link", "key": "https://shyndyk.kz/real", "size": 1},
                     {"id": 3, "kind": "text", "key": "все на марш <phone>", "size": 3}],
        "media": [{"cluster_id": 9, "key": "media:video:ab", "copies": [{"sha256": "cd" * 32, "kind": "video"}]}],
        "evidence": [
            {"kind": "third_party_phone", "detail": f"{PHONES[0]} is listed in 2 messages by 2 accounts.",
             "messages": [_msg("1001", 77), _msg("1002", 78)], "data": {"phone": PHONES[0]}},
            {"kind": "impersonation", "detail": "shyndyk-kz.info imitates shyndyk.kz [see](javascript:alert(1))",
             "messages": [_msg("1001", 77)], "data": {"domain": "shyndyk-kz.info", "outlet": "shyndyk.kz"}},
        ],
    },
    {
        "id": "C2", "title": "Кто хочет заработать 5000 тг", "score": 0.61,
        "first_seen": "2025-04-19T07:10:00Z", "last_seen": "2025-04-20T08:00:00Z",
        "messages": [_msg("1003", 5)], "accounts": ["telegram:user700"], "coordinated_accounts": ["telegram:user700"],
        "seeders": ["telegram:user700"], "chats": ["telegram:1003", "telegram:1001"],
        "targets": {"persons": [], "phones": []}, "domains": [], "impersonates": [],
        "techniques": ["T0057.001", "T0049"],
        "evidence": [{"kind": "payment_offer", "detail": "1 message promises payment.", "messages": [_msg("1003", 5)]}],
    },
]

FINDINGS: dict[str, Any] = {
    "generator": "fakewatch 0.1.0",
    "inputs": [{"path": "chats/result.json", "sha256": "ab" * 32, "messages": 1234},
               {"path": "WhatsApp Chat with Родители 5Б.txt", "sha256": "ef" * 32, "messages": 80}],
    "campaigns": CAMPAIGNS,
    "candidates": [{**CAMPAIGNS[1], "id": "K1", "score": 0.3, "techniques": []}],
    "coordinated_activity": [
        {"id": "A1", "kind": "cross_posting", "title": "Shop notices", "first_seen": "2025-04-18T01:00:00Z",
         "last_seen": "2025-04-25T01:00:00Z", "messages": [_msg("1004", 1)], "accounts": ["telegram:user42"],
         "coordinated_accounts": [], "chats": ["telegram:1004"], "what": "one seller's notices in 3 chats",
         "why_not_campaign": "an account's own notices, no harm signal", "score": 0.2, "score_parts": {},
         "evidence": []},
    ],
}


def findings() -> dict[str, Any]:
    """A fresh copy, so a test may break it."""
    return copy.deepcopy(FINDINGS)


def phone_digits() -> list[str]:
    """Every listed number's national digits (what redaction must not leave anywhere)."""
    numbers = PHONES + [WHATSAPP_SEEDER.split(":")[1]]
    return [n.removeprefix("+7") for n in numbers] + ["7015550101"]
