"""Debunks analysts write for a campaign or a media cluster, and their schema.org exports.

ClaimReview is the markup fact-checkers publish so search engines and platforms
can show the rating next to the claim (https://schema.org/ClaimReview); a debunk
of a media cluster (a known fake picture, video or voice note) is exported as
MediaReview (https://schema.org/MediaReview) with its authenticity category and
the copies' SHA-256. Only published debunks are shown by the public check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from fakewatch.model import iso
from fakewatch.store.tables.detect import clusters
from fakewatch.store.tables.campaigns import campaigns
from fakewatch.store.tables.web import debunks, users

# Rating names with their place on ClaimReview's 1 (worst) .. 5 (best) scale.
RATINGS = {"False": 1, "Misleading": 2, "Missing context": 3, "Mostly true": 4, "True": 5}
STATUSES = ("draft", "published")
MAX_TEXT = 20_000
MAX_LINKS = 20
MAX_URL = 2_000
# schema.org MediaManipulationRatingEnumeration: what a media debunk says of the file.
CATEGORIES = ("TransformedContent", "EditedOrCroppedContent", "DecontextualizedContent", "StagedContent",
              "SatireOrParodyContent", "OriginalMediaContent")
MEDIA_TYPES = {"image": "ImageObject", "video": "VideoObject", "audio": "AudioObject"}


class DebunkError(ValueError):
    """A debunk that cannot be saved as given (unknown campaign, bad rating, bad link)."""


@dataclass
class DebunkInput:
    claim: str
    text: str
    rating: str = "False"
    links: list[str] | None = None
    status: str = "draft"
    category: str | None = None  # MediaReview authenticity category; media debunks only


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


def _values(data: DebunkInput) -> dict:
    """The columns of a valid debunk, or DebunkError."""
    if data.rating not in RATINGS:
        raise DebunkError(f"rating must be one of {', '.join(RATINGS)}")
    if data.status not in STATUSES:
        raise DebunkError(f"status must be one of {', '.join(STATUSES)}")
    if not data.text.strip() or not data.claim.strip():
        raise DebunkError("claim and text are required")
    if len(data.text) > MAX_TEXT or len(data.claim) > MAX_TEXT:
        raise DebunkError(f"claim and text are limited to {MAX_TEXT} characters")
    return dict(claim=data.claim.strip(), text=data.text.strip(), rating=data.rating,
                links=_valid_links(data.links or []), status=data.status, updated_at=_now())


def _write(conn, column, value: str, author_id: int, values: dict, debunk_id: int | None, what: str) -> int:
    """Insert a debunk about `column == value` (a campaign or a media cluster), or update `debunk_id` of it."""
    if debunk_id is None:
        return conn.execute(debunks.insert().values({column.name: value, "author_id": author_id,
                                                     "created_at": values["updated_at"], **values})
                            ).inserted_primary_key[0]
    done = conn.execute(debunks.update().where(debunks.c.id == debunk_id, column == value).values(**values)).rowcount
    if not done:
        raise DebunkError(f"no debunk {debunk_id} for {what}")
    return debunk_id


def save(engine: Engine, campaign_code: str, author_id: int, data: DebunkInput, debunk_id: int | None = None) -> int:
    """Create a debunk for a campaign (or update `debunk_id` of it); its id."""
    values = _values(data)
    with engine.begin() as conn:
        if conn.execute(select(campaigns.c.id).where(campaigns.c.code == campaign_code)).first() is None:
            raise DebunkError(f"no campaign {campaign_code!r}")
        return _write(conn, debunks.c.campaign, campaign_code, author_id, values, debunk_id,
                      f"campaign {campaign_code!r}")


def save_media(engine: Engine, cluster_id: int, author_id: int, data: DebunkInput,
               debunk_id: int | None = None) -> int:
    """Mark a media cluster as a known fake: create (or update `debunk_id` of) its debunk; its id.

    Stored under the cluster's key, which detection keeps across runs (cluster ids are renumbered).
    """
    if data.category not in CATEGORIES:
        raise DebunkError(f"category must be one of {', '.join(CATEGORIES)}")
    values = _values(data) | {"category": data.category}
    with engine.begin() as conn:
        key = conn.execute(select(clusters.c.key).where(clusters.c.id == cluster_id,
                                                        clusters.c.kind == "media")).scalar()
        if key is None:
            raise DebunkError(f"no media cluster {cluster_id}")
        return _write(conn, debunks.c.media_key, key, author_id, values, debunk_id, f"media cluster {cluster_id}")


def _select():
    return select(debunks, users.c.name.label("author")).join(users, users.c.id == debunks.c.author_id)


def _listed(engine: Engine, column, value: str, published_only: bool) -> list[dict]:
    stmt = _select().where(column == value).order_by(debunks.c.updated_at.desc())
    if published_only:
        stmt = stmt.where(debunks.c.status == "published")
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _newest_published(engine: Engine, column) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for row in conn.execute(_select().where(debunks.c.status == "published", column.is_not(None))
                                .order_by(debunks.c.updated_at)).mappings():
            out[row[column.name]] = dict(row)
    return out


def for_campaign(engine: Engine, campaign_code: str, *, published_only: bool = False) -> list[dict]:
    return _listed(engine, debunks.c.campaign, campaign_code, published_only)


def published_by_campaign(engine: Engine) -> dict[str, dict]:
    """The newest published debunk of each campaign, by campaign code (what the public check shows)."""
    return _newest_published(engine, debunks.c.campaign)


def for_media(engine: Engine, media_key: str, *, published_only: bool = False) -> list[dict]:
    """Debunks of the media cluster with this key, newest first."""
    return _listed(engine, debunks.c.media_key, media_key, published_only)


def published_by_media(engine: Engine) -> dict[str, dict]:
    """The newest published debunk of each media cluster, by cluster key (what a file check shows)."""
    return _newest_published(engine, debunks.c.media_key)


def get(engine: Engine, debunk_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(_select().where(debunks.c.id == debunk_id)).mappings().first()
    return dict(row) if row else None


def public_view(debunk: dict) -> dict:
    """The fields of a debunk the public may see (no author account, no draft state)."""
    view = {"id": debunk["id"], "claim": debunk["claim"], "text": debunk["text"], "rating": debunk["rating"],
            "links": list(debunk["links"] or []), "updated": iso(debunk["updated_at"])}
    if debunk.get("category"):
        view["category"] = debunk["category"]
    return view


def _review(kind: str, debunk: dict, url: str, publisher: str) -> dict:
    """What ClaimReview and MediaReview share: who reviewed, when, where, and the sources cited."""
    return {
        "@context": "https://schema.org",
        "@type": kind,
        "url": url,
        "datePublished": iso(debunk["created_at"]),
        "dateModified": iso(debunk["updated_at"]),
        "author": {"@type": "Organization", "name": publisher},
        "citation": [{"@type": "CreativeWork", "url": link} for link in debunk["links"] or []],
    }


def claim_review(debunk: dict, campaign: dict, *, url: str, publisher: str) -> dict:
    """The debunk as schema.org ClaimReview JSON-LD."""
    first = campaign.get("first_seen")
    return _review("ClaimReview", debunk, url, publisher) | {
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
    }


def _duration(seconds: float | None) -> str | None:
    return f"PT{seconds:.1f}S" if seconds else None


def media_review(debunk: dict, evidence: dict, *, url: str, publisher: str) -> dict:
    """A media debunk as schema.org MediaReview JSON-LD; `evidence` is the cluster as
    :func:`fakewatch.report.media.cluster_evidence` gives it (copies with SHA-256, first appearance).

    Messenger copies have no public address, so each appearance is named by its SHA-256, size and
    first appearance rather than a contentUrl.
    """
    appearances = []
    for copy in evidence.get("copies", []):
        item = {"@type": MEDIA_TYPES.get(copy["kind"], "MediaObject"), "sha256": copy["sha256"],
                "uploadDate": copy["first_seen"], "width": copy["width"], "height": copy["height"],
                "duration": _duration(copy["duration"])}
        appearances.append({k: v for k, v in item.items() if v is not None})
    return _review("MediaReview", debunk, url, publisher) | {
        "mediaAuthenticityCategory": debunk["category"],
        "reviewBody": debunk["text"],
        "originalMediaContextDescription": debunk["claim"],
        "itemReviewed": {
            "@type": "MediaReviewItem",
            "datePublished": evidence.get("first_seen"),
            "mediaItemAppearance": appearances,
        },
    }
