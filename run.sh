#!/usr/bin/env bash
# Sets up the ledger (a virtualenv in .venv), loads the demo cohort into the embedded
# SQLite store (once: a second run loads nothing), makes demo API keys (once) and
# serves the API at http://HOST:PORT/docs.
#
# The store and the keys live in the ledger's data folder, the same one every
# `ledger` command uses from any directory (`.venv/bin/ledger data-dir` prints it):
# $LEDGER_DATA_DIR, else $XDG_DATA_HOME/budget-ledger, else ~/.local/share/budget-ledger.
# LEDGER_DATABASE_URL, if set, picks another store; the keys file stays in the data folder.
set -euo pipefail
cd "$(dirname "$0")"
umask 077 # the store and the keys file are readable by their owner only
PY=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

# Fail before setting up, loading or printing anything if the API could not listen there.
"$PY" - "$HOST" "$PORT" <<'CHECK'
import socket
import sys

host, port = sys.argv[1], sys.argv[2]
try:
    family, kind, _, _, address = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        probe.bind(address)
except (OSError, ValueError) as e:
    reason = getattr(e, "strerror", None) or str(e)
    sys.exit(f"run.sh: cannot serve on {host}:{port} ({reason}); choose another with PORT=... or HOST=...")
CHECK

if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
ledger() { .venv/bin/ledger "$@"; }
data=$(ledger data-dir)
mkdir -p "$data" && chmod 700 "$data"
ledger demo
keys=$data/demo-keys.txt
if [ ! -s "$keys" ]; then
  # each command names its store on stderr; once is enough (ledger demo did)
  new_key() { ledger keys create "$@" 2> >(grep -v '^store: ' >&2) | tail -n 1; }
  caseworker=$(new_key --role caseworker --name 'demo caseworker')
  broker=$(new_key --role broker --org amaze-brokerage --name 'demo broker (amaze-brokerage)')
  family=$(new_key --role family --family FAM-0001 --name 'demo family FAM-0001')
  auditor=$(new_key --role auditor --name 'demo auditor')
  commissioner=$(new_key --role commissioner --name 'demo commissioner')
  admin=$(new_key --role admin --name 'demo admin')
  printf '%-12s %s\n' caseworker "$caseworker" broker "$broker" family "$family" \
    auditor "$auditor" commissioner "$commissioner" admin "$admin" > "$keys.new"
  mv "$keys.new" "$keys"
fi
chmod 600 "$keys"
cat <<MSG

The ledger is at http://$HOST:$PORT/docs (press Authorize and paste a key).
Demo API keys (also in $keys):
$(sed 's/^/  /' "$keys")

Try:  curl -H "Authorization: Bearer \$(awk '/^commissioner/{print \$2}' '$keys')" \\
        "http://$HOST:$PORT/v1/analytics/spending?group_by=month,category"
The command line is .venv/bin/ledger (or: source .venv/bin/activate, then ledger --help).

MSG
exec .venv/bin/ledger serve --host "$HOST" --port "$PORT"
