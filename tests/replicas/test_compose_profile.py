"""Docker does not run here: check what can be checked of the "scale" profile of docker-compose.yml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from hoidap.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_the_scale_profile_wires_two_replicas_to_the_shared_services() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    scale = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert {"replica-1", "replica-2", "proxy", "postgres", "redis", "milvus", "etcd", "minio", "indexer"} <= scale
    assert "profiles" not in services["api"]  # the default service still starts alone
    known = {f"HOIDAP_{name.upper()}" for name in Settings.model_fields}
    for name in ("replica-1", "replica-2", "indexer"):
        environment = services[name]["environment"]
        assert {"HOIDAP_DATABASE_URL", "HOIDAP_REDIS_URL", "HOIDAP_MILVUS_URI"} <= set(environment)
        assert {key for key in environment if key.startswith("HOIDAP_")} <= known
        assert services[name]["volumes"] == ["hoidap-scale-data:/data"]
    for volume in ("hoidap-scale-data", "postgres-data", "milvus-data"):
        assert volume in compose["volumes"]
    mount = services["proxy"]["volumes"][0].split(":")[0]
    nginx = (REPO / mount).read_text(encoding="utf-8")
    assert re.findall(r"server (replica-\d):8000", nginx) == ["replica-1", "replica-2"]


def test_the_image_can_carry_the_scale_extra() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert 'pip install ".[${EXTRAS}]"' in dockerfile
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^scale = \[", pyproject, flags=re.MULTILINE)
