"""Counts over the store: what `fakewatch stats` shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from .tables.core import accounts, chats, messages


SYSTEM_KIND = "service"  # system lines and service messages: what the chat shows as events, not messages


def stats(engine: Engine) -> dict[str, Any]:
    """Counts: `messages` holds every stored line, system lines included; `content_messages` leaves
    those out (deleted messages stay in: the chat shows them), which is what a user counts in the chat."""
    day = func.substr(func.cast(messages.c.sent_at, messages.c.text.type), 1, 10)
    content = func.count().filter(messages.c.kind != SYSTEM_KIND)
    with engine.connect() as conn:
        count = lambda table: conn.execute(select(func.count()).select_from(table)).scalar_one()  # noqa: E731
        per_platform = {
            platform: {"messages": n, "content_messages": c}
            for platform, n, c in conn.execute(select(messages.c.platform, func.count(), content)
                                               .group_by(messages.c.platform))
        }
        for platform, n in conn.execute(select(chats.c.platform, func.count()).group_by(chats.c.platform)):
            per_platform.setdefault(platform, {"messages": 0, "content_messages": 0})["chats"] = n
        for platform, n in conn.execute(select(accounts.c.platform, func.count()).group_by(accounts.c.platform)):
            per_platform.setdefault(platform, {"messages": 0, "content_messages": 0})["accounts"] = n
        per_day = {d: n for d, n in conn.execute(select(day, func.count()).group_by(day).order_by(day))}
        return {
            "messages": count(messages),
            "content_messages": sum(p["content_messages"] for p in per_platform.values()),
            "chats": count(chats),
            "accounts": count(accounts),
            "platforms": per_platform,
            "days": per_day,
        }
