"""What the clients share: settings, building requests, retrying, reading responses.

pydantic is imported on the first response or body that needs it, not with the client.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from ._bodies import Upload, json_body, parameter_text
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    UnexpectedResponseError,
    error_class,
)

T = TypeVar("T")

logger = logging.getLogger(__package__)
# A library's logger: what it logs goes where the program sends its logging, and in a
# program that set none up, nowhere (Python would otherwise print warnings to stderr).
logger.addHandler(logging.NullHandler())
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Retries:
    """When and how long to wait before trying a request again.

    Connection errors and timeouts, the ``statuses``, and 409 responses whose error
    code is one of ``conflict_codes`` are retried, at most ``total`` times, after an
    exponential backoff with jitter or the server's ``Retry-After``, never longer than
    ``max_backoff`` seconds each.
    """

    total: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    conflict_codes: frozenset[str] = frozenset({"IncorrectState", "LockConflict"})

    @property
    def budget(self) -> float:
        """The longest the pauses between one call's attempts can add up to, in seconds."""
        return self.total * self.max_backoff

    def delay(
        self,
        attempt: int,
        outcome: httpx.Response | httpx.TransportError,
        *,
        replayable: bool = True,
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1`` after ``outcome`` (an error
        response or a transport error), or None to stop.

        A request that is not ``replayable`` (sending it again could repeat a side
        effect: its method is not idempotent and it carries no ``opc-retry-token``) is
        tried again only when it was certainly not carried out: no connection was made,
        429, or a 409 conflict code.
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
class Settings:
    """A client's settings, applied to each request whichever ``httpx`` client sends it."""

    base_url: httpx.URL
    headers: httpx.Headers
    auth: httpx.Auth | None
    timeout: httpx.Timeout
    retries: Retries
    strict: bool


def client_settings(
    base_url: str,
    *,
    headers: Mapping[str, str] | None,
    auth: httpx.Auth | None,
    timeout: float | httpx.Timeout | None,
    retries: Retries | int | None,
    strict: bool,
    http_client: httpx.Client | httpx.AsyncClient | None,
    user_agent: str,
) -> Settings:
    """The settings of a client; with ``http_client``, what it leaves unset comes from
    it (its timeout, its auth) and the rest goes on top of it. A base URL other than
    the ``http_client``'s own is refused: which of the two is meant cannot be known."""
    url = httpx.URL(base_url)
    if not url.is_absolute_url:
        raise ValueError(f"base_url {base_url!r} is not an absolute URL, e.g. https://example.com")
    if not url.raw_path.endswith(b"/"):
        url = url.copy_with(raw_path=url.raw_path + b"/")
    sent = httpx.Headers(headers)
    if http_client is not None:
        own = http_client.base_url
        if str(own) and own != url:
            raise ValueError(
                f"base_url {str(url)!r} differs from the http_client's base_url "
                f"{str(own)!r}: give the same one, or an http_client without one"
            )
        if timeout is None:
            timeout = http_client.timeout
        chosen = http_client.headers.get("user-agent")
        if chosen and not chosen.startswith("python-httpx/"):
            user_agent = chosen  # the caller set it on their client
    sent.setdefault("user-agent", user_agent)
    return Settings(
        base_url=url,
        headers=sent,
        auth=auth,
        timeout=httpx.Timeout(DEFAULT_TIMEOUT if timeout is None else timeout),
        retries=retries_from(retries),
        strict=strict,
    )


@dataclass(frozen=True)
class Endpoint:
    """One documented operation, as the client sends it."""

    method: str
    path: str
    data: Callable[[], Any] | None = None  # the success body's type, imported on first use
    data_format: str = "json"  # json | text | bytes | none
    body_format: str | None = None  # json | form | multipart | bytes
    form_files: tuple[str, ...] = ()  # a multipart form's fields that are files
    request_id: bool = False  # documents opc-request-id
    retry_token: bool = False  # documents opc-retry-token


class HeaderFacts:
    """What a response's headers tell, for both kinds of response."""

    headers: httpx.Headers

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


@dataclass(frozen=True)
class ApiResponse(HeaderFacts, Generic[T]):
    """A successful response: the parsed body in ``data``, and what came with it.

    ``problems`` lists where the body differs from the docs (a documented field
    missing, a value of another type, an enum value the pages do not list, a body that
    is not JSON). The call still succeeds: those values are in ``data`` as the server
    sent them.
    """

    data: T
    status_code: int
    headers: httpx.Headers
    problems: tuple[str, ...] = ()


class Call:
    """One call of an operation: its request, made anew for each attempt, and whether
    and when to try again.

    The call's timeout is a deadline for the time spent waiting on the service, all
    attempts together: each attempt's connect, send and read waits are cut to what is
    left of it, and a body still arriving when it has passed is given up. The pauses
    between attempts are not counted against it; ``Retries.budget`` bounds them.
    """

    def __init__(
        self,
        settings: Settings,
        endpoint: Endpoint,
        *,
        timeout: float | httpx.Timeout | None = None,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Any = None,
        asynchronous: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self.settings = settings
        self.limits = settings.timeout if timeout is None else httpx.Timeout(timeout)
        self.attempt = 0
        self._asynchronous = asynchronous
        where = f"{endpoint.method} {endpoint.path}"

        def fill(match: re.Match[str]) -> str:
            value = (path or {}).get(match[1])
            if value is None:
                raise ValueError(f"{where}: path parameter {match[1]!r} is required")
            text = parameter_text(value, f"{where}: path parameter {match[1]!r}")
            if not text:
                raise ValueError(f"{where}: path parameter {match[1]!r} is empty")
            segment = quote(text, safe="")
            # "." and ".." would be resolved away as dot segments: send them escaped.
            return segment.replace(".", "%2E") if segment in (".", "..") else segment

        # The path after the base URL's, as httpx joins a client's base URL and a path.
        filled = httpx.URL(_PATH_PARAMETER.sub(fill, endpoint.path))
        base = settings.base_url
        self.url = base.copy_with(raw_path=base.raw_path + filled.raw_path.lstrip(b"/"))
        self.params = {
            name: _query_value(value, f"{where}: {name}")
            for name, value in (query or {}).items()
            if value is not None
        }
        self.headers = httpx.Headers(settings.headers)
        for name, value in (headers or {}).items():
            if value is not None:
                self.headers[name] = parameter_text(value, f"{where}: {name}")
        if endpoint.request_id and "opc-request-id" not in self.headers:
            self.headers["opc-request-id"] = uuid.uuid4().hex.upper()
        if endpoint.retry_token and "opc-retry-token" not in self.headers:
            # One token for the call: every retry of it carries the same one.
            self.headers["opc-retry-token"] = uuid.uuid4().hex
        self._content: bytes | None = None
        self._upload: Upload | None = None
        self._form: dict[str, str] | None = None
        self._files: dict[str, Upload] = {}
        if body is not None:
            self._body(body, f"body of {where}")
        # Sending it again cannot repeat a side effect: its method is idempotent, or the
        # service replays it by its retry token.
        self.replayable = endpoint.method in IDEMPOTENT_METHODS or "opc-retry-token" in self.headers
        self.deadline = time.monotonic() + _longest(self.limits)

    def _body(self, body: Any, where: str) -> None:
        if self.endpoint.body_format in ("form", "multipart"):
            if not isinstance(body, Mapping):
                raise TypeError(f"{where} is a form: give a dict, not {type(body).__name__}")
            self._form = {}
            for name, value in body.items():
                if value is None:
                    continue
                if name in self.endpoint.form_files:
                    self._files[name] = Upload(value, f"{where}: form field {name!r}")
                else:
                    self._form[name] = parameter_text(value, f"{where}: form field {name!r}")
        elif self.endpoint.body_format == "bytes":
            self._upload = Upload(body, where, asynchronous=self._asynchronous)
            self.headers.setdefault("content-type", "application/octet-stream")
            if self._upload.length is not None and not isinstance(body, bytes):
                self.headers["content-length"] = str(self._upload.length)
        else:
            self._content = json_body(body, where)
            self.headers.setdefault("content-type", "application/json")

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """The request of the next attempt, its waits cut to what is left of the call's
        timeout; ``ApiTimeoutError`` when nothing is."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ApiTimeoutError(
                f"{self.endpoint.method} {self.url}: the call's timeout of "
                f"{_longest(self.limits):g} s ran out after {self.attempt + 1} attempt(s)"
            )
        # No limit at all (httpx.Timeout(None)) leaves no deadline: waits unbounded.
        unbounded = None if math.isinf(left) else left
        waits = {
            phase: unbounded if limit is None else min(limit, left)
            for phase, limit in self.limits.as_dict().items()
        }
        content: Any = self._content
        if self._upload is not None:
            upload = self._upload
            content = upload.async_content() if self._asynchronous else upload.content()
        files = None
        if self.endpoint.body_format == "multipart" and self._form is not None:
            files = {
                name: (upload.file_name(name), upload.reader(), "application/octet-stream")
                for name, upload in self._files.items()
            }
        return http.build_request(
            self.endpoint.method,
            self.url,
            params=self.params,
            headers=self.headers,
            content=content,
            data=self._form,
            files=files,
            timeout=httpx.Timeout(None, **waits),
        )

    def guard(self, response: httpx.Response) -> None:
        """Make reading ``response``'s body give up once the call's timeout has passed."""
        response.stream = _Deadlined(response.stream, self.deadline, response.request)

    def retry(self, outcome: httpx.Response | httpx.RequestError) -> float | None:
        """Seconds to pause before trying again after ``outcome``, or None to stop."""
        if isinstance(outcome, httpx.RequestError) and not isinstance(
            outcome, httpx.TransportError
        ):
            return None
        delay = self.settings.retries.delay(self.attempt, outcome, replayable=self.replayable)
        if delay is None or self.deadline <= time.monotonic() or not self._rewind():
            return None
        self.attempt += 1
        self.deadline += delay  # a pause is not time spent waiting on the service
        return delay

    def _rewind(self) -> bool:
        uploads = [self._upload] if self._upload is not None else list(self._files.values())
        return all(upload.rewind() for upload in uploads)

    def failure(self, error: httpx.RequestError) -> ApiError:
        """The ``ApiError`` for a request that got no response."""
        target = f"{self.endpoint.method} {self.url}"
        attempts = f"{self.attempt + 1} attempt(s)"
        if isinstance(error, httpx.TimeoutException):
            what = next((text for kind, text in _TIMEOUTS if isinstance(error, kind)), "timed out")
            limit = _longest(self.limits)
            return ApiTimeoutError(
                f"{target}: {what} (the call's timeout: {limit:g} s; {attempts})"
            )
        reason = str(error) or type(error).__name__
        return ApiConnectionError(f"{target}: {reason} ({attempts})")


# What each kind of timeout means to the caller.
_TIMEOUTS: tuple[tuple[type[httpx.TimeoutException], str], ...] = (
    (httpx.ConnectTimeout, "could not connect in time"),
    (httpx.ReadTimeout, "no answer in time"),
    (httpx.WriteTimeout, "could not send the request in time"),
    (httpx.PoolTimeout, "no free connection in time"),
)


def _query_value(value: Any, where: str) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [parameter_text(item, where) for item in value]
    return parameter_text(value, where)


def _longest(timeout: httpx.Timeout) -> float:
    """The call's deadline for a timeout: its longest limit (none: no deadline)."""
    limits = [limit for limit in timeout.as_dict().values() if limit is not None]
    return max(limits) if len(limits) == 4 else math.inf


class _Deadlined(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that is given up once a deadline has passed, between chunks."""

    def __init__(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, deadline: float, request: Any
    ) -> None:
        self._stream = stream
        self._deadline = deadline
        self._request = request

    def _check(self) -> None:
        if time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the body was still arriving", request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        for chunk in self._stream:
            self._check()
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for chunk in self._stream:
            self._check()
            yield chunk

    def close(self) -> None:
        assert isinstance(self._stream, httpx.SyncByteStream)
        self._stream.close()

    async def aclose(self) -> None:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        await self._stream.aclose()


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
    ``UnexpectedResponseError``. A body's bytes are never changed: what is not the
    documented JSON is kept as text only when it is text, else as the bytes sent."""
    if response.status_code >= 300:
        raise error_for(response)
    data: Any = None
    problems: list[str] = []
    if endpoint.data_format == "bytes":
        data = response.content
    elif endpoint.data_format == "text":
        data = _text(response)
        if isinstance(data, bytes):
            problems.append(_kept_as_bytes(response, "text"))
    elif endpoint.data_format == "json":
        if response.content:
            data, problems = _read_json(endpoint, response)
        elif endpoint.data is not None and response.status_code != 204:
            problems.append("the body is empty, where the docs give one")
    if problems:
        if strict:
            raise UnexpectedResponseError.of(response, problems)
        _warn_once(endpoint, problems)
    return ApiResponse(data, response.status_code, response.headers, tuple(problems))


def _text(response: httpx.Response) -> str | bytes:
    """The body as text when it decodes as its charset (UTF-8 by default) says, else
    its bytes: decoding must not replace a single one of them."""
    charset = response.charset_encoding or "utf-8"
    try:
        return response.content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return response.content


def _media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.partition(";")[0].strip().lower()


def _kept_as_bytes(response: httpx.Response, documented: str) -> str:
    sent = _media_type(response) or "no media type"
    return f"the body ({sent}) is not {documented}: kept as the {len(response.content)} bytes sent"


def _read_json(endpoint: Endpoint, response: httpx.Response) -> tuple[Any, list[str]]:
    """The body as its documented type, as far as it fits, and where it does not."""
    media_type = _media_type(response)
    if media_type and "json" not in media_type and not media_type.startswith("text/"):
        return response.content, [_kept_as_bytes(response, "JSON")]
    try:
        value = response.json()
    except (ValueError, UnicodeDecodeError):
        text = _text(response)
        if isinstance(text, bytes):
            return text, [_kept_as_bytes(response, "JSON")]
        return text, ["the body is not JSON, kept as text"]
    if endpoint.data is None:
        return value, []
    from pydantic import ValidationError

    from ._model import read

    problems: list[str] = []
    try:
        data = read(endpoint.data(), value, problems)
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


def iterate_pages(call: Callable[[str | None], ApiResponse[T]]) -> Iterator[ApiResponse[T]]:
    """Every page of a list: ``call(page)`` with each ``opc-next-page`` in turn, from
    None. A token given before would repeat pages forever: it raises
    ``UnexpectedResponseError``."""
    seen: set[str] = set()
    page: str | None = None
    while True:
        response = call(page)
        yield response
        page = _next_page(response, seen)
        if page is None:
            return


async def async_iterate_pages(
    call: Callable[[str | None], Any],
) -> AsyncIterator[ApiResponse[Any]]:
    """``iterate_pages`` for the async client: ``call(page)`` is awaited."""
    seen: set[str] = set()
    page: str | None = None
    while True:
        response = await call(page)
        yield response
        page = _next_page(response, seen)
        if page is None:
            return


def _next_page(response: ApiResponse[Any], seen: set[str]) -> str | None:
    page = response.next_page
    if not page:
        return None
    if page in seen:
        raise UnexpectedResponseError(
            f"opc-next-page {page!r} was given before: the pages would repeat forever",
            status_code=response.status_code,
            headers=response.headers,
            request_id=response.request_id,
            problems=(f"opc-next-page {page!r} repeated",),
        )
    seen.add(page)
    return page


def error_for(response: httpx.Response) -> ApiError:
    """The error for a failed response, whatever its body: the documented Error
    object, another JSON document, HTML or plain text."""
    body = _json_or_none(response)
    code = message = None
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        message = _json_message(body)
    if message is None and body is None:
        text = _text(response)
        if isinstance(text, str):
            message = _html_message(text) if "<" in text else " ".join(text.split())
    if not message:
        message = response.reason_phrase or f"status {response.status_code}"
    cls = error_class(response.status_code)
    return cls(
        message[:500],
        status_code=response.status_code,
        code=code,
        request_id=response.headers.get("opc-request-id"),
        headers=response.headers,
        body=body if body is not None else _text(response),
        response=response,
    )


_MESSAGE_KEYS = ("message", "detail", "title", "reason", "error_description", "error")


def _json_message(body: Any, depth: int = 0) -> str | None:
    """The message of a JSON error body: ``message`` and the like, also inside an
    ``error`` object or the first of an ``errors`` list."""
    if isinstance(body, list) and body and depth < 3:
        return _json_message(body[0], depth + 1)
    if not isinstance(body, dict):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    for key in ("error", "errors"):
        if key in body and depth < 3:
            found = _json_message(body[key], depth + 1)
            if found:
                return found
    return None


def _html_message(text: str) -> str:
    """What a person reads first on an HTML error page: its title, else its visible
    text (never its styles or scripts)."""
    page = _PageText()
    page.feed(text)
    page.close()
    return " ".join(" ".join(page.title).split()) or " ".join(" ".join(page.text).split())


class _PageText(HTMLParser):
    _HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})

    def __init__(self) -> None:
        super().__init__()
        self.title: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []  # the elements that matter, as opened

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._HIDDEN or tag == "title":
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "title" in self._open:
            self.title.append(data)
        elif not self._HIDDEN.intersection(self._open):
            self.text.append(data)
