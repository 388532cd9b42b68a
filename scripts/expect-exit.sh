#!/usr/bin/env bash
# expect-exit.sh CODE COMMAND...: runs COMMAND, shows the end of its output, and fails
# unless it exited with CODE. The CLI's exit codes are its contract (0 pass, 1 violation,
# 2 bad input, 3 liveness, 4 crash), so the tests check them exactly.
set -uo pipefail
want=$1; shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
got=$?
tail -n 3 "$out" | cut -c1-240 | sed 's/^/    /'
if [ "$got" != "$want" ]; then
  echo "FAILED: exit $got, expected $want: $*" >&2
  echo "--- last 40 lines of output ---" >&2
  tail -n 40 "$out" >&2
  exit 1
fi
echo "ok: exit $got as expected: $*"
