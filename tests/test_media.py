"""Media fingerprints: the index is exact, edited copies are found, unrelated media are not, and the
store detector clusters copies and answers the check."""

from __future__ import annotations

import random
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import insert, select

from fakewatch import detect
from fakewatch.detect import media as media_detect
from fakewatch.media import robustness, synth
from fakewatch.media.index import HashIndex, brute_force
from fakewatch.store.tables.core import inputs, media, messages
from fakewatch.store.tables.detect import cluster_members, clusters
from fakewatch.store.tables.media import media_files

TARGET_RECALL = 0.9


def test_multi_index_search_is_exact():
    rng = np.random.default_rng(1)
    stored = rng.integers(0, 256, (5000, 32), dtype=np.uint8)
    idx = HashIndex(stored)
    for row in rng.integers(0, len(stored), 30):
        bits = np.unpackbits(stored[row])
        bits[rng.choice(256, int(rng.integers(0, 32)), replace=False)] ^= 1
        query = np.packbits(bits)
        assert sorted(label for label, _ in idx.search(query, 31)) == sorted(brute_force(stored, query, 31).tolist())
        assert row in [label for label, _ in idx.search(query, 31)]


def test_radius_beyond_exact_range_is_refused():
    with pytest.raises(ValueError):
        HashIndex([b"\0" * 32]).search(b"\0" * 32, 40)


def _assert_robust(m: robustness.Measure) -> None:
    weak = {edit: r for edit, r in m.recall.items() if r < TARGET_RECALL}
    assert not weak, f"{m.kind} recall under {TARGET_RECALL}: {weak}"
    assert m.false_matches == 0, f"{m.kind}: {m.false_matches} false matches among {m.unrelated} unrelated"


def test_image_copies_are_found_and_unrelated_pictures_are_not():
    _assert_robust(robustness.images(originals=40, unrelated=150))


def test_video_copies_are_found_and_unrelated_clips_are_not():
    _assert_robust(robustness.videos(originals=2, unrelated=8, seconds=3.0))


def test_trimmed_and_excerpted_voice_notes_are_found():
    _assert_robust(robustness.audios(originals=6, unrelated=30))


def _message(conn, n: int, account: str, when: datetime) -> int:
    return conn.execute(insert(messages).values(
        platform="telegram", chat_id=f"chat{n % 3}", message_id=str(n), account_id=account, sent_at=when,
        kind="message", text="", input_id=1)).inserted_primary_key[0]


def test_store_detector_clusters_edited_copies_and_matches_a_checked_file(fresh_db, tmp_path):
    rng = random.Random(3)
    original = synth.face_frame(42, 1.0, caption="губернатор")
    files = {
        "orig.jpg": original,
        "caption.jpg": synth.caption_bar(original, "ВСЕ НА ПЛОЩАДЬ", "top"),
        "cropped.jpg": synth.crop_fraction(original, 0.05, rng),
        "other.jpg": synth.random_image(rng),
    }
    for name, img in files.items():
        img.save(tmp_path / name, quality=90)
    with fresh_db.begin() as conn:
        conn.execute(insert(inputs).values(id=1, path="x", sha256="0" * 64, format="test", messages=4, added=4,
                                           chats=3, accounts=2, ingested_at=datetime(2025, 4, 18)))
        for n, name in enumerate(files):
            pk = _message(conn, n, f"telegram:user{n % 2}", datetime(2025, 4, 18, 6, n))
            conn.execute(insert(media).values(message_pk=pk, seq=0, kind="photo", stored_path=str(tmp_path / name),
                                              file_absent=False))
    report = detect.run(fresh_db)
    assert report.clusters["media"] == 1  # one cluster of original and edited copies, not one per file
    with fresh_db.connect() as conn:
        (cid, size, key), = conn.execute(select(clusters.c.id, clusters.c.size, clusters.c.key)
                                         .where(clusters.c.kind == "media")).all()
        members = {r[0] for r in conn.execute(select(messages.c.message_id).join(
            cluster_members, cluster_members.c.message_pk == messages.c.id).where(cluster_members.c.cluster_id == cid))}
        thumbs = conn.execute(select(media_files.c.thumbnail)).scalars().all()
    assert size == 3 and members == {"0", "1", "2"} and key.startswith("media:image:")
    assert all(t and t[:2] == b"\xff\xd8" for t in thumbs)  # JPEG thumbnails for the report
    copies = media_detect.cluster_copies(fresh_db, cid)
    assert len(copies) == 3 and copies[0].first_seen == datetime(2025, 4, 18, 6, 0)
    assert media_detect.thumbnail(fresh_db, copies[0].media_id)[:2] == b"\xff\xd8"
    synth.mirror(synth.border(original, 0.1)).save(tmp_path / "check.jpg")
    found = media_detect.match_file(fresh_db, tmp_path / "check.jpg")
    assert found and all(cid in m.clusters for m in found)
    assert media_detect.match_file(fresh_db, tmp_path / "other.jpg")[0].clusters == []
    synth.random_image(random.Random(99)).save(tmp_path / "new.jpg")
    assert media_detect.match_file(fresh_db, tmp_path / "new.jpg") == []


def test_provenance_shows_exif_and_treats_absence_as_normal(tmp_path):
    from PIL import Image

    from fakewatch.media import provenance

    img = synth.random_image(random.Random(1))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Canon", "EOS 5D", "Photoshop 25.0"
    img.save(tmp_path / "camera.jpg", exif=exif)
    img.save(tmp_path / "stripped.jpg")
    assert provenance.read(tmp_path / "camera.jpg") == {
        "exif": {"Make": "Canon", "Model": "EOS 5D", "Software": "Photoshop 25.0"}}
    assert provenance.read(tmp_path / "stripped.jpg") == {}  # messengers strip metadata: nothing to hold against it


def test_analyser_interface_registers_and_runs_by_kind(monkeypatch, tmp_path):
    from fakewatch.media import analyser

    monkeypatch.setattr(analyser, "_registry", {})
    assert analyser.analysers() == []  # fakewatch ships no manipulation detector

    class Dummy:
        name, kinds = "dummy 1.0", ("video",)

        def analyse(self, path, kind):
            return [analyser.Finding(self.name, "example", 0.5)]

    analyser.register(Dummy())
    with pytest.raises(ValueError):
        analyser.register(Dummy())
    assert [f.analyser for f in analyser.analyse(tmp_path / "x.mp4", "video")] == ["dummy 1.0"]
    assert analyser.analyse(tmp_path / "x.jpg", "image") == []


def test_corrupt_files_are_recorded_not_fatal(fresh_db, tmp_path):
    from fakewatch.media.fingerprint import UnsupportedMedia

    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    (tmp_path / "noise.mp4").write_bytes(bytes(random.Random(1).randrange(256) for _ in range(4096)))
    with fresh_db.begin() as conn:
        conn.execute(insert(inputs).values(id=1, path="x", sha256="0" * 64, format="test", messages=2, added=2,
                                           chats=1, accounts=1, ingested_at=datetime(2025, 4, 18)))
        for n, name in enumerate(("broken.jpg", "noise.mp4")):
            pk = _message(conn, n, "telegram:user1", datetime(2025, 4, 18, 6, n))
            conn.execute(insert(media).values(message_pk=pk, seq=0, kind="photo" if n == 0 else "video_file",
                                              stored_path=str(tmp_path / name), file_absent=False))
    detect.run(fresh_db)
    with fresh_db.connect() as conn:
        errors = conn.execute(select(media_files.c.error)).scalars().all()
    assert len(errors) == 2 and all(errors)
    with pytest.raises(UnsupportedMedia):
        media_detect.match_file(fresh_db, tmp_path / "broken.jpg")
