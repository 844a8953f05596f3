"""The stub behaves as the pages say the service does, so that a test that passes on it
passes on the service: one test per way it did not. Requests are plain httpx, to the
stub of the AI Data Platform book served in process."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.runtime.server import SyncASGITransport, create_app

from .conftest import AIDP_PROJECT

SPEC = json.loads((AIDP_PROJECT / "aidp_workbench" / "_server_spec.json").read_text("utf-8"))
PLATFORM = "/20260430/aiDataPlatforms/adp1"
WORKSPACES = f"{PLATFORM}/workspaces"
CLUSTER = {"type": "USER", "displayName": "c", "driverConfig": {"driverShape": "VM"}}
FAULT = "x-docs2sdk-fault"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    transport = SyncASGITransport(create_app(spec=SPEC))
    with httpx.Client(transport=transport, base_url="http://stub.invalid") as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def workspace(http: httpx.Client, **body: Any) -> str:
    """A new workspace's path."""
    made = ok(http.post(WORKSPACES, json={"displayName": uuid.uuid4().hex, **body}), 201)
    return f"{WORKSPACES}/{made['key']}"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- a correct client fails


def test_put_merges_the_fields_given(http: httpx.Client) -> None:
    at = workspace(http, description="old", defaultCatalogKey="cat1")
    before = ok(http.get(at))
    ok(http.put(at, json={"description": "new desc"}))
    after = ok(http.get(at))
    assert after["description"] == "new desc"
    assert after["displayName"] == before["displayName"]
    assert after["defaultCatalogKey"] == "cat1"


def test_times_move_forward(http: httpx.Client) -> None:
    made = [ok(http.get(workspace(http))) for _ in range(7)]
    created = [moment(w["timeCreated"]) for w in made]
    assert created == sorted(created) and len(set(created)) == 7
    assert abs((created[-1] - datetime.now(created[-1].tzinfo)).total_seconds()) < 60, "now"


def test_an_update_moves_time_updated(http: httpx.Client) -> None:
    at = workspace(http)
    before = ok(http.get(at))
    assert moment(before["timeUpdated"]) >= moment(before["timeCreated"])
    ok(http.put(at, json={"description": "changed"}))
    after = ok(http.get(at))
    assert moment(after["timeUpdated"]) > moment(before["timeUpdated"])
    assert after["timeCreated"] == before["timeCreated"]


def test_the_default_order_is_the_documented_one(http: httpx.Client) -> None:
    # The pages: "Default order for `timeCreated` is descending. Default order for
    # `displayName` is ascending."
    keys = [workspace(http, displayName=name).rsplit("/", 1)[1] for name in ("b", "c", "a")]
    listed = ok(http.get(WORKSPACES, params={"sortBy": "timeCreated"}))["items"]
    assert [w["key"] for w in listed] == keys[::-1]
    by_name = ok(http.get(WORKSPACES, params={"sortBy": "displayName"}))["items"]
    assert [w["displayName"] for w in by_name] == ["a", "b", "c"]
    ascending = ok(http.get(WORKSPACES, params={"sortBy": "timeCreated", "sortOrder": "ASC"}))
    assert [w["key"] for w in ascending["items"]] == keys


def test_a_state_filter_ignores_case(http: httpx.Client) -> None:
    # "The state value is case-insensitive."
    workspace(http)
    for state in ("active", "Active", "ACTIVE"):
        listed = ok(http.get(WORKSPACES, params={"lifecycleState": state}))["items"]
        assert [w["lifecycleState"] for w in listed] == ["ACTIVE"]
    assert http.get(WORKSPACES, params={"lifecycleState": "sleepy"}).status_code == 400


def test_a_cluster_settles_from_accepted(http: httpx.Client) -> None:
    clusters = f"{workspace(http)}/clusters"
    made = ok(http.post(clusters, json=CLUSTER), 201)
    assert made["state"] == "ACCEPTED"
    assert ok(http.get(f"{clusters}/{made['key']}"))["state"] == "ACTIVE"


def test_seeded_resources_have_settled() -> None:
    seed = {WORKSPACES: [{"key": "ws1", "displayName": "seeded"}]}
    transport = SyncASGITransport(create_app(spec=SPEC, data=seed))
    with httpx.Client(transport=transport, base_url="http://stub.invalid") as http:
        assert ok(http.get(f"{WORKSPACES}/ws1"))["lifecycleState"] == "ACTIVE"


def test_optional_fields_are_not_made_up(http: httpx.Client) -> None:
    made = ok(http.post(WORKSPACES, json={"displayName": "plain"}), 201)
    for field in ("description", "defaultCatalogKey", "isPrivateNetworkEnabled", "createdBy"):
        assert field not in made
    assert ok(http.get(f"{WORKSPACES}/{made['key']}")) == {**made, "lifecycleState": "ACTIVE"}
    private = ok(http.get(WORKSPACES, params={"isPrivateNetworkEnabled": "true"}))["items"]
    assert private == []
    public = ok(http.get(WORKSPACES, params={"isPrivateNetworkEnabled": "false"}))["items"]
    assert [w["key"] for w in public] == [made["key"]], "a flag nobody set is not set"


def test_a_retry_token_compares_json_by_meaning(http: httpx.Client) -> None:
    token = {"opc-retry-token": uuid.uuid4().hex, "content-type": "application/json"}
    first = http.post(
        WORKSPACES, content=b'{"displayName":"once","description":"d"}', headers=token
    )
    again = http.post(
        WORKSPACES, content=b'{ "description" : "d",\n  "displayName" : "once" }', headers=token
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    other = http.post(WORKSPACES, content=b'{"displayName":"twice"}', headers=token)
    assert (other.status_code, other.json()["code"]) == (409, "InvalidatedRetryToken")


# ---------------------------------------------------------------- a buggy client passes


def test_put_does_not_write_the_servers_fields(http: httpx.Client) -> None:
    at = workspace(http)
    before = ok(http.get(at))
    forged = {"timeCreated": "1999-01-01T00:00:00Z", "createdBy": "mallory", "key": "other"}
    ok(http.put(at, json={"description": "d", **forged}))
    after = ok(http.get(at))
    assert after["timeCreated"] == before["timeCreated"] and "createdBy" not in after
    assert after["key"] == before["key"] and after["description"] == "d"


def test_a_create_sets_no_field_of_the_servers(http: httpx.Client) -> None:
    forged = {"lifecycleState": "FAILED", "key": "chosen", "timeCreated": "1999-01-01T00:00:00Z"}
    made = ok(http.post(WORKSPACES, json={"displayName": "w", **forged}), 201)
    assert made["lifecycleState"] == "CREATING" and made["key"] != "chosen"
    assert made["timeCreated"] != forged["timeCreated"]
    assert http.get(f"{WORKSPACES}/chosen").status_code == 404


def test_the_resources_a_path_names_must_exist(http: httpx.Client) -> None:
    missing = http.post(f"{WORKSPACES}/nowhere/clusters", json=CLUSTER)
    assert missing.status_code == 404 and "'nowhere'" in missing.json()["message"]
    assert http.get(f"{WORKSPACES}/nowhere/clusters").status_code == 404
    assert http.get(f"{WORKSPACES}/nowhere/notebook/api/sessions").status_code == 404


def test_deleting_a_parent_leaves_no_orphans(http: httpx.Client) -> None:
    at = workspace(http)
    cluster = ok(http.post(f"{at}/clusters", json=CLUSTER), 201)
    # Every delete documents 409 Conflict: a workspace that holds clusters is refused.
    refused = http.delete(at)
    assert (refused.status_code, refused.json()["code"]) == (409, "Conflict")
    assert "clusters" in refused.json()["message"]
    assert ok(http.get(f"{at}/clusters/{cluster['key']}"))["key"] == cluster["key"]
    ok(http.delete(f"{at}/clusters/{cluster['key']}"), 204)
    ok(http.delete(at), 204)
    assert http.get(f"{at}/clusters").status_code == 404


def test_tables_filter_by_catalog_and_schema(http: httpx.Client) -> None:
    tables = f"{PLATFORM}/tables"
    for catalog in ("c1", "c2", "c3"):
        table = {"displayName": f"t-{catalog}", "tableType": "MANAGED"}
        ok(http.post(tables, json={**table, "catalogKey": catalog, "schemaKey": "s1"}), 204)
    listed = ok(http.get(tables, params={"catalogKey": "c1", "schemaKey": "s1"}))["items"]
    assert [t["displayName"] for t in listed] == ["t-c1"]
    assert ok(http.get(tables, params={"catalogKey": "c1", "schemaKey": "s2"}))["items"] == []


def test_jobs_filter_by_their_name(http: httpx.Client) -> None:
    # Jobs have a ``name``; their list documents displayName and displayNameContains.
    jobs = f"{workspace(http)}/jobs"
    for name in ("nightly-load", "weekly-report"):
        ok(http.post(jobs, json={"name": name}), 201)
    exact = ok(http.get(jobs, params={"displayName": "nightly-load"}))["items"]
    assert [j["name"] for j in exact] == ["nightly-load"]
    part = ok(http.get(jobs, params={"displayNameContains": "report"}))["items"]
    assert [j["name"] for j in part] == ["weekly-report"]


def test_names_the_pages_call_unique_are(http: httpx.Client) -> None:
    # "A user-friendly name that has to be unique in a AI Data Platform instance."
    workspace(http, displayName="dup")
    again = http.post(WORKSPACES, json={"displayName": "dup"})
    assert (again.status_code, again.json()["code"]) == (409, "Conflict")
    other = workspace(http, displayName="other")
    renamed = http.put(other, json={"displayName": "dup"})
    assert renamed.status_code == 409
    elsewhere = http.post("/20260430/aiDataPlatforms/adp2/workspaces", json={"displayName": "dup"})
    assert elsewhere.status_code == 201, "unique within one platform"


def test_role_names_ignore_case(http: httpx.Client) -> None:
    # "The role name ... Case insensitive."
    roles = f"{PLATFORM}/roles"
    ok(http.post(roles, json={"displayName": "Admin_1"}), 201)
    assert http.post(roles, json={"displayName": "admin_1"}).status_code == 409


def test_at_most_n_characters(http: httpx.Client) -> None:
    # "Name of the deployment. At most 255 characters and 255 UTF-8 bytes."
    body = {
        "model_name": "m",
        "deployment_targets": [{"model_version": "1", "traffic_percentage": 100}],
        "workspaceKey": "w",
        "computeKey": "c",
        "authType": "AIDP",
    }
    create = f"{PLATFORM}/mlops/api/2.0/model-deployments/create"
    too_long = http.post(create, json={**body, "name": "n" * 256})
    assert too_long.status_code == 400
    assert too_long.json()["message"].endswith("must be at most 255 characters long")
    assert http.post(create, json={**body, "name": "n" * 255}).status_code == 201


def test_stop_acts_on_its_cluster(http: httpx.Client) -> None:
    clusters = f"{workspace(http)}/clusters"
    made = [ok(http.post(clusters, json=CLUSTER | {"displayName": n}), 201) for n in "ab"]
    for cluster in made:
        at = f"{clusters}/{cluster['key']}"
        assert ok(http.get(at))["state"] == "ACTIVE"
        stopped = ok(http.post(f"{at}/actions/stop", json={}))
        assert (stopped["key"], stopped["state"]) == (cluster["key"], "STOPPING")
        assert ok(http.get(at))["state"] == "STOPPED"
        assert ok(http.post(f"{at}/actions/start", json={}))["state"] == "STARTING"
        assert ok(http.get(at))["state"] == "ACTIVE"


def test_actions_on_a_missing_resource_are_404(http: httpx.Client) -> None:
    clusters = f"{workspace(http)}/clusters"
    assert http.post(f"{clusters}/nope/actions/start", json={}).status_code == 404
    assert http.post(f"{WORKSPACES}/nope/clusters/c1/actions/start", json={}).status_code == 404


def test_actions_check_if_match(http: httpx.Client) -> None:
    clusters = f"{workspace(http)}/clusters"
    made = http.post(clusters, json=CLUSTER)
    at = f"{clusters}/{made.json()['key']}"
    bogus = http.post(f"{at}/actions/restart", json={}, headers={"if-match": "bogus"})
    assert (bogus.status_code, bogus.json()["code"]) == (412, "NoEtagMatch")
    current = http.get(at).headers["etag"]
    restarted = http.post(f"{at}/actions/restart", json={}, headers={"if-match": current})
    assert restarted.status_code == 200 and restarted.headers["etag"] != current


def test_action_answers_follow_the_request(http: httpx.Client) -> None:
    body = {
        "model_name": "m",
        "deployment_targets": [{"model_version": "1", "traffic_percentage": 100}],
        "workspaceKey": "w",
        "computeKey": "c",
        "authType": "AIDP",
    }
    create = f"{PLATFORM}/mlops/api/2.0/model-deployments/create"
    first = ok(http.post(create, json={**body, "name": "first"}), 201)
    second = ok(http.post(create, json={**body, "name": "second"}), 201)
    assert (first["name"], second["name"]) == ("first", "second")
    assert first["deployment_id"] != second["deployment_id"]


def test_a_saved_notebook_is_read_back(http: httpx.Client) -> None:
    contents = f"{workspace(http)}/notebook/api/contents"
    notebook = {"cells": [], "nbformat": 4}
    at = f"{contents}/work%2Fa.ipynb"
    made = ok(http.post(at, json={"type": "notebook", "format": "json", "content": notebook}), 201)
    assert (made["path"], made["name"]) == ("work/a.ipynb", "a.ipynb")
    read = ok(http.get(at))
    assert (read["content"], read["type"]) == (notebook, "notebook")
    saved = {"cells": [{"cell_type": "code", "source": "1"}], "nbformat": 4}
    ok(http.put(at, json={"content": saved, "type": "notebook", "format": "json"}))
    assert ok(http.get(at))["content"] == saved
    renamed = ok(http.patch(at, json={"path": "work/b.ipynb"}))
    assert renamed["path"] == "work/b.ipynb"
    assert ok(http.get(f"{contents}/work%2Fb.ipynb"))["content"] == saved
    assert http.get(at).status_code == 404


def volume(http: httpx.Client) -> str:
    made = {"displayName": uuid.uuid4().hex, "catalogName": "c", "schemaName": "s"}
    return f"{PLATFORM}/volumes/{ok(http.post(f'{PLATFORM}/volumes', json=made), 201)['key']}"


def test_an_uploaded_file_is_listed_and_downloaded(http: httpx.Client) -> None:
    at = volume(http)
    data = bytes(range(256)) * 3
    upload = {"path": "/data/all.bin", "content-type": "application/octet-stream"}
    ok(http.post(f"{at}/actions/uploadFile", content=data, headers=upload), 204)
    listed = ok(http.get(f"{at}/files", params={"path": "/data"}))["items"]
    assert [(f["path"], f["displayName"], f["type"]) for f in listed] == [
        ("/data/all.bin", "all.bin", "FILE")
    ]
    assert ok(http.get(f"{at}/files", params={"path": "/elsewhere"}))["items"] == []
    download = http.post(f"{at}/actions/downloadFile", headers={"path": "/data/all.bin"})
    assert download.status_code == 200 and download.content == data


def test_a_download_of_nothing_is_404(http: httpx.Client) -> None:
    at = volume(http)
    for path in ("/never/uploaded", "/"):
        missing = http.post(f"{at}/actions/downloadFile", headers={"path": path})
        assert missing.status_code == 404
    gone = http.post(f"{PLATFORM}/volumes/nope/actions/downloadFile", headers={"path": "/a"})
    assert gone.status_code == 404


def test_page_tokens_are_opaque(http: httpx.Client) -> None:
    for _ in range(3):
        workspace(http)
    first = http.get(WORKSPACES, params={"limit": 1})
    token = first.headers["opc-next-page"]
    assert not token.isdigit()
    assert ok(http.get(WORKSPACES, params={"limit": 1, "page": token}))["items"]
    for invented in ("1", "2", token[:-1] + ("0" if token[-1] != "0" else "1")):
        made_up = http.get(WORKSPACES, params={"limit": 1, "page": invented})
        assert made_up.status_code == 400, invented


def test_paging_is_stable_under_deletes(http: httpx.Client) -> None:
    keys = [workspace(http).rsplit("/", 1)[1] for _ in range(5)]
    first = http.get(WORKSPACES, params={"limit": 2})
    assert [w["key"] for w in first.json()["items"]] == keys[:2]
    ok(http.delete(f"{WORKSPACES}/{keys[0]}"), 204)
    seen = []
    page = first.headers["opc-next-page"]
    while page:
        answer = http.get(WORKSPACES, params={"limit": 2, "page": page})
        seen += [w["key"] for w in answer.json()["items"]]
        page = answer.headers.get("opc-next-page")
    assert seen == keys[2:], "no item skipped"


def test_a_page_of_zero_items_is_refused(http: httpx.Client) -> None:
    workspace(http)
    zero = http.get(WORKSPACES, params={"limit": 0})
    assert zero.status_code == 400 and "'limit'" in zero.json()["message"]


# ---------------------------------------------------------------- usability


def test_the_server_extra_installs_what_seed_files_need() -> None:
    pyproject = (AIDP_PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    server = next(line for line in pyproject.splitlines() if line.startswith("server = "))
    assert "PyYAML" in server, "--data seed.yaml needs PyYAML"


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"/20260430/nowhere": []}, "no collection is documented at '/20260430/nowhere'"),
        ({WORKSPACES: {"key": "w"}}, "must hold a list of objects"),
        (
            {WORKSPACES: [{"key": "w", "displayName": "x", "lifecycleState": "NAPPING"}]},
            "[0].lifecycleState: must be one of",
        ),
        (
            {WORKSPACES: [{"key": "w", "displayName": "x", "colour": "red"}]},
            "[0]: 'colour' is not a field of this collection's items",
        ),
        (
            {f"{WORKSPACES}/w9/clusters": [{"key": "c", "displayName": "x"}]},
            f"'{WORKSPACES}/w9', which the seed data does not hold",
        ),
        (
            {WORKSPACES: [{"key": "a", "displayName": "x"}, {"key": "b", "displayName": "x"}]},
            "[1]: displayName 'x' is taken by 'a'",
        ),
    ],
)
def test_seed_data_is_checked(seed: dict[str, Any], message: str) -> None:
    from generator.runtime.server import SeedError

    with pytest.raises(SeedError) as raised:
        create_app(spec=SPEC, data=seed)
    assert message in str(raised.value)


def test_a_fault_belongs_to_one_request(http: httpx.Client) -> None:
    at = workspace(http)
    fault = {FAULT: "503;count=1;retry-after=0"}
    # Two requests with the same fault header and no opc-request-id: each fails once.
    assert http.get(at, headers=fault).status_code == 503
    assert http.get(WORKSPACES, headers=fault).status_code == 503
    assert http.get(at, headers=fault).status_code == 200, "the retry of the first"
    assert http.get(WORKSPACES, headers=fault).status_code == 200


# ---------------------------------------------------------------- bodies of other types


@pytest.mark.parametrize("odd", ["%C2%82", "%00", "%0A", "%E2%80%A8", "%F0%9F%98%80", "%22%5C"])
def test_yaml_error_bodies_are_yaml(http: httpx.Client, odd: str) -> None:
    # The workspace object's operations document their errors as application/x-yaml.
    answer = http.get(f"{WORKSPACES}/w{odd}/objects/o{odd}")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/x-yaml")
    error = yaml.safe_load(answer.content)
    assert error["code"] == "NotAuthorizedOrNotFound"
    assert error["message"].startswith("Resource 'w")


@given(st.text())
def test_any_text_in_a_yaml_error_body_reads_back(text: str) -> None:
    from generator.runtime.server._app import _encode

    body = {"code": "NotAuthorizedOrNotFound", "message": text}
    assert yaml.safe_load(_encode(body, "application/x-yaml")) == body


def test_a_workspace_object_is_its_bytes(http: httpx.Client) -> None:
    # Objects are sent as bytes and read back as application/x-yaml.
    objects = f"{workspace(http)}/objects"
    data = "spark:\n  conf: {a: 1}\nname: 'ä — 😀'\r\n".encode()
    sent = {"path": "/Workspace/a.yaml", "content-type": "application/octet-stream"}
    assert http.post(objects, content=data, headers=sent).status_code == 201
    at = f"{objects}/%2FWorkspace%2Fa.yaml"
    read = http.get(at)
    assert read.content == data and read.headers["content-type"] == "application/x-yaml"
    assert http.head(at).status_code == 200
    listed = ok(http.get(objects, params={"path": "/Workspace"}))["items"]
    assert [(o["path"], o["displayName"]) for o in listed] == [("/Workspace/a.yaml", "a.yaml")]
    newer = b"- 1\n- 2\n"
    plain = {"content-type": "application/octet-stream"}
    assert http.put(at, content=newer, headers=plain).status_code == 200
    assert http.get(at).content == newer
    # Bytes that are not YAML could not be read back as the pages say: refused.
    binary = http.put(at, content=bytes(range(256)), headers=plain)
    assert binary.status_code == 400 and "not YAML" in binary.text
    assert http.get(at).content == newer
    assert http.delete(at).status_code == 204
    assert http.get(at).status_code == 404


def test_lifecycle_delay_holds_a_new_resource_in_its_first_state() -> None:
    transport = SyncASGITransport(create_app(spec=SPEC, lifecycle_delay=0.3))
    with httpx.Client(transport=transport, base_url="http://stub.invalid") as http:
        made = ok(http.post(WORKSPACES, json={"displayName": "slow"}), 201)
        at = f"{WORKSPACES}/{made['key']}"
        assert ok(http.get(at))["lifecycleState"] == "CREATING"
        time.sleep(0.35)
        assert ok(http.get(at))["lifecycleState"] == "ACTIVE"
