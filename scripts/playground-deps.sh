#!/usr/bin/env bash
# What the Agents Playground try-out and its browser tests need beyond the Python venv, installed
# only when missing: the Playground from npm (teams/playground/package-lock.json, `npm ci`) and
# Debian's chromium (playwright drives the system browser: browsers cannot be downloaded here).
# `--npm-only`: just the Playground (`make playground` needs no headless browser).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x teams/playground/node_modules/@microsoft/m365agentsplayground/cli.js ] && \
   [ ! -f teams/playground/node_modules/@microsoft/m365agentsplayground/cli.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  (cd teams/playground && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ "${1:-}" != "--npm-only" ] && [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
