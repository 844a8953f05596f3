"""The errors a call raises: one class per documented failure status, and one each for
a call that timed out or could not reach the service.

Every error pickles and copies with what it carries, so one raised in a worker process
(``concurrent.futures.ProcessPoolExecutor``) reaches the caller as itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations
    import httpx


class ApiError(Exception):
    """The service answered with an error status, or with a response the client
    cannot take as success, or did not answer at all.

    ``code`` and ``message`` come from the documented Error body when the service
    sent one; any other body (HTML, plain text, other JSON) still gives a message.
    ``response`` is the ``httpx.Response`` itself; it and ``status_code`` are None when
    no response came (``ApiTimeoutError``, ``ApiConnectionError``).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        headers: httpx.Headers | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.request_id = request_id
        if headers is None:
            import httpx

            headers = httpx.Headers()
        self.headers = headers
        self.body = body
        self.response = response

    def __str__(self) -> str:
        status = f"{self.status_code}" if self.status_code is not None else ""
        code = f" {self.code}" if self.code else ""
        lead = f"{status}{code}: " if status or code else ""
        request = f" (opc-request-id {self.request_id})" if self.request_id else ""
        return f"{lead}{self.message}{request}"

    def __repr__(self) -> str:
        fields = {
            "status_code": self.status_code,
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
        }
        shown = ", ".join(
            f"{name}={value!r}" for name, value in fields.items() if value is not None
        )
        return f"{type(self).__name__}({shown})"


class ApiTimeoutError(ApiError, TimeoutError):
    """The call's timeout ran out before the service answered (see ``Client``)."""


class ApiConnectionError(ApiError, ConnectionError):
    """The service could not be reached, or the connection broke before it answered."""


class UnexpectedResponseError(ApiError):
    """A successful response the client cannot take as the docs describe it: with
    ``strict=True``, one whose body differs from the docs; or a list whose next-page
    token repeats, which would page forever.

    ``problems`` lists each difference; the call itself succeeded on the server.
    """

    def __init__(self, message: str, *, problems: tuple[str, ...] = (), **details: Any) -> None:
        super().__init__(message, **details)
        self.problems = problems

    @classmethod
    def of(cls, response: httpx.Response, problems: list[str]) -> UnexpectedResponseError:
        return cls(
            "the response differs from the docs: " + "; ".join(problems),
            problems=tuple(problems),
            status_code=response.status_code,
            request_id=response.headers.get("opc-request-id"),
            headers=response.headers,
            body=response.content,
            response=response,
        )


class BadRequestError(ApiError):
    """Status 400."""


class UnauthorizedError(ApiError):
    """Status 401."""


class ForbiddenError(ApiError):
    """Status 403."""


class NotFoundError(ApiError):
    """Status 404."""


class ConflictError(ApiError):
    """Status 409."""


class PreconditionFailedError(ApiError):
    """Status 412."""


class TooManyRequestsError(ApiError):
    """Status 429."""


class InternalServerError(ApiError):
    """Status 500."""


class ServiceUnavailableError(ApiError):
    """Status 503."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    429: TooManyRequestsError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}
# The statuses with a class of their own, by status text: what the generator documents.
ERROR_CLASS_NAMES = {str(status): cls.__name__ for status, cls in _BY_STATUS.items()}


def error_class(status_code: int) -> type[ApiError]:
    """The error class for a status; statuses without their own class get ``ApiError``."""
    return _BY_STATUS.get(status_code, ApiError)
