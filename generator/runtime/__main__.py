"""The console script, and ``python -m PACKAGE``: the command line, once its extra is in.

The command line needs click (the ``cli`` extra); without it, this says what to install
instead of failing on the import.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as command_line
    except ImportError as error:
        if error.name != "click":
            raise
        program = (__package__ or "").replace("_", "-")
        sys.exit(f"{program}: the command line needs the 'cli' extra: pip install '{program}[cli]'")
    command_line()


if __name__ == "__main__":
    main()
