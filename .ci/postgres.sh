# Sourced by .ci/run and tests/bench/run: finds a PostgreSQL server for the tests or
# the benchmark, or starts a private throw-away cluster (installing PostgreSQL with
# apt-get first when no binaries are present, CI=true and root). The caller defines
# log, die, pg_unavailable (what a missing server means to it) and CI_MODE, calls
# ensure_postgres, and calls stop_private_cluster when it exits.
# shellcheck shell=bash

PG_PORT="${NEWSDESK_CI_PG_PORT:-5432}"
PG_TMP=""        # data dir of the private cluster, if we start one
PG_STARTED=false
PG_BIN=""        # directory with initdb/pg_ctl, if found

# As root, PostgreSQL server binaries must run as the `postgres` user (initdb refuses root).
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

find_pg_bin() {  # newest /usr/lib/postgresql/<ver>/bin holding initdb, if any
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [[ -n "$d" && -x "$d/initdb" ]]; then PG_BIN="$d"; PATH="$PATH:$d"; fi
}
port_in_use() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
pg_ready() {     # a PostgreSQL server accepts connections on port $1
  if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p "$1" -t 5
  else port_in_use "$1"; fi
}
pg_connects() {  # user postgres gets in without a password (psql if present, else assume yes)
  command -v psql >/dev/null || return 0
  PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1
}
install_pg_binaries() {  # with CI=true as root: apt-get install postgresql when initdb is missing
  if [[ -z "$PG_BIN" ]] && $CI_MODE && [[ $EUID -eq 0 ]]; then
    log "No PostgreSQL binaries found: installing with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
      || pg_unavailable "apt-get install postgresql failed" || return 1
    find_pg_bin
  fi
  # As root, the server binaries run as `postgres`.
  if [[ -n "$PG_BIN" && $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then useradd --system postgres; fi
  return 0
}

start_private_cluster() {
  install_pg_binaries || return 1
  [[ -n "$PG_BIN" ]] || { pg_unavailable "no PostgreSQL binaries (initdb) found"; return 1; }
  # Prefer the requested port; take the next free one if anything listens there.
  local port=$PG_PORT
  while port_in_use "$port"; do
    port=$((port + 1)); [[ $port -lt $((PG_PORT + 100)) ]] || { pg_unavailable "no free port"; return 1; }
  done
  PG_TMP=$(mktemp -d -p /tmp newsdesk-pg.XXXXXX)
  [[ $EUID -eq 0 ]] && chown postgres: "$PG_TMP"
  log "Starting private PostgreSQL cluster ($PG_BIN) on 127.0.0.1:$port"
  as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; pg_unavailable "initdb failed"; return 1; }
  # TLS on, as production servers (and Debian's default cluster) have it: the
  # shutdown fault test connects with sslmode=require. A throw-away self-signed
  # certificate is enough for that.
  if ! command -v openssl >/dev/null && $CI_MODE && [[ $EUID -eq 0 ]]; then
    apt-get install -y -qq --no-install-recommends openssl >/dev/null || true
  fi
  local tls=""
  if as_pg openssl req -new -x509 -days 7 -nodes -subj /CN=localhost \
       -keyout "$PG_TMP/data/server.key" -out "$PG_TMP/data/server.crt" >/dev/null 2>&1; then
    tls="-c ssl=on"
  else
    echo "WARNING: no openssl command: the private cluster runs without TLS" >&2
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $PG_TMP -c fsync=off $tls" start >/dev/null; then
    cat "$PG_TMP/server.log" >&2 || true; pg_unavailable "pg_ctl start failed"; return 1
  fi
  PG_STARTED=true
  PG_PORT=$port
}

stop_private_cluster() {
  if $PG_STARTED; then
    log "Stopping private PostgreSQL cluster"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    PG_STARTED=false
  fi
  if [[ -n "$PG_TMP" ]]; then rm -rf "$PG_TMP"; PG_TMP=""; fi
}

# Sets PG_PORT to a server that accepts user postgres with trust auth: the one on
# PG_PORT if there is one, else a private cluster. Returns 1 (after pg_unavailable)
# when neither works.
ensure_postgres() {
  find_pg_bin
  if pg_ready "$PG_PORT" && pg_connects "$PG_PORT"; then
    log "Using existing PostgreSQL on 127.0.0.1:$PG_PORT"
    return 0
  fi
  pg_ready "$PG_PORT" && log "Server on port $PG_PORT does not accept user postgres (trust); not using it"
  start_private_cluster || return 1
  pg_ready "$PG_PORT" && pg_connects "$PG_PORT" || { pg_unavailable "cannot connect to the private cluster"; return 1; }
}
