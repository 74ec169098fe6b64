#!/usr/bin/env bash
# Source this file: starts a throwaway PostgreSQL server on loopback for the tests and exports
#   BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING  (read by @backstage/backend-test-utils TestDatabases)
#   KB_TEST_POSTGRES_ID=POSTGRES<major>                          (the TestDatabases id tests should add)
# PostgreSQL comes from Debian's packages (installed with apt-get when missing and running as root).
# The server stops when kb_postgres_stop runs (scripts/test.sh traps it).

kb_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(kb_pg_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[postgres] installing PostgreSQL from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2 || true
fi

kb_postgres_stop() {
  if [ -n "${KB_PG_DATA:-}" ] && [ -d "$KB_PG_DATA" ]; then
    $KB_PG_RUN "$(kb_pg_bin)/pg_ctl" -D "$KB_PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$KB_PG_DATA"
  fi
}

kb_postgres_start() {
  local bin major port
  bin="$(kb_pg_bin)"
  [ -n "$bin" ] || { echo "[postgres] PostgreSQL not installed: database tests run on SQLite only" >&2; return 0; }
  major="$(basename "$(dirname "$bin")")"
  KB_PG_RUN=""
  # initdb refuses to run as root: run the server as the postgres system user.
  if [ "$(id -u)" = 0 ]; then KB_PG_RUN="runuser -u postgres --"; fi
  KB_PG_DATA="$(mktemp -d /tmp/kb-pg.XXXXXX)"
  [ -z "$KB_PG_RUN" ] || chown postgres "$KB_PG_DATA"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  $KB_PG_RUN "$bin/initdb" -D "$KB_PG_DATA" -U postgres --auth=trust >/dev/null
  $KB_PG_RUN "$bin/pg_ctl" -D "$KB_PG_DATA" -l "$KB_PG_DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$KB_PG_DATA -c fsync=off" start >/dev/null
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port"
  export KB_TEST_POSTGRES_ID="POSTGRES_${major}"
  export KB_PG_DATA KB_PG_RUN
  echo "[postgres] PostgreSQL $major on 127.0.0.1:$port for the tests" >&2
}

kb_postgres_start
