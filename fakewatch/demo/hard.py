"""The hard scenario: `fakewatch demo --scenario hard`, an adversarial corpus written from issue 13.

Written from the issue's words by someone who has not read the detectors, with
its own people, cities and phrasings (`hard_texts`), so that figures tuned to
the demo do not carry over by accident. Two weeks of May 2025 chatter in about
forty Kazakh city chats (Karaganda region first, then Almaty, Astana, Shymkent
and smaller cities; ru, kk and some en; a third of messages are "👍", ".",
"ok", "+", "да" or stickers with empty text), around a banned march on Saturday
17 May. The output layout and truth.json schema are the demo's (see
`fakewatch.demo`), plus `legit_coordinated`.

Planted campaigns (truth `campaigns`; each has messages, coordinated accounts, a
seeder who posted its content first, targets and domains):

- H1 doxxing call: a call to march under a named false organiser (Бахыт
  Серикбаев, movement «Жаңа Қадам») listing four real-looking journalists'
  phones as "coordinators", in four waves of bursts across ~18 chats; ordinary
  members forward some on (their forwards count, they are unwitting).
- H2 paid participation: "оплата 10 000 тг на Kaspi", one coordinator's phone,
  three waves, on Telegram and WhatsApp.
- H3 look-alike outlet: four *aged* accounts with a long history of ordinary
  chat post links to informbyuro.kz (a look-alike of informburo.kz from the
  bundled list), every post its own article path, under short varied captions
  ("Читайте: LINK", "LINK это правда??"), two waves of 16; ordinary members
  forward some. Saved copies of the fake pages are in web/. The link, not the
  caption, is what ties it together.
- H4 paraphrased copies: ten accounts post each of six claims within a minute
  across chats, each copy with its word order shuffled in chunks and about 30%
  of its words replaced by synonyms; any two copies of one claim share under
  60% of their character 5-grams (Jaccard), checked while generating.
- H5 sock-puppet copypasta (DISARM T0084.001 / T0049.005): twelve distinct
  accounts each present one author's testimony as what they saw themselves
  ("Я сама видела, как ..."), typed in, never forwarded, over a day and a half.

Honest communities that a campaign detector must not report:

- `legit_coordinated` (groups `{id, kind, title, accounts, messages}`): the
  city akimat's and the emergency service's channels cross-posting their own
  notices ("ремонт дороги по ул. X с 12 по 27 мая", "штормовое предупреждение")
  into 6-10 chats within 5 minutes (as the channel, or forwarded by the akimat's
  press secretary's own account), a district office re-posting the akimat's
  notice under the akimat's name; a same-owner family of news channels
  syndicating each story under their own names; sellers repeating their own
  adverts and phone (one group each); a loan-spam bot ring (coordinated spam,
  not a fake).
- `benign_viral`: organic copy-paste chains (one text pasted on by many
  unrelated people over hours, lightly edited), a missing-child alert forwarded
  widely with the mother's phone, holiday greetings on 7 and 9 May (one
  postcard text pasted by many), rebuttals and warnings that quote the fakes
  (whole posts, the look-alike domain).
- Untagged hard negatives: honest questions about the march, replies "это
  фейк?" to campaign posts, and masses of very short messages.

Counting rule: as in the demo (`fakewatch.demo.COUNTING_RULE`).
Deterministic per seed; `messages` scales only the ordinary chatter and the
number of members.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from random import Random

from . import hard_texts as ht
from . import texts
from .pages import Page
from .scenario import (HOUR_CUM, TZ, Account, CampaignTruth, ChatSpec, LegitTruth, MediaSpec, Post, Scenario,
                       _attach_replies, _Builder, _established, unix)

START = datetime(2025, 5, 5, tzinfo=TZ)
DAYS = 14
DEFAULT_MESSAGES = 28_000
STICKER_SHARE = 0.05  # stickers and GIFs with empty text among ordinary messages
MEDIA_SHARE = 0.11  # photos, voice notes and clips (stickers included)
EDITED_SHARE = 0.03
DELETED_EVERY = 89  # WhatsApp keeps a line for a message deleted for everyone
HISTORY = 30  # ordinary messages each look-alike poster wrote before its first link (an aged, living account)
PARAPHRASE_MAX_JACCARD = 0.6  # copies of one claim must share less than this of their character 5-grams
PARAPHRASE_TRIES = 50
LOOKALIKE_WAVE = 16  # links per wave, four from each of the four posters

# (name, city, type, lang, activity weight, export)
TELEGRAM_CHATS: tuple[tuple[str, str, str, str, float, str], ...] = (
    ("Караганда | Чат города", "Караганда", "public_supergroup", "ru", 3.0, "full"),
    ("Караганда Юго-Восток соседи", "Караганда", "private_supergroup", "ru", 2.0, "full"),
    ("Майкудук 24/7", "Караганда", "private_supergroup", "ru", 1.2, "full"),
    ("Караганда барахолка 🛒", "Караганда", "public_supergroup", "ru", 1.8, "full"),
    ("Мамы Караганды 💕", "Караганда", "private_supergroup", "ru", 1.6, "single"),
    ("Караганда авто | ДТП | пробки", "Караганда", "public_supergroup", "ru", 1.3, "both"),
    ("Қарағанды қазақша", "Караганда", "public_supergroup", "kk", 0.9, "full"),
    ("Студенты КарУ", "Караганда", "private_supergroup", "mix", 0.8, "full"),
    ("Пришахтинск соседи", "Караганда", "private_group", "ru", 0.6, "full"),
    ("Темиртау чат", "Темиртау", "public_supergroup", "ru", 1.7, "full"),
    ("Темиртау барахолка", "Темиртау", "public_supergroup", "ru", 0.9, "single"),
    ("Темиртау мамочки", "Темиртау", "private_supergroup", "ru", 0.7, "full"),
    ("Балхаш онлайн", "Балхаш", "public_supergroup", "mix", 0.9, "full"),
    ("Балхаш объявления", "Балхаш", "public_supergroup", "ru", 0.5, "left"),
    ("Алматы | Алмалинский район", "Алматы", "private_supergroup", "ru", 2.2, "full"),
    ("Орбита соседи", "Алматы", "private_supergroup", "mix", 1.1, "full"),
    ("Almaty expats & IT", "Алматы", "public_supergroup", "mix", 0.7, "single"),
    ("Алматы барахолка | Бостандык", "Алматы", "public_supergroup", "ru", 1.2, "full"),
    ("Астана | Есиль соседи", "Астана", "private_supergroup", "mix", 1.8, "full"),
    ("ЖК Highvill жильцы", "Астана", "private_group", "ru", 0.6, "full"),
    ("Астана жұмыс", "Астана", "public_supergroup", "kk", 0.9, "full"),
    ("Шымкент | Самал", "Шымкент", "public_supergroup", "mix", 1.5, "full"),
    ("Шымкент сатамын", "Шымкент", "public_supergroup", "kk", 0.8, "single"),
    ("Кокшетау онлайн", "Кокшетау", "public_supergroup", "ru", 0.9, "full"),
    ("Петропавловск чат", "Петропавловск", "public_supergroup", "ru", 0.9, "full"),
    ("Қызылорда жастары", "Кызылорда", "public_supergroup", "kk", 0.8, "full"),
    ("Актау 14 мкр", "Актау", "private_supergroup", "mix", 0.8, "full"),
    ("Актау барахолка", "Актау", "public_supergroup", "ru", 0.6, "single"),
    ("Темиртау вахта АМТ", "Темиртау", "private_supergroup", "ru", 0.5, "full"),
    ("Караганда работа | вакансии", "Караганда", "public_supergroup", "ru", 0.8, "full"),
)
NEWS_SITE = "today-media.kz"  # the news family's own site, not a look-alike of anyone
NEWS_FAMILY = (("Караганда Today", "Караганда"), ("Темиртау Today", "Темиртау"), ("Балхаш Today", "Балхаш"))
INDEPENDENT_NEWS = ("Астана Инфо 24", "Астана")
AKIMAT = "Акимат города Караганды"
EMERGENCY = "ДЧС Карагандинской области"
DISTRICT = "Отдел ЖКХ района Казыбек би"  # re-posts the akimat's notices under the akimat's name
PRESS = "Пресс-служба акимата Караганды"  # a user account that forwards the akimat's posts into chats
REGION = ("Караганда", "Темиртау", "Балхаш")  # where the offices' notices go
WHATSAPP_CHATS = (("Дом 15 Бухар-Жырау", "Караганда", "mix", 1.0, "android_ru"),
                  ("Родители 3А школа 14", "Караганда", "ru", 0.8, "ios_en"))


class _May(_Builder):
    MONTH = 5


@dataclass
class HardScenario(Scenario):
    """The hard scenario's layout; its chatter comes from `hard_texts`, and it knows its fake pages."""

    fake_urls: list[str] = field(default_factory=list)

    def chatter(self, chat: ChatSpec, count: int) -> Iterator[Post]:
        return _chatter(self.seed, chat, count)


def _when(rng: Random) -> int:
    day = int(rng.random() * DAYS)
    hour = bisect.bisect(HOUR_CUM, rng.random() * HOUR_CUM[-1])
    return unix(START) + day * 86400 + hour * 3600 + int(rng.random() * 3600)


_TALK: dict[str, ht.Talk] = {}


def _talk(city: str) -> ht.Talk:
    if city not in _TALK:
        _TALK[city] = ht.Talk(city, tuple(ht.PLACES))
    return _TALK[city]


def _news(rng: Random, chat: ChatSpec) -> str:
    """A channel's own post: a headline with a link to its site (news) or an office's short notice."""
    slots = {**ht.PLACES[chat.city], "bus": ht.BUSES, "n": ht.NUMBERS}
    headline = texts.Template(rng.choice(ht.NEWS)).fill(rng, slots)
    if chat.name in (AKIMAT, EMERGENCY, DISTRICT):
        return f"{chat.name} информирует: {headline[0].lower()}{headline[1:]}."
    return f"{headline}\n\nhttps://{NEWS_SITE}/{texts.slug(chat.city, 1)}/{texts.slug(headline, 5)}-{rng.randrange(10**5, 10**6)}"


def _media(rng: Random) -> MediaSpec:
    roll = rng.random()
    if roll < 0.6:
        return MediaSpec("photo", f"h-photo{rng.randrange(10**6)}", width=1280, height=rng.choice((960, 720)),
                         size=rng.randrange(50_000, 350_000))
    if roll < 0.85:
        return MediaSpec("voice_message", "voice", mime="audio/ogg", duration=rng.randrange(2, 70),
                         size=rng.randrange(6_000, 200_000))
    return MediaSpec("video_file", f"h-clip{rng.randrange(10**6)}", mime="video/mp4",
                     file_name=f"VID_202505{rng.randrange(5, 19):02d}_{rng.randrange(80000, 235959)}.mp4",
                     duration=rng.randrange(4, 90), width=720, height=1280, size=rng.randrange(400_000, 8_000_000))


def _sticker(rng: Random) -> MediaSpec:
    if rng.random() < 0.2:
        return MediaSpec("animation", "gif", mime="video/mp4", file_name="animation.gif.mp4", width=320, height=240,
                         size=rng.randrange(30_000, 400_000), duration=rng.randrange(1, 5))
    return MediaSpec("sticker", "sticker", mime="image/webp", file_name="sticker.webp", width=512, height=512,
                     size=rng.randrange(8_000, 50_000), emoji=rng.choice("👍😂🙏😍😭🤝🔥😎"))


def _chatter(seed: int, chat: ChatSpec, count: int) -> Iterator[Post]:
    """A chat's ordinary messages from its own random stream (so one chat is reproducible alone)."""
    rng = Random(f"{seed}:hard-chatter:{chat.key}")
    talk = _talk(chat.city)
    for i in range(count):
        ts = _when(rng)
        if chat.channel is not None:
            yield Post(ts, chat.channel, _news(rng, chat))
            continue
        author = chat.pick_member(rng)
        roll = rng.random()
        if roll < STICKER_SHARE:
            yield Post(ts, author, "", media=_sticker(rng))
        elif roll < MEDIA_SHARE:
            media = _media(rng)
            caption = talk.text(rng, author.lang, author.style) if media.kind != "voice_message" and rng.random() < 0.3 else ""
            yield Post(ts, author, caption, media=media)
        elif chat.platform == "whatsapp" and i % DELETED_EVERY == 7:
            yield Post(ts, author, deleted=True)
        else:
            post = Post(ts, author, talk.text(rng, author.lang, author.style))
            if rng.random() < EDITED_SHARE:
                post.edited = ts + rng.randrange(15, 1200)
            yield post


# ---------------------------------------------------------------- people and places


def _chats(b: _May) -> list[ChatSpec]:
    rng = b.rng
    rows = [*TELEGRAM_CHATS, *((n, c, "public_channel", "ru", 0.5, "full") for n, c in NEWS_FAMILY),
            (INDEPENDENT_NEWS[0], INDEPENDENT_NEWS[1], "public_channel", "mix", 0.6, "single"),
            (AKIMAT, "Караганда", "public_channel", "mix", 0.12, "full"),
            (EMERGENCY, "Караганда", "public_channel", "mix", 0.08, "full"),
            (DISTRICT, "Караганда", "public_channel", "ru", 0.06, "single")]
    chats = []
    for name, city, type_, lang, weight, export in rows:
        native = str(rng.randrange(300_000_000, 999_999_999) if type_ == "private_group"
                     else rng.randrange(1_200_000_000, 2_700_000_000))
        chat = ChatSpec(texts.slug(name, words=6) or "chat", "telegram", name, type_, native, city, lang, weight,
                        export, first_id=rng.randrange(1, 300_000))
        if type_ == "public_channel":
            chat.channel = Account("telegram", f"channel{native}", name, lang)
        chats.append(chat)
    for name, city, lang, weight, layout in WHATSAPP_CHATS:
        chats.append(ChatSpec(texts.slug(name, words=6), "whatsapp", name, "whatsapp", name, city, lang, weight,
                              "whatsapp", layout=layout))
    return chats


def _groups(chats: list[ChatSpec], *, telegram: bool = True, region: bool = False) -> list[ChatSpec]:
    """Group chats that have members (Telegram only by default; the offices' region only if asked)."""
    return [c for c in chats if c.is_group and (not telegram or c.platform == "telegram")
            and (not region or c.city in REGION) and c.export != "left"]


def _member(acc: Account, chat: ChatSpec) -> bool:
    return any(m is acc for m in chat.members)


def _index(chats: list[ChatSpec]) -> None:
    for chat in chats:
        if chat.members:
            chat.cum = list(accumulate(m.weight for m in chat.members))


def _members(b: _May, chats: list[ChatSpec], count: int) -> None:
    """Ordinary members, each in one to three chats of a home city, a quarter also in a chat elsewhere."""
    rng = b.rng
    groups = [c for c in chats if c.is_group and c.platform == "telegram"]
    by_city: dict[str, list[ChatSpec]] = {}
    for c in groups:
        by_city.setdefault(c.city, []).append(c)
    cities = sorted(by_city)
    weight = list(accumulate(sum(c.weight for c in by_city[city]) for city in cities))
    for _ in range(count):
        fresh = rng.random() < 0.07  # new ordinary accounts exist too
        native = b.user_id(7_000_000_000, 8_200_000_000) if fresh else b.user_id(80_000_000, 6_800_000_000)
        acc = Account("telegram", native, ht.person_name(rng) if rng.random() > 0.003 else None,
                      rng.choices(("ru", "kk", "mix"), (0.55, 0.2, 0.25))[0], weight=rng.paretovariate(1.4),
                      style=rng.choices(range(4), (0.6, 0.15, 0.1, 0.15))[0])
        home = by_city[cities[bisect.bisect(weight, rng.random() * weight[-1])]]
        joined = rng.sample(home, k=min(len(home), 1 + int(rng.random() * 2.5)))
        if rng.random() < 0.25:
            joined.append(rng.choice(groups))
        for chat in {id(c): c for c in joined}.values():
            chat.members.append(acc)
    for wa in (c for c in chats if c.platform == "whatsapp"):
        for _ in range(int(110 * wa.weight)):
            national = b.phone()
            if rng.random() < 0.4:
                shown = texts.format_phone(national, 0)
                acc = Account("whatsapp", texts.e164(national), shown, "ru", shown, weight=rng.paretovariate(1.4))
            else:
                shown = ht.person_name(rng)
                if any(m.native == shown for m in wa.members):
                    continue
                acc = Account("whatsapp", shown, shown, rng.choice(("ru", "mix")), shown, weight=rng.paretovariate(1.4))
            wa.members.append(acc)
    _index(chats)


def _network(b: _May, code: str, size: int, aged: int, groups: list[ChatSpec]) -> list[Account]:
    """A campaign's Telegram accounts: `aged` old ones that live in two chats like anyone, the rest fresh."""
    rng = b.rng
    out = []
    for i in range(size):
        old = i < aged
        native = b.user_id(300_000_000, 5_000_000_000) if old else b.user_id(7_700_000_000, 8_200_000_000)
        acc = Account("telegram", native, ht.person_name(rng), rng.choice(("ru", "mix")), weight=0.8, campaign=code)
        if old:
            for chat in rng.sample(groups, 2):
                chat.members.append(acc)
        out.append(acc)
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------- campaigns


class _Campaigns:
    """Posts the five campaigns; remembers every campaign post for forwards, replies and rebuttals."""

    def __init__(self, b: _May, chats: list[ChatSpec]) -> None:
        self.b = b
        self.chats = chats
        self.groups = _groups(chats)
        self.posted: list[tuple[ChatSpec, Post]] = []
        self.joined: set[tuple[str, str]] = set()
        self.truths: list[CampaignTruth] = []
        self.fake_urls: list[str] = []

    def post(self, chat: ChatSpec, acc: Account, ts: int, code: str, text: str) -> Post:
        rng = self.b.rng
        if acc.campaign and (acc.key, chat.key) not in self.joined and not _member(acc, chat):
            self.joined.add((acc.key, chat.key))
            if chat.platform == "telegram" and rng.random() < 0.5:
                self.b.add(chat, Post(ts - rng.randrange(300, 2 * 86400), acc, action="join_group_by_link"))
        post = self.b.add(chat, Post(ts, acc, text, tag=f"campaign:{code}"))
        self.posted.append((chat, post))
        return post

    def truth(self, code: str, kind: str, title: str, accounts: list[Account], seeder: Account, persons: list[str],
              phones: list[str], domains: tuple[str, ...] = (), impersonates: tuple[str, ...] = ()) -> None:
        self.truths.append(CampaignTruth(code, kind, title, accounts, seeder, persons, phones, list(domains),
                                         list(impersonates)))

    def waves(self, code: str, accounts: list[Account], chats: list[ChatSpec], waves: list[tuple[int, int, int, int]],
              make: Callable[[Random], str]) -> None:
        """Bursts: the seeder opens the first wave in two chats, then the others post within minutes, a few later."""
        rng = self.b.rng
        for w, (day, hour, minute, count) in enumerate(waves):
            start = self.b.local(day, hour, minute)
            span = rng.randrange(8, 30) * 60
            if w == 0:
                for i, chat in enumerate(rng.sample(chats, 2)):
                    self.post(chat, accounts[0], start + i * rng.randrange(30, 120), code, make(rng))
            active = [a for a in accounts[1:] if rng.random() < 0.85]
            for k in range(count):
                ts = start + 150 + int(rng.random() * span)
                if k >= count - 2:  # stragglers hours later
                    ts = start + rng.randrange(2 * 3600, 9 * 3600)
                self.post(rng.choice(chats), active[k % len(active)], ts, code, make(rng))

    # H1
    def doxxing(self) -> None:
        b, rng = self.b, self.b.rng
        accounts = _network(b, "H1", 16, 3, self.groups)
        chats = rng.sample(self.groups, 18)

        def text(r: Random) -> str:
            values = {"e": r.choice(ht.EMOJI), "time": r.choice(("12:00", "11:00", "11:30")),
                      "spot": r.choice(ht.PLACES["Караганда"]["spot"]), "movement": ht.MOVEMENT,
                      "organiser": ht.ORGANISER if r.random() < 0.75 else "Б. Серикбаев"}
            for i, (name, phone) in enumerate(ht.JOURNALISTS, 1):
                values[f"j{i}"] = name if r.random() < 0.8 else name.split()[0]
                values[f"ph{i}"] = ht.phone_in(phone, r)
            out = r.choice(ht.DOXX)
            for key, value in values.items():
                out = out.replace("{" + key + "}", value)
            return out

        self.waves("H1", accounts, chats, [(12, 9, 30, 18), (13, 20, 10, 18), (15, 8, 45, 17), (16, 19, 0, 16)], text)
        self.truth("H1", "doxxing_march_call", "Call to march under a false organiser, journalists' phones as contacts",
                   accounts, accounts[0], [ht.ORGANISER, *(n for n, _ in ht.JOURNALISTS)],
                   [texts.e164(p) for _, p in ht.JOURNALISTS])

    # H2
    def paid(self) -> None:
        b, rng = self.b, self.b.rng
        accounts = _network(b, "H2", 11, 2, self.groups)
        chats = rng.sample(self.groups, 16)

        def text(r: Random) -> str:
            return (r.choice(ht.PAID).replace("{hours}", r.choice(("2", "3"))).replace("{amount}", r.choice(ht.AMOUNTS))
                    .replace("{ph}", ht.phone_in(ht.PAYER[1], r)))

        self.waves("H2", accounts, chats, [(13, 12, 0, 14), (14, 18, 30, 14), (16, 11, 15, 13)], text)
        wa = [c for c in self.chats if c.platform == "whatsapp"]
        for i in range(2):
            national = b.phone()
            acc = Account("whatsapp", texts.e164(national), texts.format_phone(national, 0), "ru",
                          texts.format_phone(national, 0), campaign="H2")
            accounts.append(acc)
            for day in (13, 14, 16):
                self.post(wa[i], acc, b.local(day, 19, rng.randrange(60)), "H2", text(rng))
        self.truth("H2", "payment_promise", "Payment promised for taking part in the march", accounts, accounts[0],
                   [ht.PAYER[0]], [texts.e164(ht.PAYER[1])])

    # H3
    def lookalike(self) -> None:
        b, rng = self.b, self.b.rng
        posters = []
        for _ in range(4):
            acc = Account("telegram", b.user_id(150_000_000, 1_500_000_000), ht.person_name(rng), "ru", weight=3.0,
                          campaign="H3", style=rng.randrange(4))
            home = rng.sample(self.groups, 4)
            for chat in home:
                chat.members.append(acc)
            for _ in range(HISTORY):  # a long ordinary life before the links
                chat = rng.choice(home)
                ts = unix(START) + rng.randrange(0, 6 * 86400)
                b.add(chat, Post(ts, acc, _talk(chat.city).text(rng, acc.lang, acc.style)))
            posters.append((acc, home))
        used_ids: set[int] = set()
        for wave, (day, hour, minute) in enumerate(((12, 14, 0), (15, 10, 30))):
            start = b.local(day, hour, minute)
            order = [i for i in range(len(posters)) for _ in range(LOOKALIKE_WAVE // len(posters))]
            rng.shuffle(order)
            if wave == 0:  # the seeder opens the campaign
                order.remove(0)
                order.insert(0, 0)
            times = [start, *sorted(start + rng.randrange(60, 75 * 60) for _ in order[1:])]
            for ts, who in zip(times, order):
                acc, home = posters[who]
                section, story_slug, _title, _lead = rng.choice(ht.STORIES)
                while (num := rng.randrange(100_000, 999_999)) in used_ids:
                    pass
                used_ids.add(num)
                path = f"/{section}/{story_slug}-{num}/"
                self.fake_urls.append(f"https://{ht.LOOKALIKE}{path}")
                url = rng.choice(("https://", "https://", "http://", "https://www.")) + ht.LOOKALIKE + path
                if rng.random() < 0.25:
                    url += rng.choice(("?utm_source=telegram", "?utm_medium=social", "?ref=tg"))
                self.post(rng.choice(home), acc, ts, "H3", rng.choice(ht.CAPTIONS).replace("{link}", url))
        accounts = [acc for acc, _ in posters]
        self.truth("H3", "lookalike_outlet", f"Fake articles on {ht.LOOKALIKE}, a look-alike of {ht.REAL_OUTLET[0]}",
                   accounts, accounts[0], [], [], [ht.LOOKALIKE], [ht.REAL_OUTLET[0]])

    # H4
    def paraphrases(self) -> None:
        b, rng = self.b, self.b.rng
        accounts = _network(b, "H4", 10, 2, self.groups)
        chats = rng.sample(self.groups, 20)
        times = ((11, 19, 5), (12, 12, 40), (13, 21, 15), (14, 9, 5), (15, 17, 50), (16, 20, 30))
        for event, (day, hour, minute) in zip(ht.EVENTS, times):
            start = b.local(day, hour, minute)
            copies: list[set[str]] = []
            order = [accounts[0], *rng.sample(accounts[1:], len(accounts) - 1)]
            for i, acc in enumerate(order):
                for _ in range(PARAPHRASE_TRIES):
                    text = ht.paraphrase(rng, event)
                    grams = ht.five_grams(text)
                    if all(ht.jaccard(grams, other) < PARAPHRASE_MAX_JACCARD for other in copies):
                        break
                else:
                    raise AssertionError(f"no paraphrase of {event[:30]!r} far enough from the others")
                copies.append(grams)
                self.post(rng.choice(chats), acc, start + (0 if i == 0 else rng.randrange(3, 59)), "H4", text)
        self.truth("H4", "paraphrased_copies", "The same false claims retold by a network within a minute",
                   accounts, accounts[0], [ht.ORGANISER], [])

    # H5
    def sockpuppets(self) -> None:
        b, rng = self.b, self.b.rng
        accounts = _network(b, "H5", 12, 5, self.groups)
        start = b.local(14, 10, 0)
        for i, acc in enumerate(accounts):
            for k in range(1 if i % 3 else 2):
                ts = start if (i, k) == (0, 0) else start + rng.randrange(20 * 60, 36 * 3600)
                chat = rng.choice([c for c in self.groups if _member(acc, c)] or self.groups) if k == 0 \
                    else rng.choice(self.groups)
                text = rng.choice(ht.VOICES) + ht.TESTIMONY + rng.choice(ht.TESTIMONY_ENDS)
                self.post(chat, acc, ts, "H5", text)
        self.truth("H5", "sockpuppet_copypasta", "One author's testimony posted as their own by distinct accounts",
                   accounts, accounts[0], [], [])

    # reach
    def unwitting(self) -> None:
        """Ordinary members who forward campaign posts to another of their chats hours later."""
        rng = self.b.rng
        by_code = {t.id: t for t in self.truths}
        for code, count in (("H1", 6), ("H3", 5), ("H2", 2)):
            moved = 0
            candidates = [(c, p) for c, p in self.posted if p.tag == f"campaign:{code}" and c.platform == "telegram"]
            for chat, original in rng.sample(candidates, len(candidates)):
                if moved == count:
                    break
                member = _established(chat, rng)
                elsewhere = [c for c in self.groups if c is not chat and _member(member, c)]
                if not elsewhere or member.platform != "telegram":
                    continue
                self.b.add(rng.choice(elsewhere), Post(original.ts + rng.randrange(1200, 10 * 3600), member,
                                                       original.text, forwarded_from=original.author.name,
                                                       tag=original.tag, unwitting=True))
                by_code[code].unwitting.add(member.key)
                moved += 1
        parents = next(c for c in self.chats if c.platform == "whatsapp" and c.layout == "ios_en")
        link = next(p.text for c, p in self.posted if p.tag == "campaign:H3")
        parent = _established(parents, rng)
        self.b.add(parents, Post(self.b.local(15, 21, rng.randrange(60)), parent, link, tag="campaign:H3",
                                 unwitting=True))
        by_code["H3"].unwitting.add(parent.key)

    def replies(self) -> None:
        """Members answering campaign posts: questions and "fake" calls, not campaign messages."""
        rng = self.b.rng
        for chat, original in list(self.posted):
            if chat.platform == "telegram" and not original.unwitting and rng.random() < 0.15:
                self.b.add(chat, Post(original.ts + rng.randrange(40, 3600), _established(chat, rng),
                                      rng.choice(ht.REPLIES), reply_to=original))


# ---------------------------------------------------------------- honest coordination


class _Honest:
    """Coordinated-but-legitimate groups (tag "legit:Ln") and benign viral content (tag "benign")."""

    def __init__(self, b: _May, chats: list[ChatSpec]) -> None:
        self.b = b
        self.chats = chats
        self.groups = _groups(chats)
        self.legit: list[LegitTruth] = []

    def group(self, kind: str, title: str) -> str:
        code = f"L{len(self.legit) + 1}"
        self.legit.append(LegitTruth(code, kind, title))
        return code

    def channel(self, name: str) -> tuple[ChatSpec, Account]:
        chat = next(c for c in self.chats if c.name == name)
        assert chat.channel is not None
        return chat, chat.channel

    def crosspost(self, code: str, office: str, text: str, ts: int, press: Account | None = None) -> None:
        """An office posts its notice in its channel, then into 6-10 city chats within 5 minutes: as the channel,
        or (given `press`) by its press secretary forwarding the channel's post."""
        rng = self.b.rng
        home, acc = self.channel(office)
        self.b.add(home, Post(ts, acc, text, tag=f"legit:{code}"))
        region = _groups(self.chats, region=True)
        for chat in rng.sample(region, rng.randint(6, min(10, len(region)))):
            self.b.add(chat, Post(ts + rng.randrange(20, 300), press or acc, text, tag=f"legit:{code}",
                                  forwarded_from=office if press else None))

    def offices(self) -> None:
        b, rng = self.b, self.b.rng
        code = self.group("official_crosspost", f"{AKIMAT}: its own notices cross-posted into city chats")
        streets = ht.PLACES["Караганда"]["street"]
        district_home, district = self.channel(DISTRICT)
        press = Account("telegram", b.user_id(200_000_000, 900_000_000), PRESS, "ru")
        for i, template in enumerate(ht.NOTICES):
            first = rng.randrange(8, 20)
            street, other = rng.sample(streets, 2)
            text = template.format(street=street, other=other, a=first, b=first + rng.randrange(3, 16))
            ts = b.local(5 + 2 * i, rng.randrange(9, 12), rng.randrange(60))
            self.crosspost(code, AKIMAT, text, ts, press if i % 2 else None)
            if i % 2 == 0:  # the district office passes it on under the akimat's name
                later = ts + rng.randrange(1800, 5400)
                if rng.random() < 0.5:
                    b.add(district_home, Post(later, district, text, forwarded_from=AKIMAT, tag=f"legit:{code}"))
                else:
                    b.add(district_home, Post(later, district, f"{AKIMAT} сообщает:\n{text}", tag=f"legit:{code}"))
                for chat in rng.sample(_groups(self.chats, region=True), 3):
                    b.add(chat, Post(later + rng.randrange(30, 240), district, f"{AKIMAT} сообщает:\n{text}",
                                     tag=f"legit:{code}"))
            for _ in range(rng.randrange(2, 5)):  # residents pass a notice on: benign, not the office's activity
                chat = rng.choice(self.groups)
                self.b.add(chat, Post(ts + rng.randrange(3600, 8 * 3600), _established(chat, rng), text,
                                      forwarded_from=AKIMAT, tag="benign"))
        code = self.group("official_crosspost", f"{EMERGENCY}: weather and fire warnings cross-posted")
        for i, template in enumerate(ht.STORMS):
            day = (6, 9, 12, 15)[i]
            self.crosspost(code, EMERGENCY, template.format(a=day, b=day + 1), b.local(day - 1, 17, rng.randrange(60)))

    def syndication(self) -> None:
        b, rng = self.b, self.b.rng
        code = self.group("news_syndication", f"{', '.join(n for n, _ in NEWS_FAMILY)}: one owner, one story each")
        family = [self.channel(name) for name, _ in NEWS_FAMILY]
        for _ in range(20):
            slots = {**ht.PLACES["Караганда"], "bus": ht.BUSES, "n": ht.NUMBERS}
            headline = texts.Template(rng.choice(ht.NEWS)).fill(rng, slots)
            path = f"{texts.slug(headline, 5)}-{rng.randrange(10**5, 10**6)}"
            ts = _when(rng)
            for chat, acc in family:
                text = f"{headline}\n\nhttps://{NEWS_SITE}/{path}\n#{chat.city}"
                b.add(chat, Post(ts + rng.randrange(0, 600), acc, text, tag=f"legit:{code}"))

    def sellers(self) -> None:
        b, rng = self.b, self.b.rng
        chosen: set[str] = set()
        for _ in range(16):
            home = rng.choice(self.groups)
            seller = _established(home, rng)
            if seller.key in chosen:  # one advert per seller, so each group is one person's
                continue
            chosen.add(seller.key)
            where = [c for c in self.groups if _member(seller, c)] or [home]
            national = b.phone()
            style = rng.randrange(8)
            item = rng.choice(ht.ITEMS)
            price = f"{rng.randrange(8, 300) * 1000:,}".replace(",", " ")
            code = self.group("seller_adverts", f"{seller.name or seller.native} repeating an advert for {item}")
            wordings = (f"Продаю {item}. {price} тг. Тел {{p}}", f"{item.capitalize()} — {price}₸, торг уместен. {{p}}",
                        f"Ещё актуально: {item}, {price} тенге. Звонить {{p}}")
            first = _when(rng) - 2 * 86400
            for _k in range(rng.randrange(3, 8)):
                ts = min(max(first + rng.randrange(0, 6 * 86400), unix(START) + 3600), unix(START) + DAYS * 86400 - 600)
                text = rng.choice(wordings).replace("{p}", texts.format_phone(national, style))
                b.add(rng.choice(where), Post(ts, seller, text, tag=f"legit:{code}"))

    def spam(self) -> None:
        b, rng = self.b, self.b.rng
        code = self.group("spam_ring", "Loan-spam bot ring: coordinated, spam, no fake")
        bots = [Account("telegram", b.user_id(7_900_000_000, 8_200_000_000), name, "ru") for name in ht.SPAM_NAMES]
        for burst in range(10):
            start = unix(START) + burst * 31 * 3600 + rng.randrange(3600)
            for bot in rng.sample(bots, rng.randint(4, 7)):
                for chat in rng.sample(self.groups, rng.randint(1, 2)):
                    text = (rng.choice(ht.SPAM).replace("{amount}", rng.choice(("300 000", "500 000", "1 000 000")))
                            .replace("{bot}", rng.choice(ht.SPAM_BOTS)))
                    b.add(chat, Post(start + rng.randrange(0, 600), bot, text, tag=f"legit:{code}"))

    def viral(self) -> None:
        b, rng = self.b, self.b.rng
        for text in ht.VIRAL:
            start = _when(rng)
            for _ in range(rng.randint(25, 35)):
                chat = rng.choice(self.groups)
                copy = rng.choice(ht.EDIT_PREFIX) + text
                if rng.random() < 0.3:
                    copy = copy.replace("!", ".")
                if rng.random() < 0.2:
                    copy = copy.rstrip(".") + " 🙏"
                b.add(chat, Post(start + int(rng.expovariate(1 / 4 / 3600)) % (14 * 3600), _established(chat, rng),
                                 copy, tag="benign"))

    def missing(self) -> None:
        b, rng = self.b, self.b.rng
        local = [c for c in _groups(self.chats, telegram=False) if c.city == "Караганда"]
        mother = b.phone()
        start = b.local(10, 15, 20)
        first = rng.choice([c for c in local if c.platform == "telegram"])
        poster = _established(first, rng)
        text = ht.MISSING[0].format(school=14, time="13:10", phone=texts.format_phone(mother, 1))
        b.add(first, Post(start, poster, text, tag="benign"))
        for _ in range(40):
            chat = rng.choice(local if rng.random() < 0.7 else self.groups)
            member = _established(chat, rng)
            ts = start + 90 + int(rng.expovariate(1 / 2000)) % (5 * 3600)
            if chat.platform == "telegram" and rng.random() < 0.7:
                b.add(chat, Post(ts, member, text, forwarded_from=poster.name or "Deleted Account", tag="benign"))
            else:
                again = rng.choice(ht.MISSING).format(school=14, time="13:10",
                                                      phone=texts.format_phone(mother, rng.randrange(8)))
                b.add(chat, Post(ts, member, again, tag="benign"))
        for chat in rng.sample(local, 3):
            b.add(chat, Post(start + 6 * 3600 + rng.randrange(3600), _established(chat, rng), rng.choice(ht.FOUND)))

    def greetings(self) -> None:
        b, rng = self.b, self.b.rng
        everyone = _groups(self.chats, telegram=False)
        for day, pool in ((7, ht.GREETINGS_7), (9, ht.GREETINGS_9)):
            for _ in range(60):
                chat = rng.choice(everyone)
                ts = b.local(day, rng.choice((7, 8, 9, 10, 11, 12, 18, 20)), rng.randrange(60))
                b.add(chat, Post(ts, _established(chat, rng), rng.choice(pool), tag="benign"))
        for _ in range(30):
            chat = rng.choice(everyone)
            b.add(chat, Post(b.local(9, rng.randrange(7, 22), rng.randrange(60)), _established(chat, rng), ht.CARD,
                             tag="benign"))

    def rebuttals(self, posted: list[tuple[ChatSpec, Post]]) -> None:
        """Warnings that quote a fake whole, or name the look-alike domain; and honest questions (untagged)."""
        b, rng = self.b, self.b.rng
        quotable = [(c, p) for c, p in posted if c.platform == "telegram" and not p.unwitting
                    and p.tag in ("campaign:H1", "campaign:H4", "campaign:H5")]
        for chat, original in rng.sample(quotable, 20):
            text = rng.choice(ht.REBUTTALS).replace("{q}", original.text)
            b.add(chat, Post(original.ts + rng.randrange(1800, 6 * 3600), _established(chat, rng), text, tag="benign"))
        for _ in range(8):
            chat = rng.choice(self.groups)
            text = rng.choice(ht.LOOKALIKE_WARNINGS).format(fake=ht.LOOKALIKE, real=ht.REAL_OUTLET[0])
            b.add(chat, Post(b.local(rng.randrange(13, 18), rng.randrange(9, 22), rng.randrange(60)),
                             _established(chat, rng), text, tag="benign"))
        for _ in range(40):
            chat = rng.choice(self.groups)
            b.add(chat, Post(b.local(rng.randrange(11, 18), rng.randrange(8, 23), rng.randrange(60)),
                             _established(chat, rng), rng.choice(ht.MARCH_ASK)))


# ---------------------------------------------------------------- the whole


def build(seed: int, messages: int = DEFAULT_MESSAGES) -> HardScenario:
    """Lay out the hard scenario for `seed`; ordinary chatter fills it up to about `messages`."""
    b = _May(seed)
    chats = _chats(b)
    b.phase("members")
    _members(b, chats, min(12_000, 1_800 + messages // 250))
    b.phase("campaigns")
    camp = _Campaigns(b, chats)
    for name in ("doxxing", "paid", "lookalike", "paraphrases", "sockpuppets"):
        b.phase(f"campaign {name}")
        _index(chats)
        getattr(camp, name)()
    _index(chats)
    b.phase("reach")
    camp.unwitting()
    camp.replies()
    honest = _Honest(b, chats)
    for name in ("offices", "syndication", "sellers", "spam", "viral", "missing", "greetings"):
        b.phase(f"honest {name}")
        getattr(honest, name)()
    b.phase("rebuttals")
    honest.rebuttals(camp.posted)
    b.phase("personal")
    exporter = Account("telegram", b.user_id(300_000_000, 900_000_000), "Гаухар Нуртазина")
    colleague = Account("telegram", b.user_id(300_000_000, 900_000_000), "Выпускающий Тимур")
    personal = ChatSpec("personal", "telegram", colleague.name or "", "personal_chat", colleague.native[4:],
                        "Караганда", "ru", 0, "full")
    for i, (who, text) in enumerate(((colleague, f"Видела ссылки на {ht.LOOKALIKE}? Это не Информбюро"),
                                     (exporter, "Да, пути у всех разные. Выгружаю чаты"),
                                     (colleague, "Мусаевой и Байсалову звонят с утра из-за рассылки"))):
        b.add(personal, Post(b.local(14, 9, 0) + i * 240, who, text))
    chats.append(personal)
    return HardScenario(seed, chats, b.specials, _counts(b, chats, messages), camp.truths, exporter, personal,
                        honest.legit, camp.fake_urls)


def _counts(b: _May, chats: list[ChatSpec], messages: int) -> dict[str, int]:
    """Chatter per chat, by activity weight, so specials plus chatter come to about `messages`."""
    talking = [c for c in chats if c.members or c.channel]
    specials = sum(len(v) for v in b.specials.values()) + 2 * sum(c.platform == "whatsapp" for c in chats)
    left = max(0, messages - specials)
    total = sum(c.weight for c in talking)
    return {c.key: round(left * c.weight / total) for c in talking}


def pages(scenario: Scenario) -> tuple[Page, ...]:
    """The saved fake articles (one per distinct link posted) and two genuine pages of the imitated outlet."""
    assert isinstance(scenario, HardScenario), "the hard scenario's pages come from its own layout"
    urls = scenario.fake_urls
    by_slug = {slug: (title, lead) for _s, slug, title, lead in ht.STORIES}
    real, name = ht.REAL_OUTLET
    out = []
    for url in urls:
        slug = url.rstrip("/").rsplit("/", 1)[1].rsplit("-", 1)[0]
        title, lead = by_slug[slug]
        out.append(Page(url, f"{name} — новости Казахстана", url.replace(ht.LOOKALIKE, real), title, "Редакция",
                        "2025-05-12T08:30:00+05:00",
                        (lead, f"Организатором называют {ht.ORGANISER}, координаторами — {ht.JOURNALISTS[0][0]} и "
                               f"{ht.JOURNALISTS[1][0]}.", "Редакция продолжает следить за развитием событий."),
                        ht.LOOKALIKE_TRACKERS[0], ht.LOOKALIKE_TRACKERS[1]))
    for path, title, author in (("news/v-karagande-otkryli-novyy-most", "В Караганде открыли новый мост", "Алия Беккер"),
                                ("society/tarify-na-teplo-ne-izmenyatsya", "Тарифы на тепло не изменятся", "Редакция")):
        url = f"https://{real}/{path}/"
        out.append(Page(url, f"{name} — новости Казахстана", url, title, author, "2025-05-08T10:00:00+05:00",
                        (f"{title}. Об этом сообщили в акимате.",), "G-IBURO22K7Q", "41772901"))
    return tuple(out)
