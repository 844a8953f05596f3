"""Oracle Cloud Infrastructure request signing for httpx.

``OciSigner`` reproduces ``oci.signer.Signer`` from the official ``oci`` SDK: draft-cavage HTTP
signatures (RSA-SHA256) in the ``authorization`` header, with an API key and no other
dependency than ``cryptography``. ``OciAuth`` lends any signer of the ``oci`` package to httpx:
session tokens, instance principals, resource principals; the token flows are ``oci``'s own.
"""

from __future__ import annotations

import asyncio
import base64
import configparser
import email.utils
import hashlib
import importlib
import io
import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Generator

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["OciAuth", "OciSigner", "config_auth", "import_oci", "oci_config", "oci_settings"]

DEFAULT_CONFIG_FILE = "~/.oci/config"
DEFAULT_PROFILE = "DEFAULT"
# The oci SDK falls back to this variable when the default config file does not exist.
CONFIG_FILE_ENV_VAR = "OCI_CONFIG_FILE"

_GENERIC_HEADERS = ("date", "(request-target)", "host")
_BODY_HEADERS = (*_GENERIC_HEADERS, "content-length", "content-type", "x-content-sha256")
_BODY_METHODS = frozenset({"post", "put", "patch"})
# The oci SDK refuses any other verb; OPTIONS is added because it carries no body either.
_SIGNABLE_METHODS = frozenset({"get", "head", "delete", "options"}) | _BODY_METHODS
# Parameter order is the oci SDK's (inherited from httpsig), not the draft's example order.
_AUTHORIZATION = (
    'Signature algorithm="rsa-sha256",headers="{headers}",keyId="{key_id}",'
    'signature="{signature}",version="1"'
)
_REQUIRED_CONFIG_KEYS = ("user", "fingerprint", "tenancy", "key_file")


def _missing(requirement: str, needed_by: str) -> ImportError:
    package = (__package__ or "").partition(".")[0] or "this SDK"
    return ImportError(
        f"{needed_by} needs the {requirement!r} package: install it with the 'oci' extra, "
        f"e.g. pip install '{package}[oci]'"
    )


def import_oci(needed_by: str) -> ModuleType:
    """The ``oci`` package, imported only when a feature needs it: the client itself does not."""
    try:
        return importlib.import_module("oci")
    except ImportError as exc:
        raise _missing("oci", needed_by) from exc


def oci_config(file: str | os.PathLike[str] | None, profile: str) -> dict[str, Any]:
    """A profile of an OCI config file, read (and checked) by the ``oci`` package itself."""
    oci = import_oci("Reading an OCI config file")
    location = os.fspath(file) if file is not None else oci.config.DEFAULT_LOCATION
    config: dict[str, Any] = oci.config.from_file(location, profile)
    return config


def _to_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


class _SigningAuth(httpx.Auth):
    """An httpx auth that signs each request, its body included, with ``sign``."""

    # The body's SHA-256 and length are signed, so httpx must buffer streamed bodies first.
    requires_request_body = True

    def sign(self, request: httpx.Request, *, streamed: bool = False) -> None:
        raise NotImplementedError

    async def _sign_async(self, request: httpx.Request, *, streamed: bool) -> None:
        self.sign(request, streamed=streamed)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        # Overridden only to learn whether the body was a stream before httpx buffers it.
        streamed = not isinstance(request.stream, httpx.ByteStream)
        request.read()
        self.sign(request, streamed=streamed)
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        streamed = not isinstance(request.stream, httpx.ByteStream)
        await request.aread()
        await self._sign_async(request, streamed=streamed)
        yield request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request


class OciSigner(_SigningAuth):
    """Sign httpx requests with an OCI API signing key, exactly as ``oci.signer.Signer`` does."""

    def __init__(
        self,
        tenancy: str,
        user: str,
        fingerprint: str,
        private_key: str | bytes,
        pass_phrase: str | bytes | None = None,
    ) -> None:
        """Use the RSA ``private_key`` (PEM) uploaded for ``user`` with this ``fingerprint``."""
        self.key_id = f"{tenancy}/{user}/{fingerprint}"
        self._private_key = self._load_private_key(private_key, pass_phrase)

    @classmethod
    def from_config(
        cls,
        file: str | os.PathLike[str] = DEFAULT_CONFIG_FILE,
        profile: str = DEFAULT_PROFILE,
    ) -> OciSigner:
        """Build a signer from a profile of an OCI CLI/SDK config file."""
        path = Path(file).expanduser()
        env_file = os.environ.get(CONFIG_FILE_ENV_VAR)
        if os.fspath(file) == DEFAULT_CONFIG_FILE and not path.is_file() and env_file:
            path = Path(env_file).expanduser()
        # No interpolation: pass phrases may legitimately contain '%'.
        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(path, encoding="utf-8"):
            raise FileNotFoundError(f"OCI config file not found: {path}")
        if profile not in parser:
            raise ValueError(f"Profile {profile!r} not found in OCI config file {path}")
        # Other profiles inherit [DEFAULT]'s keys, as in the oci SDK.
        section = parser[profile]
        missing = [key for key in _REQUIRED_CONFIG_KEYS if not section.get(key)]
        if missing:
            raise ValueError(
                f"Profile {profile!r} in {path} is missing required keys: {', '.join(missing)}"
            )
        key_file = Path(section["key_file"]).expanduser()
        if not key_file.is_absolute():
            key_file = path.parent / key_file
        return cls(
            tenancy=section["tenancy"],
            user=section["user"],
            fingerprint=section["fingerprint"],
            private_key=key_file.read_bytes(),
            pass_phrase=section.get("pass_phrase") or None,
        )

    def sign(self, request: httpx.Request, *, streamed: bool = False) -> None:
        """Add the missing OCI headers and the ``authorization`` header to ``request``."""
        method = request.method.lower()
        if method not in _SIGNABLE_METHODS:
            raise ValueError(f"Don't know how to sign request verb {method}")
        sign_body = method in _BODY_METHODS
        headers = request.headers
        body = _frame_body(request)

        headers.setdefault("date", email.utils.formatdate(usegmt=True))
        headers.setdefault("host", request.url.netloc.decode("ascii"))
        # The oci SDK defaults content-type on every verb, not only the ones that sign it.
        if streamed:
            headers.setdefault("content-type", "application/octet-stream")
        headers.setdefault("content-type", "application/json")
        if sign_body:
            headers.setdefault("content-length", str(len(body)))
            # A caller-supplied digest wins, as in the oci SDK (e.g. precomputed for uploads).
            if "x-content-sha256" not in headers:
                digest = hashlib.sha256(body).digest()
                headers["x-content-sha256"] = base64.b64encode(digest).decode("ascii")

        names = _BODY_HEADERS if sign_body else _GENERIC_HEADERS
        lines = []
        for name in names:
            if name == "(request-target)":
                # Path and query exactly as sent on the request line (raw_path keeps the escapes).
                value = f"{method} {request.url.raw_path.decode('ascii')}"
            else:
                # The host header, not the URL's netloc, is what the server sees and verifies.
                value = headers[name]
            lines.append(f"{name}: {value}")
        signature = self._sign("\n".join(lines).encode("ascii"))
        headers["authorization"] = _AUTHORIZATION.format(
            headers=" ".join(names), key_id=self.key_id, signature=signature
        )

    def _sign(self, message: bytes) -> str:
        # cryptography was imported successfully in __init__, so this cannot fail.
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        raw = self._private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")

    @staticmethod
    def _load_private_key(
        private_key: str | bytes, pass_phrase: str | bytes | None
    ) -> RSAPrivateKey:
        # Imported here so that the module imports fine without the optional dependency.
        try:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
        except ImportError as exc:
            raise _missing("cryptography", "OciSigner") from exc

        pem = _to_bytes(private_key).strip()
        password = None if pass_phrase is None else _to_bytes(pass_phrase)
        try:
            key = serialization.load_pem_private_key(pem, password)
        except TypeError:
            if password is None:
                raise ValueError(
                    "The private key is encrypted: a pass_phrase is required"
                ) from None
            # Like the oci SDK, ignore a pass phrase the key does not need: profiles inherit
            # [DEFAULT]'s pass_phrase even when their own key is unencrypted.
            key = serialization.load_pem_private_key(pem, None)
        except ValueError as exc:
            raise ValueError(
                "Could not load the private key: it is not a PEM private key (a public key?), "
                "or the pass_phrase is wrong"
            ) from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError("OCI API signing keys must be RSA keys")
        return key


def _frame_body(request: httpx.Request) -> bytes:
    """The buffered body, framed by a content-length as the signed headers require."""
    body = request.read()
    # The body is fully buffered by now, so chunked framing is never needed: the oci SDK drops
    # it for body-less verbs (OCI services reject it), and for body verbs the signed
    # content-length must frame the body (both framings at once is invalid HTTP).
    if request.headers.pop("transfer-encoding", None) is not None and (
        request.method.lower() in _BODY_METHODS or body
    ):
        request.headers["content-length"] = str(len(body))
    return body


class OciAuth(_SigningAuth):
    """Sign httpx requests with any signer of the ``oci`` package.

    The ``oci`` signer does the signing (and fetches or refreshes its token when it has
    one), on a ``requests``-style copy of the request whose headers are then sent; so a
    request is signed exactly as ``oci`` signs it. Needs the ``oci`` extra.
    """

    def __init__(self, signer: Any) -> None:
        """Use ``signer``: an ``oci.signer.Signer``, one of ``oci.auth.signers``, or any other
        ``requests`` auth of the ``oci`` package."""
        self.signer = signer

    @property
    def region(self) -> str | None:
        """The region the signer knows it is in (instance and resource principals do)."""
        region = getattr(self.signer, "region", None)
        return region if isinstance(region, str) and region else None

    @classmethod
    def session_token(
        cls, profile: str = DEFAULT_PROFILE, file: str | os.PathLike[str] | None = None
    ) -> OciAuth:
        """The session token of a profile that ``oci session authenticate`` wrote."""
        return cls(session_token_signer(oci_config(file, profile)))

    @classmethod
    def instance_principals(cls, **options: Any) -> OciAuth:
        """The identity of the compute instance this runs on, from its metadata service.

        ``options`` go to ``oci.auth.signers.InstancePrincipalsSecurityTokenSigner`` (e.g.
        ``federation_endpoint``); ``OCI_METADATA_BASE_URL`` moves the metadata service.
        """
        oci = import_oci("Instance principals")
        return cls(oci.auth.signers.InstancePrincipalsSecurityTokenSigner(**options))

    @classmethod
    def resource_principals(cls) -> OciAuth:
        """The identity of the resource this runs in (a function, a job...), which the
        platform passes in ``OCI_RESOURCE_PRINCIPAL_*`` environment variables."""
        oci = import_oci("Resource principals")
        return cls(oci.auth.signers.get_resource_principals_signer())

    async def _sign_async(self, request: httpx.Request, *, streamed: bool) -> None:
        # A token signer may fetch a token over the network, blocking: not on the event loop.
        await asyncio.to_thread(self.sign, request, streamed=streamed)

    def sign(self, request: httpx.Request, *, streamed: bool = False) -> None:
        """Have the ``oci`` signer sign ``request``, and set the headers it set."""
        requests = _requests_module()
        body = _frame_body(request)
        copy = requests.PreparedRequest()
        copy.method = request.method
        # The URL as sent, escapes and all: the signer signs its path and query as given.
        copy.url = str(request.url)
        copy.headers = requests.structures.CaseInsensitiveDict(request.headers)
        # A stream reaches the signer as a file, as with ``requests``: oci types it binary.
        copy.body = io.BytesIO(body) if streamed else body
        self.signer(copy)
        request.headers.update(dict(copy.headers))


def _requests_module() -> ModuleType:
    """The ``requests`` the ``oci`` signers are written against: their vendored copy."""
    import_oci("OciAuth")
    try:
        return importlib.import_module("oci._vendor.requests")
    except ImportError:
        return importlib.import_module("requests")


def session_token_signer(config: Mapping[str, Any]) -> Any:
    """An ``oci`` security token signer for a profile with a ``security_token_file``, made
    as the ``oci`` CLI makes it."""
    oci = import_oci("A session token")
    token_file = config.get("security_token_file")
    if not token_file:
        raise ValueError("The profile has no security_token_file: run 'oci session authenticate'")
    token = Path(token_file).expanduser().read_text(encoding="utf-8").strip()
    key = oci.signer.load_private_key_from_file(config["key_file"], config.get("pass_phrase"))
    return oci.auth.signers.SecurityTokenSigner(token, key)


def config_auth(config: Mapping[str, Any]) -> httpx.Auth:
    """How a profile signs: its session token when it has one, else its API key."""
    if config.get("security_token_file"):
        return OciAuth(session_token_signer(config))
    return OciSigner(
        tenancy=config["tenancy"],
        user=config["user"],
        fingerprint=config["fingerprint"],
        private_key=Path(config["key_file"]).expanduser().read_bytes(),
        pass_phrase=config.get("pass_phrase") or None,
    )


def oci_settings(
    endpoint_template: str | None,
    profile: str,
    file: str | os.PathLike[str] | None,
    region: str | None,
    auth: httpx.Auth | None,
    base_url: str | None = None,
) -> tuple[str, httpx.Auth]:
    """The base URL and auth a client gets from an OCI config profile, as ``oci`` clients
    do: the region (``region``, else the one ``auth`` runs in, else the profile's) fills
    the endpoint template, unless ``base_url`` is given; the profile's session token or
    API key signs, unless ``auth`` is given. The file is read only for what the
    arguments leave open."""
    if base_url is not None:
        return base_url, auth or config_auth(oci_config(file, profile))
    if endpoint_template is None:
        raise ValueError(
            "The docs state no endpoint for this API: pass its address as base_url=..."
        )
    oci = import_oci("from_oci_config")
    if region is None and isinstance(auth, OciAuth):
        region = auth.region
    if auth is None or region is None:
        config = oci_config(file, profile)
        auth = auth or config_auth(config)
        region = region or config.get("region") or os.environ.get("OCI_REGION")
    if not region:
        raise ValueError(f"No region: profile {profile!r} names none; pass region=...")
    url: str = oci.regions.endpoint_for(
        "service", region=region, service_endpoint_template=endpoint_template
    )
    return url, auth
