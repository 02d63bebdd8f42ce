#!/usr/bin/env bash
# CI check of the production path as a new deployer takes it (README, "Deployment and operations"), on
# this machine without Docker: the image's own steps, the compose stack's processes and environment.
#   1. the build context (.dockerignore applied) is copied to a scratch directory, as `COPY . .` does, and
#      `docker/entrypoint.sh collectstatic` runs there as the Dockerfile runs it;
#   2. the containers' environment is made as compose makes it: .env.example read the way `env_file`
#      reads it (empty values kept), the values the README says to fill in, and the compose file's own
#      `environment:` (database, broker and cache URLs), here pointing at a scratch PostgreSQL database
#      and two redis-server processes started from docker/redis/broker.conf and docker/redis/cache.conf;
#   3. `docker/entrypoint.sh web`, `worker` and `beat` start with it, behind the proxy's configuration
#      (docker/nginx/templates/default.conf.template) run by Debian's nginx with a self-signed certificate;
#   4. with the demo data and a superuser (the README's optional commands), scripts/production_visit.py
#      goes through the proxy over HTTPS: the home page, a hashed static file, /sante/ with a fresh beat,
#      a registration confirmed as a browser does it, its emails received by a local SMTP sink through the
#      worker, and a login to the back office.
# The Python packages come from the project's .venv (the image's `pip install .` installs the same ones).
# Everything it starts is stopped, and its database dropped, on exit (failure included); its processes'
# logs are shown on failure and kept in $PRODUCTION_CHECK_LOGS if set. Needs
# PostgreSQL on PG_BASE_URL, redis-server, nginx and openssl; no internet.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
venv=${VENV:-$project/.venv}
base=${PG_BASE_URL:-postgres://postgres@127.0.0.1:5432}
database=${PRODUCTION_CHECK_DATABASE:-ess_production_check}
started=$(date +%s)

scratch=$(mktemp -d -t ess-production-check.XXXXXX)
chmod 755 "$scratch"  # nginx's workers read the static files from here
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    for log in "$scratch"/logs/*.log; do
      [ -s "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 25 "$log"; }
    done
    echo "production check FAILED"
  fi
  if [ -n "${PRODUCTION_CHECK_LOGS:-}" ]; then mkdir -p "$PRODUCTION_CHECK_LOGS" && cp "$scratch"/logs/* "$PRODUCTION_CHECK_LOGS"/; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$scratch/logs"

say() { printf '[%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
free_ports() {  # free_ports N: N distinct free TCP ports on 127.0.0.1
  python3 -c 'import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))' "$1"
}
start() {  # start NAME COMMAND...: in its own process group (stopped as a whole), logging to logs/NAME.log
  local name=$1; shift
  setsid "$@" >"$scratch/logs/$name.log" 2>&1 &
  pids+=($!)
}
wait_until() {  # wait_until SECONDS WHAT COMMAND...: poll COMMAND; fail when a started process died
  local seconds=$1 what=$2; shift 2
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a process stopped while waiting for $what"; exit 1; }; done
    [ "$(date +%s)" -lt "$deadline" ] || { echo "waited ${seconds}s for $what"; exit 1; }
    sleep 0.3
  done
}

say "build: the Dockerfile's COPY . . and collectstatic"
app=$scratch/app
mkdir -p "$app"
grep -v -e '^#' -e '^[[:space:]]*$' .dockerignore | sed 's|^/*|/|' >"$scratch/dockerignore"
rsync -a --exclude-from="$scratch/dockerignore" "$project/" "$app/"
build_env=(env -i "PATH=$venv/bin:/usr/bin:/bin" HOME="$scratch" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1)
(cd "$app" && "${build_env[@]}" docker/entrypoint.sh collectstatic >"$scratch/logs/collectstatic.log" 2>&1) \
  || { tail -n 30 "$scratch/logs/collectstatic.log"; exit 1; }
tail -n 1 "$scratch/logs/collectstatic.log"

say "services: PostgreSQL database $database, the broker's and the cache's Redis, an SMTP sink"
PGOPTIONS=--client-min-messages=warning psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
  -c "CREATE DATABASE $database"
read -r broker_port cache_port smtp_port web_port http_port https_port < <(free_ports 6)
mkdir -p "$scratch/broker"
start broker redis-server "$project/docker/redis/broker.conf" --port "$broker_port" --bind 127.0.0.1 \
  --dir "$scratch/broker"
start cache redis-server "$project/docker/redis/cache.conf" --port "$cache_port" --bind 127.0.0.1 \
  --dir "$scratch"
start smtp "$venv/bin/aiosmtpd" -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$scratch/maildir"
wait_until 10 "the broker's Redis" redis-cli -p "$broker_port" ping
wait_until 10 "the cache's Redis" redis-cli -p "$cache_port" ping
wait_until 10 "the SMTP sink" python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port))"

site=https://localhost:$https_port
secret_key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
postgres_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
health_token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')

# The containers' environment, as compose builds it: env_file (.env, copied from .env.example: every
# KEY=VALUE line, empty values kept) ...
app_env=()
while IFS= read -r line; do app_env+=("$line"); done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' .env.example)
# ... with the values the README tells a deployer to fill in ...
app_env+=(
  "SECRET_KEY=$secret_key"
  "ALLOWED_HOSTS=localhost"
  "CSRF_TRUSTED_ORIGINS=$site"
  "SITE_URL=$site"
  "EMAIL_URL=smtp://127.0.0.1:$smtp_port"
  "ADMINS=errors@localhost"
  "HEALTH_TOKEN=$health_token"
  "POSTGRES_PASSWORD=$postgres_password"
)
# ... then the compose file's `environment:`, which wins over env_file (there the db, redis and cache
# services; here this script's), with its WEB_CONCURRENCY default, and the port gunicorn listens on.
app_env+=(
  "DATABASE_URL=$base/$database"
  "REDIS_URL=redis://127.0.0.1:$broker_port/0"
  "CACHE_URL=redis://127.0.0.1:$cache_port/0"
  "WEB_CONCURRENCY=3"
  "WEB_BIND=127.0.0.1:$web_port"
)
run_app=(env -i -C "$app" "PATH=$venv/bin:/usr/bin:/bin" "HOME=$app" "${app_env[@]}")

say "processes: docker/entrypoint.sh web, worker, beat"
start web "${run_app[@]}" docker/entrypoint.sh web
wait_until 120 "the web container's health check" "${run_app[@]}" docker/healthcheck.sh
# compose starts them once the web is healthy (depends_on), i.e. after the migrations.
start worker "${run_app[@]}" docker/entrypoint.sh worker
start beat "${run_app[@]}" docker/entrypoint.sh beat
say "README: docker compose exec web python manage.py load_demo"
"${run_app[@]}" docker/entrypoint.sh python manage.py load_demo >"$scratch/logs/load_demo.log" 2>&1 \
  || { tail -n 30 "$scratch/logs/load_demo.log"; exit 1; }
admin_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')
say "README: docker compose exec web python manage.py createsuperuser (here with --noinput)"
"${run_app[@]}" DJANGO_SUPERUSER_PASSWORD="$admin_password" docker/entrypoint.sh python manage.py \
  createsuperuser --noinput --username regional-admin --email admin@localhost >"$scratch/logs/createsuperuser.log" 2>&1 \
  || { tail -n 30 "$scratch/logs/createsuperuser.log"; exit 1; }
wait_until 60 "the worker to be ready" grep -q "ready\." "$scratch/logs/worker.log"

say "proxy: docker/nginx/templates/default.conf.template with Debian's nginx and a self-signed certificate"
proxy=$scratch/proxy
mkdir -p "$proxy/srv/media"
ln -s "$app/staticfiles" "$proxy/srv/static"  # where the proxy image has the build's static files
proxy_command=$(docker/nginx/local-proxy.sh "$proxy" "$http_port" "$https_port" "127.0.0.1:$web_port" \
  "$proxy/srv" "$scratch/logs")
start nginx bash -c "exec $proxy_command"
wait_until 10 "the proxy" curl -fsS -o /dev/null --cacert "$proxy/tls/fullchain.pem" "$site/sante/"

# What the visit runs to change the data behind the proxy's cache: renames an organisation, as an edit
# in the back office would (a save: the public data version is renewed on commit).
cat >"$scratch/rename.sh" <<EOF
#!/usr/bin/env bash
exec $(printf '%q ' "${run_app[@]}") SLUG="\$1" docker/entrypoint.sh python manage.py shell -c \
  'import os; from actors.models import Actor; a = Actor.objects.get(slug=os.environ["SLUG"]); a.name += " (renommée)"; a.save()'
EOF
chmod +x "$scratch/rename.sh"

say "visit: $site"
python3 scripts/production_visit.py "$site" --http "http://localhost:$http_port" --data-change "$scratch/rename.sh" \
  --cafile "$proxy/tls/fullchain.pem" --maildir "$scratch/maildir" --admins errors@localhost \
  --health-token "$health_token" --admin regional-admin "$admin_password"

say "checks: the static file came from the proxy; the cache and the queue live in separate Redis"
if grep -q '"GET /static/' "$scratch/logs/web.log"; then
  echo "gunicorn served a static file: the proxy passed it on instead of serving it"; exit 1
fi
[ "$(redis-cli -p "$cache_port" config get maxmemory-policy | tail -n 1)" = allkeys-lru ]
[ -n "$(redis-cli -p "$cache_port" --scan --pattern 'ess:*' | head -n 1)" ] \
  || { echo "nothing was cached in the cache's Redis (CACHE_URL)"; exit 1; }
[ -z "$(redis-cli -p "$broker_port" --scan --pattern 'ess:*' | head -n 1)" ] \
  || { echo "cache entries were written to the broker's Redis"; exit 1; }
say "production path checked"
