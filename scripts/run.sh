#!/usr/bin/env bash
# Set up, index the bundled sample corpus, and answer a sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
hoidap ingest data/corpus/
hoidap ask "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
