"""The robustness measure: recall of edited copies against their originals, and false matches against
unrelated media, per edit. The unit test runs it small; `bench/media_bench.py` runs it at full size.

Every copy is additionally recompressed (pictures) or re-encoded (videos to H.264, voice notes to Opus),
as a messenger does.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import audio, synth
from .fingerprint import Fingerprint, MediaIndex, fingerprint_file


@dataclass
class Measure:
    kind: str
    recall: dict[str, float] = field(default_factory=dict)  # edit -> share of copies matching their original
    copies: int = 0  # copies per edit
    unrelated: int = 0
    false_matches: int = 0  # (item, other item) pairs matched that are not the same content


def _false_matches(originals: dict[int, Fingerprint], unrelated: dict[int, Fingerprint]) -> int:
    """Matches between different items (each original and unrelated item searched against all the others)."""
    everything = {**originals, **unrelated}
    index = MediaIndex.of(everything)
    return sum(1 for label, fp in everything.items() for m in index.search(fp) if m.label != label)


def _recall(originals: dict[int, Fingerprint], copies: dict[int, Fingerprint]) -> float:
    """Share of copies (labelled like their original) that find their original among all originals."""
    index = MediaIndex.of(originals)
    return sum(any(m.label == label for m in index.search(fp)) for label, fp in copies.items()) / len(copies)


def _hash_images(images: list, folder: Path, prefix: str) -> dict[int, Fingerprint]:
    out = {}
    for i, img in enumerate(images):
        path = folder / f"{prefix}{i}.jpg"
        synth.recompress(img, 75).save(path, quality=95)
        out[i] = fingerprint_file(path, "image")
    return out


def images(originals: int, unrelated: int, seed: int = 7) -> Measure:
    rng = random.Random(seed)
    out = Measure("image", copies=originals, unrelated=unrelated)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = [synth.face_frame(rng.randrange(10**6), rng.uniform(0, 5), caption="аким обращается" if i % 3 else "")
                if i % 2 else synth.random_image(rng, (rng.choice((320, 400, 480)), rng.choice((240, 300, 360))))
                for i in range(originals)]
        refs = _hash_images(base, folder, "o")
        others = _hash_images([synth.random_image(rng, (rng.choice((320, 400)), rng.choice((240, 300))))
                               for _ in range(unrelated)], folder, "u")
        out.false_matches = _false_matches(refs, {originals + k: v for k, v in others.items()})
        for name, edit in synth.IMAGE_EDITS.items():
            out.recall[name] = _recall(refs, _hash_images([edit(img, rng) for img in base], folder, "c"))
    return out


def videos(originals: int, unrelated: int, seed: int = 11, seconds: float = 4.0) -> Measure:
    rng = random.Random(seed)
    out = Measure("video", copies=originals, unrelated=unrelated)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [synth.face_video(folder / f"o{i}.mp4", rng.randrange(10**6), seconds,
                                  caption="губернатор: все на площадь" if i % 2 else "") for i in range(originals)]
        refs = {i: fingerprint_file(p, "video") for i, p in enumerate(paths)}
        others = {originals + i: fingerprint_file(synth.random_clip(folder / f"u{i}.mp4", rng), "video")
                  for i in range(unrelated)}
        out.false_matches = _false_matches(refs, others)
        for edit in synth.VIDEO_EDITS:
            copies = {i: fingerprint_file(synth.edit_video(p, folder / f"{edit}{i}.mp4", edit, rng), "video")
                      for i, p in enumerate(paths)}
            out.recall[edit] = _recall(refs, copies)
    return out


def audios(originals: int, unrelated: int, seed: int = 13) -> Measure:
    rng = random.Random(seed)
    out = Measure("audio", copies=originals, unrelated=unrelated)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def note(name: str, i: int) -> Path:
            text = " ".join(rng.choice(synth.WORDS) for _ in range(rng.randint(18, 30)))
            return synth.voice_note(folder / f"{name}{i}.wav", text, rng) if i % 2 else \
                synth.write_wav(folder / f"{name}{i}.wav", synth.speech_like(rng, rng.uniform(8, 15)))

        paths = [note("o", i) for i in range(originals)]
        refs = {i: Fingerprint("audio", "", 0, sound=audio.fingerprint(p)) for i, p in enumerate(paths)}
        others = {originals + i: Fingerprint("audio", "", 0, sound=audio.fingerprint(note("u", i)))
                  for i in range(unrelated)}
        out.false_matches = _false_matches(refs, others)
        edits = {
            "trimmed first 3 s": lambda p, i: synth.trim_audio(p, folder / f"t{i}.ogg", 3.0),
            "excerpt (5 s from the middle)": lambda p, i: synth.trim_audio(p, folder / f"e{i}.ogg",
                                                                            rng.uniform(2.0, 3.5), 5.0),
        }
        for name, edit in edits.items():
            copies = {i: Fingerprint("audio", "", 0, sound=audio.fingerprint(edit(p, i))) for i, p in enumerate(paths)}
            out.recall[name] = _recall(refs, copies)
    return out
