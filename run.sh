#!/usr/bin/env bash
# Sets up the ledger (a virtualenv in .venv), loads the demo cohort into the embedded
# SQLite store (once: a second run loads nothing), makes demo API keys (once, kept
# in data/demo-keys.txt) and serves the API at http://HOST:PORT/docs.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export LEDGER_DATABASE_URL=${LEDGER_DATABASE_URL:-sqlite:///data/ledger.db}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/ledger demo
keys=data/demo-keys.txt
if [ ! -s "$keys" ]; then
  mkdir -p data
  umask 077
  new_key() { .venv/bin/ledger keys create "$@" | tail -n 1; }
  {
    echo "caseworker   $(new_key --role caseworker --name 'demo caseworker')"
    echo "broker       $(new_key --role broker --org amaze-brokerage --name 'demo broker (amaze-brokerage)')"
    echo "family       $(new_key --role family --family FAM-0001 --name 'demo family FAM-0001')"
    echo "auditor      $(new_key --role auditor --name 'demo auditor')"
    echo "commissioner $(new_key --role commissioner --name 'demo commissioner')"
    echo "admin        $(new_key --role admin --name 'demo admin')"
  } > "$keys"
fi
cat <<MSG

The ledger is at http://$HOST:$PORT/docs (press Authorize and paste a key).
Demo API keys (also in $keys):
$(sed 's/^/  /' "$keys")

Try:  curl -H "Authorization: Bearer \$(awk '/^commissioner/{print \$2}' $keys)" \\
        "http://$HOST:$PORT/v1/analytics/spending?group_by=month,category"

MSG
exec .venv/bin/ledger serve --host "$HOST" --port "$PORT"
