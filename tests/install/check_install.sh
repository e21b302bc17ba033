#!/usr/bin/env bash
# install.cmake_install: `cmake --install` this build into a fresh prefix and check that the documented files
# are there, that the library links are right, and that nothing was written outside the prefix.
set -euo pipefail
cmake=$1 build=$2 prefix=$3 libdir=$4 includedir=$5 bindir=$6 mandir=$7 cmakedir=$8 version=$9
expect_cli=${10} expect_man=${11}
major=${version%%.*}

rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix"

status=0
fail() { echo "FAIL: $*" >&2; status=1; }
expect_file() { [ -f "$prefix/$1" ] && [ ! -L "$prefix/$1" ] || fail "missing regular file $1"; }
expect_link() {  # expect_link <path> <target>
  if [ ! -L "$prefix/$1" ]; then fail "missing symlink $1"; return; fi
  [ "$(readlink "$prefix/$1")" = "$2" ] || fail "$1 -> $(readlink "$prefix/$1"), expected -> $2"
}

expect_file "$libdir/libarrowquant.so.$version"
expect_link "$libdir/libarrowquant.so.$major" "libarrowquant.so.$version"
expect_link "$libdir/libarrowquant.so" "libarrowquant.so.$major"
if [ -f "$prefix/$libdir/libarrowquant.so.$version" ]; then
  soname=$(readelf -d "$prefix/$libdir/libarrowquant.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  [ "$soname" = "libarrowquant.so.$major" ] || fail "SONAME is '$soname', expected libarrowquant.so.$major"
  if [ -x "$prefix/$libdir/libarrowquant.so.$version" ]; then fail "the shared library is installed executable"; fi
fi
expect_file "$includedir/arrowquant.h"
expect_file "$libdir/pkgconfig/arrowquant.pc"
expect_file "$cmakedir/arrowquantConfig.cmake"
expect_file "$cmakedir/arrowquantConfigVersion.cmake"
expect_file "$cmakedir/arrowquantTargets.cmake"
expect_file "share/doc/arrowquant/LICENSE"
if [ "$expect_cli" = 1 ]; then
  expect_file "$bindir/arrowquant"
  if [ -x "$prefix/$bindir/arrowquant" ]; then
    # The installed tool runs from the prefix and loads the library installed next to it: through its
    # RUNPATH ($ORIGIN/..) when the build's libdir is not a system directory; a build configured for /usr has
    # no RUNPATH (Debian policy), and is pointed at the test prefix explicitly.
    if readelf -d "$prefix/$bindir/arrowquant" | grep -E '\((RUNPATH|RPATH)\)' >/dev/null; then
      run=(env -u LD_LIBRARY_PATH)
    else
      run=(env "LD_LIBRARY_PATH=$prefix/$libdir")
    fi
    first=$("${run[@]}" "$prefix/$bindir/arrowquant" --version | head -n1) || true
    [ "$first" = "arrowquant $version" ] || fail "installed arrowquant --version printed '$first'"
    loaded=$("${run[@]}" ldd "$prefix/$bindir/arrowquant" | awk '$1 == "libarrowquant.so.'"$major"'" {print $3}')
    if [ -z "$loaded" ] || [ "$(readlink -f "$loaded")" != "$(readlink -f "$prefix/$libdir/libarrowquant.so.$major")" ]; then
      fail "installed arrowquant loads '$loaded', not the prefix's library"
    fi
  else
    fail "$bindir/arrowquant is not executable"
  fi
fi
if [ "$expect_man" = 1 ]; then
  expect_file "$mandir/man1/arrowquant.1.gz"
  gzip -t "$prefix/$mandir/man1/arrowquant.1.gz" || fail "arrowquant.1.gz is not a valid gzip file"
  zcat "$prefix/$mandir/man1/arrowquant.1.gz" | grep -q '^\.TH ARROWQUANT "1"' || fail "arrowquant.1.gz has no .TH header"
fi

# The pkg-config file must name the prefix it was installed into (it is written at install time).
grep -qx "prefix=$prefix" "$prefix/$libdir/pkgconfig/arrowquant.pc" || fail "arrowquant.pc does not say prefix=$prefix"
# The Debian-only files stay out of a plain install.
if [ -e "$prefix/share/doc/libarrowquant0" ]; then fail "share/doc/libarrowquant0 (Debian-only) was installed"; fi

# Everything the install wrote is inside the prefix.
manifest="$build/install_manifest.txt"
if outside=$(grep -v "^$prefix/" "$manifest"); then
  fail "installed outside the prefix: $outside"
fi
echo "installed $(grep -c . "$manifest") files into $prefix:"
sed "s|^$prefix/|  |" "$manifest"
exit $status
