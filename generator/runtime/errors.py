"""The errors a call raises: one class per documented failure status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations
    import httpx


class ApiError(Exception):
    """The service answered with an error status, or with a response the client
    cannot take as success.

    ``code`` and ``message`` come from the documented Error body when the service
    sent one; any other body (HTML, plain text, other JSON) still gives a message.
    ``response`` is the ``httpx.Response`` itself.
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str | None,
        message: str,
        request_id: str | None,
        headers: httpx.Headers,
        body: Any,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.request_id = request_id
        self.headers = headers
        self.body = body
        self.response = response

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        request = f" (opc-request-id {self.request_id})" if self.request_id else ""
        return f"{self.status_code}{code}: {self.message}{request}"


class UnexpectedResponseError(ApiError):
    """A successful response whose body differs from the docs, with ``strict=True``.

    ``problems`` lists each difference; the call itself succeeded on the server.
    """

    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, response: httpx.Response, problems: list[str]) -> UnexpectedResponseError:
        error = cls(
            status_code=response.status_code,
            code=None,
            message="the response differs from the docs: " + "; ".join(problems),
            request_id=response.headers.get("opc-request-id"),
            headers=response.headers,
            body=response.content,
            response=response,
        )
        error.problems = tuple(problems)
        return error


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
