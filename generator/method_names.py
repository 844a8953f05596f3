"""Method names for operations, from what each operation is.

A user of a platform guesses a method's name from the platform's convention: Oracle's
SDKs call ``POST /clusters`` ``create_cluster``, ``GET /clusters`` ``list_clusters`` and
``POST /clusters/{id}/actions/changeCompartment`` ``change_cluster_compartment``. The
names here follow that convention from what a page shows of its operation (its
``Shape``): the HTTP method, the path's resources and its action or RPC-style verb,
and the names of the request body's and the response's schemas. Titles are not read:
docs writers edit them freely, and a name must not move when prose does.

Names are made for a whole API at once: where the same name comes out for several
operations, each is qualified by the resources it belongs to (``list_permissions``
becomes ``list_table_permissions`` and ``list_catalog_permissions``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import inflection

from .names import words_of

# Verbs an API names its operations with; a schema or path segment whose first word is
# one of them says what the operation does (``CreateClusterDetails``, ``/delete-tag``).
VERBS = frozenset(
    {
        "abort", "accept", "acknowledge", "activate", "add", "aggregate", "analyze", "append",
        "apply", "approve", "archive", "assign", "associate", "attach", "authorize", "backup",
        "batch", "bulk", "calculate", "cancel", "capture", "change", "check", "checkout", "clean",
        "clear", "clone", "close", "collect", "commit", "compare", "complete", "compute",
        "configure", "confirm", "connect", "convert", "copy", "count", "create", "deactivate",
        "decline", "decrypt", "delete", "deploy", "deregister", "describe", "detach", "detect",
        "diff", "disable", "disassociate", "discover", "dismiss", "download", "drop", "duplicate",
        "edit", "embed", "enable", "encrypt", "estimate", "evaluate", "execute", "expand", "export",
        "extend", "extract", "fail", "failover", "fetch", "filter", "find", "follow", "fork",
        "generate", "get", "grant", "ignore", "import", "infer", "ingest", "initialize", "initiate",
        "install", "interrupt", "invalidate", "invite", "invoke", "join", "kill", "launch", "link",
        "list", "load", "lock", "log", "login", "logout", "lookup", "manage", "mark", "merge",
        "migrate", "modify", "mount", "move", "notify", "open", "patch", "pause", "perform", "ping",
        "poll", "post", "predict", "prepare", "preview", "process", "promote", "provision",
        "publish", "pull", "purge", "push", "put", "query", "read", "reboot", "rebase", "recall",
        "recover", "recreate", "redeploy", "reencrypt", "refresh", "regenerate", "register",
        "reinstate", "reject", "release", "remove", "rename", "render", "renew", "reopen",
        "reorder", "repair", "replace", "replicate", "request", "rerun", "reschedule", "resend",
        "reset", "resize", "resolve", "restart", "restore", "resume", "retrieve", "retry", "review",
        "revoke", "roll", "rollback", "rotate", "run", "save", "scale", "scan", "schedule",
        "search", "send", "set", "share", "shrink", "sign", "snooze", "split", "start", "stop",
        "submit", "subscribe", "summarize", "suspend", "swap", "switch", "switchover", "sync",
        "synchronize", "terminate", "test", "toggle", "train", "transfer", "transition", "trigger",
        "unarchive", "unassign", "unfollow", "uninstall", "unlink", "unlock", "unmount", "unpause",
        "unregister", "unset", "unstar", "unsubscribe", "unzip", "update", "upgrade", "upload",
        "upsert", "validate", "verify", "withdraw", "write", "zip"
    }
)  # fmt: skip
# Words before a verb that say how it is done: ``bulkUpload``, ``cascadingDelete``.
MODIFIERS = frozenset({"bulk", "batch", "cascading", "asynchronous", "synchronous", "controlled"})
# Verbs that also name a thing (``/api/status/{id}/log``): a GET ends in one only as
# a request for it, so a GET's last segment is read as a verb only when it is one of these.
READ_VERBS = frozenset({"get", "list", "search", "find", "query", "fetch", "lookup", "describe"})
# What the HTTP method of a REST path does to an item, and to a collection.
ITEM_VERBS = {"get": "get", "put": "update", "patch": "patch", "delete": "delete"}
COLLECTION_VERBS = {"post": "create", "put": "update", "patch": "patch", "delete": "delete"}
# A method name longer than this keeps the path's nouns rather than a schema's.
SHORT = 32
# Words a schema name ends with that say what role it has, not what it is.
BODY_SUFFIXES = ("details", "detail")
RESPONSE_SUFFIXES = ("response", "details", "detail")
LIST_SUFFIXES = ("collection", "list", "page")
# Segments that say where an API lives, not what an operation does.
_VERSION = re.compile(r"v\d+(\.\d+)*([a-z]+\d*)?|\d+(\.\d+)*|api|apis|rest")
# A segment that names the action an item or a collection takes.
ACTION_SEGMENTS = frozenset({"actions", "action"})
# Trailing words of a parameter that say which one, not what: ``{clusterKey}``.
_PARAMETER_SUFFIXES = frozenset({"id", "key", "name", "ocid", "number", "path", "uuid", "slug"})
# Words that stay as they are in the singular and in the plural.
_UNCOUNTABLE = frozenset({"data", "metadata", "info", "analytics", "usage"})


@dataclass(frozen=True)
class Shape:
    """What naming reads of an operation: no title, no description."""

    method: str  # lower case
    path: str
    body: str | None = None  # the request body's schema, when it has a name
    response: str | None = None  # the success response's schema (an array's items')
    response_list: bool = False  # the response is an array


def singular(word: str) -> str:
    return word if word in _UNCOUNTABLE else str(inflection.singularize(word))


def plural(word: str) -> str:
    return word if word in _UNCOUNTABLE else str(inflection.pluralize(word))


def _lower_words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words_of(text))


def _strip_suffix(words: tuple[str, ...], suffixes: Iterable[str]) -> tuple[str, ...]:
    """``words`` less the role words at their end: GetModelResponseDetails -> get_model."""
    ends = tuple(suffixes)
    while len(words) > 1 and words[-1] in ends:
        words = words[:-1]
    return words


@dataclass(frozen=True)
class _Step:
    """A literal segment of a path and the parameters after it."""

    words: tuple[str, ...]
    params: tuple[tuple[str, ...], ...] = ()

    @property
    def item(self) -> bool:
        return bool(self.params)

    @property
    def one(self) -> tuple[str, ...]:
        """The resource one item of this step is: ``gitRepositories`` -> git_repository."""
        if len("".join(self.words)) <= 2 and self.params:
            # ``/n/{namespaceName}/b/{bucketName}``: the parameter says it better.
            param = self.params[-1]
            trimmed = param[:-1] if len(param) > 1 and param[-1] in _PARAMETER_SUFFIXES else param
            return trimmed
        return (*self.words[:-1], singular(self.words[-1])) if self.words else ()

    @property
    def many(self) -> tuple[str, ...]:
        return (*self.words[:-1], plural(singular(self.words[-1]))) if self.words else ()


def _steps(path: str) -> list[_Step]:
    steps: list[_Step] = []
    for segment in path.split("/"):
        if not segment:
            continue
        if segment.startswith("{"):
            words = _lower_words(segment)
            if steps:
                last = steps[-1]
                steps[-1] = _Step(last.words, (*last.params, words))
            else:
                steps.append(_Step((), (words,)))
            continue
        words = _lower_words(segment)
        if not words or _VERSION.fullmatch("".join(words)) or _VERSION.fullmatch(segment):
            continue
        steps.append(_Step(words))
    return steps


# What a name can be qualified by, nearest first: words, and whether they name an item.
_Owners = tuple[tuple[tuple[str, ...], bool], ...]


@dataclass(frozen=True)
class _Name:
    """A name as its parts: ``verb [qualifiers] noun``. The qualifiers, what the
    operation belongs to (``owners``, nearest first) and then ``last`` (``action``),
    are used only as far as it takes to tell operations of the same name apart."""

    verb: tuple[str, ...]
    noun: tuple[str, ...]
    owners: _Owners = ()
    last: str | None = None  # after the noun, where owners do not tell it apart
    params: tuple[tuple[str, ...], ...] = ()  # the path's parameters, for ``by_<param>``

    def text(
        self, levels: frozenset[int] = frozenset(), last: bool = False, by: tuple[str, ...] = ()
    ) -> str:
        words = list(self.verb)
        for level in sorted(levels, reverse=True):
            words += self.owners[level][0]
        words += self.noun
        if last and self.last:
            words.append(self.last)
        if by:
            words += ("by", *by)
        return "_".join(_dedupe(words))


def _dedupe(words: list[str]) -> list[str]:
    """Words less a run repeated at once: get_cluster_cluster_libraries -> get_cluster_libraries."""
    out: list[str] = []
    for word in words:
        out.append(word)
        for size in range(1, len(out) // 2 + 1):
            if out[-size:] == out[-2 * size : -size]:
                del out[-size:]
                break
    return out


def _verb_length(words: tuple[str, ...]) -> int:
    """How many leading words say what is done: ``delete`` or ``bulk upload``; 0 when
    the words do not start with a verb."""
    size = 0
    while size < len(words) - 1 and words[size] in MODIFIERS:
        size += 1
    return size + 1 if size < len(words) and words[size] in VERBS else 0


def _ends_with(words: tuple[str, ...], tail: tuple[str, ...]) -> bool:
    return bool(tail) and len(words) >= len(tail) and words[-len(tail) :] == tail


def _same_letters(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """``externalcontainerdatabases`` and ``ExternalContainerDatabase``: one name, its
    words run together in a path."""
    return "".join(a) == "".join(b) and a != b


def _restates(words: tuple[str, ...], steps: list[_Step]) -> bool:
    """Whether a schema name's words restate a segment that groups the path's items
    (``OrganizationActionsSecret`` under ``/orgs/{org}/actions/secrets``): qualifying
    is then left to the path."""
    said = {singular(word) for step in steps if not step.item for word in step.words}
    return any(singular(word) in said for word in words)


def _object(rest: tuple[str, ...], owner: tuple[str, ...]) -> tuple[str, ...]:
    """What a verb acts on: the resource it is on and its own words, each said once
    (``cancel`` on a job run: job_run; ``get-by-name`` on experiments: experiment_by_name)."""
    if not rest:
        return owner
    if not owner or _ends_with(owner, rest):
        return owner or rest
    if owner == rest[: len(owner)]:
        return rest
    return (*owner, *rest)


class _Api:
    """What naming one operation needs to know of the others."""

    def __init__(self, shapes: Sequence[Shape], refine: bool = True) -> None:
        self.refine = refine
        self.paths = [_steps(shape.path) for shape in shapes]
        self.root = _root(self.paths)
        bodies = Counter(shape.body for shape in shapes if shape.body)
        # A body schema sent to several operations (``UploadAndExtractZipDetails``)
        # names none of them.
        self.shared_bodies = {body for body, uses in bodies.items() if uses > 1}
        # What an item is called, where a GET on its path answers a schema that names
        # it more fully than the path does: ``/agents/{a}/sessions/{s}`` holds an
        # AgentSession. Keyed by the path's words, so a collection finds its items.
        self.items: dict[tuple[tuple[str, ...], ...], tuple[str, ...]] = {}
        for shape, steps in zip(shapes, self.paths, strict=True):
            if shape.method == "get" and steps and steps[-1].item and shape.response:
                response = _strip_suffix(_lower_words(shape.response), RESPONSE_SUFFIXES)
                if self.refines(response, steps[-1].one, steps[:-1]):
                    self.items.setdefault(_key(steps), response)

    def refines(self, schema: tuple[str, ...], noun: tuple[str, ...], steps: list[_Step]) -> bool:
        """Whether a schema's name says what ``noun`` is more fully (``AgentSession``
        for a session, ``ExternalContainerDatabase`` for ``externalcontainerdatabase``)
        without restating a segment of the path (``OrganizationActionsSecret`` under
        ``/orgs/{org}/actions/secrets``: qualifying is left to the path)."""
        if not self.refine or not schema or not noun or schema == noun:
            return False
        if _same_letters(schema, noun):
            return True
        extra = schema[: len(schema) - len(noun)]
        return _ends_with(schema, noun) and bool(extra) and not _restates(extra, steps)

    def plural_of(
        self, listed: tuple[str, ...], path: tuple[str, ...], steps: list[_Step]
    ) -> tuple[str, ...]:
        """What a list holds, in the plural: the response's own name when it names the
        path's noun more fully (``TablePermission`` under ``/permissions``), else the path's."""
        one = (*path[:-1], singular(path[-1])) if path else ()
        if listed and (listed == one or self.refines(listed, one[-1:], steps)):
            return (*listed[:-1], plural(listed[-1]))
        return (*path[:-1], plural(singular(path[-1]))) if path else listed

    def one(self, steps: list[_Step], i: int) -> tuple[str, ...]:
        """What one item of ``steps[i]`` (an item or a collection) is called."""
        return self.items.get(_key(steps[: i + 1]), steps[i].one)

    def owners(self, steps: list[_Step], end: int) -> _Owners:
        """What qualifies a name made from ``steps[end]``, nearest first: the items
        before it and the segments that group them (``/orgs/{org}/dependabot/secrets``:
        dependabot, org), below the root."""
        return tuple(
            (steps[i].one, True) if steps[i].item else (steps[i].words, False)
            for i in range(end - 1, self.root - 1, -1)
            if steps[i].words and steps[i].words[-1] not in ACTION_SEGMENTS
        )

    def item_before(self, steps: list[_Step], at: int) -> tuple[str, ...]:
        """The item right before ``steps[at]``, when there is one below the root."""
        return steps[at - 1].one if at > self.root and steps[at - 1].item else ()

    def name(self, shape: Shape, steps: list[_Step]) -> _Name:
        steps = steps or [_Step(("root",))]
        body: tuple[str, ...] = ()
        if shape.body and shape.body not in self.shared_bodies:
            body = _strip_suffix(_lower_words(shape.body), BODY_SUFFIXES)
            if "resource" in body and not any("resource" in step.words for step in steps):
                body = ()  # ``AddResourceLockDetails``: made for any resource, it names none
        action_at = next(
            (
                i
                for i in range(len(steps) - 2, -1, -1)
                if steps[i].words
                and steps[i].words[-1] in ACTION_SEGMENTS
                and not steps[i].item
                and (
                    _verb_length(steps[i + 1].words)
                    or (shape.method == "get" and i + 2 == len(steps) and not steps[i + 1].item)
                )
            ),
            None,
        )
        if action_at is not None:
            return self._action(shape, steps, action_at, body)
        last = steps[-1]
        if not last.item and len(steps) > self.root and _rpc(shape, last.words, body):
            return self._rpc(shape, steps, body)
        if last.item:
            return self._item(shape, steps, body)
        return self._collection(shape, steps, body)

    def _action(self, shape: Shape, steps: list[_Step], at: int, body: tuple[str, ...]) -> _Name:
        """``POST /clusters/{id}/actions/restart``: restart_cluster."""
        action = steps[at + 1].words
        owners = self.owners(steps, at - 1) if at > 0 else ()
        noun: tuple[str, ...] = ()
        if at > self.root:
            owner = steps[at - 1]
            noun = (
                owner.many if not owner.item and action[0] in MODIFIERS else self.one(steps, at - 1)
            )
        size = _verb_length(action)
        if not size:
            # An action named by what it answers (``/actions/gitDiff``).
            return self._answer(shape, action, ((noun, True), *owners) if noun else owners)
        body_size = _verb_length(body)
        if (
            body_size
            and len(body) > body_size
            and body != action
            and (body[:body_size] == action[:size] or _ends_with(body, action[size:]))
        ):
            # The body names the action (``ManageCatalogPermissionDetails``), or says its
            # verb better (``FetchBundlePublishStatusDetails`` for ``getBundlePublishStatus``).
            return _Name(body[:body_size], body[body_size:], owners, _last(action, size))
        rest = action[size:]
        if not rest or not noun or _ends_with(noun, rest) or noun == rest[: len(noun)]:
            return _Name(action[:size], _object(rest, noun), owners)
        # An action that names its own object (``addKafka``) is named by it; the
        # resource it is on qualifies it where another resource has the same action
        # (``changeCompartment``: change_cluster_compartment).
        return _Name(action[:size], rest, ((noun, True), *owners), "action")

    def _answer(self, shape: Shape, words: tuple[str, ...], owners: _Owners) -> _Name:
        """A GET named by a noun rather than a verb: get_git_diff, list_git_diffs."""
        response = _lower_words(shape.response) if shape.response else ()
        listed = _listed(shape, response, _Step(words))
        if shape.method == "get" and listed is not None:
            return _Name(("list",), self.plural_of(listed, words, []), owners)
        return _Name(("get",), words, owners)

    def _rpc(self, shape: Shape, steps: list[_Step], body: tuple[str, ...]) -> _Name:
        """``/registered-models/get``, ``/model-versions/delete-tag``."""
        words = steps[-1].words
        size = _verb_length(words)
        verb, rest = words[:size], words[size:]
        at = len(steps) - 2
        owners = self.owners(steps, at)
        if body[:size] == verb and len(body) > size:
            return _Name(verb, body[size:], owners)
        response = _lower_words(shape.response) if shape.response else ()
        answer = _strip_suffix(response, RESPONSE_SUFFIXES)
        if answer[:size] == verb and len(answer) > size:
            return _Name(verb, answer[size:], owners)
        if at < self.root:
            return _Name(verb, rest, owners)  # ``POST /close``
        owner = steps[at]
        if verb[-1] in ("list", "search", "query") and not owner.item:
            listed = _listed(shape, response, owner)
            return _Name(verb, self.plural_of(listed or (), owner.words, steps), owners)
        noun = self.one(steps, at)
        if not rest and shape.method == "get" and self.refines(answer, noun[-1:], steps):
            noun = answer
        return _Name(verb, _object(rest, noun), owners)

    def _item(self, shape: Shape, steps: list[_Step], body: tuple[str, ...]) -> _Name:
        """``GET /clusters/{id}``: get_cluster."""
        at = len(steps) - 1
        owners = self.owners(steps, at)
        size = _verb_length(body)
        if shape.method in ("post", "put", "patch") and size:
            return _Name(body[:size], body[size:], owners)
        return _Name((ITEM_VERBS.get(shape.method, shape.method),), self.one(steps, at), owners)

    def _collection(self, shape: Shape, steps: list[_Step], body: tuple[str, ...]) -> _Name:
        """``GET /clusters``: list_clusters; ``POST /clusters``: create_cluster."""
        at = len(steps) - 1
        last = steps[at]
        owners = self.owners(steps, at)
        response = _lower_words(shape.response) if shape.response else ()
        answer = _strip_suffix(response, RESPONSE_SUFFIXES)
        if shape.method == "get":
            if "aggregation" in response:
                # The platform's convention: a GET that answers aggregates summarizes.
                answer = _strip_suffix(response, ("aggregation", "collection"))
                if answer[:1] == ("summarize",):
                    return _Name(answer[:1], answer[1:], owners)
                return _Name(("summarize",), (*self.item_before(steps, at), *last.words), owners)
            listed = _listed(shape, response, last)
            if listed is not None:
                many = self.plural_of(listed, last.words, steps)
                if many == last.many and listed and listed != last.one:
                    many = (*self.item_before(steps, at), *many)  # work_request_logs
                return _Name(("list",), many, owners)
            if answer[:1] == ("get",):
                answer = answer[1:]
            if self.refines(answer, last.one, steps):
                return _Name(("get",), answer, owners)
            return _Name(("get",), last.words, owners)
        size = _verb_length(body)
        if size and shape.method in ("post", "put", "patch"):
            return _Name(body[:size], body[size:], owners)
        verb = COLLECTION_VERBS.get(shape.method, shape.method)
        if verb != "create":
            return _Name((verb,), last.words, owners)
        noun = self.one(steps, at)
        if self.refines(answer, noun[-1:], steps):
            noun = answer
        return _Name((verb,), noun, owners)


def _last(action: tuple[str, ...], size: int) -> str | None:
    """``action`` for an operation named from an action segment with its own object."""
    return "action" if len(action) > size else None


def _rpc(shape: Shape, words: tuple[str, ...], body: tuple[str, ...]) -> bool:
    """Whether a path's last segment is a verb (``/get``, ``/delete-tag``) rather than
    a collection whose name starts with one (``/filterGroups``)."""
    size = _verb_length(words)
    if not size or shape.method in ("delete", "head", "options"):
        return False
    if shape.method == "get":
        return words[size - 1] in READ_VERBS
    if body[:size] == words[:size] or (len(words) == size and shape.method != "patch"):
        return True
    # ``/generateDataEncryptionKey``, not ``/filterGroups``; a PUT or PATCH says it
    # in its body too (``/fork-pr-contributor-approval`` is a setting).
    return shape.method == "post" and singular(words[-1]) == words[-1]


def _key(steps: list[_Step]) -> tuple[tuple[str, ...], ...]:
    return tuple(step.words for step in steps)


def _listed(shape: Shape, response: tuple[str, ...], last: _Step) -> tuple[str, ...] | None:
    """What a GET on a collection lists, from its response: ``ClusterCollection`` and
    ``list[ClusterSummary]`` list clusters; None when it answers one thing."""
    if shape.response_list:
        return _strip_suffix(response, ("summary",))
    if len(response) > 1 and response[-1] in LIST_SUFFIXES:
        return _strip_suffix(response[:-1], ("summary",))
    if not response:
        # Nothing is said of the response: a plural noun is a collection.
        word = last.words[-1] if last.words else ""
        return () if singular(word) != word else None
    if response == last.words and singular(response[-1]) != response[-1]:
        return response  # ``GET /Users`` answering ``Users``
    return None


def _root(paths: Sequence[list[_Step]]) -> int:
    """How many leading steps every path shares as items (``/aiDataPlatforms/{id}``):
    the API's root, which names and qualifies nothing."""
    if not paths:
        return 0
    depth = 0
    while all(len(steps) > depth + 1 and steps[depth].item for steps in paths) and all(
        steps[depth].words == paths[0][depth].words for steps in paths
    ):
        depth += 1
    return depth


def method_names(shapes: Sequence[Shape]) -> list[str]:
    """A name per operation, in order. Where several come out the same, they are
    qualified by what they belong to: at the nearest level where that differs
    (``list_table_permissions``, ``list_catalog_permissions``; an operation with
    nothing there keeps its name), until they differ. Where nothing in their paths
    tells them apart, an operation named from an action segment with its own object
    (``/workspaces/{id}/actions/createBundle`` beside ``POST .../bundles``) gets
    ``_action``."""
    api = _Api(shapes)
    names = [api.name(shape, steps) for shape, steps in zip(shapes, api.paths, strict=True)]
    texts = _resolved(names, api.paths)
    long = [i for i, text in enumerate(texts) if len(text) > SHORT]
    if long:
        # A schema's fuller name (``ManagedMySqlDatabaseHighAvailabilityMember``) is
        # kept only where the method's name stays short: else the path's noun is.
        plain = _Api(shapes, refine=False)
        for i in long:
            names[i] = plain.name(shapes[i], plain.paths[i])
        texts = _resolved(names, api.paths)
    return texts


def _resolved(names: list[_Name], paths: list[list[_Step]]) -> list[str]:
    """The names' texts, qualified as far as it takes to make them differ."""
    names = [
        replace(name, params=tuple(p for step in steps for p in step.params))
        for name, steps in zip(names, paths, strict=True)
    ]
    levels = [frozenset[int]() for _ in names]
    last = [False] * len(names)
    by: list[tuple[str, ...]] = [()] * len(names)
    texts = [name.text() for name in names]
    while True:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(texts):
            groups[text].append(i)
        changed = False
        for group in groups.values():
            if len(group) > 1:
                changed |= _tell_apart(group, names, levels, last) or _by_parameter(
                    group, names, by
                )
                for i in group:
                    texts[i] = names[i].text(levels[i], last[i], by[i])
        if not changed:
            return texts


def _tell_apart(
    group: list[int], names: list[_Name], levels: list[frozenset[int]], last: list[bool]
) -> bool:
    """Qualify the operations of ``group`` (one name) at the nearest level whose
    qualifiers differ among them: the items they belong to first, then the segments
    that group them too. False when nothing tells them apart and none has ``last``."""
    for items_only in (False,):
        places = {
            i: [
                at
                for at, (_, item) in enumerate(names[i].owners)
                if (item or not items_only) and at not in levels[i]
            ]
            for i in group
        }
        for level in range(max(len(found) for found in places.values())):
            found = {i: at[level] if level < len(at) else None for i, at in places.items()}
            words = {i: None if at is None else names[i].owners[at][0] for i, at in found.items()}
            if len(set(words.values())) > 1:
                for i, at in found.items():
                    if at is not None:
                        levels[i] = levels[i] | {at}
                return True
    changed = False
    for i in group:
        if names[i].last and not last[i]:
            last[i] = changed = True
    return changed


def _by_parameter(group: list[int], names: list[_Name], by: list[tuple[str, ...]]) -> bool:
    """The last resort: an operation with a path parameter the others lack is named
    ``..._by_<parameter>`` (``/gists/{gist_id}/{sha}``: get_gist_by_sha)."""
    shared = set.intersection(*(set(names[i].params) for i in group))
    changed = False
    for i in group:
        own = [p for p in names[i].params if p not in shared]
        if own and not by[i]:
            by[i] = own[-1]
            changed = True
    return changed
