"""Who is in the demo, where they talk, and what the four planted campaigns post when.

The scenario mirrors DESIGN.md's case: two weeks of April chatter in about forty
Kazakh city chats on Telegram and two WhatsApp groups, and around a banned march
on Saturday 26 April four campaigns, each run by its own network of fresh
accounts posting in bursts of minutes across many chats, in waves over days.
Hard negatives sit next to them: sellers repeating their own phone number across
chats for a week, honest questions about the march, warnings that quote the
fakes' phones and domains, an official statement that long-standing members
forward everywhere over two days, and a missing-child alert that spreads through
the city's chats within hours with the mother's phone (both benign viral content).

Ordinary chatter is not held here: `chatter()` makes a chat's chatter on demand
from a per-chat random stream, so a million-message corpus never sits in memory.
Everything else (the "specials") is built once in `build()`.

Counting rule for the truth: a message that carries a campaign's content is a
campaign message whoever posted it, so an ordinary member forwarding a campaign
post on makes a campaign message (the campaign's reach); that member is listed
under `unwitting_accounts`, never under `coordinated_accounts`. Replies, warnings
and questions that quote a campaign's post, phones or domains are not campaign messages.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from random import Random

from . import texts

TZ = timezone(timedelta(hours=5))  # Kazakhstan, one zone since March 2024; the exporter's clock
START = datetime(2025, 4, 14, tzinfo=TZ)
DAYS = 14
MARCH_DAY = datetime(2025, 4, 26, tzinfo=TZ)
# Share of each local hour in a city chat's day (quiet nights, busy evenings).
HOUR_WEIGHTS = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 3, 5, 6, 6, 6, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 5, 2.5)
HOUR_CUM = list(accumulate(HOUR_WEIGHTS))
CHATTER_MEDIA_SHARE = 0.08  # photos, voice notes, stickers and videos among ordinary messages
REPLY_SHARE = 0.12
EDITED_SHARE = 0.03
DELETED_EVERY = 97  # one WhatsApp message in about a hundred is deleted for everyone
STRAGGLERS = 3  # campaign posts per wave that come hours after the burst rather than within its minutes
AGED_SHARE = 0.2  # bought old accounts in a campaign network, the rest are fresh
QUOTING_WARNINGS = 10  # members quoting a whole campaign post to warn against it


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(slots=True)
class Account:
    platform: str
    native: str  # Telegram "user123"/"channel123"; WhatsApp E.164 or the contact name
    name: str | None  # display name; None for a deleted Telegram account
    lang: str = "ru"  # ru | kk | mix
    shown: str | None = None  # how WhatsApp shows the sender (contact name or formatted number)
    weight: float = 1.0
    campaign: str | None = None  # the campaign whose network the account belongs to
    style: int = 0  # writing habits, see texts.styled

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.native}"


@dataclass(slots=True)
class Span:
    """A marked span of a Telegram message: link, text_link (with href), phone, mention, hashtag."""

    type: str
    text: str
    href: str | None = None


@dataclass(slots=True)
class MediaSpec:
    """What a message carries; the writer decides whether a file goes with it (see writers.MediaSink)."""

    kind: str  # photo | video_file | voice_message | sticker | animation
    asset: str  # what the picture or clip is, e.g. "governor_video"
    variant: int = 0  # 0 = the original, 1.. = re-encoded copies of the same asset
    mime: str | None = None
    file_name: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    emoji: str | None = None


@dataclass(slots=True)
class Post:
    ts: int  # unix seconds, UTC
    author: Account
    text: str = ""
    parts: list[str | Span] | None = None  # explicit Telegram parts; else the writer marks entities itself
    forwarded_from: str | None = None
    reply_to: Post | None = None
    media: MediaSpec | None = None
    action: str | None = None  # service message action (join_group_by_link, ...)
    tag: str | None = None  # "campaign:<id>" or "benign"
    unwitting: bool = False  # an ordinary member passing campaign content on
    edited: int | None = None  # unix seconds of the last edit
    deleted: bool = False  # deleted for everyone (WhatsApp exports keep a line for it)
    id: int = 0  # assigned when the chat is laid out


@dataclass(slots=True)
class ChatSpec:
    key: str  # folder-safe name
    platform: str
    name: str
    type: str  # Telegram chat type, or "whatsapp"
    native_id: str  # Telegram bare id; WhatsApp chat name
    city: str
    lang: str
    weight: float
    export: str  # full | single | both | left | whatsapp
    layout: str = ""  # WhatsApp: android_ru | ios_en
    members: list[Account] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)
    channel: Account | None = None
    first_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.platform == "whatsapp" or self.type not in ("public_channel", "private_channel")

    def pick_member(self, rng: Random) -> Account:
        return self.members[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


@dataclass
class CampaignTruth:
    id: str
    kind: str
    title: str
    accounts: list[Account]
    seeder: Account
    persons: list[str]
    phones: list[str]  # E.164
    domains: list[str]
    impersonates: list[str]
    unwitting: set[str] = field(default_factory=set)


@dataclass
class LegitTruth:
    """Coordinated but legitimate activity (official cross-posting, syndication, adverts, spam): never a campaign."""

    id: str
    kind: str
    title: str


# (name, city, type, lang, activity weight, export)
TELEGRAM_CHATS: tuple[tuple[str, str, str, str, float, str], ...] = (
    ("Алматы | Бостандыкский район", "Алматы", "private_supergroup", "ru", 3.0, "full"),
    ("Алматы Барахолка 🛍", "Алматы", "public_supergroup", "ru", 2.5, "full"),
    ("Ауэзовский район — соседи", "Алматы", "private_supergroup", "mix", 2.0, "full"),
    ("Алматы мамочки 👶", "Алматы", "private_supergroup", "ru", 1.8, "single"),
    ("Алматы 24 | Новости", "Алматы", "public_channel", "ru", 0.8, "full"),
    ("ЖК Алатау Грин", "Алматы", "private_group", "mix", 0.7, "full"),
    ("Алматы авто | пробки, ДТП", "Алматы", "public_supergroup", "ru", 1.6, "both"),
    ("Астана Чат 💬", "Астана", "public_supergroup", "ru", 2.8, "full"),
    ("Астана | Левый берег", "Астана", "private_supergroup", "mix", 1.7, "full"),
    ("Астана Жұмыс | Работа", "Астана", "public_supergroup", "mix", 1.2, "single"),
    ("Elorda жаңалықтары", "Астана", "public_channel", "kk", 0.6, "full"),
    ("Астана мамалары", "Астана", "private_supergroup", "kk", 1.1, "full"),
    ("Шымкент онлайн", "Шымкент", "public_supergroup", "mix", 2.4, "full"),
    ("Шымкент базар 🛒", "Шымкент", "public_supergroup", "kk", 1.3, "full"),
    ("Шымкент | Нурсат көршілер", "Шымкент", "private_supergroup", "kk", 0.9, "single"),
    ("Қарағанды чаты", "Караганда", "public_supergroup", "ru", 1.9, "full"),
    ("Караганда Майкудук", "Караганда", "private_supergroup", "ru", 0.9, "full"),
    ("Темиртау Live", "Караганда", "public_supergroup", "ru", 0.8, "single"),
    ("Актобе — общение", "Актобе", "public_supergroup", "mix", 1.5, "full"),
    ("Ақтөбе жастары", "Актобе", "private_supergroup", "kk", 0.8, "full"),
    ("Актобе Новости 24", "Актобе", "public_channel", "ru", 0.5, "full"),
    ("Павлодар 24/7", "Павлодар", "public_supergroup", "ru", 1.4, "full"),
    ("Экибастуз чат", "Павлодар", "private_supergroup", "ru", 0.7, "single"),
    ("Павлодар | Барахолка", "Павлодар", "public_supergroup", "ru", 0.9, "full"),
    ("Өскемен онлайн", "Өскемен", "public_supergroup", "mix", 1.2, "full"),
    ("Усть-Каменогорск Ульба", "Өскемен", "private_supergroup", "ru", 0.6, "single"),
    ("Атырау Чат", "Атырау", "public_supergroup", "mix", 1.3, "full"),
    ("Атырау вахтовики", "Атырау", "private_supergroup", "ru", 0.7, "full"),
    ("Тараз | Әулие-Ата", "Тараз", "public_supergroup", "kk", 1.1, "full"),
    ("Тараз барахолка", "Тараз", "public_supergroup", "mix", 0.8, "single"),
    ("Костанай Live", "Костанай", "public_supergroup", "ru", 1.2, "full"),
    ("Рудный — наш город", "Костанай", "private_supergroup", "ru", 0.6, "single"),
    ("Семей чаты", "Семей", "public_supergroup", "mix", 1.0, "full"),
    ("Семей | Жана Семей", "Семей", "private_supergroup", "mix", 0.5, "full"),
    ("Орал | Уральск общение", "Орал", "public_supergroup", "mix", 1.0, "full"),
    ("Орал жаңалықтары", "Орал", "public_channel", "kk", 0.4, "single"),
    ("Алматы | Наурызбай", "Алматы", "private_supergroup", "ru", 0.9, "full"),
    ("Астана | Промышленный", "Астана", "private_supergroup", "ru", 0.6, "full"),
    ("Шымкент вакансии", "Шымкент", "public_supergroup", "mix", 0.7, "full"),
    ("Караганда Барахолка", "Караганда", "public_supergroup", "ru", 0.8, "left"),
)
OFFICIAL = ("Акимат области | Ресми", "Алматы", "public_channel", "mix", 0.25, "full")
WHATSAPP_CHATS = (
    ("ЖК Нурлы Тау — жильцы", "Алматы", "mix", 1.2, "android_ru"),
    ("Родители 5Б", "Алматы", "ru", 0.9, "ios_en"),
)


@dataclass
class Scenario:
    seed: int
    chats: list[ChatSpec]
    specials: dict[str, list[Post]]
    chatter_counts: dict[str, int]
    campaigns: list[CampaignTruth]
    exporter: Account
    personal: ChatSpec
    legit: list[LegitTruth] = field(default_factory=list)

    def chatter(self, chat: ChatSpec, count: int) -> Iterator[Post]:
        """A chat's ordinary messages (another scenario brings its own people and phrasings)."""
        return chatter(self.seed, chat, count)

    def posts(self, chat: ChatSpec) -> list[Post]:
        """All of a chat's messages in time order, ids assigned (Telegram ids with gaps; WhatsApp files derive
        theirs from each message, see WhatsAppWriter.write)."""
        rng = Random(f"{self.seed}:ids:{chat.key}")
        items = list(self.chatter(chat, self.chatter_counts.get(chat.key, 0)))
        items += self.specials.get(chat.key, [])
        items.sort(key=lambda p: p.ts)
        if chat.platform == "whatsapp" and items:
            # WhatsApp files open with the encryption notice (stamped when the exporter joined, so later
            # than what follows) and the group's creation.
            group = Account("whatsapp", chat.name, None)
            items[:0] = [Post(items[0].ts + 2 * 86400 + 3600, group, action="encrypted"),
                         Post(items[0].ts - 3600, group, action="create_group")]
        next_id = chat.first_id
        for post in items:
            post.id = next_id
            next_id += 1
            if chat.platform == "telegram" and rng.random() < 0.03:
                next_id += rng.randrange(1, 6)  # deleted messages leave gaps
        _attach_replies(rng, items)
        return items


def _attach_replies(rng: Random, items: list[Post]) -> None:
    """Point a share of the ordinary messages at one of the few messages before them."""
    for i, post in enumerate(items):
        if i > 3 and post.reply_to is None and post.tag is None and post.action is None and rng.random() < REPLY_SHARE:
            target = items[i - rng.randrange(1, 4)]
            if target.action is None and target.author.native.startswith("user"):
                post.reply_to = target


def _ts(rng: Random) -> int:
    day = int(rng.random() * DAYS)
    hour = bisect.bisect(HOUR_CUM, rng.random() * HOUR_CUM[-1])
    return unix(START) + day * 86400 + hour * 3600 + int(rng.random() * 3600)


_MEDIA_KINDS = (
    (0.70, lambda r: MediaSpec("photo", f"photo{r.randrange(10**6)}", width=r.choice((1280, 960, 1080)),
                               height=r.choice((960, 1280, 720)), size=r.randrange(60_000, 400_000))),
    (0.82, lambda r: MediaSpec("voice_message", "voice", mime="audio/ogg", duration=r.randrange(2, 90),
                               size=r.randrange(8_000, 300_000))),
    (0.93, lambda r: MediaSpec("sticker", "sticker", mime="image/webp", file_name="sticker.webp", width=512,
                               height=512, size=r.randrange(10_000, 60_000), emoji=r.choice("😂👍🙏😍😢🔥"))),
    (1.01, lambda r: MediaSpec("video_file", f"clip{r.randrange(10**6)}", mime="video/mp4",
                               file_name=f"VID_202504{r.randrange(14, 28)}_{r.randrange(80000, 235959)}.mp4",
                               duration=r.randrange(5, 120), width=720, height=1280,
                               size=r.randrange(500_000, 9_000_000))),
)


def _chatter_media(rng: Random) -> MediaSpec:
    roll = rng.random()
    for limit, make in _MEDIA_KINDS:
        if roll < limit:
            return make(rng)
    raise AssertionError("media shares must reach 1")


_CHATTERS: dict[str, texts.Chatter] = {}


def chatter(seed: int, chat: ChatSpec, count: int) -> Iterator[Post]:
    """A chat's ordinary messages, from its own random stream so every chat is reproducible alone."""
    rng = Random(f"{seed}:chatter:{chat.key}")
    talk = _CHATTERS.setdefault(chat.city, texts.Chatter(chat.city))
    for i in range(count):
        ts = _ts(rng)
        if chat.channel is not None:
            author = chat.channel
            text = talk.text(rng, chat.lang if rng.random() < 0.9 else "ru")
            if "http" not in text:
                text = talk.news_post(rng)
            yield Post(ts, author, text)
            continue
        author = chat.pick_member(rng)
        if rng.random() < CHATTER_MEDIA_SHARE:
            media = _chatter_media(rng)
            caption = talk.text(rng, author.lang, author.style) if media.kind in ("photo", "video_file") and rng.random() < 0.4 else ""
            yield Post(ts, author, caption, media=media)
        elif i % 9973 == 17 and chat.platform == "telegram":
            yield Post(ts, author, texts.PASTED_WITH_CONTROL)
        elif chat.platform == "whatsapp" and i % DELETED_EVERY == 41:
            yield Post(ts, author, deleted=True)  # WhatsApp keeps a line for it; Telegram leaves an id gap
        else:
            post = Post(ts, author, talk.text(rng, author.lang, author.style))
            if rng.random() < EDITED_SHARE:
                post.edited = ts + rng.randrange(20, 1800)
            yield post


# ---------------------------------------------------------------- building the specials


class _Builder:
    """Holds the random stream and the growing lists while `build` lays the scenario out."""

    MONTH = 4  # the month `local` days are in

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = Random(seed)
        self.specials: dict[str, list[Post]] = {}
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def phase(self, name: str) -> None:
        """Switch to the random stream of one part of the scenario, so that the campaigns come out the same
        whatever the corpus size (only the members and their chatter grow with it)."""
        self.rng = Random(f"{self.seed}:{name}")

    def add(self, chat: ChatSpec, post: Post) -> Post:
        self.specials.setdefault(chat.key, []).append(post)
        return post

    def user_id(self, low: int, high: int) -> str:
        while True:
            native = f"user{self.rng.randrange(low, high)}"
            if native not in self.used_ids:
                self.used_ids.add(native)
                return native

    def phone(self) -> str:
        while True:
            national = texts.phone_digits(self.rng)
            if national not in self.used_phones:
                self.used_phones.add(national)
                return national

    def local(self, day: int, hour: int, minute: int) -> int:
        return unix(datetime(2025, self.MONTH, day, hour, minute, tzinfo=TZ))


def _slugify(name: str) -> str:
    out = texts.slug(name, words=6) or "chat"
    return out


def _chats(b: _Builder) -> list[ChatSpec]:
    chats = []
    rng = b.rng
    for name, city, type_, lang, weight, export in (*TELEGRAM_CHATS, OFFICIAL):
        native = str(rng.randrange(400_000_000, 999_999_999) if type_ == "private_group"
                     else rng.randrange(1_100_000_000, 2_600_000_000))
        chat = ChatSpec(_slugify(name), "telegram", name, type_, native, city, lang, weight, export,
                        first_id=rng.randrange(1, 400_000))
        if type_ == "public_channel":
            chat.channel = Account("telegram", f"channel{native}", name, lang)
        chats.append(chat)
    for name, city, lang, weight, layout in WHATSAPP_CHATS:
        chats.append(ChatSpec(_slugify(name), "whatsapp", name, "whatsapp", name, city, lang, weight, "whatsapp",
                              layout=layout))
    return chats


def _style(rng: Random) -> int:
    """Most people write plainly; the rest keep one habit (see texts.styled)."""
    return rng.choices(range(texts.STYLES), (0.55, 0.12, 0.1, 0.13, 0.1))[0]


def _members(b: _Builder, chats: list[ChatSpec], n_members: int) -> list[Account]:
    """Ordinary long-standing members (plus some fresh ordinary ones), each in a few chats of their city."""
    rng = b.rng
    groups = [c for c in chats if c.is_group and c.platform == "telegram" and c.export != "left"]
    left = [c for c in chats if c.export == "left"]
    by_city: dict[str, list[ChatSpec]] = {}
    for c in groups + left:
        by_city.setdefault(c.city, []).append(c)
    cities = sorted(by_city)
    city_weight = list(accumulate(sum(c.weight for c in by_city[city]) for city in cities))
    members = []
    for _ in range(n_members):
        fresh = rng.random() < 0.06  # new ordinary accounts exist too: a high id is no proof of anything
        native = b.user_id(7_000_000_000, 8_100_000_000) if fresh else b.user_id(60_000_000, 6_900_000_000)
        name = texts.display_name(rng) if rng.random() > 0.004 else None
        lang = rng.choices(("ru", "kk", "mix"), (0.55, 0.2, 0.25))[0]
        acc = Account("telegram", native, name, lang, weight=rng.paretovariate(1.3), style=_style(rng))
        members.append(acc)
        city = cities[bisect.bisect(city_weight, rng.random() * city_weight[-1])]
        home = by_city[city]
        for chat in rng.sample(home, k=min(len(home), 1 + int(rng.random() * 2.2))):
            chat.members.append(acc)
        if rng.random() < 0.25:
            rng.choice(groups).members.append(acc)
    for wa in (c for c in chats if c.platform == "whatsapp"):
        for _ in range(int(120 * wa.weight)):
            shown_as_number = rng.random() < 0.35
            if shown_as_number:
                national = b.phone()
                shown = texts.format_phone(national, 0)
                acc = Account("whatsapp", texts.e164(national), shown, rng.choice(("ru", "mix", "kk")), shown,
                              weight=rng.paretovariate(1.3))
            else:
                shown = texts.display_name(rng)
                acc = Account("whatsapp", shown, shown, rng.choice(("ru", "mix")), shown, weight=rng.paretovariate(1.3))
            acc.style = _style(rng)
            if any(m.native == acc.native for m in wa.members):
                continue
            wa.members.append(acc)
    for chat in chats:
        if chat.members:
            chat.cum = list(accumulate(m.weight for m in chat.members))
    return members


def _established(chat: ChatSpec, rng: Random) -> Account:
    """A long-standing ordinary member of `chat` (an old, low Telegram id; any WhatsApp member)."""

    def fits(acc: Account) -> bool:
        return acc.campaign is None and (acc.platform == "whatsapp" or int(acc.native[4:]) < 7_000_000_000)

    for _ in range(50):
        acc = chat.pick_member(rng)
        if fits(acc):
            return acc
    return next(a for a in chat.members if fits(a))


def _sellers(b: _Builder, chats: list[ChatSpec]) -> None:
    """People selling one thing, posting their own phone in several of their chats over a week."""
    rng = b.rng
    groups = [c for c in chats if c.is_group and c.members]
    for _ in range(30):
        home = rng.choice(groups)
        seller = _established(home, rng)
        where = [c for c in groups if seller in c.members] or [home]
        national = b.phone()
        style = rng.randrange(len(texts.PHONE_STYLES) - 1)
        item = rng.choice(texts.POOLS["item"])
        price = f"{rng.randrange(10, 400) * 1000:,}".replace(",", " ")
        wordings = (f"Продам {item}, {rng.choice(texts.POOLS['condition'])}. Цена {price} тг. {{phone}}",
                    f"Продаю {item}! {price} тенге, торг. Звоните {{phone}}",
                    f"Актуально: {item}, {price} тг, {{phone}} (WhatsApp)")
        first = _ts(rng) - 3 * 86400
        for _k in range(rng.randrange(3, 8)):
            chat = rng.choice(where)
            ts = max(unix(START) + 600, min(first + rng.randrange(0, 7 * 86400), unix(START) + DAYS * 86400 - 60))
            text = rng.choice(wordings).replace("{phone}", texts.format_phone(national, style))
            media = MediaSpec("photo", f"sale-{national}", width=1280, height=960,
                              size=rng.randrange(80_000, 300_000)) if rng.random() < 0.4 else None
            b.add(chat, Post(ts, seller, text, media=media))


def _march_talk(b: _Builder, chats: list[ChatSpec], campaigns: list[CampaignTruth],
                posted: list[tuple[ChatSpec, Post, _Network]]) -> None:
    """Honest questions about the march (with its hashtags, now and then), and warnings that quote the fakes'
    phones and domains or a whole campaign post: near-duplicates of campaign text that are not campaign messages."""
    rng = b.rng
    groups = [c for c in chats if c.is_group and c.members]
    phones = [p[2:] for c in campaigns for p in c.phones]
    persons = [p for c in campaigns for p in c.persons if " " in p]
    for _ in range(70):
        chat = rng.choice(groups)
        ts = b.local(rng.randrange(17, 27), rng.randrange(8, 23), rng.randrange(60))
        text = rng.choice(texts.MARCH_QUESTIONS).replace("{when}", rng.choice(("26 апреля", "в субботу", "26-сы")))
        if rng.random() < 0.2:
            text += " " + rng.choice(texts.HASHTAGS)
        b.add(chat, Post(ts, _established(chat, rng), text))
    for _ in range(45):
        chat = rng.choice(groups)
        ts = b.local(rng.randrange(18, 27), rng.randrange(8, 23), rng.randrange(60))
        text = (rng.choice(texts.MARCH_WARNINGS).replace("{fake}", "shyndyk-kz.info").replace("{outlet}", "shyndyk.kz")
                .replace("{person}", rng.choice(persons))
                .replace("{phone}", texts.format_phone(rng.choice(phones), rng.randrange(8))))
        b.add(chat, Post(ts, _established(chat, rng), text))
    quotable = [(c, p) for c, p, _n in posted if c.platform == "telegram" and p.text and not p.forwarded_from]
    for chat, original in rng.sample(quotable, QUOTING_WARNINGS):
        text = f"{rng.choice(texts.QUOTE_WARNINGS)}\n«{original.text}»"
        b.add(chat, Post(original.ts + rng.randrange(1800, 8 * 3600), _established(chat, rng), text))


def _official(b: _Builder, chats: list[ChatSpec]) -> None:
    """The akimat's statement, forwarded over two days by long-standing members: viral but not a campaign."""
    rng = b.rng
    channel = next(c for c in chats if c.name == OFFICIAL[0])
    assert channel.channel is not None
    posted = b.local(22, 11, 0)
    b.add(channel, Post(posted, channel.channel, texts.OFFICIAL_STATEMENT, tag="benign"))
    groups = [c for c in chats if c.is_group and c.members]
    for _ in range(70):
        chat = rng.choice(groups)
        ts = posted + 900 + int(rng.expovariate(1 / 40000)) % (2 * 86400 + 40000)
        member = _established(chat, rng)
        if rng.random() < 0.3:
            b.add(chat, Post(ts - rng.randrange(5, 40), member, rng.choice(texts.FORWARD_COMMENTS)))
        if chat.platform == "whatsapp":
            b.add(chat, Post(ts, member, texts.OFFICIAL_STATEMENT, tag="benign"))
        else:
            b.add(chat, Post(ts, member, texts.OFFICIAL_STATEMENT, forwarded_from=OFFICIAL[0], tag="benign"))


def _missing_child(b: _Builder, chats: list[ChatSpec]) -> None:
    """A missing-child alert: benign, but a burst across chats with a third party's phone and a call to act."""
    rng = b.rng
    groups = [c for c in chats if c.is_group and c.members]
    local = [c for c in groups if c.city == "Алматы"]
    mother = b.phone()
    start = b.local(20, 16, 40)
    first = rng.choice(local)
    poster = _established(first, rng)
    text = texts.MISSING_CHILD[0].format(school=137, time="13:30", phone=texts.format_phone(mother, 1))
    b.add(first, Post(start, poster, text, tag="benign"))
    for _ in range(45):
        chat = rng.choice(local if rng.random() < 0.6 else groups)
        member = _established(chat, rng)
        ts = start + 120 + int(rng.expovariate(1 / 2400)) % (6 * 3600)
        if chat.platform == "telegram" and rng.random() < 0.7:
            b.add(chat, Post(ts, member, text, forwarded_from=poster.name or "Deleted Account", tag="benign"))
        else:  # retyped or pasted in other words, the phone as the sender writes numbers
            variant = rng.choice(texts.MISSING_CHILD).format(
                school=137, time="13:30", phone=texts.format_phone(mother, rng.randrange(8)))
            b.add(chat, Post(ts, member, variant, tag="benign"))
    for chat in rng.sample(local, 3):
        b.add(chat, Post(start + 7 * 3600 + rng.randrange(3600), _established(chat, rng), rng.choice(texts.MISSING_FOUND)))


# ---------------------------------------------------------------- campaigns


def _evade(rng: Random, text: str) -> str:
    """What real campaigns do to slip past filters: look-alike Latin letters inside Cyrillic words, caps."""
    if rng.random() < 0.3:
        words = text.split(" ")
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(words))
            if not words[i].startswith(("http", "+", "8", "#")):
                words[i] = words[i].translate(texts.HOMOGLYPHS)
        text = " ".join(words)
    if rng.random() < 0.08:
        text = text.upper()
    return text


def _fill(rng: Random, template: str, values: dict[str, str]) -> str:
    out = template
    for key, value in values.items():
        while "{" + key + "}" in out:
            out = out.replace("{" + key + "}", value if key != "e" else rng.choice(texts.CAMPAIGN_EMOJI), 1)
    return " ".join(out.split(" ")).strip()


@dataclass
class _Network:
    truth: CampaignTruth
    wa: list[Account]
    waves: list[tuple[int, int]]  # (start ts, posts)
    chats: list[ChatSpec]


def _network(b: _Builder, code: str, size: int, groups: list[ChatSpec], deleted: int = 0) -> list[Account]:
    """A campaign's Telegram accounts: mostly fresh (high ids), the first `deleted` deleted before the export,
    and a few bought aged accounts (low ids) that chat in a city group or two like anyone else."""
    rng = b.rng
    accounts = []
    bought = set(rng.sample(range(deleted, size), max(1, round(size * AGED_SHARE))))
    for i in range(size):
        name = texts.display_name(rng) if i >= deleted else None
        aged = i in bought
        native = b.user_id(900_000_000, 5_500_000_000) if aged else b.user_id(7_600_000_000, 8_100_000_000)
        acc = Account("telegram", native, name, rng.choice(("ru", "mix")), weight=0.6, campaign=code,
                      style=_style(rng))
        if aged:
            for chat in rng.sample(groups, 2):
                chat.members.append(acc)
                chat.cum.append(chat.cum[-1] + acc.weight)
        accounts.append(acc)
    return accounts


def _wa_network(b: _Builder, code: str, size: int) -> list[Account]:
    out = []
    for _ in range(size):
        national = b.phone()
        shown = texts.format_phone(national, 0)
        out.append(Account("whatsapp", texts.e164(national), shown, "ru", shown, campaign=code))
    return out


JOURNALISTS = (("Динара Сейткали", "7015550101"), ("Арман Жумабеков", "7775550202"),
               ("Гульнар Ахметова", "7055550303"))
COORDINATOR = ("Ержан Оспанов", "7475554412")
GOVERNOR = "Серик Тлеубаев"
OUTLET = ("shyndyk.kz", "Шындық", "shyndyk-kz.info")
OUTLET2 = ("dalakhabar.kz", "Дала Хабар", "dalakhabar-kz.com")
FAKE_ARTICLE = "https://shyndyk-kz.info/kogam/marsh-26-aprelya-soglasovan-51873"
FAKE_ARTICLE2 = "https://dalakhabar-kz.com/news/48211"
CAMPAIGN_CHANNEL = "Халық Шеруі | Народный марш"
CAMPAIGN_HANDLE = "halyk_sheruy"  # the campaign channel's public username (not in any export)
FAKE_ARTICLE_SHORT = "https://clck.ru/3Fk9Qw"
SHORTENED_SHARE = 0.12


def _campaigns(b: _Builder, chats: list[ChatSpec]) -> list[_Network]:
    """The four campaigns' networks, targets and wave times (their posts come in `_run_campaigns`)."""
    rng = b.rng
    groups = [c for c in chats if c.platform == "telegram" and c.is_group and c.members]
    nets = []
    specs = (
        ("A", "march_call", "Calls to march naming journalists as organisers", 22, 3,
         [(18, 9, 40), (20, 20, 15), (23, 8, 5), (25, 19, 30)], 34),
        ("B", "payment_promise", "Payment promised for taking part in the march", 15, 0,
         [(19, 12, 10), (22, 18, 45), (24, 10, 20)], 30),
        ("C", "deepfake_video", "Deepfake video of the regional governor calling to march", 18, 1,
         [(21, 21, 5), (22, 7, 50), (24, 22, 10)], 32),
        ("D", "fake_article", "Fake article on a look-alike of shyndyk.kz", 14, 0,
         [(19, 9, 0), (21, 13, 30), (23, 17, 40), (25, 9, 15)], 26),
    )
    for code, kind, title, size, deleted, waves, per_wave in specs:
        accounts = _network(b, code, size, groups, deleted)
        persons: list[str] = []
        phones: list[str] = []
        domains: list[str] = []
        impersonates: list[str] = []
        if code == "A":
            persons = [name for name, _ in JOURNALISTS]
            phones = [texts.e164(p) for _, p in JOURNALISTS]
        elif code == "B":
            persons, phones = [COORDINATOR[0]], [texts.e164(COORDINATOR[1])]
        elif code == "C":
            persons = [GOVERNOR]
        else:
            persons = [name for name, _ in JOURNALISTS[:2]]
            domains, impersonates = [OUTLET[2], OUTLET2[2]], [OUTLET[0], OUTLET2[0]]
        seeder = accounts[rng.randrange(deleted, len(accounts))]  # a seeder with a name: it posted first
        truth = CampaignTruth(code, kind, title, accounts, seeder, persons, phones, domains, impersonates)
        wave_ts = [(b.local(d, h, m), per_wave + rng.randrange(-4, 5)) for d, h, m in waves]
        nets.append(_Network(truth, _wa_network(b, code, 2 if code != "A" else 3), wave_ts, []))
    return nets


def _campaign_text(rng: Random, net: _Network, wave: int) -> tuple[str, list[str | Span] | None, MediaSpec | None]:
    """One post's text (and explicit parts, media) for a campaign; wording, phone format and emoji vary."""
    code = net.truth.id
    date_ru = rng.choice(("26 апреля", "в субботу 26.04", "26.04", "в эту субботу", "26 АПРЕЛЯ"))
    values = {"date_ru": date_ru, "date_kk": rng.choice(("26 сәуірде", "Сенбі күні", "26.04")),
              "time": rng.choice(("11:00", "12:00", "10:30")), "square": rng.choice(texts.SQUARES),
              "tag": rng.choice(texts.HASHTAGS) if rng.random() < 0.4 else "", "e": ""}
    if code == "A":
        for i, (name, national) in enumerate(JOURNALISTS, 1):
            values[f"p{i}"] = name if rng.random() < 0.8 else name.split()[1]
            values[f"ph{i}"] = texts.format_phone(national, rng.randrange(len(texts.PHONE_STYLES)))
        text = _evade(rng, _fill(rng, rng.choice(texts.CALL_TEMPLATES), values))
        if rng.random() < 0.2:
            text += rng.choice(("\nКанал: t.me/", "\nПодписывайтесь @", " 👉 @")) + CAMPAIGN_HANDLE
        return text, None, None
    if code == "B":
        values.update(amount=rng.choice(("5000", "5 000", "5.000", "10 000", "5к")),
                      contact=COORDINATOR[0] if rng.random() < 0.6 else COORDINATOR[0].split()[0],
                      ph=texts.format_phone(COORDINATOR[1], rng.randrange(len(texts.PHONE_STYLES))))
        return _evade(rng, _fill(rng, rng.choice(texts.PAY_TEMPLATES), values)), None, None
    if code == "C":
        values["gov"] = GOVERNOR if rng.random() < 0.7 else GOVERNOR.split()[1]
        caption = _evade(rng, _fill(rng, rng.choice(texts.VIDEO_CAPTIONS), values))
        return caption, None, governor_photo(rng) if rng.random() < 0.2 else governor_video(rng)
    # D: the fake article, its link bare, hidden behind words, or with tracking tails
    second = rng.random() < 0.2
    url = FAKE_ARTICLE2 if second else FAKE_ARTICLE
    tail = rng.choice(("", "", "?utm_source=telegram", f"?utm_source=tg&utm_campaign=w{wave}", "/"))
    host = rng.choice(("https://", "https://", "http://", "https://www."))
    url = host + url.removeprefix("https://") + tail
    if not second and rng.random() < SHORTENED_SHARE:
        url = FAKE_ARTICLE_SHORT  # a shortener hides the look-alike domain
    outlet = OUTLET2 if second else OUTLET
    values.update(outlet_name=rng.choice((outlet[1], outlet[0], outlet[0].capitalize())),
                  headline=rng.choice(texts.ARTICLE_HEADLINES), headline_kk=rng.choice(texts.ARTICLE_HEADLINES_KK))
    template = rng.choice(texts.ARTICLE_CAPTIONS)
    before, _, after = template.partition("{link}")
    before = _evade(rng, _fill(rng, before, values))
    after = _fill(rng, after, values)
    if rng.random() < 0.3 and before:
        word = rng.choice(("подробнее", "тут", "ссылка", "читать", "оқу"))
        parts: list[str | Span] = [before + " ", Span("text_link", word, url)]
        if after:
            parts.append(" " + after)
        return "".join(p if isinstance(p, str) else p.text for p in parts), parts, None
    return " ".join(x for x in (before, url, after) if x), None, None


# The deepfake's copies as reposts carry them: (width, height, bytes, seconds) per variant; variant n is
# edit n of the media sink's list (re-encoded, lower frame rate, shorter, cropped, captioned, vertical, mirrored).
_VIDEO_COPIES = ((720, 1280, 7_340_112, 47), (576, 1024, 4_102_377, 47), (576, 1024, 3_650_210, 47),
                 (576, 1024, 2_904_118, 31), (540, 960, 3_288_901, 47), (576, 1024, 4_230_447, 47),
                 (720, 1280, 5_018_330, 47), (576, 1024, 4_099_865, 47))
_PHOTO_COPIES = ((1280, 720), (1024, 576), (1280, 900), (1216, 684), (1408, 792), (1280, 720))


def governor_video(rng: Random) -> MediaSpec:
    """The deepfake clip as one of its copies (most reposts carry the original or a re-encode)."""
    variant = rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7))
    width, height, size, seconds = _VIDEO_COPIES[variant]
    return MediaSpec("video_file", "governor_video", variant, "video/mp4",
                     rng.choice(("akim_obrashenie.mp4", f"video_2025-04-21_21-0{variant}-55.mp4",
                                 "IMG_4471.MP4", "обращение.mp4")),
                     size=size, width=width, height=height, duration=seconds)


def governor_photo(rng: Random) -> MediaSpec:
    """A still from the deepfake (a screenshot with the caption burnt in), in one of its edited copies."""
    variant = rng.randrange(len(_PHOTO_COPIES))
    width, height = _PHOTO_COPIES[variant]
    return MediaSpec("photo", "governor_photo", variant, width=width, height=height,
                     size=rng.randrange(90_000, 260_000))


def governor_voice(rng: Random) -> MediaSpec:
    """The deepfake's sound passed around as a voice note (whole, trimmed, or an excerpt)."""
    variant = rng.randrange(3)
    return MediaSpec("voice_message", "governor_voice", variant, "audio/ogg", duration=(12, 9, 5)[variant],
                     size=(61_440, 46_080, 25_600)[variant])


def _run_campaigns(b: _Builder, chats: list[ChatSpec], nets: list[_Network]) -> list[tuple[ChatSpec, Post, _Network]]:
    """Post every campaign's waves; returns the network's posts (chat, post, network)."""
    b.phase("campaign posts")
    rng = b.rng
    tg_groups = [c for c in chats if c.platform == "telegram" and c.is_group and c.members and c.export != "left"]
    wa_groups = [c for c in chats if c.platform == "whatsapp"]
    joined: set[tuple[str, str]] = set()
    all_posts: list[tuple[ChatSpec, Post, _Network]] = []

    def post(chat: ChatSpec, acc: Account, ts: int, net: _Network, wave: int, forwarded: str | None = None) -> None:
        if (acc.key, chat.key) not in joined:
            joined.add((acc.key, chat.key))
            if rng.random() < 0.6:
                b.add(chat, Post(ts - rng.randrange(120, 3 * 86400), acc, action="join_group_by_link"))
            if rng.random() < 0.15:  # a greeting to look human
                b.add(chat, Post(ts - rng.randrange(60, 7200), acc, rng.choice(("Всем привет", "Сәлем", "Здравствуйте"))))
        text, parts, media = _campaign_text(rng, net, wave)
        if forwarded:
            text, parts = net_canon[net.truth.id]
            if media is not None:
                media = governor_video(Random(0))
        if chat.platform == "whatsapp":
            if media is not None:
                if rng.random() < 0.5:
                    media = governor_voice(rng)
                b.add(chat, Post(ts, acc, "", media=media, tag=f"campaign:{net.truth.id}"))
                if not text:
                    return
                ts += rng.randrange(3, 40)
                media = None
            parts = None
        p = b.add(chat, Post(ts, acc, text, parts=parts, media=media, forwarded_from=forwarded,
                             tag=f"campaign:{net.truth.id}"))
        all_posts.append((chat, p, net))

    net_canon: dict[str, tuple[str, list[str | Span] | None]] = {}
    for net in nets:
        truth = net.truth
        net.chats = rng.sample(tg_groups, k=min(len(tg_groups), rng.randrange(20, 28)))
        canon_rng = Random(f"{b.seed}:canon:{truth.id}")
        text, parts, _media = _campaign_text(canon_rng, net, 0)
        net_canon[truth.id] = (text, parts)
        for w, (start, count) in enumerate(net.waves):
            span = rng.randrange(6, 26) * 60  # the burst lasts minutes
            if w == 0:
                for i, chat in enumerate(rng.sample(net.chats, 2)):
                    post(chat, truth.seeder, start + i * rng.randrange(20, 90), net, w)
            active = [a for a in truth.accounts if a is not truth.seeder and rng.random() < 0.8]
            for k in range(count):
                acc = active[k % len(active)]
                chat = rng.choice(net.chats)
                ts = start + 60 + int(rng.random() * span)
                if k >= count - STRAGGLERS:  # a few posts trail the burst by hours, in no hurry
                    ts = start + rng.randrange(3600, 10 * 3600)
                forwarded = None
                if rng.random() < 0.2:
                    forwarded = truth.seeder.name if truth.id == "C" else CAMPAIGN_CHANNEL
                post(chat, acc, ts, net, w, forwarded)
            for wa_acc in net.wa:
                if rng.random() < 0.7:
                    post(rng.choice(wa_groups), wa_acc, start + rng.randrange(120, span + 180), net, w)
    b.phase("campaign reach")
    _unwitting(b, chats, all_posts)
    _replies(b, all_posts)
    return all_posts


def _unwitting(b: _Builder, chats: list[ChatSpec], posted: list[tuple[ChatSpec, Post, _Network]]) -> None:
    """Ordinary members who pass a campaign post on to another of their chats, hours later."""
    rng = b.rng
    tg = [(c, p, n) for c, p, n in posted if c.platform == "telegram"]
    moved = 0
    for chat, original, net in rng.sample(tg, len(tg)):
        if moved == 9:
            break
        member = _established(chat, rng)
        elsewhere = [c for c in chats if c is not chat and c.is_group and member in c.members]
        if not elsewhere or member.platform != "telegram":
            continue
        target = rng.choice(elsewhere)
        ts = original.ts + rng.randrange(1800, 12 * 3600)
        source = original.forwarded_from or original.author.name or "Deleted Account"
        b.add(target, Post(ts, member, original.text, parts=original.parts, forwarded_from=source,
                           media=original.media, tag=original.tag, unwitting=True))
        net.truth.unwitting.add(member.key)
        moved += 1
    wa = [c for c in chats if c.platform == "whatsapp"]
    for chat in wa:  # on WhatsApp, a worried parent pastes the call to march to ask about it
        text = next(p.text for c, p, n in posted if n.truth.id == "A" and p.forwarded_from is None)
        member = _established(chat, rng)
        b.add(chat, Post(b.local(23, 21, rng.randrange(60)), member, text, tag="campaign:A", unwitting=True))
        next(n for _c, _p, n in posted if n.truth.id == "A").truth.unwitting.add(member.key)


def _replies(b: _Builder, posted: list[tuple[ChatSpec, Post, _Network]]) -> None:
    """Members answering campaign posts ("this is fake", "is it true?"): not campaign messages."""
    rng = b.rng
    for chat, original, _net in posted:
        if chat.platform == "telegram" and rng.random() < 0.18:
            member = _established(chat, rng)
            b.add(chat, Post(original.ts + rng.randrange(60, 3600), member, rng.choice(texts.MARCH_REPLIES),
                             reply_to=original))


def build(seed: int, messages: int) -> Scenario:
    """Lay out the whole scenario for `seed`; chatter fills the corpus up to `messages` in total."""
    b = _Builder(seed)
    chats = _chats(b)
    b.phase("members")
    _members(b, chats, n_members=min(12_000, 2_500 + messages // 250))
    b.phase("campaigns")
    nets = _campaigns(b, chats)
    b.phase("sellers")
    _sellers(b, chats)
    b.phase("official")
    _official(b, chats)
    b.phase("missing child")
    _missing_child(b, chats)
    posted = _run_campaigns(b, chats, nets)
    campaigns = [n.truth for n in nets]
    b.phase("march talk")
    _march_talk(b, chats, campaigns, posted)
    b.phase("personal")
    exporter = Account("telegram", b.user_id(300_000_000, 900_000_000), "Әсел Нұрланқызы")
    colleague = Account("telegram", b.user_id(300_000_000, 900_000_000), "Редактор Марат")
    personal = ChatSpec("personal", "telegram", colleague.name or "", "personal_chat",
                        colleague.native[4:], "Алматы", "ru", 0, "full")
    base = b.local(21, 10, 0)
    for i, (who, text) in enumerate((
            (colleague, "Видел рассылку про марш? Там номера Динары и Армана"),
            (exporter, "Да, им звонят с утра. Собираю выгрузки чатов"),
            (colleague, "Ещё ссылка на shyndyk-kz.info гуляет, это не их сайт"),
            (exporter, "Сохранила страницу, проверю счётчики"))):
        b.add(personal, Post(base + i * 300, who, text))
    chats.append(personal)
    groups = [c for c in chats if c.members or c.channel]
    wa_headers = 2 * sum(c.platform == "whatsapp" for c in chats)  # see Scenario.posts
    special_total = sum(len(v) for v in b.specials.values()) + wa_headers
    chatter_total = max(0, messages - special_total)
    weight_sum = sum(c.weight for c in groups)
    counts = {c.key: int(chatter_total * c.weight / weight_sum) for c in groups}
    short = chatter_total - sum(counts.values())
    for c in sorted(groups, key=lambda c: -c.weight)[:short]:
        counts[c.key] += 1
    return Scenario(seed, chats, b.specials, counts, campaigns, exporter, personal)
