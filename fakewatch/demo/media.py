"""Real media files for the demo scenario: the campaign's fake video, picture and voice note, and the
edited copies reposts carry (re-encoded, lower frame rate, trimmed, cropped, captioned, padded to
vertical, mirrored).

`RealMedia` is a `writers.MediaSink`: pass it as `generate(out, media=RealMedia())` and every message
whose `MediaSpec.asset` is one of ASSETS gets a real file (variant n of the asset is edit n of
VIDEO_VARIANTS / IMAGE_VARIANTS / VOICE_VARIANTS, cycling); other media keep the exporter's "File
not included" placeholder, as most chatter media do in real exports. Files are small (a few seconds,
320x240) and made once per sink, so the demo stays quick.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

from fakewatch.media import synth

from .scenario import MediaSpec

VIDEO_ASSET, IMAGE_ASSET, VOICE_ASSET = "governor_video", "governor_photo", "governor_voice"
ASSETS = (VIDEO_ASSET, IMAGE_ASSET, VOICE_ASSET)
VIDEO_VARIANTS = ("original", "reencode", "framerate", "shorter", "crop", "caption", "vertical", "mirror")
IMAGE_VARIANTS = ("original", "recompress", "caption", "crop", "border", "mirror")
VOICE_VARIANTS = ("original", "trimmed", "excerpt")
SEED = 2025
SECONDS = 4.0
CAPTION = "Аким: завтра все на площадь!"
SPEECH = ("Граждане, говорит аким области. Завтра в полдень все выходим на площадь. "
          "Каждому участнику заплатят. Автобусы будут у рынка в девять утра.")


class RealMedia:
    """A media sink that writes real, generated files for the campaign's assets."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self._dir = Path(tempfile.mkdtemp(prefix="fakewatch-demo-media-"))
        self._made: dict[tuple[str, int], Path] = {}

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> RealMedia:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def file(self, asset: str, variant: int) -> Path | None:
        """The generated file for variant `variant` of `asset` (made on first use), or None for other assets."""
        if asset not in ASSETS:
            return None
        names = {VIDEO_ASSET: VIDEO_VARIANTS, IMAGE_ASSET: IMAGE_VARIANTS, VOICE_ASSET: VOICE_VARIANTS}[asset]
        edit = names[variant % len(names)]
        key = (asset, names.index(edit))
        if key not in self._made:
            rng = random.Random(f"{self.seed}:{asset}:{edit}")
            make = {VIDEO_ASSET: self._video, IMAGE_ASSET: self._image, VOICE_ASSET: self._voice}[asset]
            self._made[key] = make(edit, rng)
        return self._made[key]

    def place(self, media: MediaSpec, export_dir: Path) -> str | None:
        src = self.file(media.asset, media.variant)
        if src is None:
            return None
        folder = {VIDEO_ASSET: "video_files", IMAGE_ASSET: "photos", VOICE_ASSET: "voice_messages"}[media.asset]
        rel = f"{folder}/{media.asset}-{media.variant}{src.suffix}"
        dst = export_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        return rel

    def _original_video(self) -> Path:
        path = self._dir / "video-original.mp4"
        if not path.exists():
            synth.face_video(path, self.seed, SECONDS, caption=CAPTION)
        return path

    def _video(self, edit: str, rng: random.Random) -> Path:
        original = self._original_video()
        if edit == "original":
            return original
        dst = self._dir / f"video-{edit}.mp4"
        if edit == "caption":
            frames, fps = synth.read_frames(original)
            return synth.write_video(dst, [synth.caption_bar(f, "СМОТРИТЕ ПОКА НЕ УДАЛИЛИ", "top") for f in frames], fps)
        return synth.edit_video(original, dst, edit, rng)

    def _image(self, edit: str, rng: random.Random) -> Path:
        still = synth.face_frame(self.seed, 1.5, caption=CAPTION)
        edited = {
            "original": lambda: still,
            "recompress": lambda: synth.recompress(synth.resize(still, 0.8), 40),
            "caption": lambda: synth.caption_bar(still, "ПРАВДА О МИТИНГЕ", "bottom"),
            "crop": lambda: synth.crop_fraction(still, 0.05, rng),
            "border": lambda: synth.border(still, 0.1, (255, 255, 255)),
            "mirror": lambda: synth.mirror(still),
        }[edit]()
        path = self._dir / f"photo-{edit}.jpg"
        edited.convert("RGB").save(path, quality=85)
        return path

    def _voice(self, edit: str, rng: random.Random) -> Path:
        """Voice notes as messengers send them (Ogg Opus), cut from one synthesised recording."""
        speech = self._dir / "voice.wav"
        if not speech.exists():
            synth.voice_note(speech, SPEECH, random.Random(self.seed), seconds=12.0)
        start, length = {"original": (0.0, None), "trimmed": (3.0, None), "excerpt": (2.5, 5.0)}[edit]
        return synth.trim_audio(speech, self._dir / f"voice-{edit}.ogg", start, length)
