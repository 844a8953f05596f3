"""Run a model's stub server with no generated package kept on disk (``docs2sdk serve``)."""

from __future__ import annotations

import importlib
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from ..model import ApiModel
from ..write import write_tree
from . import generate_package

STUB_PACKAGE = "docs2sdk_stub"


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def serve_model(
    model: ApiModel,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    seed: int = 0,
    data: Path | None = None,
    lifecycle_delay: float = 0.0,
    package: str = STUB_PACKAGE,
) -> None:
    """Serve ``model``'s stub (``PACKAGE.server``) until interrupted, as its command
    does: the address printed once it listens, seed data that does not fit an error
    (exit 3), an address in use an error (exit 1).

    The package is generated into a temporary folder, unformatted (black changes
    nothing that runs), imported from there, and removed afterwards.
    """
    # uvicorn stops on SIGTERM and then raises it again for the handler it found: make
    # that handler exit through Python, so the temporary folder is removed.
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit) if main_thread else None
    try:
        with tempfile.TemporaryDirectory(prefix="docs2sdk-serve-") as folder:
            project = Path(folder) / package
            write_tree(project, generate_package(model, package))
            sys.path.insert(0, str(project))
            try:
                server = importlib.import_module(f"{package}.server")
                args = ["--host", host, "--port", str(port), "--seed", str(seed)]
                args += ["--lifecycle-delay", str(lifecycle_delay)]
                if data is not None:
                    args += ["--data", str(data)]
                server.main(args)
            finally:
                sys.path.remove(str(project))
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
