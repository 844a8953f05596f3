"""A stateful, validating stub of the API this package is the client of.

For tests and local development: every documented operation answers at its documented
path, keeps what it creates in memory, and checks requests the way the pages describe
them. Install the ``server`` extra and run::

    python -m PACKAGE.server --host 127.0.0.1 --port 8000 [--seed N] [--data SEED.yaml]
        [--lifecycle-delay SECONDS]

Resources are inferred from the paths (docs2sdk decided which, see ``../_server_spec.json``):
a POST on a collection creates a resource (the documented status; an id is generated
unless the body has one; documented defaults applied), GET on an item reads it, PUT
replaces what its body can set (the rest, such as ``timeCreated``, stays), PATCH merges
the fields sent, DELETE removes it. GET on a collection lists
it as documented (``{"items": [...]}`` or a bare array), filtered by the query parameters
that name fields, sorted by ``sortBy``/``sortOrder`` and paged by ``limit`` and ``page``
(the ``opc-next-page`` header gives the next page). Other operations (``.../actions/...``
and the like) answer their documented status and body and change nothing. Response
fields no request supplied are filled with schema-valid values, the same for the same
``--seed``. ``--data`` (YAML or JSON) seeds the store: a mapping of collection path, with
its parameters filled, to a list of resources. A created resource whose documented
lifecycle states (``lifecycleState``, or ``state``) start with a transition (CREATING)
starts in it, and ``--lifecycle-delay`` seconds later (default 0: at the first read)
settles in the next documented state that is neither a transition nor a failure
(ACTIVE), so that the clients' ``wait_for_...`` methods can be tried.

Requests are checked against the description: path, query and header parameters and the
JSON body (types, required fields, enums, lengths, patterns, ranges). ``null`` for an
optional field means the field is absent. Errors answer the documented Error body
``{"code", "message"}``, the message naming the field: 400 ``InvalidParameter`` (and
malformed JSON), 404 for an unknown path or resource, 405 for an undocumented method,
412 for a stale ``if-match``, 413 for a body over ``--max-body`` bytes, 415 for a body
that is not JSON where JSON is documented.

Every resource has a version, and its responses an ``etag`` (``SERIAL-VERSION``); PUT,
PATCH and DELETE with another ``if-match`` get 412, so of concurrent writers with the
same ``if-match`` exactly one wins. ``opc-request-id`` is echoed, or generated, on every
response. A write repeated with the same ``opc-retry-token`` to the same operation and
resource, with the same query and body, answers what the first one did; with another
query or body it gets 409 ``InvalidatedRetryToken``. The same token on another operation
or resource is another token.

Faults, for testing clients, are asked for with a request header::

    x-docs2sdk-fault: STATUS[;count=N][;retry-after=SECONDS][;delay=SECONDS]

The first ``count`` (default 1) attempts of a request answer ``STATUS`` (e.g. 429 or 503)
with that ``Retry-After`` (default 1); later attempts are served normally. Attempts are
told apart by ``opc-request-id``, which the generated clients keep across retries; with
no ``opc-request-id`` the next ``count`` requests carrying the same header value fault.
``delay`` waits before every answer to a request carrying the header; ``delay=0.5``
alone only slows requests down.

In a test suite, ``create_app()`` serves through ``httpx.ASGITransport`` with no port
and no process; ``PACKAGE.testing`` wires it to a ``Client`` and an ``AsyncClient``.

The modules, one concern each: ``_app`` (HTTP: routing, checking, answering, the
command), ``_store`` (resources and what operations do with them), ``_schemas``
(checking values), ``_fill`` (made-up values), ``_faults`` (injected faults),
``_routing`` (path patterns), ``_transport`` (the stub for a sync client, in process),
``_errors`` and ``_types`` (what they hand each other).
"""

from ._app import DEFAULT_MAX_BODY, DEFAULT_MAX_UPLOAD, StubServer, create_app, load_data, main
from ._errors import SeedError
from ._faults import FAULT_HEADER
from ._store import Clock
from ._transport import SyncASGITransport

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_UPLOAD",
    "FAULT_HEADER",
    "Clock",
    "SeedError",
    "StubServer",
    "SyncASGITransport",
    "create_app",
    "load_data",
    "main",
]
