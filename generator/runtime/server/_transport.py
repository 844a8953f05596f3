"""The stub for a synchronous httpx client, in the same process: no port."""

from __future__ import annotations

import asyncio
import threading

import httpx

from ._app import StubServer


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGI transport for a synchronous client: the application runs on an
    event loop in a thread of its own, so a sync test (or one inside a running loop)
    can call it."""

    def __init__(self, app: StubServer) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._transport.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return asyncio.run_coroutine_threadsafe(send(), self._loop).result()

    def close(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
