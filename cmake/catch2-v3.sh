#!/bin/sh
# Builds Catch2 v3 — what vcpkg's catch2 port provides — into build/catch2-v3-prefix, for the
# `catch2-v3` preset on a machine whose distribution ships only v2 (Debian 12 has 2.13).
#
#   sh cmake/catch2-v3.sh            # source from Debian's archive (trixie's catch2 3.7.1)
#   CATCH2_SOURCE=/path/to/Catch2-3.x sh cmake/catch2-v3.sh   # or any unpacked v3 source tree
#   cmake --workflow --preset catch2-v3
#
# CATCH2_DEBIAN_SUITE (default trixie) and CATCH2_DEBIAN_MIRROR choose where the source comes from;
# CATCH2_JOBS the build's parallelism. Delete build/catch2-v3-prefix to build again.
#
# The Debian source is fetched with apt-get into a private apt state under build/ (signature and
# checksums checked by apt against the installed Debian archive keyring); the system's apt
# sources and package lists are not touched.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/build/catch2-v3-work"
prefix="$root/build/catch2-v3-prefix"

if [ -f "$prefix/.complete" ]; then
  echo "catch2-v3: already installed in $prefix"
  exit 0
fi

src="${CATCH2_SOURCE:-}"
if [ -z "$src" ]; then
  suite="${CATCH2_DEBIAN_SUITE:-trixie}"
  mirror="${CATCH2_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || { echo "catch2-v3: $keyring is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
  rm -rf "$work"
  mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
  echo "deb-src [signed-by=$keyring] $mirror $suite main" >"$work/apt/sources.list"
  # Only this list; downloads as the invoking user (the _apt sandbox user cannot write to build/).
  set -- -o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/none" \
    -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" \
    -o "APT::Sandbox::User=$(id -un)" -q
  apt-get "$@" update
  (cd "$work/src" && apt-get "$@" source --download-only catch2)
  orig=$(ls "$work"/src/catch2_3.*.orig.tar.* 2>/dev/null | head -n 1)
  [ -n "$orig" ] || { echo "catch2-v3: $suite has no Catch2 v3 source package" >&2; exit 1; }
  tar -xf "$orig" -C "$work/src"
  src=$(ls -d "$work"/src/Catch2-3.* | head -n 1)
fi
[ -f "$src/src/catch2/catch_test_macros.hpp" ] || { echo "catch2-v3: $src is not a Catch2 v3 source tree" >&2; exit 1; }

# Release, static, installed with its CMake config (as vcpkg's port does); no self-tests, no docs.
rm -rf "$work/build"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DCATCH_INSTALL_DOCS=OFF -DCATCH_INSTALL_EXTRAS=ON -DCMAKE_INSTALL_LIBDIR=lib \
  -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$work/build" -j "${CATCH2_JOBS:-2}"
cmake --install "$work/build" >/dev/null
touch "$prefix/.complete"
echo "catch2-v3: installed $(basename "$src") in $prefix"
