"""Faults a client's tests ask for with a request header."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from http import HTTPStatus

from ._errors import ApiFailure
from ._types import remember

FAULT_HEADER = "x-docs2sdk-fault"
_ERROR_STATUSES = frozenset(s.value for s in HTTPStatus if s.value >= 400)


@dataclass(frozen=True)
class Fault:
    status: int | None
    count: int
    retry_after: str
    delay: float


def parse_fault(text: str) -> Fault:
    """The ``x-docs2sdk-fault`` header: ``STATUS[;count=N][;retry-after=S][;delay=S]``."""
    status: int | None = None
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        if sep:
            options[name.strip().lower()] = value.strip()
        elif part.isdigit() and int(part) in _ERROR_STATUSES:
            status = int(part)
        else:
            raise ApiFailure(400, f"Invalid header '{FAULT_HEADER}': {part!r} is no error status")
    unknown = options.keys() - {"count", "retry-after", "delay"}
    if unknown:
        raise ApiFailure(400, f"Invalid header '{FAULT_HEADER}': unknown option {min(unknown)!r}")
    try:
        count = int(options.get("count", "1"))
        delay = float(options.get("delay", "0"))
        retry_after = options.get("retry-after", "1")
        float(retry_after)  # sent as given, but it must be a number of seconds
    except ValueError as exc:
        raise ApiFailure(400, f"Invalid header '{FAULT_HEADER}': {exc}") from None
    return Fault(status, count, retry_after, delay)


class Faults:
    """How many times each faulting request was seen, to fail only its first attempts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[tuple[str, str], int] = {}

    async def apply(self, text: str, request_id: str) -> None:
        """Wait and fail as the header ``text`` asks, for this attempt of the request."""
        fault = parse_fault(text)
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.status is None:
            return
        with self.lock:
            seen = self.seen.get((text, request_id), 0) + 1
            remember(self.seen, (text, request_id), seen)
        if seen <= fault.count:
            raise ApiFailure(
                fault.status,
                f"Injected by {FAULT_HEADER}: attempt {seen} of {fault.count} fails",
                headers={"retry-after": fault.retry_after},
            )
