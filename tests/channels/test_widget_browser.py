"""The widget in Debian's Chromium: a host page on another loopback port embeds it with one line.

The service runs as a user would run it (``hoidap serve``) on the session's shared index; the host
page is a plain static page served from a second port (another origin) whose own styles would
turn every button red if they leaked into the widget. A question is answered inside the iframe;
the host page's own elements keep their styles. A screenshot goes to var/test-artifacts/.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port, served_app

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(os.environ.get("HOIDAP_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))
SUGGESTION = "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"

pytestmark = pytest.mark.slow

HOST_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin phường</title>
<style>
  body {{ font-family: serif; }}
  button {{ background: rgb(255, 0, 0); color: rgb(255, 255, 0); font-size: 30px; }}
  p.mine {{ color: rgb(0, 128, 0); }}
  iframe {{ border: 10px solid rgb(0, 0, 255) !important; }}
</style></head>
<body>
  <p class="mine" id="mine">Trang thông tin điện tử của phường</p>
  <button id="host-button" type="button">Nút của trang</button>
  <script src="{base}/widget.js" data-title="Hỏi đáp BHYT" data-color="#1b7f3b"
          data-suggestions="{suggestion}|Ai ký công văn 307-CV/ĐU?" defer></script>
</body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[tuple[str, str]]:
    """(service base URL, host page URL) on two loopback ports."""
    root = tmp_path_factory.mktemp("widget")
    data_dir = root / "data"
    data_dir.mkdir()
    (data_dir / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    host_dir = root / "host"
    host_dir.mkdir()
    service_port, host_port = free_port(), free_port()
    base, host_origin = f"http://127.0.0.1:{service_port}", f"http://127.0.0.1:{host_port}"
    (host_dir / "index.html").write_text(HOST_PAGE.format(base=base, suggestion=SUGGESTION), encoding="utf-8")
    host_server = ThreadingHTTPServer(
        ("127.0.0.1", host_port), functools.partial(_QuietHandler, directory=str(host_dir))
    )
    threading.Thread(target=host_server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "0",
        "HOIDAP_RECORDS_SECRET": "test-secret",
        "HOIDAP_WIDGET_ORIGINS": host_origin,
    }
    try:
        with served_app(env, service_port, root / "server.log") as served:
            assert served == base
            yield base, host_origin + "/index.html"
    finally:
        host_server.shutdown()


STYLES = """() => {
  const s = (id) => { const c = getComputedStyle(document.getElementById(id));
                      return [c.color, c.backgroundColor, c.fontSize, c.fontFamily]; };
  return { mine: s('mine'), button: s('host-button'),
           sheets: document.querySelectorAll('style, link[rel=stylesheet]').length,
           iframesInDocument: document.querySelectorAll('iframe').length };
}"""


def test_widget_on_another_origin(sites: tuple[str, str]) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is missing: apt-get install -y chromium (scripts/setup.sh does it as root)"
        )
    from playwright.sync_api import sync_playwright

    base, host_url = sites
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 760}, device_scale_factor=1)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(host_url)
            widget = page.locator("[data-hoidap-widget]")
            widget.wait_for(state="attached", timeout=10_000)
            before = page.evaluate(STYLES)
            assert before["mine"][0] == "rgb(0, 128, 0)" and before["button"][1] == "rgb(255, 0, 0)"

            # The launcher sits in a closed shadow root: click where it is drawn.
            box = widget.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] - 28, box["y"] + box["height"] - 28)
            deadline = time.monotonic() + 15
            while not any(f.url.startswith(base + "/embed") for f in page.frames):
                assert time.monotonic() < deadline, [f.url for f in page.frames]
                page.wait_for_timeout(100)
            frame = next(f for f in page.frames if f.url.startswith(base + "/embed"))
            frame.wait_for_selector("#question", timeout=15_000)
            suggestions = frame.locator(".example").all_inner_texts()
            assert suggestions == [SUGGESTION, "Ai ký công văn 307-CV/ĐU?"]

            frame.fill("#question", "bhyt 2030 dat bao nhieu")
            frame.press("#question", "Enter")
            frame.wait_for_selector(".msg.bot:not(.pending) .answer-text", timeout=30_000)
            assert "98%" in frame.locator(".msg.bot:not(.pending) .answer-text").first.inner_text()

            # The host page is untouched: same styles, no style sheet added, its iframe rule not applied
            # (the iframe lives in the shadow root, out of reach of the page's selectors).
            after = page.evaluate(STYLES)
            assert after == before
            assert after["iframesInDocument"] == 0
            page.click("#host-button")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "widget.png"))
            assert not errors, errors
        finally:
            browser.close()
