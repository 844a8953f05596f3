"""The generated packages' OCI request signer must sign exactly like the official oci SDK."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.util
import io
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

oci = pytest.importorskip("oci")
from oci.signer import Signer as OciSdkSigner  # type: ignore[import-untyped]  # noqa: E402

try:
    import requests
except ImportError:  # pragma: no cover - oci vendors the copy its Signer is written against
    from oci._vendor import requests  # type: ignore[import-untyped, no-redef]

# The signer as every generated package has it: generator/runtime/auth.py, copied.
AUTH_SOURCE = Path(__file__).resolve().parent.parent / "generator" / "runtime" / "auth.py"

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancyexample"
USER = "ocid1.user.oc1..aaaaaaaauserexample"
FINGERPRINT = "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0"
DATE = "Thu, 05 Jun 2025 10:20:30 GMT"
BASE = "https://aidp.us-ashburn-1.oci.oraclecloud.com/20240831"
COMPARED = ("authorization", "x-content-sha256", "content-length", "date", "host", "content-type")
BODY_VERBS = {"POST", "PUT", "PATCH"}


def _import_fresh(name: str) -> ModuleType:
    """The module imported anew under ``name``, as a package would import its copy."""
    spec = importlib.util.spec_from_file_location(name, AUTH_SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def auth() -> ModuleType:
    return _import_fresh("docs2sdk_runtime_auth")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="module")
def signer(auth: ModuleType, pem: bytes) -> Any:
    return auth.OciSigner(
        tenancy=TENANCY, user=USER, fingerprint=FINGERPRINT, private_key=pem.decode("ascii")
    )


@pytest.fixture(scope="module")
def sdk_signer(pem: bytes) -> OciSdkSigner:
    return OciSdkSigner(
        TENANCY, USER, FINGERPRINT, private_key_file_location=None, private_key_content=pem
    )


def _send(
    auth_: httpx.Auth,
    method: str,
    url: str,
    content: bytes | Iterator[bytes] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Request:
    """Send through a real httpx client (so its auth flow runs) and return the request as sent."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth_) as client:
        client.request(method, url, content=content, headers={"date": DATE, **(headers or {})})
    return sent[0]


def _sdk_sign(
    sdk_signer: OciSdkSigner,
    method: str,
    url: str,
    body: bytes | io.BytesIO | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    prepared = requests.Request(
        method, url, data=body, headers={"date": DATE, **(headers or {})}
    ).prepare()
    sdk_signer(prepared)
    return prepared


def _assert_same(method: str, ours: httpx.Request, theirs: Any) -> None:
    for name in COMPARED:
        if name == "content-length" and method not in BODY_VERBS:
            # requests itself adds "Content-Length: 0" to a body-less DELETE; it is not signed.
            assert "content-length" not in ours.headers
            continue
        assert ours.headers.get(name) == theirs.headers.get(name), name
    assert "transfer-encoding" not in ours.headers


# method, url, body, extra headers
CASES = [
    ("GET", f"{BASE}/workbenches?limit=10&page=a%2Fb&name=x%20y&sortOrder=ASC", None, {}),
    ("POST", f"{BASE}/workbenches", b'{"displayName":"wb \\u00e9","count":1}', {}),
    (
        "PUT",
        "https://aidp.example.com:8443/20240831/workbenches/ocid1.wb.oc1..x?opc=1",
        b'{"displayName":"renamed"}',
        {"content-type": "application/json; charset=utf-8", "opc-request-id": "abc"},
    ),
    ("DELETE", f"{BASE}/workbenches/ocid1.wb.oc1..x?isForce=true", None, {}),
    ("PATCH", f"{BASE}/workbenches/ocid1.wb.oc1..x", None, {}),
    ("HEAD", f"{BASE}/workbenches/ocid1.wb.oc1..x", None, {}),
    # A caller-supplied digest is kept as is.
    ("PUT", f"{BASE}/objects/o", b"data", {"x-content-sha256": "precomputed"}),
]


@pytest.mark.parametrize(("method", "url", "body", "headers"), CASES)
def test_matches_oci_sdk(
    signer: Any,
    sdk_signer: OciSdkSigner,
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
) -> None:
    ours = _send(signer, method, url, body, headers)
    theirs = _sdk_sign(sdk_signer, method, str(ours.url), body, headers)
    assert ours.content == (theirs.body or b"")
    _assert_same(method, ours, theirs)
    signed = "date (request-target) host"
    if method in BODY_VERBS:
        signed += " content-length content-type x-content-sha256"
    assert f'headers="{signed}"' in ours.headers["authorization"]


def test_streamed_body_matches_oci_sdk(signer: Any, sdk_signer: OciSdkSigner) -> None:
    chunks = [b'{"a":', b"1}"]
    ours = _send(signer, "POST", f"{BASE}/uploads", iter(chunks))
    theirs = _sdk_sign(sdk_signer, "POST", f"{BASE}/uploads", io.BytesIO(b"".join(chunks)))
    # Both treat a stream as binary, and httpx's chunked framing is replaced by a length.
    assert ours.headers["content-type"] == "application/octet-stream"
    assert ours.headers["content-length"] == "7"
    _assert_same("POST", ours, theirs)


def test_defaults_added_when_missing(signer: Any) -> None:
    request = httpx.Request("POST", f"{BASE}/workbenches", content=b"{}")
    signer.sign(request)
    assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", request.headers["date"])
    assert request.headers["host"] == "aidp.us-ashburn-1.oci.oraclecloud.com"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["content-length"] == "2"
    expected = base64.b64encode(hashlib.sha256(b"{}").digest()).decode()
    assert request.headers["x-content-sha256"] == expected
    # Like the oci SDK, content-type is defaulted on body-less verbs too (though not signed).
    get = httpx.Request("GET", f"{BASE}/workbenches")
    signer.sign(get)
    assert get.headers["content-type"] == "application/json"
    assert "x-content-sha256" not in get.headers


def test_async_client_signs_the_same(signer: Any) -> None:
    sent: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, auth=signer) as client:
            await client.post(f"{BASE}/workbenches", content=b'{"a":1}', headers={"date": DATE})

    asyncio.run(main())
    sync = _send(signer, "POST", f"{BASE}/workbenches", b'{"a":1}')
    assert sent[0].headers["authorization"] == sync.headers["authorization"]


def _verify(request: httpx.Request, public_key: rsa.RSAPublicKey) -> dict[str, str]:
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "Signature"
    fields = dict(re.findall(r'(\w+)="([^"]*)"', params))
    lines = []
    for name in fields["headers"].split(" "):
        if name == "(request-target)":
            lines.append(f"{name}: {request.method.lower()} {request.url.raw_path.decode()}")
        else:
            lines.append(f"{name}: {request.headers[name]}")
    public_key.verify(
        base64.b64decode(fields["signature"]),
        "\n".join(lines).encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    return fields


@pytest.mark.parametrize(("method", "url", "body", "headers"), CASES)
def test_signature_verifies(
    signer: Any,
    key: rsa.RSAPrivateKey,
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
) -> None:
    fields = _verify(_send(signer, method, url, body, headers), key.public_key())
    assert fields["keyId"] == f"{TENANCY}/{USER}/{FINGERPRINT}"
    assert fields["algorithm"] == "rsa-sha256"
    assert fields["version"] == "1"


def test_options_signed_without_body_headers(signer: Any, key: rsa.RSAPrivateKey) -> None:
    fields = _verify(_send(signer, "OPTIONS", f"{BASE}/workbenches"), key.public_key())
    assert fields["headers"] == "date (request-target) host"


def test_unknown_verb_rejected(signer: Any) -> None:
    with pytest.raises(ValueError, match="trace"):
        signer.sign(httpx.Request("TRACE", f"{BASE}/workbenches"))


def _write_config(tmp_path: Path, key: rsa.RSAPrivateKey, home: Path) -> Path:
    keys = tmp_path / "keys"
    keys.mkdir()
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cr%t"),
    )
    (keys / "api_key.pem").write_bytes(encrypted)
    plain = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (home / "plain.pem").write_bytes(plain)
    config = tmp_path / "config"
    # OTHER inherits DEFAULT's pass_phrase although its own key is unencrypted, which the
    # oci SDK tolerates; '%' checks that values are not interpolated.
    config.write_text(
        "[DEFAULT]\n"
        f"user={USER}\n"
        f"fingerprint={FINGERPRINT}\n"
        f"tenancy={TENANCY}\n"
        "region=us-ashburn-1\n"
        "key_file=keys/api_key.pem\n"
        "pass_phrase=s3cr%t\n"
        "\n"
        "[OTHER]\n"
        "user=ocid1.user.oc1..aaaaaaaaotheruser\n"
        "key_file=~/plain.pem\n",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("profile", ["DEFAULT", "OTHER"])
def test_from_config_matches_oci_sdk(
    auth: ModuleType,
    key: rsa.RSAPrivateKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    profile: str,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    config = _write_config(tmp_path, key, home)
    # The oci SDK resolves a relative key_file against the working directory; ours against the
    # config file's folder. Run from that folder so both find the same key.
    monkeypatch.chdir(tmp_path)

    ours = auth.OciSigner.from_config(file=str(config), profile=profile)
    sdk = OciSdkSigner.from_config(oci.config.from_file(str(config), profile))
    body = b'{"displayName":"wb"}'
    sent = _send(ours, "POST", f"{BASE}/workbenches", body)
    _assert_same("POST", sent, _sdk_sign(sdk, "POST", f"{BASE}/workbenches", body))
    _verify(sent, key.public_key())


def test_from_config_defaults(
    auth: ModuleType, key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / ".oci").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("OCI_CONFIG_FILE", raising=False)
    config = _write_config(tmp_path, key, home)

    with pytest.raises(FileNotFoundError):
        auth.OciSigner.from_config()
    # Like the oci SDK, OCI_CONFIG_FILE is used when ~/.oci/config does not exist.
    monkeypatch.setenv("OCI_CONFIG_FILE", str(config))
    assert auth.OciSigner.from_config().key_id == f"{TENANCY}/{USER}/{FINGERPRINT}"

    (home / ".oci" / "config").write_text(config.read_text().replace("keys/", "../../keys/"))
    assert auth.OciSigner.from_config(profile="OTHER").key_id.startswith(TENANCY + "/")


def test_from_config_errors(
    auth: ModuleType, key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    config = _write_config(tmp_path, key, tmp_path)
    with pytest.raises(ValueError, match="'NOPE' not found"):
        auth.OciSigner.from_config(file=config, profile="NOPE")
    config.write_text("[DEFAULT]\nuser=u\n")
    with pytest.raises(ValueError, match="fingerprint, tenancy, key_file"):
        auth.OciSigner.from_config(file=config)


def test_key_errors(auth: ModuleType, key: rsa.RSAPrivateKey) -> None:
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    args = {"tenancy": TENANCY, "user": USER, "fingerprint": FINGERPRINT}
    assert auth.OciSigner(**args, private_key=encrypted, pass_phrase="pw")
    with pytest.raises(ValueError, match="pass_phrase is required"):
        auth.OciSigner(**args, private_key=encrypted)
    with pytest.raises(ValueError, match="pass_phrase is wrong"):
        auth.OciSigner(**args, private_key=encrypted, pass_phrase="bad")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="public key"):
        auth.OciSigner(**args, private_key=public)
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(TypeError, match="RSA"):
        auth.OciSigner(**args, private_key=ec_key)


def test_without_cryptography(pem: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "cryptography" or name.startswith("cryptography."):
            monkeypatch.setitem(sys.modules, name, None)
    module = _import_fresh("docs2sdk_runtime_auth_nocrypto")
    with pytest.raises(ImportError, match=r"'oci' extra"):
        module.OciSigner(TENANCY, USER, FINGERPRINT, pem)
