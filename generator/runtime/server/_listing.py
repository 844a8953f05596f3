"""Lists as the pages describe them: filtered by the query parameters that name fields,
sorted by ``sortBy`` in its documented default order, paged by opaque tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ._errors import ApiFailure
from ._types import Filter, Operation, Resource

# (serial) with no sortBy, (present, rank, value, serial) with one: unique, so a page
# token marks a place in the order that no delete moves.
SortKey = list[Any]


def matches(value: Any, wanted: Any, flt: Filter) -> bool:
    """Whether a stored field's ``value`` passes the filter asking for ``wanted``."""
    if isinstance(wanted, list):
        return any(matches(value, one, flt) for one in wanted)
    if isinstance(value, list) and flt.how == "equals":
        return any(matches(one, wanted, flt) for one in value)
    if value is None and wanted is False:
        return True  # a flag nobody set is not set
    if flt.ignore_case and isinstance(value, str) and isinstance(wanted, str):
        value, wanted = value.casefold(), wanted.casefold()
    if flt.how == "equals":
        return bool(value == wanted)
    if not isinstance(value, str) or not isinstance(wanted, str):
        if flt.how in ("contains", "under") or value is None:
            return False
        return _compare(value, wanted, flt.how)
    if flt.how == "contains":
        return wanted in value
    if flt.how == "under":
        return value == wanted or value.startswith(wanted.rstrip("/") + "/")
    return _compare(_moment(value), _moment(wanted), flt.how)


def _moment(text: str) -> Any:
    """A date-time as a moment (so that offsets compare right), other text as it is."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text


def _compare(value: Any, bound: Any, how: str) -> bool:
    try:
        if how == "ge":
            return bool(value >= bound)
        if how == "gt":
            return bool(value > bound)
        if how == "le":
            return bool(value <= bound)
        return bool(value < bound)
    except TypeError:  # a naive date-time against an aware one, a number against text
        return False


def _rank(value: Any) -> list[Any]:
    """A sortable form of any JSON value: values of one type compare among themselves."""
    if value is None:
        return [0, 0]
    if isinstance(value, bool):
        return [1, int(value)]
    if isinstance(value, (int, float)):
        return [2, value]
    if isinstance(value, str):
        return [3, value]
    return [4, json.dumps(value, sort_keys=True)]


class Lister:
    """Filters, sorts and pages a collection's resources; page tokens are signed with a
    secret of this server, so a token is only ever one this server gave."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def page(
        self, op: Operation, resources: Iterable[Resource], query: Mapping[str, Any]
    ) -> tuple[list[Resource], str | None]:
        """The resources on the asked-for page, and the token of the next page, if any."""
        found = list(resources)
        for flt in op.filters:
            if flt.parameter in query:
                wanted = query[flt.parameter]
                found = [r for r in found if matches(r.data.get(flt.field), wanted, flt)]
        order = self._order(op, query)
        field, descending = order
        if field:
            keyed = [([*_rank(r.data.get(field)), r.serial], r) for r in found]
        else:
            keyed = [([r.serial], r) for r in found]
        keyed.sort(key=lambda pair: pair[0], reverse=descending)
        token = query.get("page")
        if token is not None:
            after = self._read(str(token), order)
            keyed = [pair for pair in keyed if (pair[0] < after if descending else pair[0] > after)]
        limit = query.get("limit")
        if isinstance(limit, int) and len(keyed) > limit:
            return [r for _key, r in keyed[:limit]], self._token(order, keyed[limit - 1][0])
        return [r for _key, r in keyed], None

    @staticmethod
    def _order(op: Operation, query: Mapping[str, Any]) -> tuple[str, bool]:
        """The field to sort on ("" for the order of creation) and whether descending:
        ``sortOrder`` when given, else the default the pages state for the field."""
        sort_by = query.get("sortBy")
        field, descending = op.sorts.get(str(sort_by), ("", False)) if sort_by else ("", False)
        order = query.get("sortOrder")
        if isinstance(order, str):
            descending = order.upper() == "DESC"
        return field, descending

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()[:16]

    def _token(self, order: tuple[str, bool], key: SortKey) -> str:
        payload = json.dumps([*order, key], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + self._sign(payload)

    def _read(self, token: str, order: tuple[str, bool]) -> SortKey:
        """Where the page a token names starts: after the key it holds."""
        text, _dot, signature = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except ValueError:
            payload = b""
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            raise ApiFailure(
                400,
                f"Invalid query parameter 'page': {token!r} is not a page token from this "
                "server: send the opc-next-page header of the previous page",
            )
        field, descending, key = json.loads(payload)
        if (field, descending) != order:
            raise ApiFailure(
                400,
                "Invalid query parameter 'page': the token is for another sortBy or "
                "sortOrder: list again from the first page",
            )
        return list(key)
