"""The transport under both clients: one ``httpx`` client, and retries around it."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, ClassVar

import httpx
from typing_extensions import Self

from ._runtime import (
    DEFAULT_RETRIES,
    ApiResponse,
    Call,
    Endpoint,
    Retries,
    client_settings,
    error_for,
    read_response,
)
from ._streaming import AsyncStreamedResponse, StreamedResponse
from .auth import DEFAULT_PROFILE, oci_settings


class _Configured:
    """What both clients share: who they say they are, and how one is made from an
    ``oci`` config file."""

    # The service's address in each region ({region}, {secondLevelDomain}), where the
    # docs give it: the generated clients set it.
    endpoint_template: ClassVar[str | None] = None
    # The User-Agent sent: the generated clients name their package, its version and
    # docs2sdk's.
    user_agent: ClassVar[str] = "docs2sdk"

    @classmethod
    def from_oci_config(
        cls,
        profile: str = DEFAULT_PROFILE,
        file: str | os.PathLike[str] | None = None,
        region: str | None = None,
        *,
        base_url: str | None = None,
        **options: Any,
    ) -> Self:
        """A client configured as the ``oci`` SDK configures its own: from a profile of
        ``~/.oci/config`` (or ``file``, or ``OCI_CONFIG_FILE``).

        The region (``region``, else the one an ``auth=OciAuth...`` runs in, else the
        profile's) picks the endpoint, unless ``base_url`` gives it (a private endpoint,
        say); the profile's session token or API key signs unless ``auth`` is among
        ``options``, which go to the constructor. Needs the ``oci`` extra.
        """
        url, auth = oci_settings(
            cls.endpoint_template, profile, file, region, options.pop("auth", None), base_url
        )
        client: Callable[..., Self] = cls  # both clients' constructors take these
        return client(url, auth=auth, **options)


class SyncBase(_Configured):
    """Sends requests for ``Client``; see it for the arguments."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        retries: Retries | int | None = DEFAULT_RETRIES,
        http_client: httpx.Client | None = None,
        strict: bool = False,
    ) -> None:
        self._settings = client_settings(
            base_url,
            headers=headers,
            auth=auth,
            timeout=timeout,
            retries=retries,
            strict=strict,
            http_client=http_client,
            user_agent=self.user_agent,
        )
        self._http = http_client or httpx.Client()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(
        self, endpoint: Endpoint, *, timeout: float | httpx.Timeout | None = None, **parts: Any
    ) -> ApiResponse[Any]:
        call = Call(self._settings, endpoint, timeout=timeout, **parts)
        response = self._exchange(call, stream=False)
        return read_response(endpoint, response, strict=self._settings.strict)

    @contextmanager
    def _stream(
        self, endpoint: Endpoint, *, timeout: float | httpx.Timeout | None = None, **parts: Any
    ) -> Iterator[StreamedResponse]:
        call = Call(self._settings, endpoint, timeout=timeout, **parts)
        response = self._exchange(call, stream=True)
        try:
            if response.status_code >= 300:
                raise error_for(response)
            yield StreamedResponse(response)
        finally:
            response.close()

    def _exchange(self, call: Call, *, stream: bool) -> httpx.Response:
        """The response of the call's last attempt; with ``stream``, a success's body is
        left to be read."""
        auth = self._settings.auth or httpx.USE_CLIENT_DEFAULT
        while True:
            request = call.request(self._http)
            try:
                response = self._http.send(request, auth=auth, follow_redirects=True, stream=True)
                if not (stream and response.is_success):
                    call.guard(response)
                    try:
                        response.read()
                    finally:
                        response.close()
            except httpx.RequestError as error:
                delay = call.retry(error)
                if delay is None:
                    raise call.failure(error) from error
            else:
                delay = call.retry(response) if response.is_error else None
                if delay is None:
                    return response
                response.close()
            time.sleep(delay)


class AsyncBase(_Configured):
    """Sends requests for ``AsyncClient``; see ``Client`` for the arguments."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        retries: Retries | int | None = DEFAULT_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        strict: bool = False,
    ) -> None:
        self._settings = client_settings(
            base_url,
            headers=headers,
            auth=auth,
            timeout=timeout,
            retries=retries,
            strict=strict,
            http_client=http_client,
            user_agent=self.user_agent,
        )
        self._http = http_client or httpx.AsyncClient()

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(
        self, endpoint: Endpoint, *, timeout: float | httpx.Timeout | None = None, **parts: Any
    ) -> ApiResponse[Any]:
        call = Call(self._settings, endpoint, timeout=timeout, asynchronous=True, **parts)
        response = await self._exchange(call, stream=False)
        return read_response(endpoint, response, strict=self._settings.strict)

    @asynccontextmanager
    async def _stream(
        self, endpoint: Endpoint, *, timeout: float | httpx.Timeout | None = None, **parts: Any
    ) -> AsyncIterator[AsyncStreamedResponse]:
        call = Call(self._settings, endpoint, timeout=timeout, asynchronous=True, **parts)
        response = await self._exchange(call, stream=True)
        try:
            if response.status_code >= 300:
                raise error_for(response)
            yield AsyncStreamedResponse(response)
        finally:
            await response.aclose()

    async def _exchange(self, call: Call, *, stream: bool) -> httpx.Response:
        """``SyncBase._exchange``, awaited."""
        auth = self._settings.auth or httpx.USE_CLIENT_DEFAULT
        while True:
            request = call.request(self._http)
            try:
                response = await self._http.send(
                    request, auth=auth, follow_redirects=True, stream=True
                )
                if not (stream and response.is_success):
                    call.guard(response)
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
            except httpx.RequestError as error:
                delay = call.retry(error)
                if delay is None:
                    raise call.failure(error) from error
            else:
                delay = call.retry(response) if response.is_error else None
                if delay is None:
                    return response
                await response.aclose()
            await asyncio.sleep(delay)
