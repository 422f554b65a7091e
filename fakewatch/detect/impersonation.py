"""Look-alike domains: which real outlet a domain imitates, by which trick, and how surely.

Spoofed outlets (Meta's 2022 "Doppelganger" takedown listed spiegel.ltd,
bild.pics, t-onlinl.life, theguardian.co.com, ...) are made in a handful of
ways, the same families dnstwist enumerates:

========================  ==========================================  ======================
family                    example (outlet tengrinews.kz)               how it is recognised
========================  ==========================================  ======================
tld-swap                  tengrinews.info                              same brand label, other suffix
homoglyph / cyrillic      tengrinevvs.kz, tеngrinews.kz (Cyrillic е)   equal confusable skeletons
idn                       xn--tngrinews-...kz                          punycode decoded, then skeleton
addition, insertion,      tengrinewsa.kz, tengrinewss.kz,             one edit (Damerau) on the
omission, repetition,     tengrnews.kz, tengrinwes.kz,                 skeleton; the edit is named
replacement, transposition, bitsquatting, vowel-swap, plural
hyphenation               tengri-news.kz                               equal once hyphens are dropped
tld-in-name               tengrinews-kz.info, tengrinewskz.com         brand + the outlet's suffix
dictionary                tengrinews-today.com, mytengrinews.kz        brand + a common news word
subdomain                 tengrinews.kz.news-today.ru, tengri.news.kz  brand (and suffix) in the labels
========================  ==========================================  ======================

Every family gives a base strength; the score multiplies it by how distinctive
the brand is (short brands collide with ordinary words: ``welt`` is one letter
from ``well``) and by the suffix used (Doppelganger bought cheap new gTLDs such
as ``.ltd`` or ``.life``; a swap to ``.com`` is also how sister outlets and
unrelated companies are named, e.g. ``lenta.com``). Matches under
:data:`MIN_SCORE` are dropped. A domain that is itself a known outlet (or one
of its subdomains) never matches, and neither do hosts of services that mirror
pages on purpose (Yandex Turbo pages, Google's AMP cache and translate proxy).

Lookups are indexed: exact skeletons in dicts, single edits through a
deletion index (the SymSpell trick: two strings within one edit share a string
reachable by at most one deletion from each), so matching a million hosts
against thousands of outlets stays linear in the hosts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz.distance import OSA

import tldextract

from fakewatch.outlets import Outlet, to_ascii

# Suspects are cut with the private part of the public-suffix list too: bild.eu.com and
# theguardian.co.com are CentralNic sub-registrations, tengrinews.blogspot.com is a blog; the brand
# there sits where a registrant chose it, like in any registrable domain.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

MIN_SCORE = 0.6
"""Below this a resemblance is too weak to report (e.g. a 4-letter brand under another TLD at .com)."""

# Base strength of each family: how rarely an honest domain looks like this.
STRENGTH = {
    "homoglyph": 0.95, "cyrillic": 0.95, "idn": 0.95, "subdomain": 0.9, "tld-in-name": 0.9,
    "tld-swap": 0.9, "hyphenation": 0.85, "dictionary": 0.85, "transposition": 0.85, "bitsquatting": 0.8,
    "repetition": 0.85, "omission": 0.8, "addition": 0.8, "insertion": 0.8, "plural": 0.8, "vowel-swap": 0.8,
    "replacement": 0.8, "added-word": 0.7, "edit2": 0.7,
}

# Cheap gTLDs abused for throw-away spoofs (Doppelganger: .ltd .life .pics .top .cam .cfd .ws .vip ...).
CHEAP_TLDS = frozenset(
    "agency asia bar biz buzz cab cam cfd click club cyou digital expert fun icu info ink life link live llc ltd "
    "media news one online pics pro pw quest rest sbs shop site space store tech today top tours vip website work "
    "world ws xyz".split()
)
# Services that copy outlets' pages by design; their hosts spell the outlet's name on purpose.
MIRROR_SERVICES = frozenset({"turbopages.org", "ampproject.org", "translate.goog", "googleusercontent.com",
                             "archive.org", "archive.ph", "archive.today", "web.archive.org"})
# Words glued to a brand by "added word" spoofs: outlet-news.kz, mytengrinews.com, spiegel-online.de.
DICTIONARY = frozenset(
    "news novosti novost daily today online live info media press portal times post tv 24 365 now latest "
    "breaking new my the official real true world web site plus pro top best inside insider agency report "
    "review journal express digest update updates alert alerts hub center centre global international region "
    "local city aktuell nachrichten heute neu zeitung segodnya vesti gazeta pravda rus russia kazakhstan "
    "qazaqstan almaty astana zhanalyqtar akparat habar info24 net blog channel tv24 radio fm".split()
)
MAX_HOST = 253  # RFC 1035 limits: longer is not a host name
MAX_LABEL = 63
MIN_EDIT_LEN = 5  # brands shorter than this are never matched by single edits: too many honest neighbours
MIN_EDIT2_LEN = 10  # two edits only for long brands
MIN_LABEL_LEN = 3  # brands this short are matched only with their suffix spelled out (kp-ru.info)
MIN_BARE_SUBDOMAIN_LEN = 7  # "time.google.com" must not match time.kz; "tengrinews.blogspot.com" must

# Confusables toward ASCII: Cyrillic and Greek look-alikes, IPA and small capitals dnstwist uses,
# then the ASCII groups that render alike (0/o, 1/l/i, rn/m, vv/w, cl/d).
_TO_LATIN = str.maketrans({
    "а": "a", "ь": "b", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "ԍ": "g", "һ": "h", "н": "h", "і": "i",
    "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "ѵ": "v",
    "ԝ": "w", "х": "x", "у": "y", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ο": "o", "ρ": "p",
    "τ": "t", "χ": "x", "υ": "u", "ν": "v", "ɑ": "a", "ə": "e", "ɩ": "i", "ı": "i", "ɪ": "i", "ʙ": "b",
    "ᴄ": "c", "ɡ": "g", "ɢ": "g", "ʜ": "h", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ʀ": "r",
    "ꜱ": "s", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ł": "l", "ø": "o", "đ": "d", "ħ": "h",
    "ŧ": "t", "ƒ": "f", "ŋ": "n", "ʒ": "3", "ƻ": "2", "ƽ": "5", "æ": "ae", "œ": "oe", "ß": "ss",
})
_ASCII_GROUPS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"))
# Look-alike pairs too common in honest words to collapse; two of them at most make a homoglyph match.
_WEAK_GLYPHS = frozenset({frozenset(p) for p in ("bd", "ce", "gq", "mn", "nr", "uv", "38", "69")})
_VOWELS = frozenset("aeiou")
_QWERTY = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_QWERTZ = ("1234567890-", "qwertzuiop", "asdfghjkl", "yxcvbnm")
_AZERTY = ("1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn")


def _neighbours(rows: tuple[str, ...]) -> dict[str, set[str]]:
    pos = {ch: (r, c) for r, row in enumerate(rows) for c, ch in enumerate(row)}
    near: dict[str, set[str]] = {}
    for ch, (r, c) in pos.items():
        near[ch] = {o for o, (r2, c2) in pos.items() if o != ch and abs(r - r2) <= 1 and abs(c - c2) <= 1}
    return near


_KEYBOARD: dict[str, set[str]] = {}
for _layout in (_QWERTY, _QWERTZ, _AZERTY):
    for _ch, _near in _neighbours(_layout).items():
        _KEYBOARD.setdefault(_ch, set()).update(_near)


def latin(label: str) -> str:
    """A label with accents dropped and Cyrillic, Greek and IPA look-alikes turned into the Latin letters they mimic."""
    text = unicodedata.normalize("NFKD", label.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_TO_LATIN)


def skeleton(label: str) -> str:
    """The confusable skeleton of one domain label: what a reader sees, not what the DNS resolves."""
    text = latin(label)
    for seq, repl in _ASCII_GROUPS:
        text = text.replace(seq, repl)
    return text


def unicode_host(host: str) -> str:
    """Host with punycode labels decoded (``xn--80ak6aa92e.com`` -> ``аррӏе.com``); bad ones left as they are."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:  # plain RFC 3492 decoding: nameprep is for registration, not for reading
                label = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                pass
        labels.append(label)
    return ".".join(labels)


_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def clean_host(value: str) -> str:
    """The bare host of a URL or host string: scheme, credentials, port, path and ``www.`` removed."""
    value = _HOST_RE.sub("", value.strip())
    value = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if value.startswith("["):  # IPv6 literal
        return value.split("]", 1)[0] + "]"
    value = value.split(":", 1)[0].strip(".").lower()
    return value[4:] if value.startswith("www.") else value


@dataclass(frozen=True, slots=True)
class Match:
    """A domain tied to the outlet it imitates."""

    domain: str  # the host examined ("www." dropped)
    outlet: Outlet
    method: str  # a family from the table above
    score: float  # 0..1
    detail: str  # one sentence for the report
    also: tuple[str, ...] = ()  # other outlets matched as strongly (delfi.lv, delfi.lt, delfi.ee)


@dataclass(frozen=True, slots=True)
class _Key:
    """One spelling of an outlet's brand, as the index stores it."""

    outlet: Outlet
    raw: str  # the spelling as written (ASCII label or an alias)
    plain: str  # in Latin letters (accents dropped, Cyrillic look-alikes mapped)
    skel: str  # confusable skeleton of `plain`


def _deletions(text: str, depth: int) -> set[str]:
    out, frontier = {text}, {text}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def deep_skeleton(text: str) -> str:
    """:func:`skeleton` with the weaker look-alike pairs merged too (b/d, c/e, g/q, m/n/r, u/v, 3/8, 6/9)."""
    return text.translate(_DEEP)


_DEEP = str.maketrans("dcqmrv89", "begnnu36")


class OutletIndex:
    """The protected outlets, indexed for :func:`match_domain`."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets: dict[str, Outlet] = {}
        self.by_plain: dict[str, list[_Key]] = {}
        self.by_skel: dict[str, list[_Key]] = {}
        self.by_deep: dict[str, list[_Key]] = {}
        self.by_flat: dict[str, list[_Key]] = {}  # plain with hyphens dropped
        self.deletes: dict[str, list[_Key]] = {}
        self.skel_deletes: dict[str, list[_Key]] = {}
        for outlet in outlets:
            self.outlets[outlet.domain] = outlet
            for raw in {outlet.label, *outlet.aliases}:
                plain = latin(unicode_host(raw))
                if len(plain) < 2:
                    continue
                key = _Key(outlet, raw, plain, skeleton(plain))
                self.by_plain.setdefault(plain, []).append(key)
                self.by_skel.setdefault(key.skel, []).append(key)
                self.by_flat.setdefault(plain.replace("-", ""), []).append(key)
                if len(plain) >= MIN_EDIT_LEN:
                    self.by_deep.setdefault(deep_skeleton(key.skel), []).append(key)
                    for d in _deletions(plain, 2 if len(plain) >= MIN_EDIT2_LEN else 1):
                        self.deletes.setdefault(d, []).append(key)
                    for d in _deletions(key.skel, 1):  # look-alike letters plus one edit
                        self.skel_deletes.setdefault(d, []).append(key)
        self.lengths = sorted({len(p) for p in self.by_plain})
        # Outlet domains with hyphens read as dots, to find them spelled out inside a longer host.
        self.dotted: dict[str, Outlet] = {d.replace("-", "."): o for d, o in self.outlets.items()}

    def is_outlet(self, host: str) -> bool:
        """Whether `host` is a known outlet or one of its subdomains."""
        parts = host.split(".")
        return any(".".join(parts[i:]) in self.outlets for i in range(len(parts) - 1))

    def near(self, text: str) -> set[_Key]:
        """Keys within the deletion reach of `text` (candidates for an edit match)."""
        depth = 2 if len(text) >= MIN_EDIT2_LEN - 1 else 1
        found: set[_Key] = set()
        for d in _deletions(text, depth):
            found.update(self.deletes.get(d, ()))
        return found


def _length_factor(n: int, *, edit: bool) -> float:
    """How distinctive a brand of `n` characters is (edits need longer brands than exact reuse)."""
    if edit:
        return {5: 0.75, 6: 0.85}.get(n, 1.0 if n >= 7 else 0.0)
    return {3: 0.75, 4: 0.85}.get(n, 1.0 if n >= 5 else 0.0)


def _suffix_factor(candidate_suffix: str, outlet_suffix: str, private: bool = False) -> float:
    """How telling the suffix is: the outlet's own, a cheap gTLD or someone's sub-registration space
    (eu.com, blogspot.com), or an ordinary one (.com, a ccTLD) where honest namesakes live."""
    if candidate_suffix == outlet_suffix:
        return 1.0
    last = candidate_suffix.rsplit(".", 1)[-1]
    return 0.95 if private or last in CHEAP_TLDS else 0.75


def _edit_family(cand: str, key: str) -> str:
    """Name the single edit that turns `key` into `cand` (dnstwist's family names)."""
    if len(cand) == len(key):
        diff = [i for i, (a, b) in enumerate(zip(cand, key)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return "transposition"
        a, b = cand[diff[0]], key[diff[0]]
        if a in _VOWELS and b in _VOWELS:
            return "vowel-swap"
        if bin(ord(a) ^ ord(b)).count("1") == 1:
            return "bitsquatting"
        if frozenset((a, b)) in _WEAK_GLYPHS:
            return "homoglyph"
        return "replacement"
    if len(cand) < len(key):
        return "omission"
    i = next((i for i, (a, b) in enumerate(zip(cand, key)) if a != b), len(key))
    extra = cand[i]
    if i == len(key):
        return "plural" if extra == "s" else "addition"
    if (i > 0 and cand[i - 1] == extra) or key[i] == extra:
        return "repetition"
    if extra in _KEYBOARD.get(key[i], ()) or (i > 0 and extra in _KEYBOARD.get(key[i - 1], ())):
        return "insertion"
    return "addition"


class _Candidate:
    """A host cut into the parts the families look at."""

    def __init__(self, host: str) -> None:
        self.host = host
        ext = _EXTRACT(host)
        self.sub, self.name, self.suffix = ext.subdomain, ext.domain, ext.suffix
        self.registrable = f"{ext.domain}.{ext.suffix}" if ext.suffix else ext.domain
        self.private = bool(ext.is_private)
        self.shown = unicode_host(self.name)
        self.idn = self.shown != self.name or not self.name.isascii()
        self.plain = latin(self.shown)
        self.skel = skeleton(self.plain)
        self.sub_labels = [latin(unicode_host(s)) for s in self.sub.split(".")] if self.sub else []


Found = tuple[float, str, _Key, str]  # (score, family, key, detail)


def _score(family: str, key: _Key, cand: _Candidate, *, edit: bool = False) -> float:
    """Family strength x brand distinctiveness x suffix (0 for brands too short for the family)."""
    length = _length_factor(len(key.plain), edit=edit)
    return round(STRENGTH[family] * length * _suffix_factor(cand.suffix, key.outlet.suffix, cand.private), 3)


def _tries(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """Every (score, family, key, detail) the candidate supports."""
    yield from _same_brand(cand, index)
    yield from _lookalike_letters(cand, index)
    yield from _glued(cand, index)
    yield from _subdomain(cand, index)
    yield from _edits(cand, index)


def _same_brand(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """The brand itself under another suffix (spiegel.ltd), or with its hyphens moved (tonline, teng-rinews)."""
    for key in index.by_plain.get(cand.plain, ()):
        if cand.plain == cand.shown and cand.suffix != key.outlet.suffix:
            yield (_score("tld-swap", key, cand), "tld-swap", key,
                   f"brand {key.raw!r} under .{cand.suffix} instead of .{key.outlet.suffix}")
    for key in index.by_flat.get(cand.plain.replace("-", ""), ()):
        if key.plain != cand.plain:
            yield (_score("hyphenation", key, cand), "hyphenation", key,
                   f"{cand.shown!r} is {key.raw!r} with hyphens moved")


def _lookalike_letters(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """Letters that render like the brand's: Cyrillic or accented letters (IDN), rn for m, 0 for o, vv for w."""
    idn_family = "cyrillic" if any("\u0400" <= ch <= "\u04ff" for ch in cand.shown) else "idn"
    family = idn_family if cand.idn else "homoglyph"
    for key in index.by_skel.get(cand.skel, ()):
        if key.plain != cand.shown:
            score = STRENGTH[family] * (_length_factor(len(key.plain), edit=False) or 0.75)
            yield (round(score, 3), family, key, f"{cand.shown!r} reads as {key.raw!r}")
    if len(cand.skel) >= MIN_EDIT_LEN:
        for key in index.by_deep.get(deep_skeleton(cand.skel), ()):
            if key.skel != cand.skel:
                yield (_score("homoglyph", key, cand, edit=True) * 0.9, "homoglyph", key,
                       f"{cand.shown!r} has letters that render like {key.raw!r}")


def _edits(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """One edit (two for long brands) away: addition, omission, transposition, bitsquatting, ..."""
    plain = cand.plain
    if len(plain) < MIN_EDIT_LEN - 1:
        return
    near = index.near(plain)
    for key in near:
        dist = OSA.distance(plain, key.plain)
        if dist == 1:
            family = _edit_family(plain, key.plain)
            yield (_score(family, key, cand, edit=True), family, key,
                   f"{cand.shown!r} is one {family} away from {key.raw!r}")
        elif dist == 2 and len(key.plain) >= MIN_EDIT2_LEN:
            yield (_score("edit2", key, cand, edit=True), "edit2", key,
                   f"{cand.shown!r} is two edits away from {key.raw!r}")
    # Look-alike letters and one edit together (tcngrinevvs): one edit apart once both are skeletons.
    skel_near = {k for d in _deletions(cand.skel, 1) for k in index.skel_deletes.get(d, ())} - near
    for key in skel_near:
        if OSA.distance(cand.skel, key.skel) == 1:
            yield (_score("homoglyph", key, cand, edit=True) * 0.9, "homoglyph", key,
                   f"{cand.shown!r} reads, but for one letter, as {key.raw!r}")


def _glued(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """Brand with words or the outlet's own suffix glued on: outlet-kz.info, outletnews.kz, my-outlet.com."""
    text = cand.plain
    tokens = set(text.split("-"))
    seen: set[str] = set()
    for n in index.lengths:
        for i in range(len(text) - n + 1):
            span = text[i:i + n]
            if span == text:
                continue
            for key in index.by_plain.get(span, ()):
                if key.outlet.domain in seen:
                    continue
                words = [w for w in re.split(r"-", text[:i] + "-" + text[i + n:]) if w]
                suffix_words = set(key.outlet.suffix.split(".")) | {key.outlet.suffix.replace(".", "")}
                if all(w in suffix_words for w in words):
                    seen.add(key.outlet.domain)
                    score = STRENGTH["tld-in-name"] * (_length_factor(n, edit=False) or 0.7)
                    yield (round(score, 3), "tld-in-name", key,
                           f"{cand.shown!r} spells out {key.outlet.domain!r} under another domain")
                elif n >= MIN_LABEL_LEN and all(w in DICTIONARY or w in suffix_words for w in words):
                    seen.add(key.outlet.domain)
                    yield (_score("dictionary", key, cand), "dictionary", key,
                           f"{cand.shown!r} is {key.raw!r} with {'+'.join(words)!r} added")
                elif span in tokens and n >= 6:
                    seen.add(key.outlet.domain)
                    yield (_score("added-word", key, cand), "added-word", key,
                           f"{cand.shown!r} contains the brand {key.raw!r} as a word")


def _subdomain(cand: _Candidate, index: OutletIndex) -> Iterator[Found]:
    """Brand in the labels left of the registrable domain: outlet.kz.example.ru, tengri.news.kz (split)."""
    labels = cand.sub_labels
    if not labels:
        return
    for i, label in enumerate(labels):
        for key in index.by_plain.get(label, ()):
            rest = ".".join(labels[i + 1:] + [cand.plain, cand.suffix])
            if rest == key.outlet.suffix or rest.startswith(key.outlet.suffix + "."):
                score = STRENGTH["subdomain"] * (_length_factor(len(key.plain), edit=False) or 0.7)
                yield (round(score, 3), "subdomain", key, f"{cand.host!r} begins with {key.outlet.domain!r}")
            elif len(key.plain) >= MIN_BARE_SUBDOMAIN_LEN:
                yield (round(STRENGTH["subdomain"] * 0.85, 3), "subdomain", key,
                       f"{cand.host!r} carries the brand {key.raw!r} as a subdomain")
    # The whole outlet domain spelled out left of the registrable part, dots or hyphens: bbc-co.uk.info
    parts = ".".join(labels + [cand.plain]).replace("-", ".").split(".")
    for i in range(len(parts) - 1):
        for j in range(i + 2, min(i + 4, len(parts)) + 1):
            outlet = index.dotted.get(".".join(parts[i:j]))
            key = next((k for k in index.by_plain.get(outlet.label, ()) if k.outlet is outlet), None) if outlet else None
            if key is not None:
                score = STRENGTH["subdomain"] * (_length_factor(len(key.plain), edit=False) or 0.7)
                yield (round(score, 3), "subdomain", key, f"{cand.host!r} spells out {outlet.domain!r}")
    # A dot planted inside the brand (dnstwist's "subdomain"): spieg.el.de
    for key in index.by_plain.get(labels[-1] + cand.plain, ()):
        if _suffix_factor(cand.suffix, key.outlet.suffix, cand.private) > 0.9:
            yield (_score("subdomain", key, cand), "subdomain", key, f"{cand.host!r} splits {key.raw!r} with a dot")


def match_domain(domain: str, outlets: OutletIndex | Iterable[Outlet]) -> Match | None:
    """The outlet `domain` (a host or URL) imitates, or None.

    Pass an :class:`OutletIndex` when matching many domains; a plain list of
    outlets is indexed on every call.
    """
    index = outlets if isinstance(outlets, OutletIndex) else OutletIndex(outlets)
    host = clean_host(domain)
    if not host or "." not in host or host.startswith("["):
        return None
    host = to_ascii(host)
    if len(host) > MAX_HOST or any(len(label) > MAX_LABEL for label in host.split(".")) or index.is_outlet(host):
        return None  # not a DNS name (and hostile lengths would make the edit search quadratic)
    cand = _Candidate(host)
    if not cand.suffix or cand.registrable in MIRROR_SERVICES or cand.registrable in index.outlets:
        return None
    best: dict[str, tuple[float, str, _Key, str]] = {}
    for found in _tries(cand, index):
        dom = found[2].outlet.domain
        if found[0] >= MIN_SCORE and (dom not in best or found[0] > best[dom][0]):
            best[dom] = found
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda f: (-f[0], -len(f[2].plain), f[2].outlet.domain))
    score, method, key, detail = ranked[0]
    also = tuple(f[2].outlet.domain for f in ranked[1:] if f[0] == score)
    return Match(domain=host, outlet=key.outlet, method=method, score=score, detail=detail, also=also)
