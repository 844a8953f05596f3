"""YAML in and out, through libyaml when it is there: models are large."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=16384)
def _scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


class _Dumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """The safe dumper, looking up whether a scalar reads as another type once per
    value: the same keys and words recur in every operation and schema, and the
    emitter asks twice for each scalar it writes."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and len(value) <= 64:
            return _scalar_tag(value, implicit)
        tag: str = super().resolve(kind, value, implicit)
        return tag


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TAGS = {name: f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}


class JsonObject(dict[str, Any]):
    """A JSON document (an example body) to be written as the JSON it is: a flow
    mapping, which YAML reads back as the same data. Written as nodes, a large
    document costs ten times what ``json`` takes to write it."""


class JsonArray(list[Any]):
    """A JSON array to be written as JSON text (see ``JsonObject``)."""


def json_document(value: Any) -> Any:
    """``value`` marked to be written as JSON text, when it is an object or an array."""
    if isinstance(value, dict):
        return JsonObject(value)
    if isinstance(value, list):
        return JsonArray(value)
    return value


# JSON text that YAML 1.1 reads otherwise: a float with an exponent and no point
# ("1e-07" is a string to it; Python writes an exponent's sign), and characters it
# does not take unescaped in a quoted scalar (C1 controls, its line breaks U+0085,
# U+2028 and U+2029, non-characters).
_EXPONENT = re.compile(r"\d[eE][-+]\d")
_STRING_OR_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])(-?\d+)([eE][-+]\d+)')
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# YAML reads a key of a flow mapping up to 1024 characters long; first, a quick look
# for any string that long.
_LONG_STRING = re.compile(r'[^"]{1000}')
_LONG_KEY = re.compile(r'"(?:[^"\\]|\\.){1000,}": ')


def _json_text(document: JsonObject | JsonArray) -> str | None:
    """A JSON document as JSON text YAML reads back as the same data, or None where it
    cannot be (a key too long, NaN)."""
    try:  # on one line: json's own C encoder writes no other way
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        return None
    if _EXPONENT.search(text):
        text = _STRING_OR_EXPONENT.sub(lambda m: m[0] if m[1] is None else f"{m[1]}.0{m[2]}", text)
    if _LONG_STRING.search(text) and _LONG_KEY.search(text):
        return None
    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return text


def _node(data: Any, documents: list[str]) -> yaml.Node:
    """The YAML node PyYAML's safe representer makes of plain data, made directly (its
    general dispatch was most of the time of writing a model). No anchors: each value
    is written where it stands, as it is when a document is written in parts. A JSON
    document becomes a marker for its JSON text, kept in ``documents``."""
    if isinstance(data, str):
        # Multi-line descriptions read best as literal blocks.
        style = "|" if "\n" in data and not data.endswith((" ", "\t")) else None
        return yaml.ScalarNode(_TAGS["str"], data, style=style)
    if isinstance(data, JsonObject | JsonArray) and (text := _json_text(data)) is not None:
        documents.append(text)
        return yaml.ScalarNode(_TAGS["str"], f"{_MARK}{len(documents) - 1}{_MARK}")
    if isinstance(data, dict):
        pairs = [(_node(key, documents), _node(value, documents)) for key, value in data.items()]
        return yaml.MappingNode(_MAP, pairs, flow_style=False)
    if isinstance(data, list | tuple):
        items = [_node(value, documents) for value in data]
        return yaml.SequenceNode(_SEQ, items, flow_style=False)
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
    """Keys in the order given, unicode kept, lines up to 100 characters (but for JSON
    documents, each written as JSON text on the line of its key)."""
    documents: list[str] = []
    node = _node(data, documents)
    text: str = yaml.serialize(node, Dumper=_Dumper, allow_unicode=True, width=100)
    if documents:
        text = _MARKED.sub(lambda m: documents[int(m[1])], text)
    return text


# A marker no text holds (a private-use character, and a number per dump), written as
# a plain scalar where its JSON text goes.
_MARK = "\ue000" + secrets.token_hex(8)
_MARKED = re.compile(rf"{_MARK}(\d+){_MARK}")


@dataclass(frozen=True)
class Made:
    """An item of ``Items`` that is made only when its text is not found (see
    ``ItemTexts``): ``source`` is everything it is made from, as text (the JSON of
    the model object it shows), and ``make`` makes it."""

    source: str
    make: Callable[[], Any]


@dataclass(frozen=True)
class Items:
    """A long list (or, with ``pairs``, a mapping given as key-value pairs) in a document
    for ``dump_document``: each item is made only when it is written, then let go."""

    source: Iterable[Any]
    pairs: bool = False


# Where a document holds each of its items: by the item's key, its first and last
# character (as a slice), and whether the item's text, written alone, ended the
# document open (see ``_END``).
ItemPlaces = dict[str, tuple[int, int, bool]]
# The end of a document that holds a block scalar kept with its trailing newlines
# (``|+``): libyaml closes such a document with this marker, wherever the scalar is.
_END = "...\n"


@dataclass
class ItemTexts:
    """The texts of a document's items, by a digest of each item's data: those of the
    document as the last build wrote it (``before``), and where the document written
    now holds each (``written``). With the last build's, a document with one item
    changed is written in the time it takes to look the others up.

    The texts are read from the document itself, not kept beside it as copies: at ten
    thousand operations the model and the OpenAPI document are 60 MB."""

    before: Mapping[str, tuple[str, int, int, bool]] = field(default_factory=dict)
    # Whether items are keyed, to be looked up and placed: not when no build will read
    # the document back (a key costs as much as the item's text).
    keyed: bool = True
    # The digest of the document written (of its UTF-8 bytes), and its items' places.
    written: tuple[str, ItemPlaces] | None = field(default=None, init=False)

    @classmethod
    def of(cls, document: str, places: ItemPlaces) -> ItemTexts:
        """The texts of a document that an earlier ``written`` describes."""
        return cls({key: (document, *place) for key, place in places.items()})

    def text(self, path: tuple[str, ...], part: Any) -> tuple[str, str | None]:
        """An item's text, and its key (None for a value JSON has no word for, which
        is written each time, and for every item when not ``keyed``)."""
        if not self.keyed:
            return _item_text(path, part), None
        try:
            data = json.dumps([path, part], ensure_ascii=False, default=_source)
        except TypeError:
            return _item_text(path, part), None
        key = hashlib.sha256(data.encode()).hexdigest()
        found = self.before.get(key)
        if found is not None:
            document, start, end, open_end = found
            return document[start:end] + (_END if open_end else ""), key
        return _item_text(path, part), key

    def document(self, head: str, parts: Iterable[tuple[str, str | None]]) -> str:
        """``head`` and then ``parts`` (texts, with the keys of items) as one text;
        its digest and where it holds each item are kept in ``written``. A part that
        would end a document of its own open (see ``_END``) ends this one open."""
        texts, offset, open_end = [head], len(head), False
        digest = hashlib.sha256(head.encode())
        places: ItemPlaces = {}
        for text, key in parts:
            ends_open = text.endswith("\n" + _END)
            if ends_open:
                text, open_end = text[: -len(_END)], True
            if key is not None:
                places.setdefault(key, (offset, offset + len(text), ends_open))
            texts.append(text)
            digest.update(text.encode())  # a part at a time: no copy of the whole
            offset += len(text)
        if open_end:
            texts.append(_END)
            digest.update(_END.encode())
        self.written = (digest.hexdigest(), places)
        return "".join(texts)


def _item_text(path: tuple[str, ...], part: Any) -> str:
    """An item's text, made from its data (``Made`` items made now)."""
    return _below(dump_yaml(_nested(path, _made(part))), len(path))


def _source(value: Any) -> Any:
    """How JSON writes a ``Made`` item in an item's key: by what it is made from."""
    if isinstance(value, Made):
        return {"made from": value.source}
    raise TypeError(f"not JSON: {value!r}")


def _made(part: Any) -> Any:
    """An item (``[item]``, or ``{name: item}``) with a ``Made`` item made."""
    if isinstance(part, list):
        return [item.make() if isinstance(item, Made) else item for item in part]
    return {name: item.make() if isinstance(item, Made) else item for name, item in part.items()}


def dump_document(data: Mapping[str, Any], texts: ItemTexts | None = None, head: str = "") -> str:
    """``head`` (a comment), then ``dump_yaml`` of a mapping whose long parts are
    ``Items`` (directly, or in a mapping under it), written an item at a time: the same
    text, without the whole document ever held as data and YAML nodes. Without
    ``texts`` no build reads the items back, so none is keyed."""
    texts = texts if texts is not None else ItemTexts(keyed=False)
    return texts.document(head, _parts(data, (), texts))


def _parts(
    data: Mapping[str, Any], path: tuple[str, ...], texts: ItemTexts
) -> Iterator[tuple[str, str | None]]:
    indent = "  " * len(path)
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, Items):
            written = False
            for item in value.source:
                if not written:
                    yield f"{indent}{key}:\n", None
                    written = True
                part = dict([item]) if value.pairs else [item]
                yield texts.text(here, part)
            if not written:
                empty = _nested(here, {} if value.pairs else [])
                yield _below(dump_yaml(empty), len(path)), None
        elif isinstance(value, Mapping) and any(isinstance(v, Items) for v in value.values()):
            yield f"{indent}{key}:\n", None
            yield from _parts(value, here, texts)
        else:
            yield _below(dump_yaml(_nested(path, {key: value})), len(path)), None


def _nested(path: tuple[str, ...], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _below(text: str, lines: int) -> str:
    """``text`` without its first ``lines`` lines (the keys it was nested under)."""
    return text.split("\n", lines)[lines] if lines else text


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)
