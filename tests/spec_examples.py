"""The examples a book rendered from a spec shows, and those a scraped model holds,
by place, for comparing the two equal as JSON.

A book of the corpus shows, per operation, the first example of its request body and
the first example of its first success response that has one (JSON media types,
examples that are not null).
"""

from __future__ import annotations

from typing import Any

from generator.model import ApiModel, is_success

Place = tuple[str, str, str]  # (method, path, "request" or the response status)


def _json_values(content: dict[str, Any], shared: dict[str, Any]) -> list[Any]:
    """The example values of a body's JSON media types, in the spec's order."""
    found = []
    for media_type, media in content.items():
        if "json" not in media_type:
            continue
        if media.get("example") is not None:
            found.append(media["example"])
        for example in media.get("examples", {}).values():
            if "$ref" in example:
                example = shared[example["$ref"].rsplit("/", 1)[-1]]
            if example.get("value") is not None:
                found.append(example["value"])
    return found


def expected_examples(spec: dict[str, Any]) -> dict[Place, Any]:
    """The example each place of each operation of ``spec`` shows in its book."""
    shared = spec.get("components", {}).get("examples", {})
    responses = spec.get("components", {}).get("responses", {})
    expected: dict[Place, Any] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            body = op.get("requestBody", {})
            if found := _json_values(body.get("content", {}), shared):
                expected[(method, path, "request")] = found[0]
            for status, response in op["responses"].items():
                if "$ref" in response:
                    response = responses[response["$ref"].rsplit("/", 1)[-1]]
                found = _json_values(response.get("content", {}), shared)
                if is_success(status) and found:
                    expected[(method, path, status)] = found[0]
                    break
    return expected


def scraped_examples(model: ApiModel) -> dict[Place, list[Any]]:
    """Every example document the model holds (a JSON value, or a text), by place."""
    found: dict[Place, list[Any]] = {}
    for op in model.operations:
        places = [("request", op.request_body.content)] if op.request_body else []
        places.extend((r.status, r.content) for r in op.responses)
        for where, contents in places:
            for content in contents:
                for example in content.examples:
                    document = example.value if example.text is None else example.text
                    found.setdefault((op.method, op.path, where), []).append(document)
    return found
