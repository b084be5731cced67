#!/usr/bin/env bash
# Set up, index the bundled sample corpus, answer a sample question, then start the service
# (web chat page and API on http://127.0.0.1:8000). Run non-interactively, or with --no-serve,
# it stops after the answer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
hoidap ingest data/corpus/
hoidap ask "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
if [ -t 0 ] && [ "${1:-}" != "--no-serve" ]; then
  echo
  echo "Mở http://127.0.0.1:8000 để hỏi trên trang web (Ctrl+C để dừng)."
  exec hoidap serve --host 127.0.0.1 --port 8000
fi
