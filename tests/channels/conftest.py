"""Fixtures for the channel tests: an app around the shared real index, with a public address set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.conftest import make_settings

PUBLIC = "https://hoidap.phuong-thu.gov.vn/hoi-dap"
ADMIN_TOKEN = "test-admin-token-channels"


@pytest.fixture
def channel_settings(tmp_path: Path, built_data_dir: Path) -> Settings:
    (tmp_path / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    return make_settings(tmp_path, public_base_url=PUBLIC + "/", admin_token=ADMIN_TOKEN)


@pytest.fixture
def channel_client(channel_settings: Settings, shared_service: QAService) -> Iterator[TestClient]:
    with TestClient(create_app(channel_settings, service=shared_service)) as client:
        yield client
