"""What a file says about where it came from: EXIF camera/software fields and C2PA Content Credentials.

Messengers strip both as a rule, so an empty result is normal and says nothing against a file; a
present one is evidence to show (which camera or editor, whether credentials validate). C2PA is read
offline with c2pa-python when it is installed; without it the "c2pa" key is simply absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, UnidentifiedImageError

# EXIF tags worth showing as provenance (not the whole block: it can be large and hostile).
EXIF_FIELDS = ("Make", "Model", "Software", "DateTime", "DateTimeOriginal", "Artist", "Copyright")
MAX_FIELD = 200  # characters kept of any one value


def exif(path: Path) -> dict[str, str]:
    try:
        with Image.open(path) as img:
            raw = img.getexif()
    except (UnidentifiedImageError, OSError):
        return {}
    out: dict[str, str] = {}
    merged = dict(raw)
    merged.update(raw.get_ifd(ExifTags.IFD.Exif))
    for tag, value in merged.items():
        name = ExifTags.TAGS.get(tag)
        if name in EXIF_FIELDS:
            out[name] = str(value).strip("\x00 ")[:MAX_FIELD]
    if raw.get_ifd(ExifTags.IFD.GPSInfo):
        out["GPS"] = "present"
    return out


def c2pa(path: Path) -> dict[str, Any] | None:
    """The active C2PA manifest's signer, claim generator and validation state; None without one."""
    try:
        import c2pa as c2pa_lib
    except ImportError:
        return None
    try:
        with c2pa_lib.Reader(str(path)) as reader:
            store = json.loads(reader.json())
    except Exception:  # c2pa raises its own error types for "no manifest", which is the usual case
        return None
    manifest = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    return {
        "claim_generator": str(manifest.get("claim_generator", ""))[:MAX_FIELD],
        "issuer": str((manifest.get("signature_info") or {}).get("issuer", ""))[:MAX_FIELD],
        "validation_state": str(store.get("validation_state", ""))[:MAX_FIELD],
        "assertions": [str(a.get("label", ""))[:MAX_FIELD] for a in manifest.get("assertions", [])][:20],
    }


def read(path: str | Path) -> dict[str, Any]:
    """{'exif': {...}, 'c2pa': {...}} with only what is present."""
    path = Path(path)
    out: dict[str, Any] = {}
    if fields := exif(path):
        out["exif"] = fields
    if manifest := c2pa(path):
        out["c2pa"] = manifest
    return out
