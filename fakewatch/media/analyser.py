"""The interface a media analyser (e.g. a deepfake or splice detector) would plug into.

fakewatch ships no analyser and makes no claim about whether a picture, video or voice is
synthetic: no learned detector's weights can be shipped here, and a detector's score is not
evidence a reader can check. What fakewatch does is find every copy of media an analyst has
already marked as fake. An analyser added later implements `MediaAnalyser` and is registered with
`register()`; its findings are then shown beside (never instead of) the copy matches, labelled with
its name and version so a reader knows which model said what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(slots=True)
class Finding:
    analyser: str  # name and version of the analyser that produced it
    label: str  # the analyser's own label, e.g. "face-swap suspected"
    score: float  # the analyser's confidence in [0, 1], as it defines it
    details: dict[str, Any] = field(default_factory=dict)  # e.g. frame times, regions


class MediaAnalyser(Protocol):
    name: str
    kinds: tuple[str, ...]  # media kinds it reads: image, video, audio

    def analyse(self, path: Path, kind: str) -> list[Finding]:
        """Findings for one file; an empty list when it has nothing to say."""
        ...


_registry: dict[str, MediaAnalyser] = {}


def register(analyser: MediaAnalyser) -> None:
    if analyser.name in _registry:
        raise ValueError(f"an analyser named {analyser.name!r} is already registered")
    _registry[analyser.name] = analyser


def analysers() -> list[MediaAnalyser]:
    """The registered analysers; empty in fakewatch as shipped."""
    return list(_registry.values())


def analyse(path: Path, kind: str) -> list[Finding]:
    """Every registered analyser's findings for a file of `kind`."""
    return [f for a in _registry.values() if kind in a.kinds for f in a.analyse(path, kind)]
