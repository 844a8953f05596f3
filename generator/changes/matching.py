"""Which operation of a new model is which of an old one, for the changelog.

An operation keeps its method and the rest of its path when a version or base prefix
changes (``/20260430/...`` to ``/20270101/...``, ``/api/v1/...`` to ``/api/v2/...``),
and keeps its method and title when only its own path moves. Matched operations are
compared; only what no rule matches is added or removed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..model import ApiModel, HttpMethod, Operation
from .path_versions import is_version_segment

Key = tuple[HttpMethod, str]  # method, path


@dataclass(frozen=True)
class PrefixMove:
    """Paths that started with ``old`` start with ``new``, the rest unchanged."""

    old: str
    new: str

    def moved(self, path: str) -> str | None:
        """Where ``path`` is after the move; ``None`` if the move leaves it alone."""
        return self.new + path[len(self.old) :] if _under(path, self.old) else None


@dataclass(frozen=True)
class OperationMatch:
    pairs: list[tuple[Operation, Operation]]  # (old, new), in the new model's order
    added: list[Operation]
    removed: list[Operation]
    # Set when every path of both models moved by this one prefix change: it is then
    # said once for the whole API, not once per operation.
    book_move: PrefixMove | None


def match_operations(old: ApiModel, new: ApiModel) -> OperationMatch:
    old_ops = {(op.method, op.path): op for op in old.operations}
    new_ops = {(op.method, op.path): op for op in new.operations}
    matched: dict[Key, Key] = {key: key for key in new_ops if key in old_ops}  # new -> old
    moves: list[PrefixMove] = []
    unmatched_old = [key for key in old_ops if key not in new_ops]
    new_in_order = [key for key in new_ops if key not in matched]
    unmatched_new = set(new_in_order)
    # Counted once: the prefix change that fits the most operations is applied first,
    # and each after it to what is still unmatched.
    for move, count in _prefix_votes(unmatched_old, new_in_order).most_common():
        if not _version_change(move) and count < max(2, len(old_ops) / 2):
            continue
        found = False
        for method, path in unmatched_old:
            moved = move.moved(path)
            if moved is not None and (method, moved) in unmatched_new:
                matched[(method, moved)] = (method, path)
                unmatched_new.discard((method, moved))
                found = True
        if found:
            moves.append(move)
            taken = set(matched.values())
            unmatched_old = [key for key in unmatched_old if key not in taken]
    _match_titles(old_ops, new_ops, matched)
    pairs = [(old_ops[matched[key]], new_ops[key]) for key in new_ops if key in matched]
    old_matched = set(matched.values())
    book_move = None
    if (
        len(moves) == 1
        and all(_under(op.path, moves[0].old) for op in old.operations)
        and all(_under(op.path, moves[0].new) for op in new.operations)
        and all(moves[0].moved(a.path) == b.path for a, b in pairs)
    ):
        book_move = moves[0]
    return OperationMatch(
        pairs=pairs,
        added=[op for key, op in new_ops.items() if key not in matched],
        removed=[op for key, op in old_ops.items() if key not in old_matched],
        book_move=book_move,
    )


def _prefix_votes(old: list[Key], new: list[Key]) -> Counter[PrefixMove]:
    """Each prefix change, with how many old operations it would match to a new one:
    the two paths with their longest common tail of segments taken off."""
    new_by_method: dict[str, list[list[str]]] = defaultdict(list)
    for method, path in new:
        new_by_method[method].append(path.split("/"))
    votes: Counter[PrefixMove] = Counter()
    for method, path in old:
        a = path.split("/")
        for b in new_by_method[method]:
            same = _common_tail(a, b)
            # At least one segment of the path must stay, or anything matches anything.
            if same:
                votes[PrefixMove("/".join(a[:-same]), "/".join(b[:-same]))] += 1
    return votes


def _version_change(move: PrefixMove) -> bool:
    """Whether the prefixes differ in version segments only (``/api/v1`` and ``/api/v2``)."""
    a, b = move.old.split("/"), move.new.split("/")
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    differing = a[head:] + b[head:]
    return bool(differing) and all(is_version_segment(segment) for segment in differing)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _common_tail(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) - 1 and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _match_titles(
    old_ops: dict[Key, Operation], new_ops: dict[Key, Operation], matched: dict[Key, Key]
) -> None:
    """Match what is left by method and title, where that pair is unique on both sides."""
    taken = set(matched.values())
    old_by_title: dict[tuple[str, str], list[Key]] = defaultdict(list)
    new_by_title: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key, op in old_ops.items():
        if key not in taken:
            old_by_title[(op.method, op.title)].append(key)
    for key, op in new_ops.items():
        if key not in matched:
            new_by_title[(op.method, op.title)].append(key)
    for title, keys in new_by_title.items():
        olds = old_by_title.get(title, [])
        if len(keys) == 1 and len(olds) == 1:
            matched[keys[0]] = olds[0]
