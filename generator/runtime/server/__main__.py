"""``python -m PACKAGE.server``: serve the stub."""

from . import main

main()
