"""The chat page in a real headless Chromium (Debian's), driven by Playwright, against `hoidap serve`.

Starts the real server (uvicorn, as a user would) on 127.0.0.1 with a free port and a private copy
of the session's index, asks an unaccented and an accented question, opens a citation chip,
follows up in the same conversation, gives feedback and checks SQLite, checks that a question
containing <script> is shown as text, and saves a 360-px-wide screenshot into
var/test-artifacts/ (or $HOIDAP_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.records import open_records
from tests.api.conftest import REPO, copy_data_dir, make_settings
from tests.conftest import free_port, served_app

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("HOIDAP_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[tuple[str, Path]]:
    data_dir = copy_data_dir(built_data_dir, tmp_path_factory.mktemp("browser") / "data")
    port = free_port()
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "0",
        "HOIDAP_RECORDS_SECRET": "test-secret",
    }
    with served_app(env, port, data_dir / "server.log") as base:
        yield base, data_dir


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (scripts/setup.sh does it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _ask(page, question: str):  # type: ignore[no-untyped-def]
    answers = page.locator(".msg.bot:not(.pending)")
    before = answers.count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.bot:not(.pending)').length > n", arg=before, timeout=30_000
    )
    return answers.nth(before)


def test_chat_page_in_a_real_browser(server: tuple[str, Path], browser) -> None:  # type: ignore[no-untyped-def]
    base, data_dir = server
    context = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/")
    assert page.title() == "Hỏi đáp chính sách y tế"

    # Unaccented question: an answer with citation chips.
    answer = _ask(page, "bhyt 2030 dat bao nhieu")
    assert "98%" in answer.locator(".answer-text").inner_text()
    chip = answer.locator(".answer-text .chip").first
    assert chip.inner_text() == "[1]"
    chip.click()
    details = answer.locator(".citation")
    assert details.count() == 1
    quote = details.locator("blockquote").inner_text()
    assert "98%" in quote
    facts = details.locator("dl").inner_text()
    assert "Mục" in facts and "Văn bản" in facts
    assert chip.get_attribute("aria-expanded") == "true"

    # 👍 is stored in SQLite.
    answer.locator('.feedback button[data-helpful="true"]').click()
    answer.locator(".feedback-status", has_text="Cảm ơn").wait_for(timeout=10_000)
    answer_id = answer.get_attribute("data-answer-id")
    records = open_records(make_settings(data_dir))
    stored = records.get_feedback(answer_id)
    records.close()
    assert stored is not None and stored.helpful is True and stored.question == "bhyt 2030 dat bao nhieu"

    # Accented question.
    accented = _ask(page, "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?")
    assert "98%" in accented.locator(".answer-text").inner_text()

    # A follow-up in the same conversation is understood.
    follow = _ask(page, "còn năm 2045 thì sao?")
    assert "2045" in follow.locator(".interpreted").inner_text()

    # A question with markup is shown as text, never run.
    script = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    _ask(page, script)
    assert page.locator(".msg.user .bubble").last.inner_text() == script
    assert page.locator("#chat script, #chat img").count() == 0
    assert dialogs == []

    # Readable at 360 px: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    chip = accented.locator(".answer-text .chip").first
    chip.click()
    accented.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # What a phone shows (the accented answer with its first citation open), and the whole chat.
    page.evaluate("el => el.scrollIntoView({block: 'start'})", accented.element_handle())
    page.screenshot(path=str(ARTIFACTS / "chat-360.png"))
    page.screenshot(path=str(ARTIFACTS / "chat-360-full.png"), full_page=True)
    context.close()
