#!/usr/bin/env bash
# Kumiki test service: a real nginx (Debian nginx-light) serving a folder on a loopback port,
# for the data domain's http endpoint tests (Range, ETag, Last-Modified, If-Match). Its own
# configuration, root and logs live under $KUMIKI_NGINX_DIR (default /var/lib/kumiki-nginx);
# the system nginx (if any) is not touched.
#
#   nginx.sh packages   Debian packages it needs
#   nginx.sh start      write the configuration, start nginx (idempotent)
#   nginx.sh stop       stop it by its pid file
#   nginx.sh status     say whether it runs
#
# Tests read $KUMIKI_NGINX_DIR/env: KUMIKI_NGINX_URL (http://127.0.0.1:PORT), KUMIKI_NGINX_ROOT
# (the served folder; tests write files there).
set -euo pipefail

DIR=${KUMIKI_NGINX_DIR:-/var/lib/kumiki-nginx}
PORT=${KUMIKI_NGINX_PORT:-8089}
PIDFILE=$DIR/nginx.pid

NAME=nginx.sh
# shellcheck source=lib/daemon.bash
source "$(dirname "$0")/lib/daemon.bash"

case "${1:-}" in
  packages)
    echo nginx-light
    ;;
  start)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx missing: apt-get install nginx-light"
    if alive; then say "already running (pid $(cat "$PIDFILE"), port $PORT)"; exit 0; fi
    mkdir -p "$DIR/www" "$DIR/tmp" "$DIR/logs"
    chmod 755 "$DIR" "$DIR/www"
    cat > "$DIR/nginx.conf" <<CONF
# written by kumiki scripts/services/nginx.sh
worker_processes 2;
pid $PIDFILE;
error_log $DIR/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log $DIR/logs/access.log;
  client_body_temp_path $DIR/tmp/body;
  proxy_temp_path $DIR/tmp/proxy;
  fastcgi_temp_path $DIR/tmp/fastcgi;
  uwsgi_temp_path $DIR/tmp/uwsgi;
  scgi_temp_path $DIR/tmp/scgi;
  types { application/octet-stream bin; text/plain txt; }
  default_type application/octet-stream;
  sendfile on;
  etag on;
  server {
    listen 127.0.0.1:$PORT;
    root $DIR/www;
    location /private/ { deny all; }
  }
}
CONF
    cat > "$DIR/env" <<ENV
KUMIKI_NGINX_URL=http://127.0.0.1:$PORT
KUMIKI_NGINX_ROOT=$DIR/www
ENV
    /usr/sbin/nginx -t -q -c "$DIR/nginx.conf" -p "$DIR" || die "configuration rejected"
    /usr/sbin/nginx -c "$DIR/nginx.conf" -p "$DIR"
    wait_up "serving $DIR/www on http://127.0.0.1:$PORT" "nginx did not come up; see $DIR/logs/error.log"
    ;;
  stop)
    stop_daemon QUIT
    ;;
  status)
    if alive; then say "running (pid $(cat "$PIDFILE"), port $PORT)"; else say "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 packages|start|stop|status" >&2
    exit 2
    ;;
esac
