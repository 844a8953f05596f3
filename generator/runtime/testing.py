"""pytest fixtures for your own tests: clients wired to the stub server in memory.

No port and no process: requests go straight to the stub through httpx transports. Each
test gets a fresh stub, so nothing one test creates is seen by the next. Needs the
``server`` extra and pytest. In your ``conftest.py``::

    pytest_plugins = ["PACKAGE.testing"]

then ask for ``client`` (a ``Client``) or ``async_client`` (an ``AsyncClient``) in a
test. Override the ``stub_data`` fixture to seed the stub (collection path, with its
parameters filled, to a list of resources), ``stub_seed`` to change the made-up
values, and ``stub_lifecycle_delay`` to keep created resources in their first lifecycle
state (CREATING...) longer than the default 0 seconds. Faults are asked for per client
with ``stub_client(stub, faults="503;count=2")`` (see ``server.FAULT_HEADER``); ``stub``
is the stub itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from .client import AsyncClient, Client
from .server import FAULT_HEADER, StubServer, SyncASGITransport, create_app

__all__ = [
    "BASE_URL",
    "async_client",
    "async_stub_client",
    "client",
    "stub",
    "stub_client",
    "stub_data",
    "stub_lifecycle_delay",
    "stub_seed",
]

# Never resolved: requests reach the stub through the transport.
BASE_URL = "http://stub.invalid"


def stub_client(app: StubServer, *, faults: str | None = None, **options: Any) -> Client:
    """A ``Client`` for ``app``; ``faults`` is an ``x-docs2sdk-fault`` header value."""
    headers = {FAULT_HEADER: faults} if faults else None
    http = httpx.Client(transport=SyncASGITransport(app), base_url=BASE_URL, headers=headers)
    options.setdefault("retries", 0)
    return Client(BASE_URL, http_client=http, **options)


def async_stub_client(app: StubServer, *, faults: str | None = None, **options: Any) -> AsyncClient:
    """An ``AsyncClient`` for ``app``; ``faults`` as for ``stub_client``."""
    headers = {FAULT_HEADER: faults} if faults else None
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=headers
    )
    options.setdefault("retries", 0)
    return AsyncClient(BASE_URL, http_client=http, **options)


@pytest.fixture
def stub_data() -> Mapping[str, Any] | None:
    """Resources the stub starts with; override it to seed the stub."""
    return None


@pytest.fixture
def stub_seed() -> int:
    """The seed of the stub's made-up values; override it for others."""
    return 0


@pytest.fixture
def stub_lifecycle_delay() -> float:
    """Seconds before a created resource moves to its next lifecycle state."""
    return 0.0


@pytest.fixture
def stub(
    stub_data: Mapping[str, Any] | None, stub_seed: int, stub_lifecycle_delay: float
) -> StubServer:
    """A fresh stub for each test."""
    return create_app(seed=stub_seed, data=stub_data, lifecycle_delay=stub_lifecycle_delay)


@pytest.fixture
def client(stub: StubServer) -> Iterator[Client]:
    """A ``Client`` wired to this test's stub."""
    with stub_client(stub) as made:
        yield made


@pytest.fixture
def async_client(stub: StubServer) -> Iterator[AsyncClient]:
    """An ``AsyncClient`` wired to this test's stub, for a test that runs an event loop."""
    made = async_stub_client(stub)
    yield made
    asyncio.run(made.close())  # the in-memory transport holds no connection
