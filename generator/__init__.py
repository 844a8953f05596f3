"""docs2sdk: Oracle REST API reference books in, typed Python SDKs out."""

__version__ = "0.1.0"
