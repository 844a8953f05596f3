"""The stub as an ASGI application: routing, checking requests, answering, and the
command that serves it."""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import re
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ._errors import ERROR_CODES, ApiFailure, Invalid
from ._faults import FAULT_HEADER, Faults
from ._routing import match_path, pattern_of, segments_of
from ._schemas import Checker
from ._store import Store
from ._types import Operation, Result, remember

DEFAULT_MAX_BODY = 1024 * 1024
# What the stub serves: the API description docs2sdk built from the model. Data, kept
# out of the code so that only the stub reads it, and only when it starts.
SPEC_PATH = Path(__file__).parent.parent / "_server_spec.json"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_log = logging.getLogger(__name__)


class StubServer:
    """The in-memory API: routes requests, checks them, and answers from the store."""

    def __init__(
        self,
        spec: dict[str, Any],
        *,
        seed: int = 0,
        data: Mapping[str, Any] | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        lifecycle_delay: float = 0.0,
    ) -> None:
        self.store = Store(spec, seed=seed, data=data, lifecycle_delay=lifecycle_delay)
        self.checker = Checker(self.store.schemas)
        self.max_body = max_body
        # Routes by segment count, literal segments before parameters, so
        # ``.../actions/start`` wins over ``.../{key}``.
        self.routes: dict[
            int, list[tuple[tuple[str | None, ...], list[str], dict[str, Operation]]]
        ] = {}
        by_path: dict[str, dict[str, Operation]] = {}
        for op in spec["operations"]:
            by_path.setdefault(op["path"], {})[op["method"]] = self._operation(op)
        for path in sorted(by_path, key=lambda p: tuple(s is None for s in pattern_of(p))):
            pattern = pattern_of(path)
            names = re.findall(r"\{([^{}]+)\}", path)
            self.routes.setdefault(len(pattern), []).append((pattern, names, by_path[path]))
        # One lock around every look at the store: each check-then-write is atomic
        # however the ASGI server schedules requests (threads or an event loop).
        self.lock = threading.Lock()
        # (operation, its path values, token) -> the first request's digest, its answer
        self.tokens: dict[tuple[str, str, str], tuple[bytes, Result]] = {}
        self.faults = Faults()

    def _operation(self, op: dict[str, Any]) -> Operation:
        collection = self.store.collections.get(op["collection"] or "")
        list_field = op.get("list_field")
        list_item = None
        if op["kind"] == "list" and op["response"] and op["response"]["schema"]:
            listed = self.store.schemas.resolve(op["response"]["schema"])
            if list_field:
                listed = self.store.schemas.resolve(
                    self.store.schemas.properties(listed)[0][list_field]
                )
            list_item = listed.get("items")
        return Operation(
            name=op["name"],
            kind=op["kind"],
            status=op["status"],
            parameters=op["parameters"],
            body=op["body"],
            response=op["response"],
            collection=collection,
            error_media_type=op.get("error_media_type"),
            list_field=list_field,
            list_item=list_item,
            filters=tuple((p, f, how) for p, f, how in op.get("filters", ())),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        request = Request(scope, receive)
        request_id = request.headers.get("opc-request-id") or uuid.uuid4().hex.upper()
        try:
            result = await self.handle(request)
        except ClientDisconnect:
            return  # nobody to answer
        except ApiFailure as exc:
            body = {"code": exc.code, "message": exc.message}
            result = Result(exc.status, _encode(body, exc.media_type), exc.media_type, exc.headers)
        except Exception as exc:  # a stub bug still answers in the documented shape
            _log.exception("stub server error")
            message = f"{type(exc).__name__}: {exc}"
            result = Result(500, {"code": ERROR_CODES[500], "message": message})
        response = self._response(result, request_id, head=request.method == "HEAD")
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Result:
        # Read first, whatever the answer: a body left unread would cost the connection.
        raw_body = await self._read_body(request)
        fault_text = request.headers.get(FAULT_HEADER)
        if fault_text:
            await self.faults.apply(fault_text, request.headers.get("opc-request-id", ""))
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        try:
            segments = segments_of(raw_path.decode("ascii"))
        except UnicodeDecodeError:
            raise ApiFailure(400, "The request path is not ASCII: encode it") from None
        op, path_values = self._route(request.method, segments)
        try:
            return self._serve(op, path_values, request, raw_body)
        except ApiFailure as exc:
            exc.media_type = op.error_media_type
            raise

    def _serve(
        self, op: Operation, path_values: dict[str, str], request: Request, raw_body: bytes
    ) -> Result:
        """The answer to a request routed to ``op``: checked, then replayed for a known
        retry token or carried out on the store."""
        query = self._parameters(op, path_values, request)
        body = self._body(op, raw_body, request.headers.get("content-type"))
        token = request.headers.get("opc-retry-token") if request.method in _WRITES else None
        # A token belongs to one request to one resource: the same token elsewhere is
        # another token; the same token here with another query or body is a conflict.
        scope = (op.name, json.dumps(sorted(path_values.items())), token or "")
        fingerprint = hashlib.sha256(b"\n".join([request.url.query.encode(), raw_body])).digest()
        with self.lock:
            if token is not None and scope in self.tokens:
                first, answer = self.tokens[scope]
                if first != fingerprint:
                    raise ApiFailure(
                        409,
                        "opc-retry-token was used before for another request",
                        code="InvalidatedRetryToken",
                    )
                return answer
            result = self.store.execute(
                op,
                path_values,
                query,
                body,
                if_match=request.headers.get("if-match"),
                url_path=request.url.path,
                raw_query=request.query_params,
            )
            if token is not None and result.status < 300:
                remember(self.tokens, scope, (fingerprint, result))
            return result

    def _route(self, method: str, segments: list[str]) -> tuple[Operation, dict[str, str]]:
        allowed: set[str] = set()
        for pattern, names, ops in self.routes.get(len(segments), ()):
            values = match_path(pattern, segments)
            if values is None:
                continue
            if method in ops:
                return ops[method], dict(zip(names, values, strict=True))
            allowed |= ops.keys()
        if allowed:
            methods = ", ".join(sorted(allowed))
            raise ApiFailure(
                405,
                f"{method} is not documented for this path; documented: {methods}",
                headers={"allow": methods},
            )
        raise ApiFailure(404, "No operation is documented at /" + "/".join(segments))

    def _parameters(
        self, op: Operation, path_values: dict[str, str], request: Request
    ) -> dict[str, Any]:
        """Checks the path, query and header parameters; returns the query ones' values."""
        query: dict[str, Any] = {}
        for p in op.parameters:
            name, where, schema = p["name"], p["in"], p["schema"]
            raw: str | list[str] | None
            if where == "path":
                raw = path_values.get(name)
            elif where == "query":
                raw = request.query_params.getlist(name) or None
            else:
                raw = request.headers.get(name)
            if raw is None:
                if p["required"]:
                    raise ApiFailure(400, f"Missing required {where} parameter '{name}'")
                continue
            try:
                value = self.checker.convert(raw, schema, name)
                self.checker.check(value, schema, name)
            except Invalid as exc:
                raise exc.failure(f"{where} parameter") from None
            if where == "query":
                query[name] = value
        return query

    async def _read_body(self, request: Request) -> bytes:
        """The body, read whole (a client mid-upload gets its 413 only once it is done)."""
        body = bytearray()
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size <= self.max_body:
                body += chunk
        if size > self.max_body:
            raise ApiFailure(413, f"The request body is {size} bytes; at most {self.max_body}")
        return bytes(body)

    def _body(self, op: Operation, raw: bytes, content_type: str | None) -> Any:
        if op.body is None or not op.body["json"]:
            return None
        if not raw:
            raise ApiFailure(400, "Invalid request body: a JSON body is required")
        media = (content_type or "application/json").split(";")[0].strip().lower()
        if "json" not in media:
            raise ApiFailure(
                415, f"Content type {media!r} is not accepted here: send application/json"
            )
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ApiFailure(400, f"Invalid request body: malformed JSON ({exc})") from None
        if op.body["schema"] is not None:
            try:
                self.checker.check(body, op.body["schema"], "")
            except Invalid as exc:
                raise exc.failure("request body field" if exc.where else "request body") from None
            body = self.checker.without_nulls(body, op.body["schema"])
        return body

    def _response(self, result: Result, request_id: str, *, head: bool) -> Response:
        headers = {**result.headers, "opc-request-id": request_id}
        media_type = result.media_type
        if result.body is None:
            content = b""
        elif isinstance(result.body, bytes):
            content = result.body
        else:
            content = json.dumps(result.body, separators=(",", ":"), ensure_ascii=False).encode()
            media_type = "application/json"
        return Response(
            b"" if head else content,
            status_code=result.status,
            headers=headers,
            media_type=media_type,
        )


async def _lifespan(receive: Receive, send: Send) -> None:
    """Starting and stopping need nothing: the store lives with the application."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def load_data(path: Path) -> Any:
    """Seed data from a JSON file, or YAML (with PyYAML installed) for any other name."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    # Imported by name: PyYAML is needed only for YAML seed files.
    yaml = importlib.import_module("yaml")
    return yaml.safe_load(text)


def create_app(
    *,
    seed: int = 0,
    data: Mapping[str, Any] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    spec: dict[str, Any] | None = None,
    lifecycle_delay: float = 0.0,
) -> StubServer:
    """The stub as an ASGI application, e.g. for ``uvicorn`` or ``httpx.ASGITransport``.

    It answers every path itself, however odd (an encoded line feed, a dot segment),
    with the documented Error body: no router stands before it. A created resource
    moves to its next lifecycle state ``lifecycle_delay`` seconds after its creation.
    """
    if spec is None:
        spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return StubServer(
        spec, seed=seed, data=data, max_body=max_body, lifecycle_delay=lifecycle_delay
    )


def main(argv: list[str] | None = None) -> None:
    package = __package__.rpartition(".")[0] if __package__ else "server"
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    parser = argparse.ArgumentParser(
        prog=f"python -m {package}.server",
        description=f"Serve a stateful, validating stub of the {spec.get('title', 'API')}.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated values")
    parser.add_argument("--data", type=Path, help="seed data: collection path -> resources")
    parser.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="bytes")
    parser.add_argument(
        "--lifecycle-delay",
        type=float,
        default=0.0,
        help="seconds before a created resource moves to its next lifecycle state",
    )
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    # Imported here: create_app serves through any ASGI server, uvicorn is for the command.
    import uvicorn

    data = load_data(args.data) if args.data else None
    app = create_app(
        seed=args.seed,
        data=data,
        max_body=args.max_body,
        spec=spec,
        lifecycle_delay=args.lifecycle_delay,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.log_level in ("trace", "debug", "info"),
    )


def _encode(body: dict[str, str], media_type: str | None) -> Any:
    """An error body in the media type the pages document for errors: JSON by default,
    CSV rows for CSV, and JSON text (which is YAML too) for any other type."""
    if media_type is None or "json" in media_type.lower():
        return body
    if media_type.split(";")[0].strip().lower() == "text/csv":
        rows = ["code,message", ",".join(json.dumps(v) for v in body.values())]
        return ("\r\n".join(rows) + "\r\n").encode()
    return json.dumps(body, ensure_ascii=False).encode()
