"""Video hashing in the manner of vPDQ, made robust to frame rate, offset, length, padding, crop and mirror.

vPDQ hashes one frame per second on both sides and counts matching frames; a copy at another frame
rate or started elsewhere samples different instants, so its frames miss. Here the two sides differ:

- every video is hashed *densely* into the index (up to DENSE_FPS frames a second, each also
  mirrored), so whichever instant a copy samples, a stored frame lies within 1/DENSE_FPS s of it;
- its *probes* are one frame a second (PROBE_FPS), put through the image pipeline
  (`image.hash_array`: content box, shifted windows);
- keyframes (KEY_FPS a second) go through the image pipeline's index side too (crops, rotations),
  so a cropped or rotated copy's probes find them;
- the video's content box (letterbox/pillarbox padding, e.g. a landscape clip padded to 9:16) is
  found once from several frames and cut from every frame before hashing.

A video matches another when at least MIN_SHARE of its probe seconds hit the other's index; a
shorter copy or an excerpt therefore matches its original in full.

Frames are decoded with PyAV, whose wheel ships FFmpeg's libraries (the `vpdq` package needs the
libav development files and a C++ build; this needs neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from PIL import Image

from . import image

DENSE_FPS = 15.0  # index frames per second: a copy's probe is at most 1/30 s from one
KEY_FPS = 4.0  # frames per second that get the image pipeline's crops and rotations
PROBE_FPS = 1.0  # probe frames per second
MAX_SECONDS = 600.0  # longest stretch decoded, bounding work on hostile or very long files
MIN_SHARE = 0.5  # share of probe seconds that must hit for two videos to match
DEDUPE_BITS = 4  # a dense frame this close to the previous stored one adds nothing (static shots)
BOX_SAMPLES = 12  # frames the content box is judged on


@dataclass(slots=True)
class VideoHashes:
    """Timed hashes of one video: probes grouped by second, and the index."""

    probes: list[tuple[float, bytes]] = field(default_factory=list)
    index: list[tuple[float, bytes]] = field(default_factory=list)
    duration: float = 0.0
    width: int = 0
    height: int = 0
    frames: int = 0


def decode(path: str | Path, fps: float = DENSE_FPS) -> tuple[list[tuple[float, np.ndarray]], int, int]:
    """Frames at most `fps` a second as (seconds, small RGB array), and the video's width and height."""
    out: list[tuple[float, np.ndarray]] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        width, height = stream.codec_context.width, stream.codec_context.height
        scale = min(1.0, image.WORK_SIDE / max(width, height, 1))
        size = (max(2, round(width * scale)), max(2, round(height * scale)))
        next_t = 0.0
        for frame in container.decode(stream):
            t = float(frame.time) if frame.time is not None else len(out) / fps
            if t > MAX_SECONDS:
                break
            if t + 1e-6 < next_t:
                continue
            next_t = t + 1.0 / fps
            out.append((t, frame.to_ndarray(format="rgb24", width=size[0], height=size[1])))
    return out, width, height


def video_box(frames: list[np.ndarray]) -> tuple[int, int, int, int]:
    """The content box shared by the frames: the least trimmed of a sample's boxes on each side.

    A dark scene alone would look like letterbox padding; padding is present in every frame, so the
    smallest trim over several frames is the padding.
    """
    picks = frames[:: max(1, len(frames) // BOX_SAMPLES)]
    boxes = np.array([image.content_box(f) for f in picks])
    return int(boxes[:, 0].min()), int(boxes[:, 1].max()), int(boxes[:, 2].min()), int(boxes[:, 3].max())


def hash_frames(frames: list[tuple[float, np.ndarray]]) -> VideoHashes:
    out = VideoHashes(frames=len(frames))
    if not frames:
        return out
    t0, b0, l0, r0 = video_box([f for _, f in frames])
    last: bytes | None = None
    next_key = next_probe = 0.0
    for t, arr in frames:
        view = arr[t0:b0, l0:r0]
        h, quality = image.pdq(view)
        if quality >= image.MIN_QUALITY and (last is None or image.hamming(h, last) > DEDUPE_BITS):
            out.index.append((t, h))
            out.index.append((t, image.pdq(view[:, ::-1])[0]))
            last = h
        if t + 1e-6 >= next_key:
            next_key = t + 1.0 / KEY_FPS
            probe = t + 1e-6 >= next_probe
            if probe:
                next_probe = t + 1.0 / PROBE_FPS
            # The whole frame too when padding was cut: a logo or caption over a flat margin can
            # change what one copy's trimming removes compared with another's.
            for whole in (view, arr) if view.shape != arr.shape else (view,):
                hashes = image.hash_array(whole, probes=probe)
                out.index.extend((t, x) for x in hashes.index)
                out.probes.extend((t, x) for x in hashes.probes)
    out.duration = frames[-1][0] + (frames[-1][0] - frames[-2][0] if len(frames) > 1 else 0.0)
    return out


def hash_file(path: str | Path) -> VideoHashes:
    frames, width, height = decode(path)
    out = hash_frames(frames)
    out.width, out.height = width, height
    return out


def still(path: str | Path, at: float) -> Image.Image | None:
    """The first frame at or after `at` seconds, full size (a keyframe for thumbnails), or None."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if at > 0 and stream.time_base:
            container.seek(int(at / stream.time_base), stream=stream)
        for frame in container.decode(stream):
            if frame.time is None or frame.time + 1e-6 >= at:
                return frame.to_image()
    return None
