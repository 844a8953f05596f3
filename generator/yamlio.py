"""YAML in and out, through libyaml when it is there: models are large."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TAGS = {name: f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}


def _node(data: Any) -> yaml.Node:
    """The YAML node PyYAML's safe representer makes of plain data, made directly (its
    general dispatch was most of the time of writing a model). No anchors: each value
    is written where it stands, as it is when a document is written in parts."""
    if isinstance(data, str):
        # Multi-line descriptions read best as literal blocks.
        style = "|" if "\n" in data and not data.endswith((" ", "\t")) else None
        return yaml.ScalarNode(_TAGS["str"], data, style=style)
    if isinstance(data, dict):
        pairs = [(_node(key), _node(value)) for key, value in data.items()]
        return yaml.MappingNode(_MAP, pairs, flow_style=False)
    if isinstance(data, list | tuple):
        return yaml.SequenceNode(_SEQ, [_node(value) for value in data], flow_style=False)
    if data is None:
        return yaml.ScalarNode(_TAGS["null"], "null")
    if isinstance(data, bool):
        return yaml.ScalarNode(_TAGS["bool"], "true" if data else "false")
    if isinstance(data, int):
        return yaml.ScalarNode(_TAGS["int"], str(data))
    if isinstance(data, float):
        return yaml.ScalarNode(_TAGS["float"], _float_text(data))
    raise yaml.representer.RepresenterError(f"cannot write as YAML: {data!r}")


def _float_text(value: float) -> str:
    """A float as PyYAML's safe representer writes it."""
    if value != value:
        return ".nan"
    if value in (math.inf, -math.inf):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def dump_yaml(data: Any) -> str:
    """Keys in the order given, unicode kept, lines up to 100 characters."""
    text: str = yaml.serialize(_node(data), Dumper=_Dumper, allow_unicode=True, width=100)
    return text


@dataclass(frozen=True)
class Items:
    """A long list (or, with ``pairs``, a mapping given as key-value pairs) in a document
    for ``dump_document``: each item is made only when it is written, then let go."""

    source: Iterable[Any]
    pairs: bool = False


@dataclass
class ItemTexts:
    """The text of the items of documents, by a digest of each item's data: those
    written before (``before``) and those written now (``now``). With the texts of the
    last build, a document with one item changed is written in the time it takes to
    look the others up."""

    before: Mapping[str, str] = field(default_factory=dict)
    now: dict[str, str] = field(default_factory=dict)

    def text(self, path: tuple[str, ...], part: Any) -> str:
        try:
            data = json.dumps([path, part], ensure_ascii=False)
        except TypeError:  # a value JSON has no word for: written each time
            return _below(dump_yaml(_nested(path, part)), len(path))
        key = hashlib.sha256(data.encode()).hexdigest()
        text = self.now.get(key) or self.before.get(key)
        if text is None:
            text = _below(dump_yaml(_nested(path, part)), len(path))
        self.now[key] = text
        return text


def dump_document(data: Mapping[str, Any], texts: ItemTexts | None = None) -> str:
    """``dump_yaml`` of a mapping whose long parts are ``Items`` (directly, or in a
    mapping under it), written an item at a time: the same text, without the whole
    document ever held as data and YAML nodes."""
    return "".join(_parts(data, (), texts or ItemTexts()))


def _parts(data: Mapping[str, Any], path: tuple[str, ...], texts: ItemTexts) -> Iterator[str]:
    indent = "  " * len(path)
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, Items):
            written = False
            for item in value.source:
                if not written:
                    yield f"{indent}{key}:\n"
                    written = True
                part = dict([item]) if value.pairs else [item]
                yield texts.text(here, part)
            if not written:
                yield _below(dump_yaml(_nested(here, {} if value.pairs else [])), len(path))
        elif isinstance(value, Mapping) and any(isinstance(v, Items) for v in value.values()):
            yield f"{indent}{key}:\n"
            yield from _parts(value, here, texts)
        else:
            yield _below(dump_yaml(_nested(path, {key: value})), len(path))


def _nested(path: tuple[str, ...], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _below(text: str, lines: int) -> str:
    """``text`` without its first ``lines`` lines (the keys it was nested under)."""
    return text.split("\n", lines)[lines] if lines else text


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)
