"""Every detection parameter is documented, with its CooRTweet and coordination-network-toolkit equivalent."""

from __future__ import annotations

import ast
import inspect
from dataclasses import fields

import pytest

import fakewatch.detect as detect
from fakewatch.detect import DetectParams


def _attribute_docs() -> dict[str, str]:
    tree = ast.parse(inspect.getsource(detect))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DetectParams")
    docs, body = {}, cls.body
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            docs[node.target.id] = after.value.value
    return docs


def test_every_parameter_has_a_docstring():
    docs = _attribute_docs()
    assert {f.name for f in fields(DetectParams)} == set(docs)


@pytest.mark.parametrize("name", ["similarity", "time_window", "min_repetition", "coordination_kinds", "bands",
                                  "min_text_chars", "max_chance"])
def test_core_parameters_name_both_reference_tools(name):
    doc = _attribute_docs()[name]
    assert "CooRTweet" in doc and ("toolkit" in doc or "Toolkit" in doc)
