"""YAML written as PyYAML's safe dumper writes it, whether whole or an item at a time."""

from __future__ import annotations

import hashlib
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlio import Items, ItemTexts, Made, dump_document, dump_yaml


class _Reference(yaml.CSafeDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _literal_blocks(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Reference.add_representer(str, _literal_blocks)

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(plain)
def test_the_text_is_pyyamls(data: Any) -> None:
    expected = yaml.dump(data, Dumper=_Reference, sort_keys=False, allow_unicode=True, width=100)
    assert dump_yaml(data) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(plain, max_size=5), st.dictionaries(st.text(max_size=8), plain, max_size=5))
def test_a_document_written_in_parts_is_the_same_text(
    items: list[Any], pairs: dict[str, Any]
) -> None:
    whole = {"title": "t", "operations": items, "other": {"schemas": pairs}}
    parts = {
        "title": "t",
        # Made as they are written, as a model's operations are.
        "operations": Items(item for item in items),
        "other": {"schemas": Items(((key, value) for key, value in pairs.items()), pairs=True)},
    }
    assert dump_document(parts) == dump_yaml(whole)


@settings(max_examples=200, deadline=None)
@given(st.lists(plain, max_size=6), st.lists(plain, max_size=6), st.text(max_size=10))
def test_a_document_made_from_the_last_ones_items_is_the_same_text(
    before: list[Any], now: list[Any], head: str
) -> None:
    """Items found in the document the last build wrote are cut from it; the rest are
    written anew; the text is the same either way, and says where its items stand."""
    last = ItemTexts()
    written = dump_document({"operations": Items(iter(before))}, last, head)
    assert last.written is not None
    texts = ItemTexts.of(written, last.written[1])
    document = dump_document({"operations": Items(iter(now + before))}, texts, head)
    assert document == head + dump_yaml({"operations": now + before})
    assert texts.written is not None
    digest, places = texts.written
    assert digest == hashlib.sha256(document.encode()).hexdigest()
    for start, end, _ in places.values():
        assert document[start:end].startswith("- ")  # each place is a whole item


def test_an_item_found_in_the_last_document_is_not_made_again() -> None:
    made: list[str] = []

    def item(source: str) -> Made:
        return Made(source, lambda: made.append(source) or {"name": source, "lines": "a\nb"})

    last = ItemTexts()
    before = dump_document({"operations": Items(iter([item("x"), item("y")]))}, last)
    assert before == dump_yaml({"operations": [{"name": s, "lines": "a\nb"} for s in "xy"]})
    assert last.written is not None
    made.clear()
    texts = ItemTexts.of(before, last.written[1])
    now = dump_document({"operations": Items(iter([item("y"), item("z")]))}, texts)
    assert now == dump_yaml({"operations": [{"name": s, "lines": "a\nb"} for s in "yz"]})
    assert made == ["z"]  # y's text was cut from the last document
