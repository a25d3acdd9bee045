#!/usr/bin/env bash
# Installs everything Pacer needs on a fresh machine: uv, the workspace, the Kafka jars, SecantusDB, the console's
# Node packages; with --test-tools also promtool, which the suite uses to test the Prometheus alert rules,
# Chromium with CJK fonts, which the console's browser tests drive, and nginx, which serves the console's image.
# Safe to run again: every step reuses what an earlier run installed or cached.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
if [ "${1:-}" = "--test-tools" ]; then
    command -v chromium >/dev/null || need_apt+=(chromium)
    # Without a CJK font the console's Chinese pages render as boxes in the browser tests' screenshots.
    ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
    # The console image's nginx.conf is tested with a real nginx (it writes config.json into index.html).
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
fi
if ((${#need_apt[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${need_apt[*]} with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        say "please install: ${need_apt[*]} (Java 17+ and Maven run the local Kafka broker; Chromium the console's tests)"
        exit 1
    fi
fi

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if command -v uv >/dev/null; then
    UV=(uv)
else
    if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
        say "installing uv from PyPI"
        "$PYTHON" -m pip install --quiet --user uv 2>/dev/null || "$PYTHON" -m pip install --quiet uv
    fi
    UV=("$PYTHON" -m uv)
fi

say "syncing the workspace from uv.lock"
"${UV[@]}" sync --frozen --quiet --python "$PYTHON"

say "installing the local stack (Kafka jars, SecantusDB)"
.venv/bin/python deploy/local/localstack.py install

if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
    say "please install Node.js 20.19 or newer with npm (the console is built with Vite)"; exit 1
fi
if [ ! frontend/node_modules/.package-lock.json -nt frontend/package-lock.json ]; then
    say "installing the console's Node packages from frontend/package-lock.json"
    # Playwright drives the system's Chromium; its own browser download is never used.
    (cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ "${1:-}" = "--test-tools" ]; then
    say "installing promtool (built once with go install from the Go module proxy, then cached)"
    .venv/bin/python deploy/prometheus/promtool.py install >/dev/null
fi
