#!/usr/bin/env bash
# `npm test`: `astro sync` then the typecheck, beside vitest, failing if either fails. tsc is one process on one core
# and needs the types `astro sync` writes to .astro/; vitest does not, so it starts at once (its first seconds leave a
# core to spare). The shared site build (tests/site/globalSetup.ts) writes .astro/ too: it waits for the sync to end
# (READOFF_SYNC_DONE), and then rewrites the same content there, after its experiments plan.
# Arguments go to vitest (`npm test -- tests/lib`).
set -u
cd "$(dirname "$0")/.."
# The project's own binaries, as npm puts them on PATH (no npx: about 1 CPU-s less per command).
PATH="$PWD/node_modules/.bin:$PATH"
mkdir -p .test-tmp
sync_log=".test-tmp/astro-sync-$$.log"
export READOFF_SYNC_DONE=".test-tmp/astro-sync-$$.done"
# The sync's DNS lookups and connections, for tests/reliability/network.test.ts (there must be none).
export READOFF_SYNC_NET_LOG="$PWD/.test-tmp/astro-sync-$$.net.log"
rm -f "$READOFF_SYNC_DONE" "$READOFF_SYNC_NET_LOG"
# Incremental typecheck: a repeat run re-checks only what changed since the last (measured: 23 CPU-s for the whole
# project, 10 when nothing changed). The state lives under node_modules, so a fresh clone starts from nothing.
(
  READOFF_NET_LOG="$READOFF_SYNC_NET_LOG" NODE_OPTIONS="${NODE_OPTIONS:-} --import $PWD/tests/helpers/recordNetwork.mjs" astro sync > "$sync_log" 2>&1
  s=$?
  echo "$s" > "$READOFF_SYNC_DONE.tmp" && mv "$READOFF_SYNC_DONE.tmp" "$READOFF_SYNC_DONE"
  if [ "$s" -ne 0 ]; then
    cat "$sync_log" >&2; rm -f "$sync_log"
    echo "npm test: astro sync failed (exit $s); see its output above" >&2
    exit 1
  fi
  rm -f "$sync_log"
  tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/readoff/tsc.tsbuildinfo || { echo "npm test: the typecheck (tsc --noEmit) failed; see its errors above" >&2; exit 1; }
) &
typecheck=$!
vitest run "$@"
vitest=$?
wait "$typecheck"
typechecked=$?
rm -f "$READOFF_SYNC_DONE" "$READOFF_SYNC_NET_LOG"
[ "$typechecked" -eq 0 ] || exit 1
exit "$vitest"
