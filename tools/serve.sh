#!/usr/bin/env bash
# `make serve`: the three production processes on one machine, on PostgreSQL — the web server
# (`danvan serve`, gunicorn), the job worker (`danvan worker`) and the daily scheduler
# (`danvan scheduler`) — with production settings. For a try before deploying (README,
# "Deploying" has the real thing: systemd units and nginx with TLS). Ctrl+C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DJANGO_SETTINGS_MODULE=danvan.config.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/danvan_serve}"
export DANVAN_DATA_DIR="${DANVAN_DATA_DIR:-$PWD/var/serve}"
export DANVAN_BIND="${DANVAN_BIND:-127.0.0.1:${PORT:-8000}}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
export SITE_URL="${SITE_URL:-http://localhost:${PORT:-8000}}"
# No TLS on this machine: no redirect to https (browsers keep secure cookies on localhost).
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
mkdir -p "$DANVAN_DATA_DIR"
# The secret key is kept: the petitioners' encrypted fields are read with it.
if [ -z "${SECRET_KEY:-}" ]; then
  key_file="$DANVAN_DATA_DIR/secret_key"
  [ -s "$key_file" ] || (umask 077 && $BIN/python -c "import secrets; print(secrets.token_urlsafe(50))" >"$key_file")
  SECRET_KEY="$(cat "$key_file")"
  export SECRET_KEY
fi

$BIN/python - <<'PY'
import os, dj_database_url, psycopg
config = dj_database_url.parse(os.environ["DATABASE_URL"])
if config["ENGINE"].endswith("postgresql"):
    admin = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                            user=config["USER"], password=config["PASSWORD"] or None,
                            dbname="postgres", autocommit=True)
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
        print(f"created the database {config['NAME']}")
PY
$BIN/danvan migrate --noinput
$BIN/danvan collectstatic --noinput --verbosity 0
if [ "${DEMO:-1}" = "1" ]; then $BIN/danvan demo --if-empty; fi

pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait; }
trap stop INT TERM EXIT
$BIN/danvan worker & pids+=($!)
$BIN/danvan scheduler & pids+=($!)
$BIN/danvan serve & pids+=($!)
echo "danvan on http://$DANVAN_BIND (production settings, $DATABASE_URL); Ctrl+C stops it."
wait -n
