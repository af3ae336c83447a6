#!/usr/bin/env bash
# `npm test` after `astro sync`: the typecheck and vitest side by side (tsc is one process on one core, and vitest's
# first seconds leave a core to spare), failing if either fails. Arguments go to vitest (`npm test -- tests/lib`).
# tsc reads .astro/*.d.ts when it starts; the shared site build (tests/site/globalSetup.ts) rewrites the same
# content there only seconds later, after its experiments plan.
set -u
cd "$(dirname "$0")/.."
# The project's own binaries, as npm puts them on PATH (no npx: about 1 CPU-s less per command).
PATH="$PWD/node_modules/.bin:$PATH"
# Incremental: a repeat run re-checks only what changed since the last (measured: 23 CPU-s for the whole project,
# 10 when nothing changed). The state lives under node_modules, so a fresh clone starts from nothing.
tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/readoff/tsc.tsbuildinfo &
tsc=$!
vitest run "$@"
vitest=$?
if ! wait "$tsc"; then
  echo "npm test: the typecheck (tsc --noEmit) failed; see its errors above" >&2
  exit 1
fi
exit "$vitest"
