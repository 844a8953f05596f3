"""``Client.from_oci_config``: a client from an OCI config profile alone, as ``oci`` makes
its own: the region picks the endpoint, the profile signs."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from generator.config import BookConfig
from generator.generate import Site, generate_package
from generator.pipeline import model_from_book

from .conftest import BOOKS
from .test_oci_signer import BASE, DATE, FINGERPRINT, TENANCY, USER, _send

oci = pytest.importorskip("oci")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def config(tmp_path: Path, key: rsa.RSAPrivateKey) -> Path:
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "token").write_text("header.payload.signature", encoding="utf-8")
    path = tmp_path / "config"
    path.write_text(
        "[DEFAULT]\n"
        f"user={USER}\n"
        f"fingerprint={FINGERPRINT}\n"
        f"tenancy={TENANCY}\n"
        "region=us-ashburn-1\n"
        f"key_file={tmp_path / 'key.pem'}\n"
        "\n"
        "[GOV]\n"
        "region=uk-gov-london-1\n"
        "\n"
        "[SESSION]\n"
        f"security_token_file={tmp_path / 'token'}\n"
        "\n"
        "[NOWHERE]\n"
        "region=\n",
        encoding="utf-8",
    )
    return path


def test_endpoint_and_api_key_from_the_profile(
    aidp_sdk: Path, config: Path, key: rsa.RSAPrivateKey
) -> None:
    from aidp_workbench import Client
    from aidp_workbench.auth import OciSigner

    with Client.from_oci_config(file=config, timeout=5) as client:
        assert str(client._settings.base_url) == "https://datalake.us-ashburn-1.oci.oraclecloud.com"
        assert isinstance(client._settings.auth, OciSigner)
        signed = _send(client._settings.auth, "GET", f"{BASE}/workspaces")
        expected = _send(OciSigner.from_config(config), "GET", f"{BASE}/workspaces")
        assert signed.headers["authorization"] == expected.headers["authorization"]
    # The realm's domain follows the region, as in oci.
    with Client.from_oci_config("GOV", file=config) as client:
        assert (
            str(client._settings.base_url)
            == "https://datalake.uk-gov-london-1.oci.oraclegovcloud.uk"
        )
    with Client.from_oci_config(file=config, region="fra") as client:
        assert (
            str(client._settings.base_url) == "https://datalake.eu-frankfurt-1.oci.oraclecloud.com"
        )


def test_a_base_url_of_its_own(aidp_sdk: Path, config: Path) -> None:
    """A private endpoint: the profile signs, the address is the caller's."""
    from aidp_workbench import AsyncClient, Client
    from aidp_workbench.auth import OciSigner

    private = "https://datalake.private.example.com"
    with Client.from_oci_config(file=config, base_url=private) as client:
        assert str(client._settings.base_url) == private
        assert isinstance(client._settings.auth, OciSigner)
    client = AsyncClient.from_oci_config("GOV", file=config, base_url=private)
    assert str(client._settings.base_url) == private
    asyncio.run(client.close())


def test_session_token_profile(aidp_sdk: Path, config: Path) -> None:
    from aidp_workbench import AsyncClient
    from aidp_workbench.auth import OciAuth

    client = AsyncClient.from_oci_config("SESSION", file=config)
    assert isinstance(client._settings.auth, OciAuth)
    signed = _send(client._settings.auth, "GET", f"{BASE}/workspaces")
    assert 'keyId="ST$header.payload.signature"' in signed.headers["authorization"]
    asyncio.run(client.close())


def test_auth_of_its_own_and_region_from_it(aidp_sdk: Path, tmp_path: Path) -> None:
    """Instance and resource principals know their region: no config file is read."""
    from aidp_workbench import Client
    from aidp_workbench.auth import OciAuth

    class Located:
        region = "ap-tokyo-1"

        def __call__(self, request: Any) -> Any:
            request.headers["authorization"] = "Signature located"
            return request

    auth = OciAuth(Located())
    missing = tmp_path / "none"
    with Client.from_oci_config(file=missing, auth=auth) as client:
        assert str(client._settings.base_url) == "https://datalake.ap-tokyo-1.oci.oraclecloud.com"
        sent = _send(client._settings.auth, "GET", f"{BASE}/x", headers={"date": DATE})
        assert sent.headers["authorization"] == "Signature located"
    with pytest.raises(oci.exceptions.ConfigFileNotFound):
        Client.from_oci_config(file=missing, auth=httpx.BasicAuth("u", "p"))


def test_errors(aidp_sdk: Path, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aidp_workbench import Client

    monkeypatch.delenv("OCI_REGION", raising=False)
    with pytest.raises(ValueError, match="No region"):
        Client.from_oci_config("NOWHERE", file=config, auth=httpx.BasicAuth("u", "p"))
    monkeypatch.setattr(Client, "endpoint_template", None)
    with pytest.raises(ValueError, match="no endpoint"):
        Client.from_oci_config(file=config)
    monkeypatch.setitem(sys.modules, "oci", None)
    monkeypatch.setattr(Client, "endpoint_template", "https://x.{region}.oci.{secondLevelDomain}")
    with pytest.raises(ImportError, match=r"aidp_workbench\[oci\]"):
        Client.from_oci_config(file=config)
    # The base URL as before, with no config and no oci.
    with Client("https://example.com") as client:
        assert str(client._settings.base_url) == "https://example.com"


def test_endpoint_setting_is_checked() -> None:
    settings = {"package": "p", "output": "o"}
    assert BookConfig(**settings, endpoint="https://s.{region}.oci.{secondLevelDomain}").endpoint
    with pytest.raises(ValueError, match="region"):
        BookConfig(**settings, endpoint="https://s.example.com")


def test_endpoint_stated_by_the_book(tmp_path: Path) -> None:
    """The index page's address with ``{region}`` becomes the template; the book's
    ``endpoint:`` setting wins over it."""
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "jupyter-ul", book)
    index = book / "index.html"
    stated = "https://jupyter.{region}.oci.{secondLevelDomain}"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "<body>", f"<body><p>Send requests to <code>{stated}</code>.</p>", 1
        ),
        encoding="utf-8",
    )
    model, _ = model_from_book(book)
    assert model.endpoint == stated
    client = generate_package(model, "sdk")["sdk/client.py"]
    assert f'endpoint_template = "{stated}"' in client
    chosen = "https://other.{region}.example.com"
    client = generate_package(model, "sdk", site=Site(endpoint=chosen))["sdk/client.py"]
    assert f'endpoint_template = "{chosen}"' in client
    assert model_from_book(BOOKS / "jupyter-ul")[0].endpoint is None
