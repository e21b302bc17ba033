#!/usr/bin/env bash
# install.cmake_consumer_builds_and_runs: configure packaging/consumer/ (a separate CMake project using
# find_package(arrowquant) and arrowquant::arrowquant) against the test prefix, build it and run it.
set -euo pipefail
cmake=$1 generator=$2 cc=$3 source=$4 prefix=$5 work=$6 extra_cflags=${7:-} extra_ldflags=${8:-}

rm -rf "$work"
"$cmake" -S "$source" -B "$work" -G "$generator" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$extra_cflags" -DCMAKE_EXE_LINKER_FLAGS="$extra_ldflags" \
  -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
found=$(sed -n 's/^arrowquant_DIR:PATH=//p' "$work/CMakeCache.txt")
echo "find_package(arrowquant) used $found"
case "$found" in "$prefix"/*) ;; *) echo "FAIL: expected the package in $prefix" >&2; exit 1 ;; esac
"$cmake" --build "$work" --verbose
"$work/arrowquant_consumer"
