"""docs2sdk: Oracle REST API reference books in, typed Python SDKs out."""

from pathlib import Path

__version__ = "0.1.0"
# The templates a package is rendered from, unless a project gives its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
