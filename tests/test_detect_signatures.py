import numpy as np

from fakewatch.detect import neardup


def test_one_text_signature_equals_the_batched_one(monkeypatch):
    # The public check hashes one text at a time through the broadcast path; detection hashes
    # the corpus through the threaded path. Both must give the same signature or checks miss.
    texts = [f"Все на марш в субботу, сбор у акимата {i}! Организатор <PHONE> " * (1 + i % 4) for i in range(300)]
    singles = np.vstack([neardup.signatures([t]) for t in texts])
    monkeypatch.setattr(neardup, "SMALL_SHINGLES", 0)
    batched = neardup.signatures(texts)
    assert singles.shape == (300, neardup.BANDS * neardup.ROWS)
    assert (singles == batched).all()
