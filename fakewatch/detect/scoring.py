"""How suspicious a group of messages is, as one documented number between 0 and 1.

The score is a weighted sum of five parts, each itself between 0 and 1:

| part | weight | what it measures |
| --- | --- | --- |
| coordination | 0.30 | share of the messages posted by accounts the detect stage put in a coordination group, counted in full from `COORDINATED_ACCOUNTS_FULL` (3) such accounts up and proportionally below (two accounts that co-posted are weak evidence) |
| speed | 0.15 | the most chats reached within any one hour, over `SPEED_CHATS` (10 chats in an hour = 1), times how far that hour's rate stands above the messages' average rate over the corpus's span (`BURST_FULL` times or more = 1; see `speed_part`) |
| fresh | 0.15 | share of the accounts that are new (Telegram id among the corpus's newest tenth) or single-purpose (most of what they post is this campaign) |
| floods | 0.10 | share of the accounts caught cross-posting the same content into several chats in a burst |
| harm | 0.30 | noisy-OR of the harm and deception signals below |

Harm and deception signals, each `h` in [0, 1], combined as a noisy-OR,
`harm = 1 - prod(1 - w * h)`, with the weights `HARM_WEIGHTS`:

| signal | weight | what it measures |
| --- | --- | --- |
| third_party_phones | 0.6 | share of messages listing a number posted by several accounts that are not that number (doxxing: the journalists whose phones rang for days); numbers in adverts are the advertiser's own and do not count |
| payment | 0.6 | share of messages promising payment for taking part |
| impersonation | 0.6 | share of messages linking a look-alike of a real outlet |
| gathering | 0.6 | share of messages calling people to gather, counted only when at least `PERSONA_VOICES` distinct accounts that are not channels posted such calls (mobilisation by many voices); an office announcing its own event is not a harm |
| sock_puppets | 0.6 | share of messages that are one text or one media file presented as their own words (not forwarded) by at least `PERSONA_VOICES` distinct coordinated accounts that are not channels: DISARM T0084.001 / T0049.005, one author posing as independent voices. Adverts do not count: a spam ring is inauthentic but deceives nobody about the news |

Why these weights: one clear harm signal gives 0.6 (0.18 of the score) and two
give 0.84, so harm alone cannot lift ordinary chatter to a report, and
inauthentic spread alone cannot either (see below). Every signal weighs the
same because each is, alone, what makes coordinated spread a deception: a
lower weight for sock puppets would leave real troll networks that post into one
stream (the IRA slice in ../shared/data/ira-ru-2017, where "chats reached"
cannot add speed) under the report threshold. How grave a campaign is, is
said by its `kind` and `severity` (`SEVERITY`), not by its score: doxxing,
paid participation, impersonation and mobilisation put people at risk and are
"high"; sock-puppet copypasta deceives about who is speaking and is "medium".

Coordination and harm are what make a campaign both inauthentic and dangerous,
so they carry most of the weight; speed, freshness and floods are the usual
marks of inauthentic spread but also occur in honest news bursts, so each
counts less.

What is reported
    A group of messages is a *campaign* (C1, ...) when its score is at least
    `REPORT_THRESHOLD` **and** at least one harm or deception signal is at least
    `HARM_PRESENT` (see `harm_signals`). Coordination alone is not a fake
    campaign: an akimat cross-posting its road-works notice into ten chats in
    five minutes, a newsroom syndicating its posts, a seller repeating an advert
    or a loan-spam ring score high on spread and have no harm signal. Such groups
    are listed as *coordinated activity* (A1, ...), labelled with what was
    coordinated and why it is not called a campaign, when they score at least
    `REPORT_THRESHOLD`, or at least `CANDIDATE_THRESHOLD` with most of them
    (`ACTIVITY_MIN`) posted by coordinated or flooding accounts; the rest at or
    above `CANDIDATE_THRESHOLD` are candidates (K1, ...), as are groups with a
    harm signal that score under `REPORT_THRESHOLD`.
    An official statement forwarded by long-standing members over days has no
    coordination, no fresh accounts, no floods and no speed, and lands near
    0.1-0.25.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

WEIGHTS = {"coordination": 0.30, "speed": 0.15, "fresh": 0.15, "floods": 0.10, "harm": 0.30}
HARM_WEIGHTS = {"third_party_phones": 0.6, "payment": 0.6, "impersonation": 0.6, "gathering": 0.6, "sock_puppets": 0.6}
# A campaign's kind is named by its strongest signal in this order (the gravest first), with its severity.
KINDS = {"third_party_phones": ("doxxing", "high"), "payment": ("paid_participation", "high"),
         "impersonation": ("impersonation", "high"), "gathering": ("mobilisation", "high"),
         "sock_puppets": ("sock_puppets", "medium")}
HARM_PRESENT = 0.25  # a harm signal at or above this is present (a quarter of its full strength: with the
# share multipliers of `fakewatch.detect.campaigns`, about one message in sixteen listing a doxxed number)
PERSONA_VOICES = 3  # distinct non-channel accounts posting one content as their own: a crowd, not one author
COORDINATED_ACCOUNTS_FULL = 3  # coordinated accounts from which the coordination share counts in full
SPEED_CHATS = 10  # distinct chats reached in one hour that count as full speed
BURST_FULL = 20  # busiest hour at this multiple of the messages' average hourly rate counts as a full burst
REPORT_THRESHOLD = 0.45  # at or above: reported as a campaign; below: a candidate
CANDIDATE_THRESHOLD = 0.20  # below: not listed at all
ACTIVITY_MIN = 0.5  # coordination or flood share from which a group with no harm signal is coordinated activity


@dataclass(frozen=True)
class Harm:
    """Harm signals, each in [0, 1]."""

    third_party_phones: float = 0.0
    payment: float = 0.0
    impersonation: float = 0.0
    gathering: float = 0.0
    sock_puppets: float = 0.0

    def combined(self) -> float:
        keep = 1.0
        for name, value in asdict(self).items():
            keep *= 1.0 - HARM_WEIGHTS[name] * _unit(value)
        return 1.0 - keep

    def present(self) -> list[str]:
        """The signals at or above `HARM_PRESENT`, strongest first, the gravest first among equals
        (fields are declared in the order of `KINDS`)."""
        found = [(name, value) for name, value in asdict(self).items() if value >= HARM_PRESENT]
        return [name for name, _ in sorted(found, key=lambda nv: -nv[1])]


@dataclass(frozen=True)
class ScoreParts:
    coordination: float
    speed: float
    fresh: float
    floods: float
    harm: Harm

    def as_dict(self) -> dict[str, float]:
        parts = {k: round(_unit(getattr(self, k)), 3) for k in ("coordination", "speed", "fresh", "floods")}
        parts["harm"] = round(self.harm.combined(), 3)
        parts.update({f"harm.{k}": round(_unit(v), 3) for k, v in asdict(self.harm).items()})
        return parts


def score(parts: ScoreParts) -> float:
    """The weighted sum described in the module docstring, rounded to 3 places."""
    total = (
        WEIGHTS["coordination"] * _unit(parts.coordination)
        + WEIGHTS["speed"] * _unit(parts.speed)
        + WEIGHTS["fresh"] * _unit(parts.fresh)
        + WEIGHTS["floods"] * _unit(parts.floods)
        + WEIGHTS["harm"] * parts.harm.combined()
    )
    return round(total, 3)


def classify(parts: ScoreParts) -> str:
    """"campaign", "activity" (coordinated, no harm signal), "candidate" or "none" (see the module docstring)."""
    total = score(parts)
    if total < CANDIDATE_THRESHOLD:
        return "none"
    if parts.harm.present():
        return "campaign" if total >= REPORT_THRESHOLD else "candidate"
    acting_together = max(parts.coordination, parts.floods) >= ACTIVITY_MIN
    return "activity" if total >= REPORT_THRESHOLD or acting_together else "candidate"


def spread(parts: ScoreParts) -> float:
    """The score without its harm part: how inauthentically the messages spread (0 to 0.7)."""
    return round(score(parts) - WEIGHTS["harm"] * parts.harm.combined(), 3)


def speed_part(chats_in_busiest_hour: int, messages_in_busiest_hour: int, messages: int, span_hours: float) -> float:
    """Chats reached in the busiest hour over `SPEED_CHATS`, times how bursty that hour is.

    Burstiness is the busiest hour's messages over the hourly average the same messages would
    have spread evenly across the corpus's time span: everyday chatter that repeats all the time
    (greetings, adverts) reaches many chats every hour of a large corpus but at its usual pace
    (a ratio of a few), while a campaign arrives in bursts far above its own average.
    """
    average = max(messages, 1) / max(span_hours, 1.0)
    burst = min(1.0, max(0.0, (messages_in_busiest_hour / average - 1) / (BURST_FULL - 1)))
    return min(1.0, chats_in_busiest_hour / SPEED_CHATS) * burst


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
