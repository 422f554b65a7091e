"""Image hashing that survives the edits reposts get: PDQ plus trimming, crops and dihedral hashes.

PDQ (Meta's perceptual hash, 256 bits, match at Hamming distance <= 31) survives recompression,
resizing, brightness and greyscale on its own, but not a caption bar, a border, a crop or a mirror:
each moves the picture inside the frame, and PDQ compares the frame. So every picture is hashed
several ways and two pictures match when any of one's *probe* hashes is near any of the other's
*index* hashes:

- probes: the picture as it is, and its *content box*: the picture with solid borders, letterboxes
  and caption/banner bars trimmed off (`content_box`). A caption bar is a band of rows that is mostly
  one colour (its text covers a minority of each row), so trimming removes it and the original
  picture is what gets hashed.
- index: the probes in all 8 dihedral orientations (mirrors and 90-degree rotations), and a grid of
  crops of the content box (`CROPS`): symmetric crops catch a cropped repost, one-sided crops catch
  a banner laid over part of the picture.

Flat pictures give unstable PDQ hashes; PDQ's quality score says so, and hashes under
`MIN_QUALITY` are dropped rather than allowed to match everything else that is flat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageOps

# Meta's recommended PDQ match threshold (of 256 bits); ThreatExchange uses the same.
PDQ_THRESHOLD = 31
# PDQ quality (0-100) below which a hash is too unstable to match on (Meta's guidance is 50).
MIN_QUALITY = 50
# Longest side hashed: PDQ downsamples to 64x64 anyway, hashing a smaller copy is faster and equal.
WORK_SIDE = 128
# Largest image decoded, against decompression bombs from hostile uploads.
MAX_PIXELS = 80_000_000

# A band's solid rows are this uniform; rows through its text still show this much of the band's colour
# (bold glyphs across a whole row cover up to ~75%), and a line of text spans at most TEXT_GAP of the picture.
# The band ends at its last solid row, so a picture row that merely has some of that colour stays.
SOLID_SHARE = 0.9
TEXT_SHARE = 0.1
TEXT_GAP = 0.15
# Colour distance (sum of RGB channel differences) within which a pixel counts as the band colour.
BAND_TOLERANCE = 60
# Trimming never removes more than this share of either dimension: beyond it the "band" is content.
MAX_TRIM = 0.6
MAX_PASSES = 4  # nested bands trimmed one inside another

# Crops of the content box hashed into the index, as (top, bottom, left, right) shares removed:
# centred crops in steps fine enough for PDQ (a 1% crop a side already costs ~12 bits) ...
CROPS: tuple[tuple[float, float, float, float], ...] = (
    *((s, s, s, s) for s in (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07)),
    *((0.0, s, 0.0, 0.0) for s in (0.1, 0.15, 0.2, 0.25)),
    *((s, 0.0, 0.0, 0.0) for s in (0.1, 0.15, 0.2, 0.25)),
)
# ... and the probe side shifts its window: a crop taken off-centre is a centred crop of the original
# once the copy loses a further strip on the side that lost less.
SHIFT_STEPS = (-0.05, -0.0375, -0.025, -0.0125, 0.0, 0.0125, 0.025, 0.0375, 0.05)
SHIFTS: tuple[tuple[float, float, float, float], ...] = tuple(
    (max(dy, 0), max(-dy, 0), max(dx, 0), max(-dx, 0))
    for dy in SHIFT_STEPS
    for dx in SHIFT_STEPS
    if (dx, dy) != (0.0, 0.0)
)

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(slots=True)
class HashSet:
    """The hashes of one picture (or video frame): what it is looked up by, and what finds it."""

    probes: list[bytes] = field(default_factory=list)  # 32-byte PDQ hashes
    index: list[bytes] = field(default_factory=list)
    quality: int = 0


def load(path: str | Path) -> Image.Image:
    """Open an image file as RGB, honouring its EXIF orientation (phones rotate that way)."""
    with Image.open(path) as img:
        img.draft("RGB", (WORK_SIDE * 2, WORK_SIDE * 2))  # JPEG: decode at reduced size, much faster
        return ImageOps.exif_transpose(img).convert("RGB")


def work_array(img: Image.Image) -> np.ndarray:
    """The picture as an RGB uint8 array no larger than WORK_SIDE."""
    img = img.convert("RGB")
    scale = WORK_SIDE / max(img.size)
    if scale < 1:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.BILINEAR)
    return np.asarray(img)


def pdq(arr: np.ndarray) -> tuple[bytes, int]:
    """PDQ hash of an RGB array as 32 bytes (bit i of the hash is bit i of the packed array), and quality."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(arr))
    return np.packbits(bits.astype(np.uint8)).tobytes(), int(quality)


def dihedral(arr: np.ndarray) -> list[np.ndarray]:
    """The picture in its 8 orientations: 4 rotations, each also mirrored.

    Hashed one by one rather than with pdqhash.compute_dihedral, whose hashes come from the DCT of the
    unrotated downsample and drift 10-16 bits from the hash of an actually rotated copy.
    """
    turns = [np.rot90(arr, k) for k in range(4)]
    return turns + [t[:, ::-1] for t in turns]


def hamming(a: bytes, b: bytes) -> int:
    return int(np.unpackbits(np.frombuffer(a, np.uint8) ^ np.frombuffer(b, np.uint8)).sum())


def _band_depth(lines: np.ndarray) -> int:
    """How many leading lines (rows of `lines`, outermost first) form a solid band, possibly with text.

    The band's colour is the median of the first line, which must be SOLID_SHARE that colour. Lines
    carrying the band's text are at least TEXT_SHARE band colour; the band goes on while solid lines
    recur within TEXT_GAP of the dimension, and ends at its last solid line, so a caption's text rows are
    removed with it while a picture that merely starts with a similar colour keeps its detail.
    """
    colour = np.median(lines[0], axis=0)
    share = (np.abs(lines.astype(np.int16) - colour).sum(axis=2) <= BAND_TOLERANCE).mean(axis=1)
    if share[0] < SOLID_SHARE:
        return 0
    gap = max(2, round(TEXT_GAP * len(share)))
    last_solid = 0
    for i, value in enumerate(share):
        if value >= SOLID_SHARE:
            last_solid = i
        elif value < TEXT_SHARE or i - last_solid > gap:
            break
    return last_solid + 1


def _trim_once(arr: np.ndarray) -> tuple[int, int, int, int]:
    h, w = arr.shape[:2]
    top = _band_depth(arr)
    bottom = h - _band_depth(arr[::-1])
    if top >= bottom:
        top, bottom = 0, h
    left = _band_depth(arr[top:bottom].transpose(1, 0, 2))
    right = w - _band_depth(arr[top:bottom, ::-1].transpose(1, 0, 2))
    if left >= right:
        left, right = 0, w
    return top, bottom, left, right


def content_box(arr: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) pixel bounds of the picture once border/caption bands are trimmed.

    Bands nest (black padding around a white caption bar around a flat sky), so trimming repeats until
    nothing more comes off; it never takes more than MAX_TRIM of either dimension.
    """
    h, w = arr.shape[:2]
    top, bottom, left, right = 0, h, 0, w
    for _ in range(MAX_PASSES):
        t, b, l, r = _trim_once(arr[top:bottom, left:right])
        if (t, b, l, r) == (0, bottom - top, 0, right - left):
            break
        new = (top + t, top + b, left + l, left + r)
        if (h - (new[1] - new[0])) > MAX_TRIM * h or (w - (new[3] - new[2])) > MAX_TRIM * w:
            break
        top, bottom, left, right = new
    return top, bottom, left, right


def crop_share(arr: np.ndarray, top: float, bottom: float, left: float, right: float) -> np.ndarray:
    h, w = arr.shape[:2]
    return arr[round(h * top): h - round(h * bottom), round(w * left): w - round(w * right)]


def hash_array(arr: np.ndarray, *, probes: bool = True) -> HashSet:
    """Index hashes of one RGB picture, and its probe hashes unless `probes` is False (see module doc)."""
    out = HashSet()
    t, b, l, r = content_box(arr)
    views = [arr]
    if (t, b, l, r) != (0, arr.shape[0], 0, arr.shape[1]):
        views.append(arr[t:b, l:r])
    for view in views:
        first, quality = pdq(view)
        if quality < MIN_QUALITY:
            continue
        out.quality = max(out.quality, quality)
        if probes:
            out.probes.append(first)
        out.index.append(first)
        out.index.extend(pdq(turned)[0] for turned in dihedral(view)[1:])
    for view in views:  # the banner a copy hides part of the picture under may sit inside a trimmed border
        out.index.extend(_hashes(view, CROPS))
    if probes:
        for view in views:  # a crop can cut into a flat margin, so the copy's trim differs from the original's
            out.probes.extend(_hashes(view, SHIFTS))
        # Each axis trimmed alone: a banner over the picture can reveal (or hide) a flat strip on the
        # other axis, so the copy's full content box differs from the original's on that axis.
        h, w = arr.shape[:2]
        for part in {(t, b, 0, w), (0, h, l, r)} - {(t, b, l, r), (0, h, 0, w)}:
            out.probes.extend(_hashes(arr[part[0]:part[1], part[2]:part[3]], [(0.0, 0.0, 0.0, 0.0)]))
    return out


def _hashes(arr: np.ndarray, boxes: Iterable[tuple[float, float, float, float]]) -> Iterator[bytes]:
    for box in boxes:
        part = crop_share(arr, *box)
        if min(part.shape[:2]) >= 16:
            h, quality = pdq(part)
            if quality >= MIN_QUALITY:
                yield h


def hash_image(img: Image.Image) -> HashSet:
    return hash_array(work_array(img))

