#!/usr/bin/env bash
# Installs a stock django-helpdesk into a venv (cached in .ci/cache), sets it up on SQLite in a
# scratch folder, starts it on a free localhost port, runs e2e.py against it and stops it again,
# also when the test fails. Needs the generated Python bindings (PYTHON_BINDINGS) and the CLI
# (INSCENE_BIN); called by scripts/test-all.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="$root/.ci/cache/helpdesk-venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
data="$(mktemp -d)"
server=""
stop() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap stop EXIT
export INSCENE_DESK_DATA="$data"
export INSCENE_DESK_PASSWORD="e2e-$RANDOM-$RANDOM"
cd "$here"
"$venv/bin/python" manage.py migrate --verbosity 0
setup="$("$venv/bin/python" setup_desk.py)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$venv/bin/python" manage.py runserver "127.0.0.1:$port" --noreload > "$data/server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port/helpdesk"
for _ in $(seq 1 120); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$url/api/tickets/" || true)"
  [ "$code" = 401 ] && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$data/server.log"; exit 1; fi
  sleep 0.5
done
echo "django-helpdesk $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("django-helpdesk"))') is up at $url"
status=0
INSCENE_DESK_URL="$url" INSCENE_DESK_SETUP="$setup" PYTHONPATH="$PYTHON_BINDINGS" \
  python3 "$here/e2e.py" || status=$?
if [ "$status" -ne 0 ]; then echo "--- desk server log"; tail -40 "$data/server.log"; fi
exit "$status"
