#!/bin/sh
# What cl.exe users compile, checked without Windows: clang in MSVC mode against the real MSVC
# STL, Windows SDK and vcruntime headers, for
#   - <mcast/mcast.hpp> + <mcast/winsock_session.hpp> with a user's std::max / numeric_limits<>::max
#     after them (windows.h's min/max macros must not leak),
#   - every example and tool, every unit test and the Windows tests,
# with the STL of the VS 2022 17.5 era and of the 17.4 era (what VS 2019 16.11 users have), for
# x64 and x86, each with clang's own branches and with -U__clang__ (the branches cl.exe takes).
#
#   MCAST_MSVC_EMU=/path/to/tree sh cmake/msvc-check.sh
#
# The tree is made by the setup script that the development machine's MSVC tools provide (from the
# public microsoft/STL, Windows SDK and vcruntime headers; none of it is part of mcast). Without
# MCAST_MSVC_EMU the check says so and exits 0. Catch2 v2's single header and standalone Asio are
# taken from MCAST_MSVC_CATCH2 / MCAST_MSVC_ASIO (defaults: Debian's /usr/include/catch2 and
# /usr/include/asio). A syntax and semantics check, not MSVC's own /W4 warnings.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
emu=${MCAST_MSVC_EMU:-}
if [ -z "$emu" ]; then
  echo "msvc-check: skipped (MCAST_MSVC_EMU does not name an MSVC-headers tree)"
  exit 0
fi
[ -f "$emu/overlay.yaml" ] || { echo "msvc-check: $emu has no overlay.yaml: not an MSVC-headers tree" >&2; exit 2; }
cxx=${CXX:-clang++}
catch2=${MCAST_MSVC_CATCH2:-/usr/include/catch2}
asio=${MCAST_MSVC_ASIO:-/usr/include/asio}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Third-party headers in a folder of their own (never the build machine's whole /usr/include).
mkdir -p "$tmp/third"
ln -s "$catch2" "$tmp/third/catch2"
ln -s "$asio" "$tmp/third/asio"
ln -s "$asio.hpp" "$tmp/third/asio.hpp"
# With -U__clang__ the STL calls cl.exe's intrinsics (<__msvc_int128.hpp>'s 128-bit division,
# <cmath>'s rounding), which clang does not declare in that mode: declare them (emulation
# plumbing, not code under test).
cat > "$tmp/cl-intrinsics.h" <<'H'
#pragma once
extern "C" unsigned __int64 _udiv128(unsigned __int64, unsigned __int64, unsigned __int64, unsigned __int64*);
extern "C" __int64 _div128(__int64, __int64, __int64, __int64*);
extern "C" double __ceil(double); extern "C" float __ceilf(float);
extern "C" double __floor(double); extern "C" float __floorf(float);
extern "C" double __round(double); extern "C" float __roundf(float);
extern "C" double __trunc(double); extern "C" float __truncf(float);
extern "C" double __copysign(double, double); extern "C" float __copysignf(float, float);
H
# The VS 2015 vcruntime's <ppltasks.h> (which the STL's <future> includes, and Asio includes
# <future>) uses two macros the current STL no longer defines.
cat > "$tmp/prelude.h" <<'H'
#pragma once
#define _NOEXCEPT noexcept
#define _THROW_NCEE(x, y) throw x(y)
H
cat > "$tmp/user.cpp" <<'U'
#include <mcast/mcast.hpp>
#include <mcast/winsock_session.hpp>
#include <algorithm>
#include <limits>
// A user's code after mcast: windows.h's min/max macros must not be there.
int user(int a, int b) { return (std::max)(a, b) + std::max(a, b) + std::min(a, b) + std::numeric_limits<int>::max(); }
U
files="$tmp/user.cpp"
for f in examples/*.cpp tests/unit/*.cpp tests/windows/*.cpp; do
  [ -f "$here/$f" ] && files="$files $here/$f"
done
# MCAST_MSVC_CHECK_FILES (space-separated, relative to the repository) narrows the check.
if [ -n "${MCAST_MSVC_CHECK_FILES:-}" ]; then
  files=""
  for f in $MCAST_MSVC_CHECK_FILES; do files="$files $here/$f"; done
fi
jobs=${MCAST_MSVC_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
status=0
skipped=""
ok=0
failed=0
for stl in stl175 stl174; do
  for target in x86_64-pc-windows-msvc i686-pc-windows-msvc; do
    for branches in clang cl; do
      extra="-include $tmp/prelude.h"
      [ "$branches" = cl ] && extra="$extra -U__clang__ -include $tmp/cl-intrinsics.h"
      # The tree's layout: $stl/stl/inc (STL), vc (vcruntime), sdk (Windows SDK 10.0.16299),
      # shimdir + shim.h (what the old vcruntime lacks) and the overlay that maps header names.
      flags="--target=$target -fms-compatibility -fms-extensions -fms-compatibility-version=19.33 -std=c++17 -nostdinc++ -nostdlibinc -isystem $emu/$stl/stl/inc -isystem $emu/vc -isystem $emu/shimdir -isystem $emu/sdk/Include/10.0.16299.0/ucrt -isystem $emu/sdk/Include/10.0.16299.0/um -isystem $emu/sdk/Include/10.0.16299.0/shared -ivfsoverlay $emu/overlay.yaml -include $emu/shim.h -D_ALLOW_COMPILER_AND_STL_VERSION_MISMATCH"
      # Asio's own cl.exe workarounds (asio/execution/*.hpp) do not parse under clang: with cl's
      # branches a file that includes Asio checks Asio, not mcast. Said, not hidden.
      list=""
      for f in $files; do
        if [ "$branches" = cl ] && grep -q '#include <\(mcast/\)\{0,1\}asio' "$f"; then
          skipped="$skipped ${f#"$here"/}"
        else
          list="$list $f"
        fi
      done
      # One compiler per file, MCAST_MSVC_JOBS (default: the processors) at a time.
      rm -rf "$tmp/results" && mkdir "$tmp/results"
      export cxx flags extra here tmp
      # shellcheck disable=SC2086,SC2016
      printf '%s\n' $list | xargs -P "$jobs" -I{} sh -c '
        f=$1; out="$tmp/results/$(echo "$f" | tr / _)"
        if "$cxx" $flags $extra -I"$here/include" -I"$here/tests" -I"$here/examples" -isystem "$tmp/third" \
          -DMCAST_SYSCALL_HOOK -D_MT -D_DLL -Wall -Wextra -Werror -Wno-unknown-pragmas \
          -fsyntax-only "$f" > "$out.log" 2>&1; then : > "$out.ok"; else : > "$out.fail"; fi' sh {}
      n=$(find "$tmp/results" -name '*.ok' | wc -l)
      bad=$(find "$tmp/results" -name '*.fail' | wc -l)
      for fail in "$tmp"/results/*.fail; do
        [ -e "$fail" ] || continue
        echo "msvc-check: $stl $target $branches: $(basename "$fail" .fail) does not compile:" >&2
        grep -E "error|warning" "${fail%.fail}.log" | head -5 >&2
      done
      echo "msvc-check: $stl $target ${branches}-branches: $n compile, $bad fail"
      ok=$((ok + n))
      failed=$((failed + bad))
      [ "$bad" -eq 0 ] || status=1
    done
  done
done
echo "msvc-check: $ok translation units compile, $failed fail"
[ -z "$skipped" ] || echo "msvc-check: not checked with cl's branches (they include Asio):$(echo "$skipped" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
exit $status
