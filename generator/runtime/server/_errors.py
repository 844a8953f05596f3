"""The stub's errors: an answer in the documented Error shape, and an invalid value."""

from __future__ import annotations

from http import HTTPStatus

ERROR_CODES = {
    400: "InvalidParameter",
    404: "NotAuthorizedOrNotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "NoEtagMatch",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class ApiFailure(Exception):
    """An error answer: the status, and the documented Error body's code and message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or ERROR_CODES.get(status) or HTTPStatus(status).phrase.replace(" ", "")
        self.message = message
        self.headers = headers or {}
        # The media type the pages document errors in, where not JSON: set once the
        # operation is known.
        self.media_type: str | None = None


class Invalid(Exception):
    """A value that does not match its schema; ``where`` names the field."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where
        self.problem = problem

    def failure(self, what: str) -> ApiFailure:
        """The 400 answer, e.g. ``Invalid query parameter 'limit': must be an integer``."""
        if not self.where:
            return ApiFailure(400, f"Invalid {what}: {self.problem}")
        return ApiFailure(400, f"Invalid {what} '{self.where}': {self.problem}")


class SeedError(ValueError):
    """Seed data that does not fit the API: the message names the place and the field."""
