"""The changelog says each public change once: a class that changed where the API uses
it, and a change inside a shared schema grouped under that schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import BOOKS, docs2sdk


def _book(root: Path, name: str, edits: dict[str, tuple[str, str]]) -> Path:
    """The Jupyter Server book with ``edits`` (page -> old, new; "*" for every page)."""
    folder = root / name
    shutil.copytree(BOOKS / "jupyter-ul", folder)
    for page_name, (old, new) in edits.items():
        for page in folder.glob(page_name if page_name != "*" else "*.html"):
            text = page.read_text(encoding="utf-8")
            if old in text:
                page.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_a_schema_renamed_on_one_page_is_a_changed_class(tmp_path: Path) -> None:
    """The page now calls its body SessionInfo (the same content): ``get_session``
    returns another class, which code that names the old one notices."""
    old = _book(tmp_path, "old", {})
    new = _book(
        tmp_path,
        "new",
        {
            "op-api-sessions-session-get.html": (
                "Root Schema : Session<",
                "Root Schema : SessionInfo<",
            )
        },
    )
    result = docs2sdk("diff", str(old), str(new), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["bump"] == "major"
    [change] = report["changes"]
    assert change["kind"] == "class-changed" and change["breaking"]
    assert change["location"]["field"] == "200 response body $"
    assert change["location"]["path"] == "/api/sessions/{session}"
    assert (change["migration"]["old"], change["migration"]["new"]) == (
        "models.Session",
        "models.SessionInfo",
    )
    assert docs2sdk("diff", str(old), str(new), "--fail-on", "breaking").returncode == 1


def test_one_change_in_a_shared_schema_is_said_once(tmp_path: Path) -> None:
    """``connections`` from number to integer in ``Kernel`` (and ``APIStatus``): each is
    used by several operations; the changelog has one bullet and one migration note per
    schema, and the JSON still has each place, each naming its schema."""
    retype = (
        '<span class="name">connections</span>: <span class="type">number',
        '<span class="name">connections</span>: <span class="type">integer',
    )
    old, new = _book(tmp_path, "old", {}), _book(tmp_path, "new", {"*": retype})
    report = json.loads(docs2sdk("diff", str(old), str(new), "--json").stdout)
    places = [c for c in report["changes"] if c["kind"] == "field-retyped"]
    assert {c["schema"]["field"] for c in places} == {"$.connections"}
    kernel = [c for c in places if c["schema"]["name"] == "Kernel"]
    assert len(kernel) > 5 and {c["schema"]["name"] for c in places} == {"Kernel", "APIStatus"}
    markdown = docs2sdk("diff", str(old), str(new)).stdout
    breaking = markdown.partition("### Breaking changes\n")[2].partition("###")[0]
    bullets = [line for line in breaking.splitlines() if line.startswith("- ")]
    assert len(bullets) == 2, markdown
    [bullet] = [b for b in bullets if "models.Kernel" in b]
    operations = {(c["location"]["method"], c["location"]["path"]) for c in kernel}
    assert bullet.startswith(f"- `models.Kernel` `$.connections`, in {len(operations)} operations")
    assert bullet.endswith(": Type changed from number to integer.")
    notes = markdown.partition("### Migration notes\n")[2]
    assert len([line for line in notes.splitlines() if line.startswith("- ")]) == 2
    where = bullet.removeprefix("- ").partition(": ")[0]
    assert f"- {where}: Check your uses of `models.Kernel`, at `$.connections`." in notes
