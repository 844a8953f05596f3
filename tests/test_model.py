"""The model file: names, round trip, validation that names the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ModelError
from generator.model import ApiModel, load_model
from generator.yamlio import dump_yaml, load_yaml


def test_model_round_trips_through_yaml(aidp_model: ApiModel, tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(aidp_model.to_yaml(), encoding="utf-8")
    loaded = load_model(path)
    assert loaded == aidp_model
    assert loaded.to_yaml() == aidp_model.to_yaml()


def _broken(aidp_model: ApiModel, tmp_path: Path, change: str) -> Path:
    data = load_yaml(aidp_model.to_yaml())
    if change == "method":
        data["operations"][3]["method"] = "fetch"
    elif change == "ref":
        data["schemas"]["Session"]["properties"]["kernel"]["ref"] = "Nope"
    elif change == "unknown":
        data["schemas"]["Session"]["colour"] = "blue"
    elif change == "version":
        data["format_version"] = 99
    path = tmp_path / "model.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("method", "key operations.3.method:"),
        ("ref", "key schemas.Session.properties.kernel.ref: no schema named 'Nope'"),
        ("unknown", "key schemas.Session.colour:"),
        ("version", "format_version is 99"),
    ],
)
def test_loader_names_the_offending_key(
    aidp_model: ApiModel, tmp_path: Path, change: str, message: str
) -> None:
    with pytest.raises(ModelError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_model(_broken(aidp_model, tmp_path, change))


def test_shared_schema_is_one_schema_and_disagreement_is_kept(tmp_path: Path) -> None:
    from generator.pipeline import model_from_book

    from .conftest import BOOKS

    book = tmp_path / "book"
    book.mkdir()
    source = BOOKS / "jupyter-ul"
    (book / "op-api-sessions-get.html").write_text(
        (source / "op-api-sessions-get.html").read_text(), encoding="utf-8"
    )
    changed = (
        (source / "op-api-sessions-session-get.html")
        .read_text()
        .replace(
            '<div class="desc">kernel spec name</div>', '<div class="desc">the kernel\'s name</div>'
        )
    )
    (book / "op-api-sessions-session-get.html").write_text(changed, encoding="utf-8")
    model, diagnostics = model_from_book(book)
    assert {"Kernel", "Kernel_2", "Session", "Session_2"} <= set(model.schemas)
    kernel_warning = [str(w) for w in diagnostics.warnings if "schema Kernel" in str(w)]
    assert kernel_warning == [
        "op-api-sessions-session-get.html: schema Kernel: differs from op-api-sessions-get.html "
        "(properties.name.description: 'kernel spec name' vs \"the kernel's name\"); "
        "kept as Kernel_2"
    ]
    get = next(op for op in model.operations if op.title == "Get session")
    assert get.responses[0].content[0].schema_.ref == "Session_2"  # type: ignore[union-attr]
    assert model.schemas["Session_2"].properties["kernel"].ref == "Kernel_2"  # type: ignore[index]


def test_inline_copy_of_a_named_schema_refers_to_it() -> None:
    """``repository: object repository`` reads the same for a named schema and an
    inline one; with a named ``repository`` of exactly that content, it is a ref."""
    from generator.assemble import _prefer_named_schemas

    repository = {"type": "object", "properties": {"id": {"type": "integer"}}}
    other = {"type": "object", "properties": {"id": {"type": "string"}}}
    body = {
        "type": "object",
        "properties": {"repository": dict(repository), "owner": dict(other)},
    }
    model = ApiModel.model_validate(
        {
            "format_version": 1,
            "operations": [
                {
                    "name": "get_issue", "title": "Get issue", "method": "get", "path": "/i",
                    "page": "op-i-get.html",
                    "responses": [{"status": "200", "content": [
                        {"media_type": "application/json", "schema": body}]}],
                }
            ],
            "schemas": {
                "repository": {**repository, "page": "op-r-get.html"},
                "owner": {**repository, "page": "op-o-get.html"},
            },
        }
    )  # fmt: skip
    schema = _prefer_named_schemas(model).operations[0].responses[0].content[0].schema_
    assert schema is not None and schema.properties is not None
    assert schema.properties["repository"].ref == "repository"
    assert schema.properties["owner"].ref is None, "different content stays inline"
