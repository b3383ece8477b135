#!/usr/bin/env bash
# Load test: the production command on PostgreSQL with a 10k-dataset synthetic catalogue, mixed
# traffic from locust on loopback, stepping up concurrent users. Bounded: STEP_SECONDS per step.
#   tests/load/run.sh            (uses postgres://postgres@127.0.0.1:5432/licensedb_load)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DB=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/licensedb_load}
USERS=${USERS:-"10 20 40 80"}
STEP_SECONDS=${STEP_SECONDS:-40}
OUT=${OUT:-artifacts/load}
mkdir -p "$OUT"

export DATABASE_URL=$DB LICENSEDB_ENV=production DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
export LICENSEDB_THROTTLE_ANON=1000000/minute CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/1}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-4} BIND=127.0.0.1:8800

dbname=${DB##*/}
psql "${DB%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1 || createdb -d "${DB%/*}/postgres" "$dbname" 2>/dev/null || psql "${DB%/*}/postgres" -c "CREATE DATABASE \"$dbname\""
$PY manage.py migrate --noinput -v0
if [ "$($PY manage.py shell -v0 -c 'from licensedb.models import Dataset; print(Dataset.objects.count())')" = "0" ]; then
  echo "building the 10k synthetic catalogue (a few minutes, once) ..."
  $PY manage.py synthetic_catalogue --size 10000
fi
$PY manage.py collectstatic --noinput -v0

.venv/bin/gunicorn licensedb.wsgi -c gunicorn.conf.py > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8800/healthz >/dev/null && break; sleep 0.3; done

for users in $USERS; do
  echo "== $users users for ${STEP_SECONDS}s"
  .venv/bin/locust -f tests/load/locustfile.py --host http://127.0.0.1:8800 --headless -u "$users" -r "$users" \
    -t "${STEP_SECONDS}s" --csv "$OUT/users-$users" --only-summary > "$OUT/users-$users.log" 2>&1 || true
done
$PY tests/load/summarise.py "$OUT" $USERS
