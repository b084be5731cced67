"""QR codes: links built from the configured public address, valid PNGs, and the printable page."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hoidap.api.app import create_app
from hoidap.channels.links import PublicUrlMissing, document_url, normalise_base_url, question_url
from hoidap.channels.qr import qr_code, qr_png, qr_side_pixels
from hoidap.cli import app as cli_app
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.channels.conftest import PUBLIC

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_links_use_the_configured_address_only() -> None:
    assert normalise_base_url(" https://a.example/x/ ") == "https://a.example/x"
    assert document_url("https://a.example/", "001 a/b") == "https://a.example/documents/001%20a%2Fb"
    url = question_url("https://a.example", "Mức hưởng BHYT là bao nhiêu? & gì")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "a.example", "/")
    assert parse_qs(parts.query)["q"] == ["Mức hưởng BHYT là bao nhiêu? & gì"]
    with pytest.raises(PublicUrlMissing):
        document_url(None, "x")
    with pytest.raises(PublicUrlMissing):
        question_url("  ", "x")
    for bad in ("hoidap.gov.vn", "ftp://a.example", "https://a.example/?x=1"):
        with pytest.raises(ValueError):
            normalise_base_url(bad)


def test_png_is_valid_and_sized_by_scale() -> None:
    url = "https://a.example/documents/abc"
    data = qr_png(url, scale=5)
    assert png_size(data) == (qr_side_pixels(url, 5),) * 2
    assert qr_side_pixels(url, 10) == 2 * qr_side_pixels(url, 5)
    # The symbol holds exactly the URL (segno's own encoder; byte mode for the whole string).
    matrix = qr_code(url).matrix
    assert len(matrix) == len(matrix[0]) >= 21
    assert qr_code(url).designator == segno.make_qr(url, error="m", boost_error=False).designator


def test_document_qr_endpoint(channel_client: TestClient, shared_service: QAService) -> None:
    doc_id = sorted(shared_service.index.documents)[0]
    response = channel_client.get(f"/v1/documents/{doc_id}/qr.png", params={"scale": 4})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    expected_url = f"{PUBLIC}/documents/{doc_id}"
    assert response.content == qr_png(expected_url, 4)
    assert png_size(response.content) == (qr_side_pixels(expected_url, 4),) * 2


def test_question_qr_endpoint_ignores_the_host_header(channel_client: TestClient) -> None:
    question = "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
    response = channel_client.get("/qr.png", params={"q": question}, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert response.content == qr_png(question_url(PUBLIC, question), 8)


def test_qr_errors_have_the_contract_shape(
    channel_client: TestClient, channel_settings: Settings, shared_service: QAService
) -> None:
    response = channel_client.get("/v1/documents/khong-co/qr.png")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"
    assert channel_client.get("/qr.png", params={"q": "   "}).status_code == 422
    assert channel_client.get("/qr.png").status_code == 422
    unset = channel_settings.model_copy(update={"public_base_url": None})
    with TestClient(create_app(unset, service=shared_service)) as client:
        response = client.get("/qr.png", params={"q": "BHYT"})
        assert response.status_code == 403
        body = response.json()
        assert body["error"]["code"] == "public_url_not_configured"
        assert "HOIDAP_PUBLIC_BASE_URL" in body["error"]["message"]
        doc_id = sorted(shared_service.index.documents)[0]
        page = client.get(f"/documents/{doc_id}")
        assert page.status_code == 200 and "HOIDAP_PUBLIC_BASE_URL" in page.text


def test_printable_document_page(channel_client: TestClient, shared_service: QAService) -> None:
    document = next(d for d in shared_service.index.documents.values() if d.metadata.number)
    response = channel_client.get(f"/documents/{document.doc_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert document.metadata.number in html
    assert f"/v1/documents/{document.doc_id}/qr.png" in html
    assert f"{PUBLIC}/documents/{document.doc_id}" in html
    assert "Mục lục" in html and "Toàn văn" in html
    assert "<script" not in html
    # The text is on the page (escaped), line by line.
    first_line = next(line for line in document.text.splitlines() if line.strip() and "&" not in line)
    assert first_line.strip() in html
    assert channel_client.get("/documents/khong-co").status_code == 404


def test_qr_command_writes_the_png(tmp_path: Path, built_data_dir: Path) -> None:
    env = {"HOIDAP_PUBLIC_BASE_URL": PUBLIC, "HOIDAP_DATA_DIR": str(built_data_dir)}
    out = tmp_path / "q.png"
    result = CliRunner().invoke(cli_app, ["qr", "-q", "BHYT hộ gia đình", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == qr_png(question_url(PUBLIC, "BHYT hộ gia đình"), 10)
    result = CliRunner().invoke(cli_app, ["qr", "--doc", "khong-co", "-o", str(out)], env=env)
    assert result.exit_code == 2 and "khong-co" in result.output
    result = CliRunner().invoke(cli_app, ["qr", "-o", str(out)], env=env)
    assert result.exit_code == 2


def test_qr_decodes_back_to_the_public_url(channel_client: TestClient, tmp_path: Path) -> None:
    """A real decoder (zbarimg, Debian's zbar-tools) reads the served image back."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: apt-get install -y zbar-tools (scripts/setup.sh does it as root)")
    question = "Mức đóng BHYT hộ gia đình là bao nhiêu?"
    image = tmp_path / "q.png"
    image.write_bytes(channel_client.get("/qr.png", params={"q": question, "scale": 4}).content)
    decoded = subprocess.run(
        [zbarimg, "--raw", "-q", str(image)], capture_output=True, timeout=30, check=True
    )
    url = decoded.stdout.decode("utf-8").strip()
    assert url == question_url(PUBLIC, question)
    assert parse_qs(urlsplit(url).query)["q"] == [question]
