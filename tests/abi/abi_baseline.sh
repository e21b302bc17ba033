#!/usr/bin/env bash
# ABI baseline of libarrowquant.so (docs/abi.md).
#   abi_baseline.sh check  <library> <abi-dir> <public-headers-dir>
#       Compare <library> with <abi-dir>/<its soname>.abi using abidiff. Added functions and enumerators appended
#       to an enum pass; anything else that abidiff reports fails: a removed function (abidiff sets its
#       "incompatible" bit) but also a changed parameter or return type or enumerator value (abidiff reports
#       those only as an "ABI change", yet they break our promise just as much). Skipped (exit 77) when there is
#       no baseline for the soname, which happens exactly when the soname major changed.
#   abi_baseline.sh update <library> <abi-dir> <public-headers-dir>
#       Rewrite <abi-dir>/<soname>.abi from <library> (scripts/update-abi-baseline calls this).
# <library> must carry DWARF debug information (the types of the interface come from it).
set -euo pipefail
mode=$1 lib=$2 abidir=$3 headers=$4

for tool in abidw abidiff readelf; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not found (Debian: apt-get install abigail-tools binutils)"
    exit 77
  fi
done
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
  echo "FAIL: $lib has no DWARF debug information, so its interface types cannot be compared." >&2
  echo "      Build with -g (RelWithDebInfo/Debug), or let tests/abi build its -g probe library." >&2
  exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "FAIL: $lib has no SONAME" >&2; exit 1; }
baseline="$abidir/$soname.abi"

# Only what the public headers declare, only what is reachable from exported functions, and no paths or line
# numbers: the baseline changes when the interface changes and not when code moves.
abidw_flags=(--exported-interfaces-only --headers-dir "$headers" --drop-private-types --no-corpus-path
             --no-comp-dir-path --no-show-locs --no-elf-needed)

case "$mode" in
  update)
    mkdir -p "$abidir"
    abidw "${abidw_flags[@]}" --out-file "$baseline.tmp" "$lib"
    # The translation-unit paths name the build machine's checkout; keep them relative to the source tree.
    root=$(cd "$headers/../.." && pwd)
    sed "s|path='$root/|path='|" "$baseline.tmp" >"$baseline" && rm -f "$baseline.tmp"
    echo "wrote $baseline: $(grep -c '<elf-symbol ' "$baseline") functions of $soname"
    ;;
  check)
    if [ ! -f "$baseline" ]; then
      echo "SKIP: no baseline $baseline for $soname (present: $(cd "$abidir" && ls -- *.abi 2>/dev/null | tr '\n' ' '))."
      echo "      A new soname major starts a new ABI: record it with scripts/update-abi-baseline."
      exit 77
    fi
    set +e
    abidiff --no-added-syms --headers-dir2 "$headers" "$baseline" "$lib"
    rc=$?
    set -e
    # abidiff exit status bits: 1 error, 2 usage error, 4 ABI change, 8 incompatible ABI change.
    if [ $rc -eq 0 ]; then
      echo "ABI of $soname is compatible with $baseline (additions are allowed)"
      exit 0
    fi
    if [ $((rc & 3)) -ne 0 ]; then echo "FAIL: abidiff could not compare (exit $rc)" >&2; exit 1; fi
    kind="changed"
    [ $((rc & 8)) -ne 0 ] && kind="changed incompatibly (functions removed)"
    echo "FAIL: the ABI of $soname $kind relative to $baseline (abidiff exit $rc, report above)." >&2
    echo "      Within a major version enum values and function signatures never change and functions are" >&2
    echo "      never removed (docs/abi.md). Restore them, or bump the soname major for a deliberate break." >&2
    exit 1
    ;;
  *) echo "usage: $0 check|update <library> <abi-dir> <public-headers-dir>" >&2; exit 2 ;;
esac
