"""The stub as an ASGI application: routing, checking requests, answering, and the
command that serves it."""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import importlib
import json
import logging
import socket
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ._blobs import Blob
from ._errors import ERROR_CODES, ApiFailure, Invalid, SeedError
from ._faults import FAULT_HEADER, Faults
from ._routing import match_path, parameters_of, pattern_of, segments_of
from ._store import Clock, Store
from ._types import Arguments, Files, Filter, Operation, Result, remember

DEFAULT_MAX_BODY = 1024 * 1024
# A file body (an upload) is kept as it comes, on disk past a few megabytes: it may be large.
DEFAULT_MAX_UPLOAD = 10 * 1024**3
# What the stub serves: the API description docs2sdk built from the model. Data, kept
# out of the code so that only the stub reads it, and only when it starts.
SPEC_PATH = Path(__file__).parent.parent / "_server_spec.json"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Exit codes of the command: seed data that does not validate, an address not to be had.
EXIT_SEED = 3
EXIT_ADDRESS = 1
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
        max_upload: int = DEFAULT_MAX_UPLOAD,
        lifecycle_delay: float = 0.0,
        clock: Clock | None = None,
    ) -> None:
        self.store = Store(spec, seed=seed, data=data, lifecycle_delay=lifecycle_delay, clock=clock)
        self.checker = self.store.checker
        self.max_body = max_body
        self.max_upload = max_upload
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
            names = parameters_of(path)
            self.routes.setdefault(len(pattern), []).append((pattern, names, by_path[path]))
        # One lock around every look at the store: each check-then-write is atomic
        # however the ASGI server schedules requests (threads or an event loop).
        self.lock = threading.Lock()
        # (operation, its path values, token) -> the first request's digest, its answer
        self.tokens: dict[tuple[str, str, str], tuple[bytes, Result]] = {}
        self.faults = Faults()

    def _operation(self, op: dict[str, Any]) -> Operation:
        collections = self.store.collections
        collection = collections.get(op["collection"] or "")
        list_field = op.get("list_field")
        list_item = None
        if op["kind"] == "list" and op["response"] and op["response"]["schema"]:
            listed = self.store.schemas.resolve(op["response"]["schema"])
            if list_field:
                listed = self.store.schemas.resolve(
                    self.store.schemas.properties(listed)[0][list_field]
                )
            list_item = listed.get("items")
        files = op.get("files")
        states = op.get("states")
        id_from = op.get("id_from")
        return Operation(
            name=op["name"],
            kind=op["kind"],
            status=op["status"],
            parameters=op["parameters"],
            body=op["body"],
            response=op["response"],
            collection=collection,
            error_media_type=op.get("error_media_type"),
            owners=tuple(collections[path] for path in op.get("owners", ())),
            list_field=list_field,
            list_item=list_item,
            filters=tuple(Filter(*f) for f in op.get("filters", ())),
            sorts={
                value: (field, bool(desc)) for value, (field, desc) in op.get("sorts", {}).items()
            },
            id_from=(id_from["in"], id_from["name"]) if id_from else None,
            on_item=bool(op.get("on_item")),
            states=(states[0], states[1]) if states else None,
            files=Files(**files) if files else None,
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
        try:
            op, path_values = self._route_request(request)
        except ApiFailure:
            # Read what was sent, whatever the answer: a body left unread would cost
            # the connection.
            async for _chunk in request.stream():
                pass
            raise
        content = None
        try:
            raw_body, content = await self._read_body(op, request)
            fault_text = request.headers.get(FAULT_HEADER)
            if fault_text:
                # Attempts of one request are told apart by its id, or, with none, by
                # what the request is: a fault meant for one request is never another's.
                identity = request.headers.get("opc-request-id") or " ".join(
                    (
                        request.method,
                        request.url.path,
                        request.url.query,
                        _digest(raw_body, content),
                    )
                )
                await self.faults.apply(fault_text, identity)
            return self._serve(op, path_values, request, raw_body, content)
        except ApiFailure as exc:
            exc.media_type = op.error_media_type
            raise
        finally:
            if content is not None and not content.kept:
                content.discard()

    def _route_request(self, request: Request) -> tuple[Operation, dict[str, str]]:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        try:
            segments = segments_of(raw_path.decode("ascii"))
        except UnicodeDecodeError:
            raise ApiFailure(400, "The request path is not ASCII: encode it") from None
        return self._route(request.method, segments)

    def _serve(
        self,
        op: Operation,
        path_values: dict[str, str],
        request: Request,
        raw_body: bytes,
        content: Blob | None,
    ) -> Result:
        """The answer to a request routed to ``op``: checked, then replayed for a known
        retry token or carried out on the store."""
        arguments = self._parameters(op, path_values, request)
        body = self._body(op, raw_body, request.headers.get("content-type"))
        token = request.headers.get("opc-retry-token") if request.method in _WRITES else None
        # A token belongs to one request to one resource: the same token elsewhere is
        # another token; the same token here with another query or body is a conflict.
        scope = (op.name, json.dumps(sorted(path_values.items())), token or "")
        fingerprint = _meaning(request, body, raw_body, content) if token is not None else b""
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
                arguments,
                body,
                if_match=request.headers.get("if-match"),
                url_path=request.url.path,
                content=content,
            )
            if token is not None and result.status < 300:
                # What was answered then, not what the resource has become since.
                first_answer = dataclasses.replace(result, body=copy.deepcopy(result.body))
                remember(self.tokens, scope, (fingerprint, first_answer))
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
    ) -> Arguments:
        """Checks the path, query and header parameters; returns the query and header
        ones' values."""
        arguments = Arguments()
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
                arguments.query[name] = value
            elif where == "header":
                arguments.headers[name] = value
        return arguments

    async def _read_body(self, op: Operation, request: Request) -> tuple[bytes, Blob | None]:
        """The body: a file kept as it comes (held once, on disk when large), anything
        else read whole; past the limit, the client gets its 413 once it is done."""
        if op.file_body:
            content, limit = Blob(), self.max_upload
            async for chunk in request.stream():
                if content.size + len(chunk) <= limit:
                    content.write(chunk)
                else:
                    content.size += len(chunk)
            content.close()
            if content.size > limit:
                raise ApiFailure(413, f"The request body is {content.size} bytes; at most {limit}")
            return b"", content
        body = bytearray()
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size <= self.max_body:
                body += chunk
        if size > self.max_body:
            raise ApiFailure(413, f"The request body is {size} bytes; at most {self.max_body}")
        return bytes(body), None

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
        if isinstance(result.body, Blob):
            headers["content-length"] = str(result.body.size)
            if head:
                return Response(b"", result.status, headers, media_type)
            return StreamingResponse(
                _chunks(result.body), result.status, headers, media_type=media_type
            )
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


async def _chunks(blob: Blob) -> AsyncIterator[bytes]:
    for chunk in blob.chunks():
        yield chunk


def _digest(raw: bytes, content: Blob | None) -> str:
    return content.digest.hexdigest() if content is not None else hashlib.sha256(raw).hexdigest()


def _meaning(request: Request, body: Any, raw: bytes, content: Blob | None) -> bytes:
    """A digest of what a request asks, not how it is written: its query parameters in
    order, and its JSON body parsed (white space and key order aside), or its bytes."""
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted(request.query_params.multi_items())).encode())
    if body is not None:
        digest.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    else:
        digest.update(_digest(raw, content).encode())
    return digest.digest()


def load_data(path: Path) -> Any:
    """Seed data from a JSON file, or YAML for any other name; ``SeedError`` when the
    file cannot be read as such."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot be read: {exc}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SeedError(f"{path}: not JSON: {exc}") from None
    # By name: the server extra installs PyYAML, and only seed files need it.
    yaml = importlib.import_module("yaml")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not YAML: {exc}") from None


async def _lifespan(receive: Receive, send: Send) -> None:
    """Starting and stopping need nothing: the store lives with the application."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(
    *,
    seed: int = 0,
    data: Mapping[str, Any] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    spec: dict[str, Any] | None = None,
    lifecycle_delay: float = 0.0,
    clock: Clock | None = None,
) -> StubServer:
    """The stub as an ASGI application, e.g. for ``uvicorn`` or ``httpx.ASGITransport``.

    It answers every path itself, however odd (an encoded line feed, a dot segment),
    with the documented Error body: no router stands before it. A created resource
    moves to its next lifecycle state ``lifecycle_delay`` seconds after its creation.
    ``data`` seeds it (``SeedError`` names what does not fit); ``clock`` gives the
    server's own times (now, by default).
    """
    if spec is None:
        spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return StubServer(
        spec,
        seed=seed,
        data=data,
        max_body=max_body,
        max_upload=max_upload,
        lifecycle_delay=lifecycle_delay,
        clock=clock,
    )


def main(argv: list[str] | None = None) -> None:
    package = __package__.rpartition(".")[0] if __package__ else "server"
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    title = spec.get("title") or "API"
    parser = argparse.ArgumentParser(
        prog=f"python -m {package}.server",
        description=f"Serve a stateful, validating stub of the {title}.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 for any free port")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated values")
    parser.add_argument("--data", type=Path, help="seed data: collection path -> resources")
    parser.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="bytes")
    parser.add_argument(
        "--max-upload", type=int, default=DEFAULT_MAX_UPLOAD, help="bytes of a file body"
    )
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

    try:
        app = create_app(
            seed=args.seed,
            data=load_data(args.data) if args.data else None,
            max_body=args.max_body,
            max_upload=args.max_upload,
            spec=spec,
            lifecycle_delay=args.lifecycle_delay,
        )
    except SeedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_SEED)
    listening = _bind(args.host, args.port)
    host, port = listening.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Stub of the {title} listening on http://{shown}:{port} (Ctrl+C stops it)", flush=True)
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        access_log=args.log_level in ("trace", "debug", "info"),
    )
    uvicorn.Server(config).run(sockets=[listening])


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before anything is said to be served there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Connections inherit it: an answer goes out at once, not 40 ms later when the
    # client's delayed ACK releases its second part.
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(EXIT_ADDRESS)
    listening.listen(2048)
    listening.set_inheritable(True)
    return listening


def _encode(body: dict[str, str], media_type: str | None) -> Any:
    """An error body in the media type the pages document for errors: JSON by default,
    CSV rows for CSV, YAML for YAML, and JSON text for any other type."""
    if media_type is None or "json" in media_type.lower():
        return body
    kind = media_type.split(";")[0].strip().lower()
    if kind == "text/csv":
        rows = ["code,message", ",".join(json.dumps(v) for v in body.values())]
        return ("\r\n".join(rows) + "\r\n").encode()
    if "yaml" in kind:
        return "".join(f"{k}: {_yaml_string(v)}\n" for k, v in body.items()).encode()
    return json.dumps(body, ensure_ascii=False).encode()


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar of ``text``, whatever it holds: every character YAML
    does not allow as it is (control characters, U+0082...) is escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif 0x20 <= code <= 0x7E:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'
