"""Files byte for byte, of any size: the installed aidp_workbench client moves files to
and from real loopback servers, sync and async, whatever media type the server names,
streamed both ways."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import io
import os
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.cache import file_digest
from generator.generate.views import OperationView
from generator.model import (
    ApiModel,
    Content,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Schema,
)
from generator.project import project_files
from generator.write import write_tree

from .aidp_operations import operation
from .conftest import install_package
from .file_server import FileServer, pattern_bytes
from .scripted_server import Reply, ScriptedServer, scripted_server, serving

ALL_BYTES = pattern_bytes(1024 * 1024)  # every byte value, 4,096 times over
DIGEST = hashlib.sha256(ALL_BYTES).hexdigest()
IDS = {"aiDataPlatformId": "adp1", "volumeKey": "v1"}
ERROR = {"code": "ServiceUnavailable", "message": "try again"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileServer]:
    with serving(FileServer(tmp_path_factory.mktemp("files"))) as running:
        yield running


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture(scope="module")
def download(aidp_model: ApiModel) -> OperationView:
    return operation(aidp_model, "POST", "/actions/downloadFile")


@pytest.fixture(scope="module")
def upload(aidp_model: ApiModel) -> OperationView:
    return operation(aidp_model, "POST", "/actions/uploadFile")


def arguments(op: OperationView, **by_wire_name: Any) -> dict[str, Any]:
    """Keyword arguments for ``op``'s method, given by the parameters' JSON names."""
    names = {p.wire_name: p.name for p in op.parameters}
    return {names[wire]: value for wire, value in by_wire_name.items()}


def file_args(op: OperationView, name: str) -> dict[str, Any]:
    return arguments(op, **IDS, path=name)


@pytest.mark.parametrize(
    "media_type",
    ["application/json", "application/octet-stream", "application/zip", "text/plain", None],
    ids=["as-documented", "octet-stream", "zip", "text", "none"],
)
def test_every_byte_value_survives_a_download(
    aidp_sdk: Path,
    files: FileServer,
    download: OperationView,
    media_type: str | None,
    tmp_path: Path,
) -> None:
    """The docs say application/json (string(binary)); the bytes come back as sent
    whatever the server names, and nothing is reported as differing."""
    from aidp_workbench import AsyncClient, Client

    headers = {"x-answer-type": media_type} if media_type else {}
    args = file_args(download, f"pattern:{len(ALL_BYTES)}")
    assert download.stream_name is not None
    with Client(files.url, headers=headers) as client:
        response = getattr(client, download.name)(**args)
        assert response.data == ALL_BYTES and response.problems == ()
        with getattr(client, download.stream_name)(**args) as streamed:
            assert streamed.status_code == 200
            assert b"".join(streamed.iter_bytes()) == ALL_BYTES
        with getattr(client, download.stream_name)(**args) as streamed:
            assert streamed.write_to(tmp_path / "sync") == len(ALL_BYTES)
        assert (tmp_path / "sync").read_bytes() == ALL_BYTES

    async def read() -> tuple[bytes, bytes]:
        async with AsyncClient(files.url, headers=headers) as client:
            whole = (await getattr(client, download.name)(**args)).data
            async with getattr(client, download.stream_name)(**args) as streamed:
                chunks = [chunk async for chunk in streamed.aiter_bytes()]
            async with getattr(client, download.stream_name)(**args) as streamed:
                await streamed.write_to(tmp_path / "async")
        return whole, b"".join(chunks)

    assert asyncio.run(read()) == (ALL_BYTES, ALL_BYTES)
    assert (tmp_path / "async").read_bytes() == ALL_BYTES


@pytest.mark.parametrize(
    ("media_type", "body", "kept", "problem"),
    [
        ("application/octet-stream", bytes(range(256)), bytes, "kept as the 256 bytes sent"),
        ("text/plain", b"caf\xe9 \xff", bytes, "kept as the 6 bytes sent"),
        ("application/json", b"\x00\x01\xfe\xff", bytes, "kept as the 4 bytes sent"),
        ("text/html", "<p>caf\u00e9</p>".encode(), str, "not JSON, kept as text"),
    ],
    ids=["octet-stream", "text-not-utf8", "json-not-json", "html"],
)
def test_lenient_reading_never_changes_a_bodys_bytes(
    aidp_sdk: Path,
    aidp_model: ApiModel,
    server: ScriptedServer,
    media_type: str | None,
    body: bytes,
    kept: type,
    problem: str,
) -> None:
    """An operation documented to answer JSON, answered with something else: its bytes
    are kept as sent (text only when it is text), and the difference is listed."""
    from aidp_workbench import Client

    session = operation(aidp_model, "GET", "/notebook/api/sessions/{sessionId}")
    args = arguments(session, aiDataPlatformId="a", workspaceKey="w", sessionId="s")
    server.script(Reply(200, body, {"content-type": media_type} if media_type else {}))
    with Client(server.url, retries=0) as client:
        response = getattr(client, session.name)(**args)
    assert type(response.data) is kept
    sent = response.data if kept is bytes else response.data.encode()
    assert sent == body
    assert len(response.problems) == 1 and problem in response.problems[0]


def _chunks(data: bytes, size: int = 100_000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def _async_chunks(data: bytes) -> AsyncIterator[bytes]:
    for chunk in _chunks(data):
        yield chunk


# Each kind of file body, made from a file's path, and how it is framed when sent.
UPLOADS = {
    "bytes": (lambda path: path.read_bytes(), "length"),
    "bytearray": (lambda path: bytearray(path.read_bytes()), "length"),
    "memoryview": (lambda path: memoryview(path.read_bytes()), "length"),
    "open-file": (lambda path: open(path, "rb"), "length"),  # noqa: SIM115
    "bytes-io": (lambda path: io.BytesIO(path.read_bytes()), "length"),
    "path": (lambda path: path, "length"),
    "iterator": (lambda path: _chunks(path.read_bytes()), "chunked"),
}


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_every_byte_value_survives_an_upload(
    aidp_sdk: Path, files: FileServer, upload: OperationView, kind: str, tmp_path: Path
) -> None:
    """Each kind of file body arrives byte for byte, with its length when it is known."""
    from aidp_workbench import AsyncClient, Client

    source = tmp_path / "source.bin"
    source.write_bytes(ALL_BYTES)
    make, framing = UPLOADS[kind]
    with Client(files.url) as client:
        body = make(source)
        sent = getattr(client, upload.name)(**file_args(upload, f"sync-{kind}"), body=body)
    assert sent.status_code == 204
    assert sent.headers["x-received-sha256"] == DIGEST
    assert sent.headers["x-received-framing"] == framing

    async def send(body: Any) -> httpx.Headers:
        async with AsyncClient(files.url) as client:
            args = file_args(upload, f"async-{kind}")
            return (await getattr(client, upload.name)(**args, body=body)).headers

    assert asyncio.run(send(make(source)))["x-received-sha256"] == DIGEST
    received = asyncio.run(send(_async_chunks(ALL_BYTES)))
    assert (received["x-received-sha256"], received["x-received-framing"]) == (DIGEST, "chunked")


@pytest.mark.parametrize(
    "body",
    ["some text", 12, 1.5, {"a": 1}, object(), ["text", "chunks"], "text-file", "async-iterator"],
    ids=["str", "int", "float", "dict", "object", "iterator-of-str", "text-file", "async-in-sync"],
)
def test_what_is_not_a_file_is_refused_before_sending(
    aidp_sdk: Path, server: ScriptedServer, upload: OperationView, body: Any, tmp_path: Path
) -> None:
    from aidp_workbench import Client

    if body == "text-file":
        (tmp_path / "notes.txt").write_text("notes", encoding="utf-8")
        body = open(tmp_path / "notes.txt", encoding="utf-8")  # noqa: SIM115
    elif body == "async-iterator":
        body = _async_chunks(b"data")
    server.script(Reply(204, b""))
    with Client(server.url, retries=0) as client, pytest.raises(TypeError, match="body of POST"):
        getattr(client, upload.name)(**file_args(upload, "refused"), body=body)
    assert server.seen == [], "nothing was sent"
    if isinstance(body, io.TextIOBase):
        body.close()


def test_a_seekable_file_is_rewound_for_a_retry(
    aidp_sdk: Path, server: ScriptedServer, upload: OperationView, tmp_path: Path
) -> None:
    from aidp_workbench import Client, Retries

    source = tmp_path / "source.bin"
    source.write_bytes(ALL_BYTES[:5000])
    with Client(server.url, retries=Retries(total=2, backoff=0.01)) as client:
        with open(source, "rb") as file:
            file.seek(3)  # sent from where it stands, every time
            server.script(Reply(503, ERROR), Reply(204, b""))
            getattr(client, upload.name)(**file_args(upload, "f"), body=file)
        assert [seen.body for seen in server.seen] == [ALL_BYTES[3:5000]] * 2
        server.script(Reply(503, ERROR), Reply(204, b""))
        getattr(client, upload.name)(**file_args(upload, "f"), body=source)
        assert [seen.body for seen in server.seen] == [ALL_BYTES[:5000]] * 2


def test_a_stream_is_not_retried_once_read_from(
    aidp_sdk: Path, server: ScriptedServer, upload: OperationView
) -> None:
    from aidp_workbench import Client, Retries, ServiceUnavailableError

    with Client(server.url, retries=Retries(total=2, backoff=0.01)) as client:
        server.script(Reply(503, ERROR), Reply(204, b""))
        with pytest.raises(ServiceUnavailableError):
            getattr(client, upload.name)(**file_args(upload, "s"), body=_chunks(b"abc" * 10))
    assert len(server.seen) == 1 and server.seen[0].body == b"abc" * 10


def test_a_stream_not_read_yet_is_retried(aidp_sdk: Path, upload: OperationView) -> None:
    """A connection that was never made read nothing of the stream: it is sent whole next."""
    from aidp_workbench import Client, Retries

    received: list[bytes] = []

    class RefusedOnce(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if not received:
                received.append(b"")
                raise httpx.ConnectError("refused", request=request)
            received.append(request.read())
            return httpx.Response(204)

    http = httpx.Client(transport=RefusedOnce())
    with Client("http://files.invalid", http_client=http, retries=Retries(backoff=0.01)) as client:
        getattr(client, upload.name)(**file_args(upload, "s"), body=_chunks(b"xyz" * 5, 4))
    assert received == [b"", b"xyz" * 5]


def test_a_streamed_download_is_retried_only_before_its_body(
    aidp_sdk: Path, server: ScriptedServer, download: OperationView, tmp_path: Path
) -> None:
    from aidp_workbench import ApiConnectionError, Client, NotFoundError, Retries

    assert download.stream_name is not None
    args = file_args(download, "f")
    with Client(server.url, retries=Retries(total=2, backoff=0.01)) as client:
        server.script(
            Reply(429, ERROR, {"retry-after": "0"}),
            Reply(200, ALL_BYTES, {"content-type": "application/zip"}),
        )
        with getattr(client, download.stream_name)(**args) as streamed:
            assert streamed.read() == ALL_BYTES
        assert len(server.seen) == 2
        server.script(Reply(404, {"code": "NotAuthorizedOrNotFound", "message": "no file"}))
        with pytest.raises(NotFoundError, match="no file"):  # noqa: SIM117
            with getattr(client, download.stream_name)(**args):
                pass
    # A body that breaks part way is an error, never a short file.
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10
    with (
        one_shot_server(raw) as url,
        Client(url, retries=0) as client,
        getattr(client, download.stream_name)(**args) as streamed,
        pytest.raises(ApiConnectionError, match="part way through the body"),
    ):
        streamed.write_to(tmp_path / "partial")
    assert not (tmp_path / "partial").exists(), "the file it began is removed again"


def test_a_download_never_overwrites_a_file(
    aidp_sdk: Path, files: FileServer, download: OperationView, tmp_path: Path
) -> None:
    from aidp_workbench import Client

    mine = tmp_path / "mine.txt"
    mine.write_bytes(b"my own data")
    assert download.stream_name is not None
    with (
        Client(files.url) as client,
        getattr(client, download.stream_name)(**file_args(download, "pattern:10")) as streamed,
        pytest.raises(FileExistsError, match="never overwrites"),
    ):
        streamed.write_to(mine)
    assert mine.read_bytes() == b"my own data"


@contextmanager
def one_shot_server(raw: bytes) -> Iterator[str]:
    """A socket that answers the first connection with ``raw`` bytes, then closes it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(raw)

    threading.Thread(target=answer, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def _form_model() -> ApiModel:
    """An API with one operation that takes a multipart form: a file and a note."""
    text = Schema(type="string")
    return ApiModel(
        format_version=1,
        title="Forms",
        operations=[
            Operation(
                name="send_form",
                title="Send a form",
                method="post",
                path="/forms/{formId}",
                page="op-forms-post.html",
                parameters=[
                    Parameter.model_validate({"name": "formId", "in": "path", "schema": text}),
                    Parameter.model_validate(
                        {
                            "name": "upload",
                            "in": "form",
                            "required": True,
                            "schema": {"type": "file"},
                        }
                    ),
                    Parameter.model_validate({"name": "note", "in": "form", "schema": text}),
                ],
                request_body=RequestBody(content=[]),
                responses=[
                    Response(status="200", content=[Content(media_type="application/json")])
                ],
            )
        ],
    )


@pytest.fixture(scope="module")
def forms_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("forms")
    write_tree(root / "forms_sdk", project_files(_form_model(), "forms_sdk", "0.1.0", None))
    install_package(root / "forms_sdk", root / "site")
    import forms_sdk

    return forms_sdk


def _form_parts(seen: Any) -> dict[str, tuple[str | None, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"content-type: {seen.headers['content-type']}\r\n\r\n".encode() + seen.body
    )
    return {
        str(part.get_param("name", header="content-disposition")): (
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }


@pytest.mark.parametrize("kind", ["bytes", "open-file", "path", "iterator"])
def test_a_multipart_form_takes_the_same_file_bodies(
    forms_sdk: Any, server: ScriptedServer, kind: str, tmp_path: Path
) -> None:
    source = tmp_path / "picture.png"
    source.write_bytes(ALL_BYTES[:70_000])
    body = UPLOADS[kind][0](source)
    server.script(Reply(200, {}))
    with forms_sdk.Client(server.url, retries=0) as client:
        client.send_form(form_id="f1", body={"upload": body, "note": "hello"})
    parts = _form_parts(server.seen[0])
    assert parts["upload"][1] == ALL_BYTES[:70_000]
    assert parts["note"] == (None, b"hello")
    if kind in ("open-file", "path"):
        assert parts["upload"][0] == "picture.png"
    with forms_sdk.Client(server.url) as client, pytest.raises(TypeError, match="form field"):
        client.send_form(form_id="f1", body={"upload": "not a file"})


ROUND_TRIP = """
import sys
from pathlib import Path
from aidp_workbench import Client

def peak():
    # The process's own peak (ru_maxrss would keep the parent's across exec).
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

url, upload, stream, source, target = sys.argv[1:]
ids = {"ai_data_platform_id": "adp1", "volume_key": "v1", "path": "big.bin"}
with Client(url) as client:
    before = peak()
    getattr(client, upload)(**ids, body=Path(source))
    with getattr(client, stream)(**ids) as download:
        download.write_to(target)
    after = peak()
print(after - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc")
def test_a_100_mb_round_trip_stays_under_a_memory_bound(
    aidp_sdk: Path, download: OperationView, upload: OperationView, tmp_path: Path
) -> None:
    """Up and down again through the client in a process of its own, against the server
    in another: the client's peak memory grows by a small part of the file."""
    size = 100 * 1024 * 1024
    source, target = tmp_path / "source.bin", tmp_path / "back.bin"
    with open(source, "wb") as file:
        for _ in range(size // len(ALL_BYTES)):
            file.write(ALL_BYTES)
    assert download.stream_name is not None and upload.name
    env = {**os.environ, "PYTHONPATH": str(aidp_sdk.parent)}
    served = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("file_server.py")), "--root", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert served.stdout is not None
        url = served.stdout.readline().strip()
        args = [url, upload.name, download.stream_name, str(source), str(target)]
        client = subprocess.run(
            [sys.executable, "-c", ROUND_TRIP, *args], env=env, capture_output=True, text=True
        )
    finally:
        served.terminate()
        served.wait()
    assert client.returncode == 0, client.stderr
    grown = int(client.stdout)
    assert target.stat().st_size == size
    assert file_digest(source) == file_digest(target)
    assert grown < 30 * 1024 * 1024, f"peak memory grew by {grown / 2**20:.0f} MB"
