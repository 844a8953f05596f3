"""The AI Data Platform package's command line, used as its users use it: every
operation called from it against the in-memory stub (click's runner), and the console
script itself in a process of its own against the stub served over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from generator.runtime.waiters import LIFECYCLE_FIELDS, settling

from .scripted_server import Reply, scripted_server
from .stub_calls import StubPlan, serving
from .test_oci_signer import FINGERPRINT, TENANCY, USER

PROGRAM = "aidp-workbench"


@pytest.fixture(scope="module")
def plan(aidp_sdk: Path) -> StubPlan:
    return StubPlan(aidp_sdk)


@pytest.fixture(scope="module")
def table(plan: StubPlan) -> dict[str, Any]:
    return plan.table


def groups_of(table: dict[str, Any]) -> dict[str, str]:
    """Each command's group, by the client method it calls."""
    return {
        entry["method"]: group["name"] for group in table["groups"] for entry in group["commands"]
    }


def flags(entry: dict[str, Any], arguments: dict[str, Any]) -> list[str]:
    """The command line options that pass ``arguments`` (the client method's)."""
    words: list[str] = []
    for option in entry["options"]:
        if option["argument"] not in arguments:
            continue
        value = arguments[option["argument"]]
        for item in value if option["multiple"] else [value]:
            words += [f"--{option['flag']}", text(item, option["type"])]
    if "body" in arguments:
        body = arguments["body"]
        text_body = body.decode() if isinstance(body, bytes) else body
        words += ["--body", text_body if isinstance(text_body, str) else json.dumps(body)]
    return words


def text(value: Any, kind: str) -> str:
    if kind == "json":
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run(args: list[str], client: Any = None, **options: Any) -> Result:
    """The command line on ``args``, in this process, with ``client`` (a stub client)."""
    from aidp_workbench.cli import command_line

    return CliRunner().invoke(command_line(), args, obj=client, prog_name=PROGRAM, **options)


def stub_app(plan: StubPlan, **options: Any) -> Any:
    from aidp_workbench.server import create_app

    return create_app(data=plan.data(), **options)


class Recording(httpx.BaseTransport):
    """A transport that records each request and what the command had written to
    standard output before it was sent."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.written: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        self.written.append(buffer.getvalue() if hasattr(buffer, "getvalue") else b"")
        self.requests.append(request)
        return self.inner.handle_request(request)


def recording_client(app: Any) -> tuple[Any, Recording]:
    from aidp_workbench import Client
    from aidp_workbench.server import SyncASGITransport
    from aidp_workbench.testing import BASE_URL

    transport = Recording(SyncASGITransport(app))
    http = httpx.Client(transport=transport, base_url=BASE_URL)
    return Client(BASE_URL, http_client=http, retries=0), transport


def test_every_operation_from_the_command_line(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.server import create_app
    from aidp_workbench.testing import stub_client

    groups = groups_of(table)
    called: set[str] = set()
    for call in plan.calls():
        entry = call.entry
        args = [groups[entry["method"]], entry["name"], *flags(entry, call.arguments)]
        # A stub seeded for each: a call before it may have renamed what it works on.
        with stub_client(create_app(data=plan.data_for(call))) as client:
            result = run(args, client)
        called.add(entry["method"])
        if call.found:
            assert result.exit_code == 0, (args, result.stderr, result.exception)
            if result.stdout and entry["download"] is None:
                json.loads(result.stdout)
        else:
            assert result.exit_code == 1, (args, result.output)
            assert json.loads(result.stderr)["status"] == 404
    assert called == set(groups) and len(called) == len(plan.spec["operations"])


def test_help_of_every_group_and_command(table: dict[str, Any]) -> None:
    result = run(["--help"])
    assert result.exit_code == 0
    assert run(["--version"]).stdout == f"{PROGRAM}, version {table['version']}\n"
    for group in table["groups"]:
        assert group["name"] in result.stdout
        listing = run([group["name"], "--help"])
        assert listing.exit_code == 0, listing.output
        for entry in group["commands"]:
            assert entry["name"] in listing.stdout
            shown = run([group["name"], entry["name"], "--help"])
            assert shown.exit_code == 0, shown.output
            description = shown.stdout.split("\nOptions:")[0].rstrip()
            if entry["url"]:
                assert description.endswith(entry["url"]), description
            for option in entry["options"]:
                assert f"--{option['flag']}" in shown.stdout
                if option["choices"]:
                    assert "|".join(option["choices"]) in " ".join(shown.stdout.split())


def test_required_options_and_choices_are_checked(plan: StubPlan, table: dict[str, Any]) -> None:
    groups = groups_of(table)
    entry = next(
        e
        for e in (call.entry for call in plan.calls())
        if any(o["required"] for o in e["options"])
        and any(o["choices"] for o in e["options"] if not o["multiple"])
    )
    required = next(o for o in entry["options"] if o["required"])
    result = run([groups[entry["method"]], entry["name"]])
    assert result.exit_code == 2
    assert f"--{required['flag']}" in result.stderr
    choice = next(o for o in entry["options"] if o["choices"] and not o["multiple"])
    result = run([groups[entry["method"]], entry["name"], f"--{choice['flag']}", "NOT-A-CHOICE"])
    assert result.exit_code == 2
    assert "NOT-A-CHOICE" in result.stderr


def listing(plan: StubPlan) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A paged list of a collection the stub keeps items in, by ``limit``, its collection
    path and the collection's description."""
    for call in plan.calls():
        entry = call.entry
        op = next(o for o in plan.spec["operations"] if o["path"] == entry["path"])
        collection = plan.spec["collections"].get(op["collection"] or "")
        if (
            call.kind == "list"
            and entry["pages"] is not None
            and entry["pages"]["items"] == "items"
            and collection is not None
            and collection["id_param"]  # so the plan seeds an item in it
            and collection["id_field"]
            and not call.arguments.keys()
            - {o["argument"] for o in entry["options"] if o["in"] == "path"}
            and any(o["wire"] == "limit" for o in entry["options"])
        ):
            return entry, op["collection"], collection
    raise AssertionError("no paged list of a collection")


def seeded(plan: StubPlan, path: str, collection: dict[str, Any], count: int) -> dict[str, Any]:
    """The collection holding ``count`` items, and the items it is under."""
    filled = plan.filled(path)
    parents = {key: items for key, items in plan.data().items() if filled.startswith(key + "/")}
    return {**parents, filled: [{collection["id_field"]: f"item-{n}"} for n in range(count)]}


def test_all_streams_the_items_of_every_page(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.server import create_app

    entry, path, collection = listing(plan)
    app = create_app(data=seeded(plan, path, collection, 5))
    client, transport = recording_client(app)
    arguments = next(c.arguments for c in plan.calls() if c.entry is entry)
    limit = next(o["flag"] for o in entry["options"] if o["wire"] == "limit")
    args = [groups_of(table)[entry["method"]], entry["name"], *flags(entry, arguments)]
    with client:
        result = run([*args, "--all", f"--{limit}", "2"], client)
        picked = run([*args, "--all", f"--{limit}", "2", "--query", collection["id_field"]], client)
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [item[collection["id_field"]] for item in items] == [f"item-{n}" for n in range(5)]
    assert len(transport.requests) == 6  # pages of 2, 2 and 1, twice
    # Each page's items were written before the next page was asked for.
    assert b"item-1" in transport.written[1] and b"item-2" not in transport.written[1]
    assert b"item-3" in transport.written[2]
    # --query picks from each item.
    assert picked.exit_code == 0, picked.output
    assert json.loads(picked.stdout) == [f"item-{n}" for n in range(5)]


def test_query_picks_from_the_response(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.testing import stub_client

    entry, _, collection = listing(plan)
    arguments = next(c.arguments for c in plan.calls() if c.entry is entry)
    args = [groups_of(table)[entry["method"]], entry["name"], *flags(entry, arguments)]
    field = collection["id_field"]
    with stub_client(stub_app(plan)) as client:
        for _ in range(2):
            run(args, client)
        whole = json.loads(run(args, client).stdout)
        result = run([*args, "--query", f"items[].{field}"], client)
        assert json.loads(result.stdout) == [item[field] for item in whole["items"]]
        first = run([*args, "--query", f"items[0].{field}", "--raw-output"], client)
        assert first.stdout == whole["items"][0][field] + "\n"
        wrong = run([*args, "--query", "items[?"], client)
    assert wrong.exit_code == 2 and "--query" in wrong.stderr


def waited_create(plan: StubPlan) -> tuple[Any, str, str]:
    """A create followed by a waiter on what it makes, whose first state is a transition,
    the state it settles in, and the field that holds it."""
    for call in plan.calls():
        wait = call.entry["wait"]
        steps = settling(wait["states"]) if wait else None
        if call.kind == "create" and steps is not None:
            fields = plan.spec["collections"]
            op = next(o for o in plan.spec["operations"] if o["path"] == call.entry["path"])
            schema = fields[op["collection"]]["schema"]
            properties = plan.filler.schemas.properties(schema)[0]
            field = next(name for name in LIFECYCLE_FIELDS if name in properties)
            return call, steps[1], field
    raise AssertionError("no create with a waiter")


def test_wait_for_state_after_a_create(plan: StubPlan, table: dict[str, Any]) -> None:
    call, settled, field = waited_create(plan)
    client, transport = recording_client(stub_app(plan, lifecycle_delay=0.3))
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    args += flags(call.entry, call.arguments)
    with client:
        waited = run([*args, "--wait-for-state", settled], client)
    assert waited.exit_code == 0, waited.output
    assert json.loads(waited.stdout)[field] == settled
    reads = [r for r in transport.requests if r.method == "GET"]
    assert len(reads) >= 2  # it was not yet settled at the first read


def test_wait_for_deleted_ends_when_it_is_gone(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.testing import stub_client

    call = next(
        c
        for c in plan.calls()
        if c.kind == "delete"
        and c.found
        and c.entry["wait"]
        and "DELETED" in c.entry["wait"]["states"]
    )
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    with stub_client(stub_app(plan)) as client:
        result = run(
            [*args, *flags(call.entry, call.arguments), "--wait-for-state", "DELETED"], client
        )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_an_error_exits_1_with_its_status_code_message_and_request_id(
    plan: StubPlan, table: dict[str, Any]
) -> None:
    from aidp_workbench.testing import stub_client

    call = next(c for c in plan.calls() if c.kind == "read" and c.found)
    entry = call.entry
    missing = {**call.arguments}
    path_options = [o for o in entry["options"] if o["in"] == "path"]
    missing[path_options[-1]["argument"]] = "no-such-thing"
    args = [groups_of(table)[entry["method"]], entry["name"], *flags(entry, missing)]
    with stub_client(stub_app(plan)) as client:
        result = run(args, client)
    assert result.exit_code == 1
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert error["status"] == 404
    assert error["code"] == "NotAuthorizedOrNotFound"
    assert "no-such-thing" in error["message"]
    assert error["opc-request-id"]


def test_a_connection_that_fails_is_an_error_too(plan: StubPlan, table: dict[str, Any]) -> None:
    call = next(c for c in plan.calls() if c.kind == "read")
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    args += flags(call.entry, call.arguments)
    # Nothing listens on port 9 (discard) of loopback here.
    result = run([*args, "--endpoint", "http://127.0.0.1:9", "--auth", "none"])
    assert result.exit_code == 1
    assert json.loads(result.stderr)["status"] is None
    result = run([*args, "--auth", "none"])
    assert result.exit_code == 2 and "--endpoint" in result.stderr


@pytest.fixture
def oci_config(tmp_path: Path) -> Path:
    """An OCI config file: an API key profile, one in another realm, one with a token."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "key.pem").write_bytes(pem)
    (tmp_path / "token").write_text("header.payload.signature", encoding="utf-8")
    path = tmp_path / "config"
    path.write_text(
        f"[DEFAULT]\nuser={USER}\nfingerprint={FINGERPRINT}\ntenancy={TENANCY}\n"
        f"region=us-ashburn-1\nkey_file={tmp_path / 'key.pem'}\n\n"
        "[GOV]\nregion=uk-gov-london-1\n\n"
        f"[SESSION]\nsecurity_token_file={tmp_path / 'token'}\n",
        encoding="utf-8",
    )
    return path


def test_profile_config_file_region_and_auth_as_from_oci_config(
    plan: StubPlan, table: dict[str, Any], oci_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The region's endpoint can not be reached from here: what would be sent there is
    kept instead, and answered."""
    sent: list[httpx.Request] = []

    def answer(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={}, request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", answer)
    call = next(c for c in plan.calls() if c.kind == "read" and c.found)
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    args += [*flags(call.entry, call.arguments), "--config-file", str(oci_config)]
    key_id = f'keyId="{TENANCY}/{USER}/{FINGERPRINT}"'
    for extra, region, signed_by in [
        ([], "us-ashburn-1", key_id),
        (["--profile", "GOV"], "uk-gov-london-1", key_id),
        (["--region", "eu-frankfurt-1", "--auth", "api_key"], "eu-frankfurt-1", key_id),
        (["--profile", "SESSION"], "us-ashburn-1", 'keyId="ST$header.payload.signature"'),
        (["--auth", "security_token", "--profile", "SESSION"], "us-ashburn-1", "ST$header"),
    ]:
        result = run([*args, *extra])
        assert result.exit_code == 0, (extra, result.output)
        assert f".{region}." in sent[-1].url.host, (extra, sent[-1].url)
        assert signed_by in sent[-1].headers["authorization"], extra
    result = run(args, env={"OCI_CLI_PROFILE": "GOV"})
    assert result.exit_code == 0 and ".uk-gov-london-1." in sent[-1].url.host
    result = run([*args, "--profile", "NO-SUCH-PROFILE"])
    assert result.exit_code == 2 and "NO-SUCH-PROFILE" in result.stderr


def created_with(plan: StubPlan, table: dict[str, Any], extra: list[str], **options: Any) -> Any:
    """What a create answered, given the body with ``extra``."""
    from aidp_workbench.testing import stub_client

    call = next(
        c for c in plan.calls() if c.kind == "create" and c.entry["body"]["format"] == "json"
    )
    arguments = {k: v for k, v in call.arguments.items() if k != "body"}
    args = [
        groups_of(table)[call.entry["method"]],
        call.entry["name"],
        *flags(call.entry, arguments),
    ]
    with stub_client(stub_app(plan)) as client:
        result = run([*args, *extra], client, **options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), call


def test_a_body_from_a_file_and_from_standard_input(
    plan: StubPlan, table: dict[str, Any], tmp_path: Path
) -> None:
    call = next(
        c for c in plan.calls() if c.kind == "create" and c.entry["body"]["format"] == "json"
    )
    body = call.arguments["body"]
    text_fields = {k: v for k, v in body.items() if isinstance(v, str)}
    assert text_fields
    file = tmp_path / "body.json"
    file.write_text(json.dumps(body), encoding="utf-8")
    answer, _ = created_with(plan, table, ["--body", f"@{file}"])
    assert {k: answer[k] for k in text_fields} == text_fields
    answer, _ = created_with(plan, table, ["--body", "-"], input=json.dumps(body))
    assert {k: answer[k] for k in text_fields} == text_fields


def test_a_body_that_is_not_json_is_a_usage_error(plan: StubPlan, table: dict[str, Any]) -> None:
    call = next(
        c for c in plan.calls() if c.kind == "create" and c.entry["body"]["format"] == "json"
    )
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    args += flags(call.entry, {k: v for k, v in call.arguments.items() if k != "body"})
    result = run([*args, "--body", "{not json"])
    assert result.exit_code == 2 and "not JSON" in result.stderr
    result = run([*args, "--body", "@/no/such/file.json"])
    assert result.exit_code == 2 and "/no/such/file.json" in result.stderr


def test_a_flat_body_field_by_field(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.testing import stub_client

    groups = groups_of(table)
    call = next(
        c
        for c in plan.calls()
        if c.kind == "create"
        and c.entry["body"]["fields"]
        and any(f["type"] == "string" and not f["choices"] for f in c.entry["body"]["fields"])
    )
    fields = call.entry["body"]["fields"]
    body = call.arguments["body"]
    args = [groups[call.entry["method"]], call.entry["name"]]
    args += flags(call.entry, {k: v for k, v in call.arguments.items() if k != "body"})
    by_field = []
    for field in fields:
        if field["key"] in body:
            by_field += flags({"options": [{**field, "argument": field["key"]}]}, body)
    text_field = next(f for f in fields if f["type"] == "string" and not f["choices"])
    by_field += [f"--{text_field['flag']}", "set-by-its-option"]
    with stub_client(stub_app(plan)) as client:
        result = run([*args, *by_field], client)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[text_field["key"]] == "set-by-its-option"
        # A field's option sets that field of a --body.
        merged = run([*args, "--body", json.dumps(body), f"--{text_field['flag']}", "over"], client)
        assert json.loads(merged.stdout)[text_field["key"]] == "over"
    required = [f for f in fields if f["required"]]
    if required:
        result = run(args)
        assert result.exit_code == 2
        assert f"--{required[0]['flag']}" in result.stderr


def test_a_download_as_it_came_with_raw(plan: StubPlan, table: dict[str, Any]) -> None:
    from aidp_workbench.testing import stub_client

    downloads = [c for c in plan.calls() if c.entry["download"] and c.found]
    assert downloads
    groups = groups_of(table)
    for call in downloads:
        args = [groups[call.entry["method"]], call.entry["name"]]
        args += flags(call.entry, call.arguments)
        # Each from a stub as seeded: a download can make what it answers, once.
        with stub_client(stub_app(plan)) as client:
            sent = getattr(client, call.entry["method"])(**call.arguments).data
        with stub_client(stub_app(plan)) as client:
            raw = run([*args, "--raw"], client)
        with stub_client(stub_app(plan)) as client:
            as_json = run(args, client)
        body = sent if isinstance(sent, bytes) else sent.encode()
        assert raw.exit_code == 0, raw.output
        assert raw.stdout_bytes == body
        assert json.loads(as_json.stdout) == body.decode()


def test_a_binary_download_is_written_only_as_it_came(
    plan: StubPlan, table: dict[str, Any]
) -> None:
    call = next(c for c in plan.calls() if c.entry["download"] == "bytes")
    args = [groups_of(table)[call.entry["method"]], call.entry["name"]]
    args += [*flags(call.entry, call.arguments), "--auth", "none", "--endpoint"]
    binary = bytes(range(256))
    with scripted_server() as server:
        server.script(Reply(200, binary), Reply(200, binary))
        raw = run([*args, server.url, "--raw"])
        as_json = run([*args, server.url])
    assert raw.exit_code == 0 and raw.stdout_bytes == binary
    assert as_json.exit_code == 1
    assert "256 bytes" in as_json.stderr and "--raw" in as_json.stderr


def test_shell_completion_lists_groups_commands_and_options(table: dict[str, Any]) -> None:
    group = table["groups"][0]
    entry = group["commands"][0]
    variable = "_" + PROGRAM.upper().replace("-", "_") + "_COMPLETE"

    def complete(words: str) -> list[str]:
        env = {
            variable: "bash_complete",
            "COMP_WORDS": words,
            # The word being completed: a new one after a space.
            "COMP_CWORD": str(len(words.split()) - (not words.endswith(" "))),
        }
        result = run([], env=env)
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    assert group["name"] in complete(f"{PROGRAM} ")
    assert entry["name"] in complete(f"{PROGRAM} {group['name']} ")
    options = complete(f"{PROGRAM} {group['name']} {entry['name']} --")
    assert {f"--{o['flag']}" for o in entry["options"]} <= set(options)
    script = run([], env={variable: "bash_source"})
    assert variable in script.stdout


def site_env(site: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def test_help_imports_neither_the_models_nor_pydantic_nor_oci(
    aidp_sdk: Path, table: dict[str, Any]
) -> None:
    group = next(g for g in table["groups"] if any(c["body"] for c in g["commands"]))
    entry = next(c for c in group["commands"] if c["body"])
    code = (
        "import sys\n"
        "from aidp_workbench.cli import main\n"
        "try:\n"
        f"    main([{group['name']!r}, {entry['name']!r}, '--help'])\n"
        "except SystemExit as end:\n"
        "    assert end.code == 0, end.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('pydantic', 'oci', 'jmespath')]\n"
        "loaded += [m for m in sys.modules if m.startswith('aidp_workbench.models.')]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=site_env(aidp_sdk.parent), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
    assert entry["title"] in done.stdout


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("click", ["--help"], "cli"),
        ("jmespath", ["COMMAND", "--query", "x"], "cli"),
        ("mcp", ["mcp", "--endpoint", "http://127.0.0.1:9", "--auth", "none"], "mcp"),
    ],
)
def test_without_an_extra_it_says_what_to_install(
    aidp_sdk: Path, plan: StubPlan, missing: str, args: list[str], extra: str
) -> None:
    call = plan.calls()[0]
    command = [groups_of(plan.table)[call.entry["method"]], call.entry["name"]]
    args = (
        [*command, *flags(call.entry, call.arguments), *args[1:]] if args[0] == "COMMAND" else args
    )
    code = (
        "import sys\n"
        f"sys.modules[{missing!r}] = None  # as if it were not installed\n"
        "from aidp_workbench.__main__ import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=site_env(aidp_sdk.parent),
        capture_output=True,
        text=True,
    )
    assert done.returncode in (1, 2), done.stderr
    assert f"pip install 'aidp-workbench[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def served(
    aidp_sdk: Path, plan: StubPlan, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with serving(plan, aidp_sdk.parent, tmp_path_factory.mktemp("seed")) as url:
        yield url


def test_the_console_script_against_the_stub_over_http(
    aidp_sdk: Path, plan: StubPlan, table: dict[str, Any], served: str, tmp_path: Path
) -> None:
    script = aidp_sdk.parent / "bin" / PROGRAM
    env = {**site_env(aidp_sdk.parent), table["endpoint_variable"]: served, "OCI_CLI_AUTH": "none"}
    call, settled, field = waited_create(plan)
    group = groups_of(table)[call.entry["method"]]
    body = tmp_path / "body.json"
    body.write_text(json.dumps(call.arguments["body"]), encoding="utf-8")
    arguments = {k: v for k, v in call.arguments.items() if k != "body"}
    args = [str(script), group, call.entry["name"], *flags(call.entry, arguments)]
    done = subprocess.run(
        [*args, "--body", f"@{body}", "--wait-for-state", settled, "--query", field],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == settled
    missing = subprocess.run(
        [str(script), group, "no-such-command"], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no-such-command" in missing.stderr
