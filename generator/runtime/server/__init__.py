"""A stateful, validating stub of the API this package is the client of.

For tests and local development: every documented operation answers at its documented
path, keeps what it creates in memory, checks requests the way the pages describe them,
and behaves as the pages say the service does, so that a test that passes on it passes
on the service. Install the ``server`` extra and run::

    python -m PACKAGE.server --host 127.0.0.1 --port 8000 [--seed N] [--data SEED.yaml]
        [--lifecycle-delay SECONDS] [--max-body BYTES] [--max-upload BYTES]

It prints the address it listens on (``--port 0`` takes any free port); an address in
use ends it with exit status 1, seed data that does not fit with 3.

What it does follows a description docs2sdk made from the pages (``../_server_spec.json``),
never code written for one API:

* **Resources** are inferred from the paths: a POST on a collection creates an item (the
  documented status; its id made up, or taken from the path, a parameter or a body field
  where the create documents one; documented defaults applied), GET on an item reads
  it, PUT and PATCH update it, DELETE removes it; a POST on an item path creates that
  item (a notebook saved at a path).
* **Updates merge**: the fields a PUT or PATCH sends replace theirs, the others stay as
  they are. ``null`` for an optional field means the field is absent. Optional fields
  nobody set stay absent; required ones a request did not give are made up, the same
  for the same ``--seed``.
* **The server's own fields** (in the resource but in no create or update details: ids,
  ``timeCreated``, ``lifecycleState``, ``createdBy``...) are never taken from a request.
  Its times come from a clock that moves forward: ``timeCreated`` now, ``timeUpdated``
  at each change.
* **Parents**: the resources a path names must exist (404 otherwise). Deleting a
  resource that still holds items the client can delete is refused (409) where the
  delete documents a conflict; the rest goes with it.
* **Lists** are filtered by the query parameters that name fields (``displayName``,
  ``displayNameContains``, ``timeCreatedGreaterThanOrEqualTo``, a ``path`` and what is
  under it), ignoring case where the pages say so, sorted by ``sortBy`` in the order
  the pages document for it ("Default order for `timeCreated` is descending") or
  ``sortOrder``, and paged by ``limit`` (at least 1) and ``page``: the
  ``opc-next-page`` header is an opaque token that no delete between pages upsets,
  and a token this server did not give is refused.
* **Unique names and limits** the pages state in words ("has to be unique within the
  schema", "Case insensitive", "At most 255 characters") are enforced (409, 400).
* **Lifecycle**: a created resource starts in its first documented state when that is
  a transition (ACCEPTED, CREATING, PROVISIONING) and ``--lifecycle-delay`` seconds
  later (default 0: at the next read) settles in the first documented state that is
  neither a transition, a failure nor a deletion (ACTIVE). Seeded resources with no
  state have settled.
* **Actions** act on the resource their path names: 404 when it does not exist,
  ``if-match`` checked, the state their name says (``stop``: STOPPING, then STOPPED;
  ``start``: STARTING, then ACTIVE); an action named for files (``uploadFile``,
  ``downloadFile``, ``deleteFile``) moves the files its resource's ``files`` list
  shows. Other answers are made from the request where they have a place for it, with
  new made-up values for each call.
* **Files**: a file body is kept as it comes, once (on disk past a few megabytes),
  chunked or not, up to ``--max-upload`` bytes; a download streams back exactly what
  was uploaded. Other bodies are limited to ``--max-body`` bytes (413).

Requests are checked against the description: path, query and header parameters and the
JSON body (types, required fields, enums, lengths, patterns, ranges). Errors answer the
documented Error body ``{"code", "message"}``, the message naming the field: 400
``InvalidParameter`` (and malformed JSON), 404 for an unknown path or resource, 405 for
an undocumented method, 409 ``Conflict``, 412 for a stale ``if-match``, 413 for a body
too large, 415 for a body that is not JSON where JSON is documented; in the media type
the pages give errors (YAML escaped so that it always reads as YAML).

Every resource has a version, and its responses an ``etag`` (``SERIAL-VERSION``); PUT,
PATCH, DELETE and actions on it with another ``if-match`` get 412, so of concurrent
writers with the same ``if-match`` exactly one wins. ``opc-request-id`` is echoed, or
generated, on every response. A write repeated with the same ``opc-retry-token`` to the
same operation and resource, with the same query and body (JSON compared by meaning),
answers what the first one did; with another query or body it gets 409
``InvalidatedRetryToken``. The same token on another operation or resource is another
token.

``--data`` (YAML or JSON) seeds the store: a mapping of collection path, with its
parameters filled, to a list of resources, each checked like a response (fields the
items have, values that fit, unique names, parents seeded too); what does not fit is a
``SeedError`` naming the place and the field.

Faults, for testing clients, are asked for with a request header::

    x-docs2sdk-fault: STATUS[;count=N][;retry-after=SECONDS][;delay=SECONDS]

The first ``count`` (default 1) attempts of a request answer ``STATUS`` (e.g. 429 or 503)
with that ``Retry-After`` (default 1); later attempts are served normally. Attempts are
told apart by ``opc-request-id``, which the generated clients keep across retries; with
no ``opc-request-id``, by what the request is (method, path, query and body), so a fault
meant for one request is never used up by another. ``delay`` waits before every answer
to a request carrying the header; ``delay=0.5`` alone only slows requests down.

In a test suite, ``create_app()`` serves through ``httpx.ASGITransport`` with no port
and no process; ``PACKAGE.testing`` wires it to a ``Client`` and an ``AsyncClient``.

The modules, one concern each: ``_app`` (HTTP: routing, checking, answering, the
command), ``_store`` (resources and what operations do with them), ``_listing``
(filters, order and pages), ``_schemas`` (checking values), ``_fill`` (made-up values),
``_blobs`` (files), ``_faults`` (injected faults), ``_routing`` (path patterns),
``_transport`` (the stub for a sync client, in process), ``_errors`` and ``_types``
(what they hand each other).
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
