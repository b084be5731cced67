"""Two `hoidap serve` processes sharing PostgreSQL, Redis and the data directory behave as one service."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data_dir, free_port

pytestmark = pytest.mark.slow

ADMIN_TOKEN = "replica-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BURST = 25
PLAN = """ĐẢNG BỘ PHƯỜNG THỬ NGHIỆM
ĐẢNG ỦY
*
Số 99-KH/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Thử Nghiệm, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
phòng, chống sốt xuất huyết năm 2026

I. CHỈ TIÊU
1. Đến năm 2027, tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt 95% trở lên.

T/M ĐẢNG ỦY
BÍ THƯ
Trần Văn Thử
"""


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path, postgres_server_url: str, redis_server_url: str
) -> Iterator[dict]:
    """Two replicas, their processes and the database URL they share."""
    from tests.conftest import serve_process
    from tests.servers import fresh_database

    database_url = fresh_database(postgres_server_url)
    root = tmp_path_factory.mktemp("replicas")
    data_dir = copy_data_dir(built_data_dir, root / "data")
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_DATABASE_URL": database_url,
        "HOIDAP_REDIS_URL": redis_server_url,
        "HOIDAP_REDIS_PREFIX": f"replicas-{free_port()}",
        "HOIDAP_INDEX_WATCH_SECONDS": "0.5",
        "HOIDAP_ADMIN_TOKEN": ADMIN_TOKEN,
        # A slow refill and a burst the other tests stay under: the last test spends it.
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "2",
        "HOIDAP_RATE_LIMIT_BURST": str(BURST),
    }
    env.pop("HOIDAP_RECORDS_SECRET", None)  # the hashing key must come from the shared database
    with contextlib.ExitStack() as stack:
        first, first_process = stack.enter_context(serve_process(env, free_port(), root / "first.log"))
        second, second_process = stack.enter_context(serve_process(env, free_port(), root / "second.log"))
        yield {"urls": (first, second), "processes": (first_process, second_process), "database_url": database_url}


@pytest.fixture
def replicas(cluster: dict) -> tuple[str, str]:
    return cluster["urls"]


def _ask(base: str, question: str, **extra: object) -> dict:
    response = httpx.post(f"{base}/v1/ask", json={"question": question, **extra}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_follow_up_on_the_other_replica_is_understood(replicas: tuple[str, str]) -> None:
    first, second = replicas
    opening = _ask(first, "Đến năm 2030 tuổi thọ trung bình đạt bao nhiêu?", conversation_id="zalo:replica-1")
    assert opening["answerable"] is True
    follow = _ask(second, "còn năm 2045 thì sao?", conversation_id="zalo:replica-1")
    assert follow["interpreted_question"] == "Đến năm 2045 tuổi thọ trung bình đạt bao nhiêu?"
    # Feedback given on the second replica for the first replica's answer is found there.
    response = httpx.post(f"{second}/v1/feedback", json={"answer_id": opening["answer_id"], "helpful": True})
    assert response.status_code in (200, 201), response.text


def test_both_replicas_answer_identically(replicas: tuple[str, str]) -> None:
    first, second = replicas
    question = "Ai ký công văn 307-CV/ĐU?"
    one, two = _ask(first, question), _ask(second, question)
    assert one["answer"] == two["answer"] and one["citations"] == two["citations"]
    assert one["answer_id"] != two["answer_id"]


def test_an_upload_on_one_replica_is_answered_on_the_other(replicas: tuple[str, str]) -> None:
    first, second = replicas
    question = "Tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt bao nhiêu?"
    response = httpx.post(
        f"{first}/v1/documents", files={"file": ("ke-hoach-99.txt", PLAN.encode("utf-8"))}, headers=AUTH, timeout=30
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + 180
    while (job := httpx.get(f"{first}/v1/documents/jobs/{job_id}", headers=AUTH).json())["status"] not in (
        "done",
        "failed",
    ):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["status"] == "done", job
    # The other replica hears of the new version through Redis and swaps it in.
    while httpx.get(f"{second}/healthz").json().get("index_version") != job["index_version"]:
        assert time.monotonic() < deadline, "the second replica never loaded the new index version"
        time.sleep(0.3)
    answer = _ask(second, question)
    assert answer["answerable"] is True and "95%" in answer["answer"]
    assert answer["citations"][0]["source"] == "ke-hoach-99.txt"


def test_a_client_over_its_limit_is_limited_on_both(replicas: tuple[str, str]) -> None:
    first, second = replicas
    statuses = []
    for _ in range(BURST + 1):
        statuses.append(httpx.post(f"{first}/v1/search", json={"query": "bảo hiểm y tế"}, timeout=30).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429, statuses
    limited = httpx.post(f"{second}/v1/search", json={"query": "bảo hiểm y tế"}, timeout=30)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


def test_a_replica_killed_mid_load_loses_no_acknowledged_turn_or_feedback(cluster: dict) -> None:
    """A bounded load on both replicas; one is killed outright (SIGKILL) in the middle. Every answer
    a client received is stored with its turn, and feedback on it is stored, via the survivor."""
    from concurrent.futures import ThreadPoolExecutor

    from hoidap.records import PostgresRecords

    (first, second), (_, second_process) = cluster["urls"], cluster["processes"]
    questions = ["Đến năm 2030 tuổi thọ trung bình đạt bao nhiêu?", "Ai ký công văn 307-CV/ĐU?", "bảo hiểm y tế"]

    def ask(number: int) -> dict | None:
        # Each load client has its own address (trusted X-Forwarded-For from loopback), so the
        # per-client limit the other tests spend does not apply to them.
        base = (first, second)[number % 2]
        headers = {"X-Forwarded-For": f"10.9.{number // 200}.{number % 200 + 1}"}
        if number == 12:
            second_process.kill()
        try:
            response = httpx.post(
                f"{base}/v1/ask",
                json={"question": questions[number % 3], "conversation_id": f"load:{number}"},
                headers=headers,
                timeout=60,
            )
        except httpx.HTTPError:
            return None  # the killed replica: never acknowledged
        return response.json() if response.status_code == 200 else None

    with ThreadPoolExecutor(max_workers=4) as pool:
        answered = [body for body in pool.map(ask, range(40)) if body is not None]
    assert second_process.wait(timeout=10) != 0
    assert len(answered) >= 20
    for number, body in enumerate(answered):
        response = httpx.post(
            f"{first}/v1/feedback",
            json={"answer_id": body["answer_id"], "helpful": False},
            headers={"X-Forwarded-For": f"10.8.0.{number + 1}"},
        )
        assert response.status_code in (200, 201), response.text
    records = PostgresRecords(cluster["database_url"])
    try:
        for body in answered:
            turn = records.find_turn(body["answer_id"])
            assert turn is not None and turn.answer == body["answer"]
            feedback = records.get_feedback(body["answer_id"])
            assert feedback is not None and feedback.helpful is False
    finally:
        records.close()
