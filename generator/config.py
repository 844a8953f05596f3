"""A book's build settings: ``input/<book>/docs2sdk.yaml``."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .names import package_problem
from .yamlio import load_yaml

CONFIG_NAME = "docs2sdk.yaml"


# MAJOR.MINOR.PATCH: what ``build --bump`` raises, and a valid package version.
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
DEFAULT_VERSION = "0.1.0"


class BookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    package: str = Field(description="The Python package to generate (its import name).")
    output: str = Field(
        description="The package project's folder, relative to the project root "
        "(docs2sdk's own: never the book, the root or another book's output)."
    )
    version: str = Field(
        default=DEFAULT_VERSION,
        description="The package's version; ``build --bump`` raises it here.",
    )
    book: str = Field(
        default=".",
        description="The book's pages, relative to this file's folder.",
    )
    url: str | None = Field(
        default=None,
        description="Where the book is published: for fetch, and the links to its pages.",
    )
    templates: str | None = Field(
        default=None,
        description="A folder of templates that replace the default ones, file by file, "
        "relative to this file's folder.",
    )
    endpoint: str | None = Field(
        default=None,
        description="The service's address in each region, for from_oci_config: "
        "``https://name.{region}.oci.{secondLevelDomain}``.",
    )
    operation_names: dict[str, str] = Field(
        default_factory=dict,
        description='Python names that replace the derived ones, keyed "METHOD /path".',
    )
    license: str | None = Field(
        default=None,
        description="The generated package's license, an SPDX expression (``Apache-2.0``): "
        "the license of the code docs2sdk writes, not of the API.",
    )
    repository: str | None = Field(
        default=None,
        description="The repository the generated package is kept in "
        "(``https://github.com/OWNER/NAME``): the package's Source, Issues and Changelog links.",
    )
    index: str | None = Field(
        default=None,
        description="The upload URL of the package index releases go to; the public index "
        "when absent.",
    )

    @field_validator("version", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"{value!r} is read as a number: write the version in quotes")
        return value

    @field_validator("version")
    @classmethod
    def _release(cls, value: str) -> str:
        if not VERSION.fullmatch(value):
            raise ValueError(f"{value!r} is no version: write it as MAJOR.MINOR.PATCH, e.g. 1.0.0")
        return value

    @field_validator("endpoint")
    @classmethod
    def _regional(cls, value: str | None) -> str | None:
        problem = value and endpoint_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("license")
    @classmethod
    def _spdx(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Imported here: the table of licenses takes 5 ms, which a book without one saves.
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

        try:
            return canonicalize_license_expression(value)
        except InvalidLicenseExpression as exc:
            raise ValueError(f"{value!r} is no SPDX license expression ({exc})") from None

    @field_validator("url", "repository", "index")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
            raise ValueError(f"{value!r} is no http(s) URL")
        return value

    @field_validator("package")
    @classmethod
    def _importable(cls, value: str) -> str:
        problem = package_problem(value)
        if problem is not None:
            raise ValueError(f"{value!r} {problem}")
        return value


def endpoint_problem(value: str) -> str | None:
    """Why ``value`` is no address template of a service in each region, or None."""
    if not re.fullmatch(r"https?://\S*\{region\}\S*", value):
        return f"{value!r} is no http(s) URL with a {{region}} in it"
    return None


def load_config(path: Path) -> BookConfig:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        return BookConfig.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ConfigError(f"{path}: key {key}: {first['msg']}") from exc
