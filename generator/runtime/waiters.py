"""Waiting for a resource to reach a state: poll its get operation, backing off.

The clients have a ``wait_for_...`` method for each resource whose model documents a
lifecycle state; ``wait_until`` and ``async_wait_until`` wait on any operation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .errors import NotFoundError

if TYPE_CHECKING:  # only named in annotations
    from ._runtime import ApiResponse

__all__ = [
    "DEFAULT_WAIT",
    "LIFECYCLE_FIELDS",
    "WaitError",
    "WaitFailedError",
    "WaitTimeoutError",
    "async_wait_until",
    "is_failure",
    "settling",
    "wait_until",
]

# The fields that hold a resource's lifecycle state, by their names on the wire, in
# order of preference (the stub moves the same field).
LIFECYCLE_FIELDS = ("lifecycleState", "state")
DEFAULT_WAIT = 1200.0  # seconds, as oci.wait_until
FIRST_INTERVAL = 1.0
MAX_INTERVAL = 30.0

T = TypeVar("T")


class WaitError(Exception):
    """A wait that ended short of the wanted states; ``response`` is the last answer."""

    def __init__(self, message: str, response: ApiResponse[Any]) -> None:
        super().__init__(message)
        self.response = response


class WaitFailedError(WaitError):
    """The resource reached a state it does not leave on its own, such as FAILED."""


class WaitTimeoutError(WaitError, TimeoutError):
    """The resource did not reach the wanted states in time."""


class _Wait:
    """What one wait decides after each answer; the sync and async loops share it."""

    def __init__(
        self,
        field: str,
        wanted: Collection[str],
        failed: Collection[str],
        gone: str | None,
        timeout: float,
        interval: float,
        max_interval: float,
        documented: Collection[str] | None,
    ) -> None:
        if isinstance(wanted, str):
            raise TypeError(f"states is a collection of states, e.g. [{wanted!r}], not a str")
        if not wanted:
            raise ValueError("Name at least one state to wait for")
        if documented is not None:
            unknown = sorted(set(wanted) - set(documented))
            if unknown:
                raise ValueError(
                    f"{', '.join(map(repr, unknown))}: not a documented state of {field} "
                    f"({', '.join(documented)}); it would never be reached"
                )
        self.field = field
        self.wanted = frozenset(wanted)
        # A state asked for is no failure, even where it usually is one.
        self.failed = frozenset(failed) - self.wanted
        self.gone_wanted = gone is not None and gone in self.wanted
        self.deadline = time.monotonic() + timeout
        self.interval = interval
        self.max_interval = max_interval

    def reached(self, response: ApiResponse[Any]) -> bool:
        state = _value(response.data, self.field)
        if state in self.wanted:
            return True
        if state in self.failed:
            raise WaitFailedError(
                f"{self.field} is {state!r}, a failure; waited for {_listed(self.wanted)}",
                response,
            )
        return False

    def gone(self, error: NotFoundError) -> None:
        """A 404: the end of a wait for deletion, an error for any other wait."""
        if not self.gone_wanted:
            raise error

    def delay(self, response: ApiResponse[Any]) -> float:
        """Seconds to sleep before the next poll: the interval, doubled each time."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            state = _value(response.data, self.field)
            raise WaitTimeoutError(
                f"{self.field} is still {state!r}; waited for {_listed(self.wanted)}", response
            )
        delay = min(self.interval, left)
        self.interval = min(self.interval * 2, self.max_interval)
        return delay


@overload
def wait_until(
    get: Callable[[], ApiResponse[T]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = ...,
    gone: None = None,
    timeout: float = ...,
    interval: float = ...,
    max_interval: float = ...,
    documented: Collection[str] | None = ...,
) -> ApiResponse[T]: ...


@overload
def wait_until(
    get: Callable[[], ApiResponse[T]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = ...,
    gone: str,
    timeout: float = ...,
    interval: float = ...,
    max_interval: float = ...,
    documented: Collection[str] | None = ...,
) -> ApiResponse[T] | None: ...


def wait_until(
    get: Callable[[], ApiResponse[T]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = (),
    gone: str | None = None,
    timeout: float = DEFAULT_WAIT,
    interval: float = FIRST_INTERVAL,
    max_interval: float = MAX_INTERVAL,
    documented: Collection[str] | None = None,
) -> ApiResponse[T] | None:
    """Call ``get`` until its ``data.<field>`` (its key, for a dict) is one of ``states``.

    Returns the response that shows it. A state in ``failed`` raises ``WaitFailedError``;
    no wanted state after ``timeout`` seconds raises ``WaitTimeoutError``. ``gone`` is the
    state a 404 stands for (``DELETED``): when it is wanted, a 404 ends the wait and None
    is returned. Polls are ``interval`` seconds apart at first, doubling up to ``max_interval``.
    ``states`` is a collection (a bare string is refused); with ``documented``, the states
    the resource can take, a state not among them is refused, as it would never come.
    """
    wait = _Wait(field, states, failed, gone, timeout, interval, max_interval, documented)
    while True:
        try:
            response = get()
        except NotFoundError as error:
            wait.gone(error)
            return None
        if wait.reached(response):
            return response
        time.sleep(wait.delay(response))


@overload
async def async_wait_until(
    get: Callable[[], Awaitable[ApiResponse[T]]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = ...,
    gone: None = None,
    timeout: float = ...,
    interval: float = ...,
    max_interval: float = ...,
    documented: Collection[str] | None = ...,
) -> ApiResponse[T]: ...


@overload
async def async_wait_until(
    get: Callable[[], Awaitable[ApiResponse[T]]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = ...,
    gone: str,
    timeout: float = ...,
    interval: float = ...,
    max_interval: float = ...,
    documented: Collection[str] | None = ...,
) -> ApiResponse[T] | None: ...


async def async_wait_until(
    get: Callable[[], Awaitable[ApiResponse[T]]],
    field: str,
    states: Collection[str],
    *,
    failed: Collection[str] = (),
    gone: str | None = None,
    timeout: float = DEFAULT_WAIT,
    interval: float = FIRST_INTERVAL,
    max_interval: float = MAX_INTERVAL,
    documented: Collection[str] | None = None,
) -> ApiResponse[T] | None:
    """``wait_until`` for an ``AsyncClient``: ``get`` returns an awaitable."""
    wait = _Wait(field, states, failed, gone, timeout, interval, max_interval, documented)
    while True:
        try:
            response = await get()
        except NotFoundError as error:
            wait.gone(error)
            return None
        if wait.reached(response):
            return response
        await asyncio.sleep(wait.delay(response))


def is_failure(state: str) -> bool:
    """Whether a state is a failure, as OCI names them: FAILED, ..._ATTACH_FAILED."""
    return "FAIL" in state


def settling(states: Sequence[Any]) -> tuple[str, str] | None:
    """A new resource's first documented state and the one it settles in, when the first
    is a transition (CREATING, PROVISIONING): the next documented state that is neither
    a transition nor a failure (ACTIVE)."""
    first = states[0] if states else None
    if not isinstance(first, str) or not first.endswith("ING"):
        return None
    settled = (
        s for s in states[1:] if isinstance(s, str) and not s.endswith("ING") and not is_failure(s)
    )
    then = next(settled, None)
    return None if then is None else (first, then)


def _value(data: Any, field: str) -> Any:
    return data.get(field) if isinstance(data, Mapping) else getattr(data, field, None)


def _listed(states: frozenset[str]) -> str:
    return ", ".join(sorted(states))
