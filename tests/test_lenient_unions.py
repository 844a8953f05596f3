"""A response's value documented as one of several types (a union) is read as the one
it fits, with no problem; one that fits none is read as the one it differs from least,
and only that one's differences are listed. Packages of the Airflow test book and of
some of GitHub's pages, installed, against a real loopback server."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .scripted_server import Reply, ScriptedServer, scripted_server

TIME_DELTA = {"__type": "TimeDelta", "days": 1, "seconds": 2, "microseconds": 3}
RELATIVE_DELTA = {
    "__type": "RelativeDelta",
    **dict.fromkeys(["years", "months", "days", "leapdays", "hours", "minutes"], 0),
    **dict.fromkeys(["seconds", "microseconds", "year", "month", "day", "hour"], 1),
    **dict.fromkeys(["minute", "second", "microsecond"], 1),
}
CRON = {"__type": "CronExpression", "value": "0 * * * *"}

URLS = "avatar html followers following gists starred subscriptions organizations repos events"
SIMPLE_USER = {
    "login": "octocat",
    "id": 1,
    "node_id": "U1",
    "gravatar_id": None,
    "type": "User",
    "site_admin": False,
    "url": "https://example.com/octocat",
    **{f"{name}_url": f"https://example.com/{name}" for name in [*URLS.split(), "received_events"]},
}
ENTERPRISE = {
    "id": 2,
    "node_id": "E1",
    "name": "Enterprise",
    "slug": "enterprise",
    "html_url": "https://example.com/enterprises/enterprise",
    "avatar_url": "https://example.com/avatar",
    "created_at": "2026-01-02T03:04:05Z",
    "updated_at": None,
}
APP = {
    "id": 3,
    "node_id": "A1",
    "name": "app",
    "description": None,
    "external_url": "https://example.com/app",
    "html_url": "https://example.com/apps/app",
    "created_at": "2026-01-02T03:04:05Z",
    "updated_at": "2026-01-02T03:04:05Z",
    "permissions": {},
    "events": [],
}


def generated(book: Path, name: str, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp(name)
    model, _ = model_from_book(book)
    write_tree(root / name, project_files(model, name, "0.1.0", None))
    install_package(root / name, root / "site")
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generated(BOOKS / "airflow-ul", "unions_airflow", tmp_path_factory)


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generated(BOOKS / "github-pages", "unions_github", tmp_path_factory)


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def method_of(package: ModuleType, http_method: str, path: str) -> str:
    """The client's method for an operation, by the package's command table."""
    table = json.loads(Path(package.__file__ or "").with_name("_commands.json").read_text())
    commands = [command for group in table["groups"] for command in group["commands"]]
    (found,) = [c for c in commands if (c["http_method"], c["path"]) == (http_method, path)]
    return str(found["method"])


def call(
    package: ModuleType, server: ScriptedServer, route: tuple[str, str], body: Any, **options: Any
) -> Any:
    """The response of the operation at ``route`` from a server answering ``body``."""
    server.script(Reply(200, body))
    arguments = {"dag_id": "d", "org": "o", "ruleset_id": 1}
    with package.Client(server.url, retries=0, **options) as client:
        method = getattr(client, method_of(package, *route))
        wanted = {k: v for k, v in arguments.items() if "{" + k + "}" in route[1]}
        return method(**wanted)


GET_DAG = ("GET", "/api/v1/dags/{dag_id}")


@pytest.mark.parametrize(
    ("value", "member"),
    [(TIME_DELTA, "TimeDelta"), (RELATIVE_DELTA, "RelativeDelta"), (CRON, "CronExpression")],
    ids=["first", "second", "third"],
)
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_a_value_that_fits_a_member_is_that_member_with_no_problem(
    airflow: ModuleType, server: ScriptedServer, value: Any, member: str, strict: bool
) -> None:
    body = {"dag_id": "d", "schedule_interval": value}
    response = call(airflow, server, GET_DAG, body, strict=strict)
    assert response.problems == ()
    schedule = response.data.schedule_interval
    assert type(schedule) is getattr(airflow.models, member)
    assert schedule.model_dump(by_alias=True) == value


def test_a_value_that_fits_no_member_is_the_one_it_differs_from_least(
    airflow: ModuleType, server: ScriptedServer
) -> None:
    # Two of TimeDelta's three fields: closer to it than to either other member.
    value = {"__type": "TimeDelta", "days": 1, "seconds": "two"}
    response = call(airflow, server, GET_DAG, {"schedule_interval": value})
    schedule = response.data.schedule_interval
    assert type(schedule) is airflow.models.TimeDelta
    assert (schedule.days, schedule.seconds) == (1, "two")
    assert response.problems == (
        "DAG.schedule_interval: TimeDelta.seconds: Input should be a valid integer, unable to "
        "parse string as an integer, kept as sent",
        "DAG.schedule_interval: TimeDelta.microseconds: documented as required, missing",
    )


def test_a_value_that_fits_no_member_at_all_is_kept_as_sent(
    airflow: ModuleType, server: ScriptedServer
) -> None:
    response = call(airflow, server, GET_DAG, {"dag_id": "d", "schedule_interval": "@daily"})
    assert response.data.schedule_interval == "@daily"
    assert response.data.dag_id == "d"
    assert len(response.problems) == 1
    assert response.problems[0].startswith("DAG.schedule_interval: ")


@pytest.mark.parametrize(
    ("owner", "member"), [(SIMPLE_USER, "SimpleUser"), (ENTERPRISE, "Enterprise")]
)
def test_a_field_of_two_models_is_the_one_it_fits(
    github: ModuleType, server: ScriptedServer, owner: Any, member: str
) -> None:
    response = call(github, server, ("GET", "/app"), {**APP, "owner": owner}, strict=True)
    assert response.problems == ()
    assert type(response.data.owner) is getattr(github.models, member)
    assert response.data.owner.id == owner["id"]


def test_a_model_whose_fields_name_a_class_defined_below_it_is_read(
    github: ModuleType, server: ScriptedServer
) -> None:
    """The organization's conditions fit none of their members: each member is read as
    far as it fits, the first of them holding a field typed by a class its module
    defines after it."""
    conditions = {"ref_name": {"include": "main"}, "repository_name": {"include": ["a"]}}
    body = {"id": 1, "name": "r", "source": "o", "enforcement": "active", "conditions": conditions}
    response = call(github, server, ("GET", "/orgs/{org}/rulesets/{ruleset_id}"), body)
    assert response.data.name == "r"
    assert response.data.conditions.ref_name.include == "main"
    (problem,) = response.problems
    assert problem.startswith("RepositoryRuleset.conditions: ")
    assert problem.endswith(".include: Input should be a valid list, kept as sent")
