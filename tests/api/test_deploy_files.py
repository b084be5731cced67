"""Docker does not run on these machines: check what can be checked of Dockerfile and docker-compose.yml."""

from __future__ import annotations

import re

import yaml

from tests.api.conftest import REPO


def test_compose_file_parses_and_points_at_existing_files() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    api = compose["services"]["api"]
    assert (REPO / api["build"] / "Dockerfile").is_file()
    assert "/healthz" in " ".join(api["healthcheck"]["test"])
    volume, mount = api["volumes"][0].split(":")
    assert volume in compose["volumes"] and mount == api["environment"]["HOIDAP_DATA_DIR"]
    assert api["ports"] == ["8000:8000"]


def test_dockerfile_copies_existing_paths_and_runs_the_service() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.MULTILINE):
        for source in sources.split():
            assert (REPO / source).exists(), source
    assert '"hoidap", "serve", "--host", "0.0.0.0", "--port", "8000"' in dockerfile
    assert "/healthz" in dockerfile and "EXPOSE 8000" in dockerfile
