"""A server back-end selected without its client library says, in Vietnamese, which extra to install."""

import pytest

from hoidap.optional import MissingExtra, require_backend


def test_a_missing_client_names_the_extra_and_the_setting() -> None:
    with pytest.raises(MissingExtra) as raised:
        require_backend("hoidap_no_such_client", "scale", "HOIDAP_MILVUS_URI")
    message = str(raised.value)
    assert "pip install 'hoidap[scale]'" in message and "HOIDAP_MILVUS_URI" in message and "thiếu thư viện" in message


def test_the_embedded_default_imports_no_server_client() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hoidap.cli, hoidap.api.app, hoidap.records, hoidap.index.store;"
        "print(sorted(m for m in ('psycopg', 'redis', 'pymilvus') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
