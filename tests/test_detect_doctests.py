"""The examples in the detect modules' docstrings run and hold."""

from __future__ import annotations

import doctest

import pytest

from fakewatch.detect import coactivity, keys, neardup, seeders, waves


@pytest.mark.parametrize("module", [coactivity, keys, neardup, seeders, waves], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
