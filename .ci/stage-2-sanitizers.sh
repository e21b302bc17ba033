#!/usr/bin/env bash
# CI stage 2 (docs/reliability.md): the C and C++ test suite under ASan + UBSan, then the concurrency
# stress test under ThreadSanitizer. Called by .ci/run after stage 1; any finding fails the stage.
#
#   .ci/stage-2-sanitizers.sh            environment: AQ_JOBS (build jobs, default 2), AQ_CI_BUILD_ROOT (where the
#                                        build trees go, default build: build/asan, build/tsan)
#
# ASan + UBSan: the `asan` preset (clang, -fno-sanitize-recover=undefined, AQ_FAULT_INJECTION=ON so the
# fault-injection test runs). Left out: the `memory` label (peak-RSS test; ASan's allocator inflates the resident
# set) and the abi./install. tests (they check the exported symbol set and build consumers without sanitizers,
# which a sanitizer runtime changes by design). Everything else — unit, io, config, pipeline, thermo, capi, cli,
# conformance, reliability — runs.
#
# TSan: Debian's oneTBB is not instrumented, so TSan cannot see the synchronisation inside a TBB parallel region
# and reports every result a worker hands back as a race (tried: partitioner.h false positives at once). The job
# therefore builds the library and the stress test with -fsanitize=thread and runs the stress test with one
# library thread per call (AQ_STRESS_INNER_THREADS=1: every TBB arena has a single slot and no TBB worker runs our
# code) while 8 application threads use their own handles at once. No suppressions are needed, and none are used:
# a suppression matching libtbb would also hide races in our code, which runs inside arena.execute frames.
# What it proves: no data race between independent handles used from different threads — global state (error
# messages, default thread count, SIMD dispatch, configuration tables, static initialisation) is race-free.
# What it does not prove: freedom from races inside our TBB parallel regions; those run under ASan and are
# checked for determinism across thread counts (cli.quantize_threads_byte_identical, the fuzz target
# tensor_capi on multi-block tensors, reliability.concurrency with 2 library threads in the other builds).
#
# Linking: libarrowquant.so is linked with --no-undefined and a version script that makes every other symbol
# local, so a sanitized build of it cannot leave the sanitizer runtime's symbols to the executable (the loader
# then fails with "unexpected PLT reloc type 0x00"). The ASan job links the shared ASan runtime instead
# (-shared-libasan, with an rpath to clang's runtime directory); the TSan job, for which clang 14 has no usable
# shared runtime, builds only the stress test, which (like every test that also uses core headers) links a static
# copy of the C ABI over the static core (tests/CMakeLists.txt), not the shared library.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${AQ_JOBS:-2}
start=$(date +%s)
root=${AQ_CI_BUILD_ROOT:-build}
asan=$root/asan
rtdir=$(dirname "$(clang --print-file-name=libclang_rt.asan-x86_64.so)")
asan_link="-fsanitize=address,undefined -shared-libasan -Wl,-rpath,$rtdir"

# One clang build serves the tests and the fuzz targets: the asan preset plus coverage instrumentation
# (-fsanitize=fuzzer-no-link costs the tests little) and AQ_BUILD_FUZZ=ON; stage 3 reuses $asan/fuzz/.
asan_cflags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fsanitize=fuzzer-no-link"
echo "== stage 2a: ASan + UBSan build (preset asan, with the fuzz targets)"
cmake --preset asan -B "$asan" -DAQ_BUILD_FUZZ=ON "-DCMAKE_C_FLAGS=$asan_cflags" "-DCMAKE_CXX_FLAGS=$asan_cflags" \
  "-DCMAKE_EXE_LINKER_FLAGS=$asan_link" "-DCMAKE_SHARED_LINKER_FLAGS=$asan_link"
cmake --build "$asan" -j "$jobs"
cmake --build "$asan" -j "$jobs" --target fuzz_all

echo "== stage 2a: ctest under ASan + UBSan (the options of the asan test preset)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$asan" -j 2 --output-on-failure --no-tests=error -LE memory -E '^(abi|install)\.' 2>&1 |
  tee "$asan/ctest.log"
grep -E "tests passed" "$asan/ctest.log" | tail -1
unset ASAN_OPTIONS UBSAN_OPTIONS
echo "stage 2a took $(( $(date +%s) - start )) s"

echo "== stage 2b: ThreadSanitizer build (library + reliability.concurrency)"
tsan=$root/tsan
# -O1 -gline-tables-only: the usual sanitizer setting, and the cheapest build that still gives file:line reports.
cmake -S . -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++ -DAQ_BUILD_BINDINGS=OFF -DAQ_BUILD_BENCH=OFF \
  "-DCMAKE_C_FLAGS=-fsanitize=thread -fno-omit-frame-pointer" \
  "-DCMAKE_CXX_FLAGS=-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread
cmake --build "$tsan" -j "$jobs" --target aq_reliability_concurrency

echo "== stage 2b: reliability.concurrency under TSan (8 threads x 3 rounds, 1 library thread per call)"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" AQ_STRESS_INNER_THREADS=1 "$tsan/tests/reliability/aq_reliability_concurrency" --color_output=no --log_level=test_suite
echo "stage 2 (sanitizers) passed in $(( $(date +%s) - start )) s"
