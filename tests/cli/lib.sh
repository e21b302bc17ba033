# Helpers shared by the CLI test scripts (sourced). Each check prints what it ran; a failure exits 1.
set -u
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run CMD...: runs it with stdout/stderr captured in $out/$err and the exit status in $rc.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  "$@" >"$o" 2>"$e"
  rc=$?
  out=$(cat "$o")
  err=$(cat "$e")
  rm -f "$o" "$e"
}

# expect_rc CODE CMD...: runs CMD and checks its exit status.
expect_rc() {
  local want=$1
  shift
  run "$@"
  if [ "$rc" != "$want" ]; then
    fail "exit $rc (want $want): $*"
    echo "  stdout: ${out:0:2000}" >&2
    echo "  stderr: ${err:0:2000}" >&2
    return 1
  fi
  echo "ok (exit $rc): $*"
  return 0
}

# contains TEXT NEEDLE WHAT: TEXT contains NEEDLE literally.
contains() {
  if ! grep -qF -- "$2" <<<"$1"; then
    fail "$3: '$2' not found in: ${1:0:2000}"
    return 1
  fi
  return 0
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
