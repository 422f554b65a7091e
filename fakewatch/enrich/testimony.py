"""First-person testimony: a text that claims to be what its poster saw or lived ("я сама видела ...").

Nobody honestly reports the same eyewitness experience in the same words. When
several distinct accounts post one such text as their own, one author is speaking
through them: the sock-puppet pattern (DISARM T0084.001 / T0049.005). An organic
viral chain passes on a warning or a notice, written in the third person, and does
not match. The markers are a closed list (Russian, Kazakh, English) so that each
decision can be explained by the words that fired.
"""

from __future__ import annotations

import regex

from fakewatch.enrich.normalize import clean

MAX_CHARS = 600  # a testimony says "I saw" in its opening sentence

_MARKERS = (
    r"(?:я\s+)?(?:сама?|лично)\s+(?:вчера\s+|сегодня\s+)?(?:видела?|слышала?|была?|стояла?|присутствовала?)"
    r"|своими\s+(?:глазами|ушами)|клянусь|мне\s+(?:лично\s+)?(?:предлагали|звонили|заплатили|сказали)"
    r"|у\s+меня\s+(?:сосед|соседка|сестра|брат|муж|жена|кума?|подруга|друг|знакомый|знакомая)"
    r"|мо(?:й|я|и)\s+(?:сосед|соседка|сестра|брат|муж|жена|подруга|друг|знакомый|знакомая|коллега|родственни\w+)"
    r"\s+(?:видел|видела|был|была|рассказал|рассказала|подтвердил|подтвердила|работает)"
    r"|өзім\s+көрдім|өз\s+көзіммен|көзіммен\s+көрдім|ант\s+етемін"
    r"|i\s+(?:saw|witnessed|heard)\s+(?:it\s+)?(?:myself|with\s+my\s+own)|with\s+my\s+own\s+eyes|i\s+swear"
)
_MARKER_RE = regex.compile(r"(?<![\p{L}\p{N}])(?:" + _MARKERS + r")(?![\p{L}\p{N}])", regex.IGNORECASE)


def is_testimony(text: str) -> bool:
    """Whether `text` presents itself as its poster's own eyewitness account."""
    return bool(_MARKER_RE.search(clean(text[:MAX_CHARS])))
