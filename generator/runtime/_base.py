"""The transport under both clients: one ``httpx`` client, and retries around it."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

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
from .auth import DEFAULT_PROFILE, oci_settings


class _Configured:
    """What both clients share: how one is made from an ``oci`` config file."""

    # The service's address in each region ({region}, {secondLevelDomain}), where the
    # docs give it: the generated clients set it.
    endpoint_template: ClassVar[str | None] = None

    @classmethod
    def from_oci_config(
        cls,
        profile: str = DEFAULT_PROFILE,
        file: str | os.PathLike[str] | None = None,
        region: str | None = None,
        **options: Any,
    ) -> Self:
        """A client configured as the ``oci`` SDK configures its own: from a profile of
        ``~/.oci/config`` (or ``file``, or ``OCI_CONFIG_FILE``).

        The region (``region``, else the one an ``auth=OciAuth...`` runs in, else the
        profile's) picks the endpoint; the profile's session token or API key signs unless
        ``auth`` is among ``options``, which go to the constructor. Needs the ``oci`` extra.
        """
        base_url, auth = oci_settings(
            cls.endpoint_template, profile, file, region, options.pop("auth", None)
        )
        client: Callable[..., Self] = cls  # both clients' constructors take these
        return client(base_url, auth=auth, **options)


class SyncBase(_Configured):
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


class AsyncBase(_Configured):
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
