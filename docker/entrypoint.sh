#!/bin/sh
# egov-noc container entrypoint. One image, every role:
#   docker run egov-noc serve ...        the command picks the role
#   EGOV_NOC_ROLE=collect (no command)   or the environment does (compose sets it per service)
#   EGOV_NOC_ROLE=serve + "--help"       a command that starts with an option gets the role in front
# Checks that the data and CA folders are writable by this (non-root) user before starting, so a
# root-owned volume fails here with a reason instead of deep inside the app.
set -eu

app_dir="${EGOV_NOC_APP_DIR:-/app}"
role="${EGOV_NOC_ROLE:-}"

fail() {
  echo "egov-noc-entrypoint: $1" >&2
  exit "${2:-1}"
}

if [ "$#" -eq 0 ]; then
  [ -n "$role" ] || fail "no command given and EGOV_NOC_ROLE is not set (e.g. EGOV_NOC_ROLE=serve, or run with a subcommand such as --help)" 64
  set -- "$role"
elif [ -n "$role" ]; then
  case "$1" in
    -*) set -- "$role" "$@" ;;
  esac
fi

for dir in "${EGOV_NOC_DATA_DIR:-}" "${EGOV_NOC_CA_DIR:-}"; do
  [ -n "$dir" ] || continue
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" 2>/dev/null || fail "cannot create $dir as $(id -un) (uid $(id -u)): mount a volume there owned by that user"
  fi
  [ -w "$dir" ] || fail "$dir is not writable by $(id -un) (uid $(id -u)): chown the volume to that uid"
done
if [ -n "${EGOV_NOC_CA_DIR:-}" ]; then
  # CA private keys: nobody but the service user may read this folder.
  chmod 0700 "$EGOV_NOC_CA_DIR" 2>/dev/null || fail "cannot restrict $EGOV_NOC_CA_DIR to mode 0700"
fi

[ -f "$app_dir/bin/egov-noc.js" ] || fail "$app_dir/bin/egov-noc.js not found (EGOV_NOC_APP_DIR=$app_dir)"
exec node "$app_dir/bin/egov-noc.js" "$@"
