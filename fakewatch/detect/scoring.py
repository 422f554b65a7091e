"""How suspicious a group of messages is, as one documented number between 0 and 1.

The score is a weighted sum of five parts, each itself between 0 and 1:

| part | weight | what it measures |
| --- | --- | --- |
| coordination | 0.30 | share of the messages posted by accounts the detect stage put in a coordination group, counted in full from `COORDINATED_ACCOUNTS_FULL` (3) such accounts up and proportionally below (two accounts that co-posted are weak evidence) |
| speed | 0.15 | the most chats reached within any one hour, over `SPEED_CHATS` (10 chats in an hour = 1), times how far that hour's rate stands above the messages' average rate over the corpus's span (`BURST_FULL` times or more = 1; see `speed_part`) |
| fresh | 0.15 | share of the accounts that are new (Telegram id among the corpus's newest tenth) or single-purpose (most of what they post is this campaign) |
| floods | 0.10 | share of the accounts caught cross-posting the same content into several chats in a burst |
| harm | 0.30 | noisy-OR of the harm signals: third-party phone numbers, payment offers, impersonated outlets, calls to gather |

Each harm signal `h` in [0, 1] contributes with weight `HARM_WEIGHT` (0.6):
`harm = 1 - prod(1 - 0.6 * h)`, so one clear harm signal gives 0.6 and two give 0.84.

Why these weights: coordination and harm are what make a campaign both inauthentic and
dangerous, so they carry most of the weight; speed, freshness and floods are the usual
marks of inauthentic spread but also occur in honest news bursts, so each counts less.
An official statement forwarded by long-standing members over days has no coordination,
no fresh accounts, no floods and no speed, and at most a call to gather; it lands near
0.1-0.25, well under `REPORT_THRESHOLD`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

WEIGHTS = {"coordination": 0.30, "speed": 0.15, "fresh": 0.15, "floods": 0.10, "harm": 0.30}
HARM_WEIGHT = 0.6
COORDINATED_ACCOUNTS_FULL = 3  # coordinated accounts from which the coordination share counts in full
SPEED_CHATS = 10  # distinct chats reached in one hour that count as full speed
BURST_FULL = 20  # busiest hour at this multiple of the messages' average hourly rate counts as a full burst
REPORT_THRESHOLD = 0.45  # at or above: reported as a campaign; below: a candidate
CANDIDATE_THRESHOLD = 0.20  # below: not listed at all


@dataclass(frozen=True)
class Harm:
    """Harm signals, each in [0, 1]."""

    third_party_phones: float = 0.0
    payment: float = 0.0
    impersonation: float = 0.0
    gathering: float = 0.0

    def combined(self) -> float:
        keep = 1.0
        for value in asdict(self).values():
            keep *= 1.0 - HARM_WEIGHT * _unit(value)
        return 1.0 - keep


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
