#!/usr/bin/env bash
# Run the compose stack's proxy configuration (docker/nginx/templates/default.conf.template) with
# Debian's nginx on this machine, as the official image would: the template filled in with envsubst,
# inside the image's nginx.conf (http block, MIME types), with a self-signed certificate for localhost.
# Used by scripts/check-production.sh and bench/run.sh.
#   docker/nginx/local-proxy.sh DIR HTTP_PORT HTTPS_PORT UPSTREAM FILES_ROOT LOG_DIR
# writes DIR/nginx.conf (and DIR/tls, DIR/cache, DIR/temp), checks it with `nginx -t`, and prints the
# command that runs nginx in the foreground.
set -euo pipefail
dir=$1 http_port=$2 https_port=$3 upstream=$4 files_root=$5 logs=$6
template="$(dirname "$0")/templates/default.conf.template"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
mkdir -p "$dir/tls" "$dir/temp" "$dir/cache" "$logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$dir/tls/privkey.pem" -out "$dir/tls/fullchain.pem" 2>/dev/null
NGINX_HTTP_PORT=$http_port NGINX_HTTPS_PORT=$https_port NGINX_UPSTREAM=$upstream \
  NGINX_FILES_ROOT=$files_root NGINX_CACHE_DIR=$dir/cache NGINX_TLS_CERTIFICATE=$dir/tls/fullchain.pem \
  NGINX_TLS_CERTIFICATE_KEY=$dir/tls/privkey.pem \
  envsubst '${NGINX_HTTP_PORT} ${NGINX_HTTPS_PORT} ${NGINX_UPSTREAM} ${NGINX_FILES_ROOT} ${NGINX_CACHE_DIR} ${NGINX_TLS_CERTIFICATE} ${NGINX_TLS_CERTIFICATE_KEY}' \
  <"$template" >"$dir/default.conf"
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $logs/nginx.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $logs/nginx-access.log;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    sendfile on;
    include $dir/default.conf;
}
CONF
"$nginx" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$logs/nginx.log"
echo "$nginx -p $dir -c $dir/nginx.conf -e $logs/nginx.log -g 'daemon off;'"
