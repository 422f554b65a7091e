"""Coverage-guided fuzzing of the input parsers with atheris (libFuzzer): the targets of tests/test_sources_fuzz.py.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python fuzz/fuzz_sources.py fuzz/corpus -artifact_prefix=fuzz/ -max_total_time=3600 -rss_limit_mb=2048

The first input byte picks the format (its seed file names the file, so that
name-based detection is exercised too); the rest is the file. Formats: the
seeds of tests/test_sources_fuzz.py and a zip. A crash is anything but a clean
ReadError naming the file and a position; libFuzzer saves the input that caused it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["fakewatch"]):  # coverage of fakewatch only, not of its libraries
    from fakewatch.archives import ArchiveLimits, Unpacker
    from fakewatch.sources import ReadError, detect

from tests import test_sources_fuzz as targets  # noqa: E402 (after the instrumented imports it reuses)

NAMES = sorted(targets.SEEDS) + ["zip"]
WORK = Path(tempfile.mkdtemp(prefix="fakewatch-fuzz-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))


def seed_corpus(folder: Path) -> None:
    """Write one input per format into `folder` (libFuzzer grows the corpus from these)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(NAMES):
        data = targets._ZIP_SEED if name == "zip" else targets.SEEDS[name][1]
        (folder / f"seed-{i:02d}").write_bytes(bytes([i]) + data)


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    body = data[1:]
    if name == "zip":
        archive = WORK / "in.zip"
        archive.write_bytes(body)
        try:
            Unpacker(ArchiveLimits(max_bytes=8 * 1024**2)).extract(archive, WORK / "out")
        except ReadError as exc:
            assert exc.path == str(archive) and exc.position and exc.problem
        return
    path = WORK / targets.SEEDS[name][0]
    path.write_bytes(body)
    found = detect(path)
    for reader in {targets.READERS[found.NAME] if found else None, targets.READERS[targets._seed_reader(name)]} - {None}:
        targets.read_cleanly(path, reader)


def main() -> None:
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None and not any(corpus.glob("seed-*")):
        seed_corpus(corpus)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
