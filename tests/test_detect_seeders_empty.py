import numpy as np

from fakewatch.detect.seeders import rank_seeders


def test_no_clustered_message_gives_no_seeders():
    # The bundled example has no near-duplicates; ranking must not fail on empty membership.
    empty = np.array([], np.int64)
    assert rank_seeders(empty, empty, np.array([5]), np.array([0]), np.array([-1]), np.zeros(1)) == []
