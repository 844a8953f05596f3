"""The aidp_workbench operations a test calls, found by what they do (method and path),
not by their Python names: how methods are named may change, what they do does not."""

from __future__ import annotations

from generator.generate.views import OperationView, build_views
from generator.model import ApiModel

_VIEWS: dict[int, list[OperationView]] = {}


def operations(model: ApiModel) -> list[OperationView]:
    """Every operation as the generated package has it (the committed one's settings)."""
    if id(model) not in _VIEWS:
        _VIEWS[id(model)] = build_views(model, "aidp_workbench", "0.1.0").operations
    return _VIEWS[id(model)]


def operation(model: ApiModel, method: str, path_end: str) -> OperationView:
    """The one operation with ``method`` whose path ends with ``path_end``."""
    found = [op for op in operations(model) if op.method == method and op.path.endswith(path_end)]
    assert len(found) == 1, (method, path_end, [op.path for op in found])
    return found[0]
