#!/usr/bin/env bash
# Packaging stage of CI, called by .ci/run. Needs root (dpkg -i) and a Debian system.
#
#   .ci/packaging.sh [build-dir]          default build-dir: build/deb
#
# 1. configures a dedicated build with -DCMAKE_INSTALL_PREFIX=/usr (multiarch libdir) and Debian's hardening
#    build flags, builds it and makes the three .debs with `cpack -G DEB`;
# 2. shows their control data and contents, checks the expected files, runs lintian;
# 3. installs them with dpkg -i, builds packaging/consumer against /usr with pkg-config and with
#    find_package(arrowquant), runs both, and runs /usr/bin/arrowquant --help and --version;
# 4. ALWAYS (trap EXIT, also after a failure or Ctrl-C) purges the packages again and checks that nothing is
#    left behind: CI runs as root on a machine that later jobs use.
# Environment: AQ_JOBS (parallel build jobs, default 2), AQ_LINTIAN_FAIL_ON (lintian --fail-on, default error,warning).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/deb}
jobs=${AQ_JOBS:-2}
packages=(arrowquant-tools libarrowquant-dev libarrowquant0)   # dependents first: the removal order
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
work=$(mktemp -d /tmp/aq-packaging.XXXXXX)

step() { printf '\n=== packaging [%s]: %s\n' "$(date +%T)" "$*"; }

installed() {  # any state but not-installed (config-files counts: purge removes it)
  local state
  state=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != not-installed ]
}

# Everything the packages may install; none of it may exist after removal.
leftover_paths() {
  local p
  for p in /usr/include/arrowquant.h /usr/lib/"$multiarch"/libarrowquant* /usr/lib/libarrowquant* \
           /usr/bin/arrowquant /usr/share/man/man1/arrowquant.1.gz /usr/lib/"$multiarch"/pkgconfig/arrowquant.pc \
           /usr/lib/"$multiarch"/cmake/arrowquant /usr/share/doc/libarrowquant0 /usr/share/doc/libarrowquant-dev \
           /usr/share/doc/arrowquant-tools /usr/share/lintian/overrides/arrowquant-tools; do
    if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi
  done
}

remove_packages() {
  local present=() p
  for p in "${packages[@]}"; do
    if installed "$p"; then present+=("$p"); fi
  done
  if [ ${#present[@]} -gt 0 ]; then
    dpkg --purge "${present[@]}" || true
  fi
}

cleanup() {
  local rc=$? p left
  trap - EXIT INT TERM
  step "removing the packages (always)"
  remove_packages
  for p in "${packages[@]}"; do
    if installed "$p"; then echo "LEFT BEHIND: package $p is still installed" >&2; rc=1; fi
    if dpkg -L "$p" >/dev/null 2>&1; then echo "LEFT BEHIND: dpkg -L $p still lists files" >&2; rc=1; fi
  done
  left=$(leftover_paths)
  if [ -n "$left" ]; then echo "LEFT BEHIND: files of the packages:" >&2; echo "$left" >&2; rc=1; fi
  ldconfig
  if ldconfig -p | grep 'libarrowquant\.so' >/dev/null; then echo "LEFT BEHIND: libarrowquant in the ld.so cache" >&2; rc=1; fi
  rm -rf "$work"
  if [ $rc -eq 0 ]; then echo "packaging: OK (packages built, installed, used and removed; nothing left behind)"
  else echo "packaging: FAILED (exit $rc)" >&2; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then echo "packaging: needs root for dpkg -i / dpkg --purge" >&2; exit 1; fi

# A run that was killed (SIGKILL, power loss) cannot have cleaned up; these package names are ours alone.
for p in "${packages[@]}"; do
  if installed "$p"; then echo "packaging: $p is installed from an earlier run; purging it first" >&2; fi
done
remove_packages
if [ -n "$(leftover_paths)" ]; then
  echo "packaging: files of ArrowQuant exist under /usr before installing (not from our packages):" >&2
  leftover_paths >&2
  trap - EXIT   # not ours to remove
  exit 1
fi

step "configure $build (prefix /usr, Debian build flags)"
cd "$root"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
export CFLAGS="$(dpkg-buildflags --get CFLAGS) $CPPFLAGS"
export CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $CPPFLAGS"
export LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DBUILD_TESTING=OFF -DAQ_BUILD_BENCH=OFF -DAQ_BUILD_BINDINGS=OFF
unset CFLAGS CXXFLAGS LDFLAGS

step "build"
cmake --build "$build" -j "$jobs"

step "cpack -G DEB"
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB)
debs=()
for p in "${packages[@]}"; do
  f=$(ls "$build/${p}_"*.deb 2>/dev/null | head -n1 || true)
  [ -n "$f" ] || { echo "packaging: cpack made no package $p" >&2; exit 1; }
  debs+=("$f")
done

step "package contents"
expect_in() {  # expect_in <deb> <path>...
  local deb=$1 listing path
  shift
  listing=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
  for path in "$@"; do
    grep -x -- "$path" <<<"$listing" >/dev/null || { echo "packaging: $(basename "$deb") lacks $path" >&2; exit 1; }
  done
}
for deb in "${debs[@]}"; do
  echo "--- $(basename "$deb")"
  dpkg-deb -f "$deb" Package Version Architecture Section Priority Maintainer Depends Source
  dpkg-deb -c "$deb" | awk '{print "    " $1, $6, $7, $8}'
done
libdir=/usr/lib/$multiarch
version=$(dpkg-deb -f "${debs[2]}" Version); version=${version%-*}
expect_in "${debs[2]}" "$libdir/libarrowquant.so.$version" "$libdir/libarrowquant.so.0" \
  /usr/share/doc/libarrowquant0/copyright /usr/share/doc/libarrowquant0/changelog.Debian.gz
expect_in "${debs[1]}" /usr/include/arrowquant.h "$libdir/libarrowquant.so" "$libdir/pkgconfig/arrowquant.pc" \
  "$libdir/cmake/arrowquant/arrowquantConfig.cmake" "$libdir/cmake/arrowquant/arrowquantConfigVersion.cmake" \
  "$libdir/cmake/arrowquant/arrowquantTargets.cmake" /usr/share/doc/libarrowquant-dev/copyright
expect_in "${debs[0]}" /usr/bin/arrowquant /usr/share/man/man1/arrowquant.1.gz \
  /usr/share/doc/arrowquant-tools/copyright
dpkg-deb -I "${debs[2]}" shlibs triggers

step "lintian"
lintian_rc=0
lintian --fail-on "${AQ_LINTIAN_FAIL_ON:-error,warning}" --display-info --pedantic "${debs[@]}" || lintian_rc=$?
[ $lintian_rc -eq 0 ] || { echo "packaging: lintian failed (exit $lintian_rc)" >&2; exit 1; }

step "dpkg -i"
dpkg -i "${debs[@]}"
dpkg -L libarrowquant0 libarrowquant-dev arrowquant-tools

step "consumer against /usr with pkg-config"
unset PKG_CONFIG_PATH
echo "pkg-config: $(pkg-config --modversion arrowquant): $(pkg-config --cflags --libs arrowquant)"
# shellcheck disable=SC2046
cc -std=c99 -pedantic-errors -Wall -Wextra -Werror "$root/packaging/consumer/consumer.c" \
  $(pkg-config --cflags --libs arrowquant) -lm -o "$work/consumer-pkgconfig"
# (/lib is /usr/lib on merged-/usr systems, so compare real paths.)
loaded=$(ldd "$work/consumer-pkgconfig" | awk '$1 == "libarrowquant.so.0" {print $3}')
[ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = "$(readlink -f "$libdir/libarrowquant.so.0")" ] ||
  { echo "packaging: the consumer does not load $libdir/libarrowquant.so.0" >&2; ldd "$work/consumer-pkgconfig"; exit 1; }
echo "the consumer loads $loaded"
"$work/consumer-pkgconfig"

step "consumer against /usr with find_package(arrowquant)"
cmake -S "$root/packaging/consumer" -B "$work/consumer-cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
grep '^arrowquant_DIR:' "$work/consumer-cmake/CMakeCache.txt"
grep -q "^arrowquant_DIR:PATH=$libdir/cmake/arrowquant$" "$work/consumer-cmake/CMakeCache.txt" ||
  { echo "packaging: find_package did not use $libdir/cmake/arrowquant" >&2; exit 1; }
cmake --build "$work/consumer-cmake"
"$work/consumer-cmake/arrowquant_consumer"

step "/usr/bin/arrowquant"
/usr/bin/arrowquant --version
/usr/bin/arrowquant --help
man -w arrowquant
