#!/usr/bin/env bash
# The exported dynamic symbols of libarrowquant.so are exactly the C ABI (docs/abi.md).
#   check_exports.sh only-aq <library>           every defined dynamic symbol is aq_*, in version node ARROWQUANT_<n>
#   check_exports.sh header  <library> <header>  the exported aq_* set equals the AQ_API functions of arrowquant.h
set -euo pipefail
mode=$1 lib=$2

# `nm -D --defined-only` prints "<value> <type> <name>[@@<version>]"; the version script also defines the version
# node itself as an absolute symbol (type A, e.g. ARROWQUANT_0), which is not a function or variable.
symbols=$(nm -D --defined-only "$lib")
exported=$(echo "$symbols" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u)
status=0

case "$mode" in
  only-aq)
    echo "$symbols" | sed 's/^/  nm: /'
    [ -n "$exported" ] || { echo "FAIL: $lib exports no symbols at all" >&2; exit 1; }
    if bad=$(echo "$exported" | grep -v '^aq_'); then
      echo "FAIL: symbols outside the C ABI are exported (check capi/arrowquant.map and visibility):" >&2
      echo "$bad" | sed 's/^/  /' >&2
      status=1
    fi
    if bad=$(echo "$symbols" | awk '$2 == "A" {print $3}' | grep -v '^ARROWQUANT_[0-9][0-9]*$'); then
      echo "FAIL: unexpected absolute symbols: $bad" >&2
      status=1
    fi
    if bad=$(echo "$symbols" | awk '$2 != "A" {print $3}' | grep -v '@@ARROWQUANT_[0-9][0-9]*$'); then
      echo "FAIL: symbols without the ARROWQUANT_<n> version (is the version script applied?):" >&2
      echo "$bad" | sed 's/^/  /' >&2
      status=1
    fi
    echo "$(echo "$exported" | wc -l) exported symbols, all aq_*: $([ $status = 0 ] && echo yes || echo no)"
    ;;
  header)
    header=$3
    # Declarations look like `AQ_API <type> aq_name(`; join lines so a declaration may wrap.
    declared=$(tr '\n' ' ' <"$header" | grep -oE 'AQ_API[^;(]*[^A-Za-z0-9_]aq_[A-Za-z0-9_]+[[:space:]]*\(' |
               grep -oE 'aq_[A-Za-z0-9_]+[[:space:]]*\($' | grep -oE 'aq_[A-Za-z0-9_]+' | sort -u)
    if missing=$(comm -23 <(echo "$declared") <(echo "$exported") | grep .); then
      echo "FAIL: declared in $(basename "$header") but not exported by the library (no definition?):" >&2
      echo "$missing" | sed 's/^/  /' >&2
      status=1
    fi
    if extra=$(comm -13 <(echo "$declared") <(echo "$exported") | grep .); then
      echo "FAIL: exported by the library but not declared AQ_API in $(basename "$header"):" >&2
      echo "$extra" | sed 's/^/  /' >&2
      status=1
    fi
    echo "$(echo "$declared" | grep -c .) functions declared, $(echo "$exported" | grep -c .) exported"
    ;;
  *) echo "usage: $0 only-aq <library> | header <library> <header>" >&2; exit 2 ;;
esac
exit $status
