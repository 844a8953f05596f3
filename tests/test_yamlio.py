"""YAML written as PyYAML's safe dumper writes it, whether whole or an item at a time."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlio import Items, dump_document, dump_yaml


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
