#!/usr/bin/env bash
# Byte-identity check for refactors: runs every gallery scenario in every configuration (the paper
# scenario at every traffic level), seed 3, from the build in CHECKOUT (its dist/), and keeps each
# run's summary.json, episodes.csv, feedback.jsonl, scenario.resolved.json and policy.trained.json
# in OUT/<scenario>-<config>-<traffic>/. Compare two builds with `diff -r OUT_A OUT_B`.
#   npm run build && bash bench/gallery.sh . /tmp/gallery-before    # … change, rebuild …
#   bash bench/gallery.sh . /tmp/gallery-after && diff -r /tmp/gallery-before /tmp/gallery-after
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: bench/gallery.sh CHECKOUT OUT" >&2; exit 2; fi
src=$(cd "$1" && pwd); out=$(mkdir -p "$2" && cd "$2" && pwd)
cd "$src"
run() { # scenario config traffic
  local name dir
  name=$(basename "$1" .yaml)-$2-$3
  dir=$(mktemp -d)
  node dist/src/cli/main.js run "$1" --config "$2" ${3:+--traffic $3} --seed 3 --out "$dir/r" --no-progress --json > /dev/null
  mkdir -p "$out/$name"
  for f in summary.json episodes.csv feedback.jsonl scenario.resolved.json policy.trained.json; do
    if [ -f "$dir/r/$f" ]; then cp "$dir/r/$f" "$out/$name/"; fi
  done
  rm -rf "$dir"
}
jobs=()
for cfg in marl-only guided aura; do
  for t in low normal high; do jobs+=("scenarios/paper.yaml $cfg $t"); done
  for f in scenarios/*.yaml; do
    [ "$f" = scenarios/paper.yaml ] || jobs+=("$f $cfg ''")
  done
done
export -f run; export out
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c 'eval run {}'
echo "$(ls "$out" | wc -l) runs in $out"
