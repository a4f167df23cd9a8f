#!/usr/bin/env bash
# Proof that the suite is green on a fresh machine, not only in this checkout: clones the committed
# HEAD of this repository into a new temp dir for each run, runs .ci/run there (pinned Bun, locked
# dependencies, the README's test command), and prints "K of N green". Uncommitted changes are not
# part of it. Usage: scripts/ci-repeat.sh N   (exit 0 only when every run was green)
set -uo pipefail
runs=${1:?usage: scripts/ci-repeat.sh N}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive integer (got $runs)" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/chasm-ci-repeat.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "ci-repeat: $runs run(s) of .ci/run on fresh clones of $commit (in $work)"

green=0
for ((run = 1; run <= runs; run++)); do
  clone="$work/run-$run"
  git clone --quiet --no-checkout "$repo" "$clone" && git -C "$clone" checkout --quiet --detach "$commit" || {
    echo "run $run of $runs: clone failed"
    continue
  }
  started=$SECONDS
  log="$work/run-$run.log"
  (cd "$clone" && .ci/run) >"$log" 2>&1
  status=$?
  summary=$(tail -n 1 "$log")
  if [[ $status -eq 0 ]]; then
    green=$((green + 1))
    echo "run $run of $runs: green — $summary ($((SECONDS - started)) s)"
  else
    kept="${TMPDIR:-/tmp}/chasm-ci-repeat-${commit:0:12}-run-$run.log"
    cp "$log" "$kept"
    echo "run $run of $runs: RED (exit $status) — $summary ($((SECONDS - started)) s); log: $kept; failures:"
    grep -E '^\(fail\)|error TS|timed out' "$log" | awk '!seen[$0]++' | head -20 | sed 's/^/  /'
  fi
  rm -rf "$clone"
done
echo "$green of $runs green"
[[ $green -eq $runs ]]
