"""A bare ``pip install hoidap`` (no extras) gives a CLI that ingests, asks, searches and evaluates.

Installing into a fresh venv needs the package index, so the test hides the optional libraries
instead: a subprocess whose import system refuses every library an extra brings, then runs the
real CLI. Optional commands must answer with the extra to install, not a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hoidap.optional import EXTRA_OF

ROOT = Path(__file__).resolve().parents[1]

# Installs a finder that refuses every optional library, then runs the CLI with the given args.
_RUNNER = """
import sys
BLOCKED = set(sys.argv[1].split(","))

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
sys.argv = ["hoidap", *sys.argv[2:]]
from hoidap.cli import app
app()
"""


def _bare_cli(data_dir: Path, *args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    blocked = ",".join(sorted(set(EXTRA_OF) | {"schemathesis", "playwright", "pytest_asyncio"}))
    env = {**os.environ, "HOIDAP_DATA_DIR": str(data_dir), "COLUMNS": "200", **env_vars}
    return subprocess.run(
        [sys.executable, "-c", _RUNNER, blocked, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def bare_data_dir(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_data_dir

    return copy_data_dir(built_data_dir, tmp_path_factory.mktemp("bare"))


def test_core_commands_need_no_extra(bare_data_dir: Path) -> None:
    asked = _bare_cli(bare_data_dir, "ask", "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt bao nhiêu?", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["answerable"] and "98%" in answer["answer"]

    searched = _bare_cli(bare_data_dir, "search", "y học cổ truyền", "-k", "2")
    assert searched.returncode == 0, searched.stderr

    ingested = _bare_cli(bare_data_dir, "ingest", str(ROOT / "data" / "corpus"))
    assert ingested.returncode == 0, ingested.stderr


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("serve",), "api"),
        (("bot", "telegram"), "api"),
        (("bot", "broadcast", "--topic", "y tế"), "api"),
    ],
)
def test_optional_commands_name_their_extra(bare_data_dir: Path, args: tuple[str, ...], extra: str) -> None:
    result = _bare_cli(bare_data_dir, *args)
    assert result.returncode == 2
    assert f"pip install 'hoidap[{extra}]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_qr_without_segno_names_its_extra(bare_data_dir: Path, tmp_path: Path) -> None:
    result = _bare_cli(
        bare_data_dir,
        "qr",
        "-q",
        "Mức đóng BHYT?",
        "-o",
        str(tmp_path / "qr.png"),
        HOIDAP_PUBLIC_BASE_URL="https://hoidap.example.vn",
    )
    assert result.returncode == 2
    assert "pip install 'hoidap[api]'" in result.stderr
