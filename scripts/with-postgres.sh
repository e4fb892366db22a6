#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb into a temp
# folder, start it on loopback with a random password, export
# ENROLLBOT_TEST_DATABASE_URL (an admin URL; the tests create and drop their
# own databases), run the command, then stop and delete the cluster.
#   scripts/with-postgres.sh npm test
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql).
# As root the server runs as the `postgres` user (it refuses to run as root).
# Tuned for tests only: fsync is off, the data dies with the folder.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command…>" >&2
  exit 2
fi

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ]; then
  # Debian keeps server binaries out of PATH, one folder per major version.
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (Debian: apt-get install postgresql)" >&2
  exit 1
fi

password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
dir="$(mktemp -d "${TMPDIR:-/tmp}/enrollbot-pg.XXXXXX")"
chmod 755 "$dir"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi

cleanup() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

printf '%s\n' "$password" >"$dir/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/pwfile"; fi
as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
  --auth=scram-sha-256 --no-sync --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"
# A random free port (ENROLLBOT_PG_PORT to choose one); a few tries in case one is taken.
started=""
for _ in 1 2 3 4 5; do
  port="${ENROLLBOT_PG_PORT:-$((20000 + RANDOM % 20000))}"
  if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    started=1
    break
  fi
  [ -n "${ENROLLBOT_PG_PORT:-}" ] && break
done
if [ -z "$started" ]; then
  cat "$dir/server.log" >&2
  exit 1
fi

export ENROLLBOT_TEST_DATABASE_URL="postgres://postgres:$password@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
