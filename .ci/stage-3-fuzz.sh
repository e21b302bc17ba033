#!/usr/bin/env bash
# CI stage 3 (docs/reliability.md): build the libFuzzer targets (preset fuzz: clang,
# -fsanitize=fuzzer,address,undefined) and run each for a bounded time from its seed corpus and dictionary.
# Any crash, sanitizer report, leak, timeout or out-of-memory fails the stage; the reproducer is kept under
# <build>/artifacts/<target>/ (replay: <build>/fuzz/fuzz_<target> <file>), <build> being build/asan when stage 2
# built the targets there, else build/fuzz.
#
#   .ci/stage-3-fuzz.sh [TARGET...]       default: every target
#   environment: AQ_FUZZ_SECONDS (per target, default 60), AQ_FUZZ_PARALLEL (targets at once, default 2),
#                AQ_JOBS (build jobs, default 2), AQ_CI_BUILD_ROOT (build trees, default build)
#
# New inputs the fuzzers find go to <build>/corpus-work/<target>/ (the committed seeds under fuzz/corpus/<target>/
# are read, never written). Long runs: see docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${AQ_FUZZ_SECONDS:-60}
parallel=${AQ_FUZZ_PARALLEL:-2}
jobs=${AQ_JOBS:-2}
root=${AQ_CI_BUILD_ROOT:-build}
build=$root/fuzz
start=$(date +%s)

declare -A dict=(
  [st_header]=safetensors.dict [st_index]=index.dict [model_reader]=safetensors.dict [config]=config.dict [config_yaml]=config_yaml.dict
  [calibration_json]=calibration.dict [calibration_st]=calibration.dict [conformance_vectors]=conformance.dict
)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(st_header st_index model_reader config config_yaml calibration_json calibration_st conformance_vectors tensor_capi)
fi

# Stage 2 builds the fuzz targets into its ASan tree (one clang build for tests and fuzzing); reuse them when
# they are there, otherwise configure the fuzz preset (AQ_FUZZ_BUILD=fuzz forces the preset).
if [ "${AQ_FUZZ_BUILD:-}" != fuzz ] && grep -q '^AQ_BUILD_FUZZ:BOOL=ON' "$root/asan/CMakeCache.txt" 2>/dev/null; then
  build=$root/asan
  echo "== stage 3: fuzz targets of the stage-2 build ($build)"
  cmake --build "$build" -j "$jobs" --target fuzz_all
else
  echo "== stage 3: build the fuzz targets (preset fuzz)"
  cmake --preset fuzz -B "$build"
  cmake --build "$build" -j "$jobs" --target fuzz_all
fi

run_one() {  # run_one TARGET: fuzz it for $seconds; its log is $build/logs/TARGET.log
  local t=$1 args=()
  mkdir -p "$build/corpus-work/$t" "$build/artifacts/$t" "$build/logs"
  [ -n "${dict[$t]:-}" ] && args+=("-dict=fuzz/dict/${dict[$t]}")
  "$build/fuzz/fuzz_$t" "${args[@]}" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    "$build/corpus-work/$t" "fuzz/corpus/$t" >"$build/logs/$t.log" 2>&1
}

echo "== stage 3: ${#targets[@]} targets, ${seconds} s each, ${parallel} at a time"
declare -A pid_of=()
failed=()
for t in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$t" ] || { echo "no fuzz target fuzz_$t" >&2; exit 1; }
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do sleep 1; done
  run_one "$t" &
  pid_of[$t]=$!
done
for t in "${targets[@]}"; do
  if wait "${pid_of[$t]}"; then :; else failed+=("$t"); fi
done

printf '\n%-20s %12s %8s %8s %8s  %s\n' target executions exec/s cov ft result
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  # (|| true: a run that died at once has none of these lines, and pipefail would stop the report)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  result=ok
  [[ " ${failed[*]} " == *" $t "* ]] && result=FAILED
  printf '%-20s %12s %8s %8s %8s  %s\n' "$t" "${runs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$result"
done
if [ ${#failed[@]} -ne 0 ]; then
  for t in "${failed[@]}"; do
    echo; echo "---- fuzz_$t: finding (tail of $build/logs/$t.log; reproducer in $build/artifacts/$t/)"
    tail -n 60 "$build/logs/$t.log"
  done
  echo "stage 3 (fuzz) FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "stage 3 (fuzz) passed in $(( $(date +%s) - start )) s"
