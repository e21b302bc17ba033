#!/usr/bin/env bash
# reliability.malformed_cli: every file of the malformed corpus through `arrowquant inspect` and
# `arrowquant quantize`. Expected per tests/data/malformed/manifest.json: exit 0 for AQ_OK, otherwise exit 1 with
# "arrowquant: <STATUS>: ...<message substring>..." on stderr; a failed quantize leaves no output and no
# temporary; a successful one leaves exactly the output file.
#
#   malformed_cli.sh ARROWQUANT CORPUS_DIR WORK_DIR
set -u
tool=$1 corpus=$2 work=$3
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# run CMD...: stdout/stderr in $out/$err, exit status in $rc.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  "$@" >"$o" 2>"$e"
  rc=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}
# contains TEXT NEEDLE WHAT: TEXT holds NEEDLE literally.
contains() { grep -qF -- "$2" <<<"$1" || { fail "$3: '$2' not in: ${1:0:500}"; return 1; }; }

rm -rf "$work"
mkdir -p "$work"

# file, inspect status, inspect message, quantize status ("-" when not checked), quantize message
rows=$(python3 - "$corpus/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for e in m["files"]:
    q = e["quantize"]
    print("\x1f".join([e["file"], e["inspect"]["status"], e["inspect"]["message"],
                     q["status"] if q else "-", q["message"] if q else "-"]))
EOF
) || { echo "FAIL: cannot read the manifest" >&2; exit 1; }

# check_run STAGE FILE STATUS MESSAGE CMD...: exit status and stderr of CMD against the expectation.
check_run() {
  local stage=$1 file=$2 status=$3 message=$4
  shift 4
  run "$@"
  if [ "$status" = AQ_OK ]; then
    if [ "$rc" != 0 ]; then
      fail "$stage $file: exit $rc (want 0): ${err:0:500}"
      return 1
    fi
  else
    if [ "$rc" != 1 ]; then
      fail "$stage $file: exit $rc (want 1): ${err:0:500}"
      return 1
    fi
    contains "$err" "arrowquant: $status: " "$stage $file (status)" || return 1
    contains "$err" "$message" "$stage $file (message)" || return 1
  fi
  return 0
}

n=0
while IFS=$'\x1f' read -r file istatus imsg qstatus qmsg; do
  [ -n "$file" ] || continue
  n=$((n + 1))
  in="$corpus/$file"
  check_run inspect "$file" "$istatus" "$imsg" "$tool" inspect "$in" && echo "ok: inspect $file ($istatus)"

  [ "$qstatus" = "-" ] && continue
  out_dir="$work/q$n"
  mkdir -p "$out_dir"
  out="$out_dir/out.safetensors"
  if check_run quantize "$file" "$qstatus" "$qmsg" "$tool" quantize "$in" "$out" --quiet; then
    echo "ok: quantize $file ($qstatus)"
  fi
  left=$(ls -A "$out_dir")
  if [ "$qstatus" = AQ_OK ]; then
    [ "$left" = "out.safetensors" ] || fail "quantize $file: output directory holds '$left', want out.safetensors"
  else
    [ -z "$left" ] || fail "quantize $file: failed run left '$left' behind"
  fi
done <<<"$rows"

[ "$n" -ge 30 ] || fail "only $n corpus entries"
echo "$n corpus files checked"
rm -rf "$work"
if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
