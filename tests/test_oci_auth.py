"""Every way of signing that the ``oci`` package offers, lent to httpx by ``OciAuth``: each
must sign a request exactly as ``oci`` itself signs it."""

from __future__ import annotations

import asyncio
import datetime
import io
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.scripted_server import Reply, ScriptedServer, scripted_server
from tests.test_oci_signer import (
    BASE,
    CASES,
    DATE,
    FINGERPRINT,
    TENANCY,
    USER,
    _assert_same,
    _import_fresh,
    _sdk_sign,
    _send,
)

oci = pytest.importorskip("oci")
jwt = pytest.importorskip("jwt")


@pytest.fixture(scope="module")
def auth() -> ModuleType:
    return _import_fresh("docs2sdk_runtime_auth_flavours")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _token(**claims: Any) -> str:
    """A security token as the identity service issues them: a JWT (oci reads, never
    verifies, its claims)."""
    now = int(time.time())
    token: str = jwt.encode({"iat": now, "exp": now + 3600, **claims}, "k" * 32, algorithm="HS256")
    return token


def _key_id(request: httpx.Request) -> str:
    return request.headers["authorization"].split('keyId="')[1].split('"')[0]


@pytest.mark.parametrize(("method", "url", "body", "headers"), CASES)
def test_api_key_signer_through_the_adapter(
    auth: ModuleType,
    key: rsa.RSAPrivateKey,
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
) -> None:
    sdk = oci.signer.Signer(TENANCY, USER, FINGERPRINT, None, private_key_content=_pem(key))
    ours = _send(auth.OciAuth(sdk), method, url, body, headers)
    _assert_same(method, ours, _sdk_sign(sdk, method, str(ours.url), body, headers))
    # The adapter and the package's own API-key signer agree to the byte.
    own = auth.OciSigner(TENANCY, USER, FINGERPRINT, _pem(key))
    assert (
        ours.headers["authorization"]
        == _send(own, method, url, body, headers).headers["authorization"]
    )


def test_streamed_body_through_the_adapter(auth: ModuleType, key: rsa.RSAPrivateKey) -> None:
    sdk = oci.signer.Signer(TENANCY, USER, FINGERPRINT, None, private_key_content=_pem(key))
    chunks = [b'{"a":', b"1}"]
    ours = _send(auth.OciAuth(sdk), "POST", f"{BASE}/uploads", iter(chunks))
    theirs = _sdk_sign(sdk, "POST", f"{BASE}/uploads", io.BytesIO(b"".join(chunks)))
    assert ours.headers["content-type"] == "application/octet-stream"
    _assert_same("POST", ours, theirs)


def _session_profile(tmp_path: Path, key: rsa.RSAPrivateKey, token: str) -> Path:
    (tmp_path / "session.pem").write_bytes(_pem(key))
    (tmp_path / "token").write_text(token + "\n", encoding="utf-8")
    config = tmp_path / "config"
    # As ``oci session authenticate`` writes a profile: no user, a token file.
    config.write_text(
        "[SESSION]\n"
        f"fingerprint={FINGERPRINT}\n"
        f"key_file={tmp_path / 'session.pem'}\n"
        f"tenancy={TENANCY}\n"
        "region=eu-frankfurt-1\n"
        f"security_token_file={tmp_path / 'token'}\n",
        encoding="utf-8",
    )
    return config


def test_session_token_signs_as_the_oci_cli(
    auth: ModuleType, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    token = _token(sub=USER)
    config = _session_profile(tmp_path, key, token)
    ours = auth.OciAuth.session_token(profile="SESSION", file=config)
    # What the oci CLI builds for --auth security_token.
    cli = oci.auth.signers.SecurityTokenSigner(
        token, oci.signer.load_private_key_from_file(str(tmp_path / "session.pem"))
    )
    body = b'{"name":"n"}'
    for method, content in (("POST", body), ("GET", None), ("DELETE", None)):
        sent = _send(ours, method, f"{BASE}/sessions", content)
        _assert_same(method, sent, _sdk_sign(cli, method, f"{BASE}/sessions", content))
        assert _key_id(sent) == f"ST${token}"
    # A profile with a token file signs with the token, not as an API key.
    by_profile = auth.config_auth(auth.oci_config(config, "SESSION"))
    assert isinstance(by_profile, auth.OciAuth)
    assert _key_id(_send(by_profile, "GET", f"{BASE}/sessions")) == f"ST${token}"


def test_resource_principals_sign_as_oci(
    auth: ModuleType, key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(res_tenant=TENANCY, res_compartment="ocid1.compartment.oc1..c")
    (tmp_path / "rp.pem").write_bytes(_pem(key))
    # What the platform hands a function or a job, version 2.2.
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2")
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_RPST", token)
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", str(tmp_path / "rp.pem"))
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_REGION", "ap-tokyo-1")
    ours = auth.OciAuth.resource_principals()
    theirs = oci.auth.signers.get_resource_principals_signer()
    assert ours.region == "ap-tokyo-1"
    body = b'{"displayName":"x"}'
    sent = _send(ours, "PUT", f"{BASE}/workspaces/w", body)
    _assert_same("PUT", sent, _sdk_sign(theirs, "PUT", f"{BASE}/workspaces/w", body))
    assert _key_id(sent) == f"ST${token}"


def _certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: Any
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "instance"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, subject),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(issuer_key, hashes.SHA256())
    )


@pytest.fixture
def instance(
    key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ScriptedServer, ScriptedServer, str]]:
    """An instance metadata service and an identity federation endpoint, on loopback;
    yields both and the token the federation endpoint issues."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = _certificate("opc-certificate-authority", ca_key, None, ca_key)
    leaf = _certificate(f"opc-tenant:{TENANCY}", key, ca, ca_key)
    token = _token(sub="ocid1.instance.oc1..i")

    def pem(cert: x509.Certificate) -> str:
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    with scripted_server() as metadata, scripted_server() as federation:
        metadata.routes = {
            "/opc/v2/identity/cert.pem": Reply(200, pem(leaf)),
            "/opc/v2/identity/key.pem": Reply(200, _pem(key).decode()),
            "/opc/v2/identity/intermediate.pem": Reply(200, pem(ca)),
            "/opc/v2/instance/region": Reply(200, "iad"),
        }
        federation.routes = {"/v1/x509": Reply(200, {"token": token})}
        # oci's documented override of the metadata service's address.
        monkeypatch.setenv("OCI_METADATA_BASE_URL", f"{metadata.url}/opc/v2")
        yield metadata, federation, token


def test_instance_principals_sign_as_oci(
    auth: ModuleType, instance: tuple[ScriptedServer, ScriptedServer, str]
) -> None:
    metadata, federation, token = instance
    ours = auth.OciAuth.instance_principals(federation_endpoint=f"{federation.url}/v1/x509")
    assert ours.region == "us-ashburn-1"
    assert metadata.seen
    assert all(s.headers["authorization"] == "Bearer Oracle" for s in metadata.seen)
    body = b'{"displayName":"x"}'
    for method, content in (("POST", body), ("GET", None)):
        sent = _send(ours, method, f"{BASE}/clusters?limit=1", content)
        # The same signer, used by oci as a requests auth, on the same request.
        theirs = _sdk_sign(ours.signer, method, f"{BASE}/clusters?limit=1", content)
        _assert_same(method, sent, theirs)
        assert _key_id(sent) == f"ST${token}"
    # The token was asked for once, by the instance's certificate, and is reused.
    [asked] = [s for s in federation.seen if s.path == "/v1/x509"]
    assert asked.json()["certificate"] in metadata.routes["/opc/v2/identity/cert.pem"].body.replace(
        "\n", ""
    )


def test_instance_principals_in_an_async_client(
    auth: ModuleType, instance: tuple[ScriptedServer, ScriptedServer, str]
) -> None:
    _metadata, federation, _ = instance
    signer = auth.OciAuth.instance_principals(federation_endpoint=f"{federation.url}/v1/x509")
    sent: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, auth=signer) as client:
            await client.post(f"{BASE}/clusters", content=b"{}", headers={"date": DATE})

    asyncio.run(main())
    assert (
        sent[0].headers["authorization"]
        == (_send(signer, "POST", f"{BASE}/clusters", b"{}").headers["authorization"])
    )


def test_without_oci(auth: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "oci", None)
    with pytest.raises(ImportError, match=r"needs the 'oci' package.*'oci' extra"):
        auth.OciAuth.instance_principals()
    with pytest.raises(ImportError, match=r"'oci' extra"):
        auth.oci_config(tmp_path / "config", "DEFAULT")
