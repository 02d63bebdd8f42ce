#!/bin/sh
# The web container's health check (docker-compose.yml; scripts/check-production.sh runs it too):
# /sante/ asked from inside the container the way the proxy asks, with a host name the site answers to
# (the first of ALLOWED_HOSTS: Django refuses any other Host with a 400) and HTTPS already terminated.
host=${ALLOWED_HOSTS:-localhost}
host=${host%%,*}
host=${host#.}
[ "$host" = "*" ] && host=localhost
bind=${WEB_BIND:-0.0.0.0:8000}
exec curl -fsS -o /dev/null --max-time 4 -H "Host: $host" -H "X-Forwarded-Proto: https" \
  "http://127.0.0.1:${bind##*:}/sante/"
