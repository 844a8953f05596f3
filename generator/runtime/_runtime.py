"""What the clients share: building requests, retrying, reading responses.

pydantic is imported on the first response or body that needs it, not with the client.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from .errors import ApiError, UnexpectedResponseError, error_class

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")

logger = logging.getLogger(__package__)
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Retries:
    """When and how long to wait before trying a request again.

    Connection errors and timeouts, the ``statuses``, and 409 responses whose error
    code is one of ``conflict_codes`` are retried, at most ``total`` times, after an
    exponential backoff with jitter or the server's ``Retry-After``.
    """

    total: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    conflict_codes: frozenset[str] = frozenset({"IncorrectState", "LockConflict"})

    def delay(
        self,
        attempt: int,
        outcome: httpx.Response | httpx.TransportError,
        *,
        replayable: bool = True,
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1`` after ``outcome`` (an error
        response or a transport error), or None to stop.

        A request that is not ``replayable`` (see ``replayable``) is tried again only
        when it was certainly not carried out: no connection was made, 429, or a 409
        conflict code.
        """
        if attempt >= self.total:
            return None
        if isinstance(outcome, httpx.TransportError):
            if not replayable and not isinstance(outcome, _NOT_SENT):
                return None
        elif not self.retryable(outcome, replayable=replayable):
            return None
        else:
            after = _retry_after(outcome.headers.get("retry-after"))
            if after is not None:
                return min(after, self.max_backoff)
        ceiling = min(self.max_backoff, self.backoff * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def retryable(self, response: httpx.Response, *, replayable: bool = True) -> bool:
        if response.status_code in self.statuses:
            return replayable or response.status_code == 429
        if response.status_code == 409 and self.conflict_codes:
            return error_code(response) in self.conflict_codes
        return False


# Transport errors raised before the request left: retrying cannot repeat anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# Methods that do the same however often they are sent.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def replayable(request: httpx.Request) -> bool:
    """Whether sending ``request`` again cannot repeat a side effect: its method is
    idempotent, or it carries an ``opc-retry-token`` the service replays it by."""
    return request.method in IDEMPOTENT_METHODS or "opc-retry-token" in request.headers


DEFAULT_RETRIES = Retries()


def retries_from(value: Retries | int | None) -> Retries:
    if isinstance(value, Retries):
        return value
    return Retries(total=max(0, value or 0))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@dataclass(frozen=True)
class Endpoint:
    """One documented operation, as the client sends it."""

    method: str
    path: str
    data: Callable[[], Any] | None = None  # the success body's type, imported on first use
    data_format: str = "json"  # json | text | bytes | none
    body_format: str | None = None  # json | form | bytes
    request_id: bool = False  # documents opc-request-id
    retry_token: bool = False  # documents opc-retry-token
    _adapter: list[TypeAdapter[Any]] = field(default_factory=list, compare=False, repr=False)

    def adapter(self) -> TypeAdapter[Any]:
        if not self._adapter:
            from pydantic import TypeAdapter

            assert self.data is not None
            self._adapter.append(TypeAdapter(self.data()))
        return self._adapter[0]


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A successful response: the parsed body in ``data``, and what came with it.

    ``problems`` lists where the body differs from the docs (a documented field
    missing, a value of another type, an enum value the pages do not list). The call
    still succeeds: those values are in ``data`` as the server sent them.
    """

    data: T
    status_code: int
    headers: httpx.Headers
    problems: tuple[str, ...] = ()

    @property
    def etag(self) -> str | None:
        value: str | None = self.headers.get("etag")
        return value

    @property
    def request_id(self) -> str | None:
        value: str | None = self.headers.get("opc-request-id")
        return value

    @property
    def next_page(self) -> str | None:
        value: str | None = self.headers.get("opc-next-page")
        return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _query_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return _text(value)


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    endpoint: Endpoint,
    *,
    path: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, Any] | None = None,
    body: Any = None,
) -> httpx.Request:
    """The request for ``endpoint``; parameters that are None are left out."""

    def fill(match: re.Match[str]) -> str:
        value = (path or {}).get(match[1])
        if value is None:
            raise ValueError(f"path parameter {match[1]!r} is required")
        segment = quote(_text(value), safe="")
        # "." and ".." would be resolved away as dot segments: send them escaped.
        return segment.replace(".", "%2E") if segment in (".", "..") else segment

    url = _PATH_PARAMETER.sub(fill, endpoint.path)
    params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
    sent = {k: _text(v) for k, v in (headers or {}).items() if v is not None}
    if endpoint.request_id and "opc-request-id" not in sent:
        sent["opc-request-id"] = uuid.uuid4().hex.upper()
    if endpoint.retry_token and "opc-retry-token" not in sent:
        # One token for the call: every retry of it carries the same one.
        sent["opc-retry-token"] = uuid.uuid4().hex
    content: bytes | None = None
    data: dict[str, Any] | None = None
    if body is not None:
        if endpoint.body_format == "form":
            data = {k: _text(v) for k, v in dict(body).items() if v is not None}
        elif endpoint.body_format == "bytes":
            content = body if isinstance(body, bytes) else str(body).encode()
        else:
            payload = body.to_wire() if _is_model(body) else body
            content = json.dumps(payload, separators=(",", ":"), default=_text).encode()
            sent.setdefault("content-type", "application/json")
    return http.build_request(
        endpoint.method, url, params=params, headers=sent, content=content, data=data
    )


def _is_model(value: Any) -> bool:
    # No model exists before _model is imported; a plain dict body need not load pydantic.
    loaded = sys.modules.get(f"{__package__}._model")
    return loaded is not None and isinstance(value, loaded.Model)


def error_code(response: httpx.Response) -> str | None:
    body = _json_or_none(response)
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def read_response(
    endpoint: Endpoint, response: httpx.Response, *, strict: bool = False
) -> ApiResponse[Any]:
    """The parsed response. An error status raises the ``ApiError`` for it, and so
    does a redirect that was not followed. A body that differs from the docs is read
    as sent and its problems listed; with ``strict`` they raise
    ``UnexpectedResponseError``."""
    if response.status_code >= 300:
        raise error_for(response)
    data: Any = None
    problems: list[str] = []
    if endpoint.data_format == "text":
        data = response.text
    elif endpoint.data_format == "bytes":
        data = response.content
    elif endpoint.data_format == "json" and response.content:
        data, problems = _read_json(endpoint, response)
    if problems:
        if strict:
            raise UnexpectedResponseError.of(response, problems)
        _warn_once(endpoint, problems)
    return ApiResponse(data, response.status_code, response.headers, tuple(problems))


def _read_json(endpoint: Endpoint, response: httpx.Response) -> tuple[Any, list[str]]:
    """The body as its documented type, as far as it fits, and where it does not."""
    try:
        value = response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text, ["the body is not JSON, kept as text"]
    if endpoint.data is None:
        return value, []
    from pydantic import ValidationError

    problems: list[str] = []
    try:
        data = endpoint.adapter().validate_python(value, context={"problems": problems})
    except ValidationError as exc:  # not even the shape fits: a list for an object
        return value, [f"{_location(e['loc'])}{e['msg']}, kept as sent" for e in exc.errors()]
    return data, problems


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(map(str, loc)) + ": " if loc else ""


_warned: set[tuple[str, str, str]] = set()


def _warn_once(endpoint: Endpoint, problems: list[str]) -> None:
    """Log each problem once per operation: a polling loop would repeat them."""
    for problem in problems:
        key = (endpoint.method, endpoint.path, problem)
        if key not in _warned:
            _warned.add(key)
            logger.warning(
                "%s %s: the response differs from the docs: %s",
                endpoint.method,
                endpoint.path,
                problem,
            )


def error_for(response: httpx.Response) -> ApiError:
    """The error for a failed response, whatever its body: the documented Error
    object, another JSON document, HTML or plain text."""
    body = _json_or_none(response)
    code = message = None
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        for key in ("message", "detail", "title", "reason", "error"):
            if isinstance(body.get(key), str) and body[key]:
                message = body[key]
                break
    if message is None:
        text = re.sub(r"<[^>]+>", " ", response.text) if body is None else response.text
        message = " ".join(text.split())[:500] or response.reason_phrase
    cls = error_class(response.status_code)
    return cls(
        status_code=response.status_code,
        code=code,
        message=message,
        request_id=response.headers.get("opc-request-id"),
        headers=response.headers,
        body=body if body is not None else response.text,
        response=response,
    )
