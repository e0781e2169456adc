#!/usr/bin/env bash
# `make playground`: Matchbot in the Microsoft 365 Agents Playground (Microsoft's local Teams emulator),
# offline. Starts `matchbot serve --sample-data` in local mode (no Bot Framework authentication) on the
# embedded store with the sample pool and job orders, then the Playground from teams/playground/,
# which reads .m365agentsplayground.yml there (team "Matchenheden", channel "Match", the users).
# Open the URL it prints (http://localhost:56150). Ctrl-C stops both. README: "Try it locally".
set -euo pipefail
cd "$(dirname "$0")/.."
BOT_PORT="${BOT_PORT:-3978}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-56150}"
PLAYGROUND=teams/playground

bash scripts/playground-deps.sh --npm-only
set -a
# shellcheck source=/dev/null
. "$PLAYGROUND/playground.env"
set +a
.venv/bin/matchbot serve --sample-data --now "$PLAYGROUND_NOW" --host 127.0.0.1 --port "$BOT_PORT" &
bot=$!
trap 'kill "$bot" 2>/dev/null || true' EXIT INT TERM
# The port opens once the sample data is loaded (it is loaded while the app starts).
.venv/bin/python - "$BOT_PORT" <<'PY'
import socket, sys, time
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("Matchbot startede ikke inden for 120 s")
PY
echo "Matchbot kører på http://127.0.0.1:$BOT_PORT/api/messages. Åbn http://localhost:$PLAYGROUND_PORT i browseren."
cd "$PLAYGROUND"
node node_modules/@microsoft/m365agentsplayground/cli.js start \
  --app-endpoint "http://127.0.0.1:$BOT_PORT/api/messages" --channel-id msteams \
  --port "$PLAYGROUND_PORT" --disable-telemetry
