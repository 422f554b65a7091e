"""Procedural media: unrelated images, a face-like figure, videos, speech-like audio, and the edits
people make when they repost (crop, caption bar, padding, mirror, re-encode, trim).

One generator serves the demo scenario, the robustness test and the benchmark, so all three measure
the same edits. Everything is drawn from a seeded `random.Random`, nothing is downloaded; the
unrelated corpus mixes shapes, text, gradients and noise so that its items are genuinely different
pictures rather than near-copies of each other.
"""

from __future__ import annotations

import functools
import math
import random
import shutil
import subprocess
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

WORDS = (
    "march governor square tomorrow noon city akimat paid join friends police road bridge "
    "news statement official video truth share everyone people rally park bus school price"
).split()


# Debian's fonts-dejavu-core has Cyrillic, which captions of a Kazakh campaign need; Pillow's bundled
# font (Latin only) stands in where it is absent.
CYRILLIC_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@functools.lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont:
    if CYRILLIC_FONT.exists():
        return ImageFont.truetype(str(CYRILLIC_FONT), size)
    return ImageFont.load_default(size=size)


def fitted_font(text: str, height: int, width: int) -> ImageFont.FreeTypeFont:
    """The bundled font at `height` pixels, or smaller so that `text` fits in `width`, as editors set captions."""
    size = max(8, height)
    while size > 8 and font(size).getlength(text) > width:
        size -= 2
    return font(size)


def random_colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def random_image(rng: random.Random, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """An unrelated picture: a gradient or noise ground with random shapes and words on it."""
    w, h = size
    ground = rng.choice(("gradient", "noise", "stripes", "plain"))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if ground == "gradient":
        a, b = np.array(random_colour(rng)), np.array(random_colour(rng))
        angle = rng.uniform(0, math.tau)
        t = (xx * math.cos(angle) + yy * math.sin(angle)) / (w + h) + 0.5
        arr = a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]
    elif ground == "noise":
        small = np.random.default_rng(rng.randrange(2**32)).integers(0, 256, (h // 16 + 1, w // 16 + 1, 3))
        arr = np.asarray(Image.fromarray(small.astype(np.uint8)).resize((w, h), Image.BICUBIC), np.float32)
    elif ground == "stripes":
        period = rng.uniform(8, 60)
        t = (np.sin((xx * rng.uniform(-1, 1) + yy * rng.uniform(-1, 1)) / period * math.tau) + 1) / 2
        a, b = np.array(random_colour(rng)), np.array(random_colour(rng))
        arr = a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]
    else:
        arr = np.broadcast_to(np.array(random_colour(rng), np.float32), (h, w, 3))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(4, 14)):
        x0, y0 = rng.uniform(-0.2, 1) * w, rng.uniform(-0.2, 1) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.6) * w, y0 + rng.uniform(0.05, 0.6) * h
        shape = rng.choice(("ellipse", "rectangle", "polygon", "line"))
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=random_colour(rng))
        elif shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=random_colour(rng))
        elif shape == "polygon":
            pts = [(rng.uniform(0, w), rng.uniform(0, h)) for _ in range(rng.randint(3, 6))]
            draw.polygon(pts, fill=random_colour(rng))
        else:
            draw.line((x0, y0, x1, y1), fill=random_colour(rng), width=rng.randint(2, 12))
    for _ in range(rng.randint(0, 3)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        draw.text((rng.uniform(0, w * 0.6), rng.uniform(0, h * 0.9)), text,
                  fill=random_colour(rng), font=font(rng.randint(12, 36)))
    return img


def face_frame(rng_seed: int, t: float, size: tuple[int, int] = (320, 240), caption: str = "") -> Image.Image:
    """A frame of a talking face-like figure (head, eyes, moving mouth) over a room-like background.

    The same seed gives the same scene; `t` (seconds) moves the mouth, blinks and pans the background
    slowly, so consecutive frames differ the way a talking-head video's do.
    """
    rng = random.Random(rng_seed)
    w, h = size
    bg = random_image(rng, (int(w * 1.3), h))
    pan = int((0.5 + 0.5 * math.sin(t * 0.6)) * (bg.width - w))
    img = bg.crop((pan, 0, pan + w, h))
    draw = ImageDraw.Draw(img)
    skin = (rng.randint(170, 240), rng.randint(120, 190), rng.randint(90, 150))
    cx = w / 2 + math.sin(t * 1.3) * w * 0.03
    cy = h * 0.48 + math.sin(t * 0.9) * h * 0.02
    hw, hh = w * 0.17, h * 0.3
    draw.rectangle((cx - hw * 1.6, cy + hh * 0.8, cx + hw * 1.6, h), fill=random_colour(rng))  # shoulders
    draw.ellipse((cx - hw, cy - hh, cx + hw, cy + hh), fill=skin)
    draw.ellipse((cx - hw * 1.05, cy - hh * 1.1, cx + hw * 1.05, cy - hh * 0.35), fill=random_colour(rng))  # hair
    blink = 0.15 if (t % 3.0) < 0.15 else 1.0
    for ex in (-0.4, 0.4):
        draw.ellipse((cx + ex * hw - 9, cy - hh * 0.2 - 6 * blink, cx + ex * hw + 9, cy - hh * 0.2 + 6 * blink),
                     fill=(250, 250, 250))
        draw.ellipse((cx + ex * hw - 4, cy - hh * 0.2 - 4 * blink, cx + ex * hw + 4, cy - hh * 0.2 + 4 * blink),
                     fill=(30, 30, 30))
    mouth = 2 + abs(math.sin(t * 9.0)) * hh * 0.18
    draw.ellipse((cx - hw * 0.4, cy + hh * 0.4 - mouth, cx + hw * 0.4, cy + hh * 0.4 + mouth), fill=(120, 30, 40))
    if caption:
        draw.text((w * 0.05, h * 0.88), caption, fill=(255, 255, 255), font=font(max(10, h // 16)),
                  stroke_width=2, stroke_fill=(0, 0, 0))
    return img


# --- image edits -------------------------------------------------------------------------------


def recompress(img: Image.Image, quality: int = 40) -> Image.Image:
    import io

    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def resize(img: Image.Image, factor: float = 0.5) -> Image.Image:
    return img.resize((max(1, int(img.width * factor)), max(1, int(img.height * factor))), Image.BILINEAR)


def brightness(img: Image.Image, factor: float = 1.3) -> Image.Image:
    return ImageEnhance.Brightness(img).enhance(factor)


def greyscale(img: Image.Image) -> Image.Image:
    return ImageOps.grayscale(img).convert("RGB")


def crop_box(size: tuple[int, int], fraction: float, rng: random.Random) -> tuple[int, int, int, int]:
    """A box removing `fraction` of the width and of the height, split at random between opposite sides."""
    w, h = size
    dx, dy = w * fraction, h * fraction
    left, top = rng.uniform(0, dx), rng.uniform(0, dy)
    return round(left), round(top), round(w - (dx - left)), round(h - (dy - top))


def crop_fraction(img: Image.Image, fraction: float, rng: random.Random) -> Image.Image:
    return img.crop(crop_box(img.size, fraction, rng))


def caption_bar(img: Image.Image, text: str, where: str = "top", share: float = 0.2,
                colour: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """A meme-style caption: the canvas grows by a solid bar carrying the text."""
    bar_h = max(8, int(img.height * share))
    out = Image.new("RGB", (img.width, img.height + bar_h), colour)
    out.paste(img.convert("RGB"), (0, bar_h if where == "top" else 0))
    draw = ImageDraw.Draw(out)
    ink = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
    y = (bar_h if where == "top" else img.height + bar_h) - bar_h * 0.8
    draw.text((img.width * 0.04, y), text, fill=ink, font=fitted_font(text, int(bar_h * 0.5), int(img.width * 0.92)))
    return out


def border(img: Image.Image, share: float = 0.1, colour: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """A solid frame around the picture, `share` of its width and height on each side."""
    bx, by = int(img.width * share), int(img.height * share)
    return ImageOps.expand(img.convert("RGB"), border=(bx, by, bx, by), fill=colour)


def text_banner(img: Image.Image, text: str, share: float = 0.2, where: str = "bottom",
                colour: tuple[int, int, int] = (200, 20, 20)) -> Image.Image:
    """A news-style banner drawn over `share` of the picture (hiding what was under it)."""
    out = img.convert("RGB").copy()
    bar_h = int(img.height * share)
    y0 = img.height - bar_h if where == "bottom" else 0
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, y0, img.width, y0 + bar_h), fill=colour)
    draw.text((img.width * 0.04, y0 + bar_h * 0.2), text, fill=(255, 255, 255),
              font=fitted_font(text, int(bar_h * 0.5), int(img.width * 0.92)))
    return out


def mirror(img: Image.Image) -> Image.Image:
    return ImageOps.mirror(img)


def rotate(img: Image.Image, degrees: int = 90) -> Image.Image:
    return img.rotate(degrees, expand=True)


def pad_vertical(img: Image.Image, colour: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """Letterbox a landscape picture into a 9:16 portrait canvas, as phone reposts do."""
    target_h = int(img.width * 16 / 9)
    out = Image.new("RGB", (img.width, target_h), colour)
    out.paste(img.convert("RGB"), (0, (target_h - img.height) // 2))
    return out


def logo(img: Image.Image, text: str = "TV24") -> Image.Image:
    """A channel logo in the top-right corner."""
    out = img.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    box = (w * 0.78, h * 0.04, w * 0.96, h * 0.14)
    draw.rounded_rectangle(box, radius=4, fill=(20, 60, 160))
    draw.text((box[0] + 4, box[1] + 2), text, fill=(255, 255, 255), font=font(max(8, int(h * 0.07))))
    return out


IMAGE_EDITS = {
    "recompress (JPEG q30)": lambda im, rng: recompress(im, 30),
    "resize (50%)": lambda im, rng: resize(im, 0.5),
    "brightness (+30%)": lambda im, rng: brightness(im, 1.3),
    "greyscale": lambda im, rng: greyscale(im),
    "crop 5% (random split)": lambda im, rng: crop_fraction(im, 0.05, rng),
    "caption bar above": lambda im, rng: caption_bar(im, "ВСЕ НА ПЛОЩАДЬ", "top"),
    "caption bar below": lambda im, rng: caption_bar(im, "share before it is deleted", "bottom", colour=(0, 0, 0)),
    "border 10%": lambda im, rng: border(im, 0.1, random_colour(rng)),
    "text banner over 20%": lambda im, rng: text_banner(im, "BREAKING NEWS", 0.2, rng.choice(("top", "bottom"))),
    "mirror": lambda im, rng: mirror(im),
    "rotation 90/180/270": lambda im, rng: rotate(im, rng.choice((90, 180, 270))),
}


# --- video -------------------------------------------------------------------------------------


def write_video(path: Path, frames: list[Image.Image], fps: float, crf: int = 28) -> Path:
    """Encode frames as H.264 MP4 with PyAV (its wheel carries FFmpeg, no system codec needed)."""
    import av

    w, h = frames[0].size
    w, h = w - w % 2, h - h % 2  # yuv420p needs even sizes
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        for img in frames:
            frame = av.VideoFrame.from_image(img.convert("RGB").crop((0, 0, w, h)))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def read_frames(path: Path) -> tuple[list[Image.Image], float]:
    """All frames of a video and its frame rate (used to build edited copies)."""
    import av

    with av.open(str(path)) as src:
        stream = src.streams.video[0]
        fps = float(stream.average_rate or 25)
        return [f.to_image() for f in src.decode(stream)], fps


def face_video(path: Path, seed: int, seconds: float = 4.0, fps: float = 25.0,
               size: tuple[int, int] = (320, 240), caption: str = "") -> Path:
    n = int(seconds * fps)
    return write_video(path, [face_frame(seed, i / fps, size, caption) for i in range(n)], fps)


def random_clip(path: Path, rng: random.Random, seconds: float = 2.0, fps: float = 10.0,
                size: tuple[int, int] = (160, 120)) -> Path:
    """An unrelated clip: a random picture panned and zoomed slowly."""
    base = random_image(rng, (int(size[0] * 1.4), int(size[1] * 1.4)))
    frames = []
    n = int(seconds * fps)
    for i in range(n):
        k = i / max(1, n - 1)
        x, y = k * (base.width - size[0]) * 0.8, k * (base.height - size[1]) * 0.5
        frames.append(base.crop((int(x), int(y), int(x) + size[0], int(y) + size[1])))
    return write_video(path, frames, fps)


def edit_video(src: Path, dst: Path, edit: str, rng: random.Random) -> Path:
    """Write an edited copy of `src`: one of VIDEO_EDITS."""
    frames, fps = read_frames(src)
    if edit == "reencode":
        return write_video(dst, frames, fps, crf=38)
    if edit == "framerate":  # 25 -> ~12 fps: keep every other frame
        return write_video(dst, frames[::2], fps / 2)
    if edit == "shorter":
        keep = len(frames) // 2
        start = rng.randrange(0, len(frames) - keep + 1)
        return write_video(dst, frames[start:start + keep], fps)
    if edit == "offset":
        return write_video(dst, frames[int(len(frames) * 0.3):], fps)
    if edit == "vertical":
        return write_video(dst, [pad_vertical(f) for f in frames], fps)
    if edit == "crop":
        box = crop_box(frames[0].size, 0.05, rng)
        return write_video(dst, [f.crop(box) for f in frames], fps)
    if edit == "mirror":
        return write_video(dst, [mirror(f) for f in frames], fps)
    if edit == "logo":
        return write_video(dst, [logo(f) for f in frames], fps)
    raise ValueError(f"unknown video edit {edit!r}")


VIDEO_EDITS = ("reencode", "framerate", "shorter", "offset", "vertical", "crop", "mirror", "logo")


# --- audio -------------------------------------------------------------------------------------

SAMPLE_RATE = 16000


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def write_ogg(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    """Encode as Ogg Opus at 48 kHz, the format of Telegram and WhatsApp voice notes (PyAV's own libopus)."""
    import av

    up = 48000
    x = np.interp(np.arange(int(len(samples) * up / rate)) * rate / up, np.arange(len(samples)), samples)
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=up)
        stream.layout = "mono"
        step = 960  # 20 ms Opus frames
        for i in range(0, len(x), step):
            frame = av.AudioFrame.from_ndarray(x[i:i + step].astype(np.float32).reshape(1, -1), format="flt",
                                               layout="mono")
            frame.sample_rate = up
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as src:
        rate = src.getframerate()
        raw = np.frombuffer(src.readframes(src.getnframes()), "<i2")
        if src.getnchannels() > 1:
            raw = raw.reshape(-1, src.getnchannels()).mean(axis=1)
    return raw.astype(np.float32) / 32768, rate


def speech_like(rng: random.Random, seconds: float = 12.0, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A voice-like signal: syllables of a gliding harmonic tone with formant-ish partials and pauses."""
    out = np.zeros(int(seconds * rate), np.float32)
    pos = 0
    f0 = rng.uniform(90, 240)
    while pos < len(out):
        dur = int(rng.uniform(0.08, 0.35) * rate)
        if rng.random() < 0.2:
            pos += int(rng.uniform(0.05, 0.4) * rate)
            continue
        t = np.arange(dur) / rate
        pitch = f0 * (1 + rng.uniform(-0.25, 0.25)) * (1 + rng.uniform(-0.2, 0.2) * t / max(t[-1], 1e-3))
        phase = np.cumsum(pitch) / rate * math.tau
        formants = [rng.uniform(300, 900), rng.uniform(900, 2500)]
        tone = sum(np.sin(phase * k) / k * (1.5 if any(abs(k * pitch.mean() - f) < 150 for f in formants) else 0.4)
                   for k in range(1, 12))
        env = np.sin(np.linspace(0, math.pi, dur)) ** 0.5
        seg = (tone * env * 0.12).astype(np.float32)
        end = min(len(out), pos + dur)
        out[pos:end] += seg[: end - pos]
        pos = end
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 0.003, len(out)).astype(np.float32)
    return out + noise


def speak(text: str, path: Path, voice: str = "ru", speed: int = 150) -> Path | None:
    """A synthesised voice note via espeak-ng, or None when espeak-ng is not installed."""
    exe = shutil.which("espeak-ng")
    if not exe:
        return None
    subprocess.run([exe, "-v", voice, "-s", str(speed), "-w", str(path), text], check=True,
                   capture_output=True, timeout=60)
    return path


def voice_note(path: Path, text: str, rng: random.Random, seconds: float = 12.0) -> Path:
    """espeak-ng speech when available, else a speech-like synthetic signal of `seconds`."""
    return speak(text, path) or write_wav(path, speech_like(rng, seconds))


def trim_audio(src: Path, dst: Path, start: float, length: float | None = None) -> Path:
    """Copy of WAV `src` from `start` seconds, `length` seconds long (to the end when None); Opus when `dst`
    ends in .ogg (a forwarded voice note is re-encoded), else WAV."""
    samples, rate = read_wav(src)
    a = int(start * rate)
    b = len(samples) if length is None else min(len(samples), a + int(length * rate))
    return (write_ogg if dst.suffix == ".ogg" else write_wav)(dst, samples[a:b], rate)
