"""The widget's routes: the script, and /embed framable only by the configured origins."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.api.routes.widget import frame_ancestors
from hoidap.qa.service import QAService
from hoidap.settings import Settings


def test_frame_ancestors_keeps_only_well_formed_origins() -> None:
    assert frame_ancestors([]) == "'self'"
    assert frame_ancestors(
        ["https://phuong.gov.vn", "http://127.0.0.1:8080", "https://x; script-src *", "x.vn"]
    ) == ("'self' https://phuong.gov.vn http://127.0.0.1:8080")


def test_widget_script_and_embed_page(channel_client: TestClient) -> None:
    script = channel_client.get("/widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in script.text and "/embed" in script.text
    embed = channel_client.get("/embed")
    assert embed.status_code == 200 and 'id="question"' in embed.text
    csp = embed.headers["content-security-policy"]
    assert csp.count("frame-ancestors") == 1 and "frame-ancestors 'self'" in csp
    # The ordinary chat page still refuses every frame.
    assert "frame-ancestors 'none'" in channel_client.get("/").headers["content-security-policy"]


def test_embed_allows_the_configured_origins(channel_settings: Settings, shared_service: QAService) -> None:
    settings = channel_settings.model_copy(
        update={"widget_origins": "https://phuong-a.gov.vn/, https://b.vn"}
    )
    with TestClient(create_app(settings, service=shared_service)) as client:
        csp = client.get("/embed").headers["content-security-policy"]
    assert "frame-ancestors 'self' https://phuong-a.gov.vn https://b.vn" in csp
