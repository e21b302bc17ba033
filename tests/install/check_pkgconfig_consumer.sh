#!/usr/bin/env bash
# install.pkgconfig_consumer_builds_and_runs: compile packaging/consumer/consumer.c as strict C99 with only
# `pkg-config --cflags --libs arrowquant` (found through PKG_CONFIG_PATH in the test prefix) and run it.
set -euo pipefail
cc=$1 source=$2 pcdir=$3 prefix=$4 work=$5 version=$6 extra_cflags=${7:-} extra_ldflags=${8:-}

export PKG_CONFIG_PATH=$pcdir
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
rm -rf "$work" && mkdir -p "$work"

modversion=$(pkg-config --modversion arrowquant)
[ "$modversion" = "$version" ] || { echo "FAIL: pkg-config --modversion is $modversion, expected $version" >&2; exit 1; }
cflags=$(pkg-config --cflags arrowquant)
libs=$(pkg-config --libs arrowquant)
libdir=$(pkg-config --variable=libdir arrowquant)
echo "pkg-config --cflags: $cflags"
echo "pkg-config --libs:   $libs"
case "$libdir" in "$prefix"/*) ;; *) echo "FAIL: libdir $libdir is not in $prefix" >&2; exit 1 ;; esac
# Consumers link libarrowquant alone: Boost, Highway and oneTBB are private to the shared library.
if echo "$libs" | grep -Eq 'boost|hwy|tbb'; then echo "FAIL: private dependencies leak into --libs" >&2; exit 1; fi

# shellcheck disable=SC2086  # flags are word lists
"$cc" -std=c99 -pedantic-errors -Wall -Wextra -Werror $extra_cflags $cflags "$source" -o "$work/consumer" \
  $extra_ldflags $libs -lm "-Wl,-rpath,$libdir"
# The library found at run time is the one in the prefix, not a system copy.
resolved=$(ldd "$work/consumer" | awk '$1 ~ /^libarrowquant\.so/ {print $3}')
echo "libarrowquant resolves to $resolved"
case "$resolved" in "$libdir"/*) ;; *) echo "FAIL: expected $libdir/libarrowquant.so.*" >&2; exit 1 ;; esac
"$work/consumer"
