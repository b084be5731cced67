#!/usr/bin/env bash
# Set up, then run the linters and the whole test suite (slow end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
ruff check .
python -m pytest -q "$@"
