"""Debunks analysts write for a campaign, and their schema.org ClaimReview export.

ClaimReview is the markup fact-checkers publish so search engines and platforms
can show the rating next to the claim (https://schema.org/ClaimReview). Only
published debunks are exported and shown by the public check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from fakewatch.report.findings import iso
from fakewatch.store.tables.campaigns import campaigns
from fakewatch.store.tables.web import debunks, users
from fakewatch.web.auth import User

# Rating names with their place on ClaimReview's 1 (worst) .. 5 (best) scale.
RATINGS = {"False": 1, "Misleading": 2, "Missing context": 3, "Mostly true": 4, "True": 5}
STATUSES = ("draft", "published")
MAX_TEXT = 20_000
MAX_LINKS = 20
MAX_URL = 2_000


class DebunkError(ValueError):
    """A debunk that cannot be saved as given (unknown campaign, bad rating, bad link)."""


@dataclass
class DebunkInput:
    claim: str
    text: str
    rating: str = "False"
    links: list[str] | None = None
    status: str = "draft"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _valid_links(links: list[str]) -> list[str]:
    out = []
    for link in links:
        link = link.strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > MAX_URL:
            raise DebunkError(f"not an http(s) link: {link[:80]!r}")
        out.append(link)
    if len(out) > MAX_LINKS:
        raise DebunkError(f"at most {MAX_LINKS} links")
    return out


def save(engine: Engine, campaign_code: str, author: User, data: DebunkInput, debunk_id: int | None = None) -> int:
    """Create a debunk for a campaign (or update `debunk_id` of it); its id."""
    if data.rating not in RATINGS:
        raise DebunkError(f"rating must be one of {', '.join(RATINGS)}")
    if data.status not in STATUSES:
        raise DebunkError(f"status must be one of {', '.join(STATUSES)}")
    if not data.text.strip() or not data.claim.strip():
        raise DebunkError("claim and text are required")
    if len(data.text) > MAX_TEXT or len(data.claim) > MAX_TEXT:
        raise DebunkError(f"claim and text are limited to {MAX_TEXT} characters")
    values = dict(claim=data.claim.strip(), text=data.text.strip(), rating=data.rating,
                  links=_valid_links(data.links or []), status=data.status, updated_at=_now())
    with engine.begin() as conn:
        if conn.execute(select(campaigns.c.id).where(campaigns.c.code == campaign_code)).first() is None:
            raise DebunkError(f"no campaign {campaign_code!r}")
        if debunk_id is None:
            return conn.execute(debunks.insert().values(campaign=campaign_code, author_id=author.id,
                                                        created_at=values["updated_at"], **values)
                                ).inserted_primary_key[0]
        done = conn.execute(debunks.update().where(debunks.c.id == debunk_id, debunks.c.campaign == campaign_code)
                            .values(**values)).rowcount
        if not done:
            raise DebunkError(f"no debunk {debunk_id} for campaign {campaign_code!r}")
        return debunk_id


def _select():
    return select(debunks, users.c.name.label("author")).join(users, users.c.id == debunks.c.author_id)


def for_campaign(engine: Engine, campaign_code: str, *, published_only: bool = False) -> list[dict]:
    stmt = _select().where(debunks.c.campaign == campaign_code).order_by(debunks.c.updated_at.desc())
    if published_only:
        stmt = stmt.where(debunks.c.status == "published")
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def published_by_campaign(engine: Engine) -> dict[str, dict]:
    """The newest published debunk of each campaign, by campaign code (what the public check shows)."""
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for row in conn.execute(_select().where(debunks.c.status == "published")
                                .order_by(debunks.c.updated_at)).mappings():
            out[row["campaign"]] = dict(row)
    return out


def get(engine: Engine, debunk_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(_select().where(debunks.c.id == debunk_id)).mappings().first()
    return dict(row) if row else None


def public_view(debunk: dict) -> dict:
    """The fields of a debunk the public may see (no author account, no draft state)."""
    return {"id": debunk["id"], "claim": debunk["claim"], "text": debunk["text"], "rating": debunk["rating"],
            "links": list(debunk["links"] or []), "updated": iso(debunk["updated_at"])}


def claim_review(debunk: dict, campaign: dict, *, url: str, publisher: str) -> dict:
    """The debunk as schema.org ClaimReview JSON-LD."""
    first = campaign.get("first_seen")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "datePublished": iso(debunk["created_at"]),
        "dateModified": iso(debunk["updated_at"]),
        "author": {"@type": "Organization", "name": publisher},
        "claimReviewed": debunk["claim"],
        "reviewBody": debunk["text"],
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[debunk["rating"]],
            "bestRating": max(RATINGS.values()),
            "worstRating": min(RATINGS.values()),
            "alternateName": debunk["rating"],
        },
        "itemReviewed": {
            "@type": "Claim",
            "name": campaign.get("title", ""),
            "datePublished": iso(first) if isinstance(first, datetime) else first,
            "appearance": [{"@type": "CreativeWork", "url": f"https://{d}/"} for d in campaign.get("domains", [])],
        },
        "citation": [{"@type": "CreativeWork", "url": link} for link in debunk["links"] or []],
    }
