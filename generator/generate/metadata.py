"""What a generated package says of itself on a package index: its license, links,
classifiers and keywords, and the Python versions it supports."""

from __future__ import annotations

from dataclasses import dataclass

# The Python versions a generated package supports: its ``requires-python`` is the
# first, its classifiers name each, and the generator's CI tests each.
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def distribution_name(package: str) -> str:
    """The name a package is installed by: ``aidp_workbench`` is ``aidp-workbench``."""
    return package.replace("_", "-")


@dataclass(frozen=True)
class Publishing:
    """What a book's settings say about its package beyond the API: its license, the
    repository it is kept in and its folder there."""

    license: str | None = None  # an SPDX expression
    repository: str | None = None  # https://github.com/OWNER/NAME
    folder: str | None = None  # the package project's folder in the repository


@dataclass(frozen=True)
class PackageMetadata:
    oldest_python: str  # the package's Requires-Python is this or newer
    license: str | None
    urls: list[tuple[str, str]]  # label, URL: the index shows them under these labels
    classifiers: list[str]
    keywords: list[str]


def package_metadata(
    version: str, tags: list[str], docs_url: str | None, publishing: Publishing
) -> PackageMetadata:
    """The metadata of a package at ``version`` of an API with ``tags``, whose book is
    published at ``docs_url``."""
    urls = [("Documentation", docs_url)] if docs_url else []
    if publishing.repository:
        repository = publishing.repository.rstrip("/")
        urls.append(("Source", repository))
        urls.append(("Issues", f"{repository}/issues"))
        if publishing.folder:
            # The default branch's copy: the changelog of the newest release.
            urls.append(("Changelog", f"{repository}/blob/HEAD/{publishing.folder}/CHANGELOG.md"))
    stable = not version.startswith("0.")
    classifiers = [
        "Development Status :: 5 - Production/Stable"
        if stable
        else "Development Status :: 4 - Beta",
        "Framework :: Pydantic :: 2",
        "Intended Audience :: Developers",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        *(f"Programming Language :: Python :: {python}" for python in PYTHON_VERSIONS),
        "Topic :: Software Development :: Libraries :: Python Modules",
        "Typing :: Typed",
    ]
    keywords = list(dict.fromkeys(["api", "client", "sdk", *(tag.lower() for tag in tags)]))
    return PackageMetadata(
        oldest_python=PYTHON_VERSIONS[0],
        license=publishing.license,
        urls=urls,
        classifiers=classifiers,
        keywords=keywords,
    )
