"""The transport under both clients: one ``httpx`` client, and retries around it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from typing_extensions import Self

from ._runtime import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    ApiResponse,
    Endpoint,
    Retries,
    build_request,
    read_response,
    replayable,
    retries_from,
)


class SyncBase:
    """Sends requests for ``Client``; see it for the arguments."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: Retries | int | None = DEFAULT_RETRIES,
        http_client: httpx.Client | None = None,
        strict: bool = False,
    ) -> None:
        self._http = http_client or httpx.Client(
            base_url=base_url,
            headers=headers,
            auth=auth,
            timeout=timeout,
            follow_redirects=True,
        )
        self._retries = retries_from(retries)
        self._strict = strict

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, endpoint: Endpoint, **parts: Any) -> ApiResponse[Any]:
        request = build_request(self._http, endpoint, **parts)
        may_repeat = replayable(request)
        attempt = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as error:
                delay = self._retries.delay(attempt, error, replayable=may_repeat)
                if delay is None:
                    raise
            else:
                delay = (
                    self._retries.delay(attempt, response, replayable=may_repeat)
                    if response.is_error
                    else None
                )
                if delay is None:
                    return read_response(endpoint, response, strict=self._strict)
                response.close()
            time.sleep(delay)
            attempt += 1


class AsyncBase:
    """Sends requests for ``AsyncClient``; see ``Client`` for the arguments."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: Retries | int | None = DEFAULT_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        strict: bool = False,
    ) -> None:
        self._http = http_client or httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            auth=auth,
            timeout=timeout,
            follow_redirects=True,
        )
        self._retries = retries_from(retries)
        self._strict = strict

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, endpoint: Endpoint, **parts: Any) -> ApiResponse[Any]:
        request = build_request(self._http, endpoint, **parts)
        may_repeat = replayable(request)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                delay = self._retries.delay(attempt, error, replayable=may_repeat)
                if delay is None:
                    raise
            else:
                delay = (
                    self._retries.delay(attempt, response, replayable=may_repeat)
                    if response.is_error
                    else None
                )
                if delay is None:
                    return read_response(endpoint, response, strict=self._strict)
                await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1
