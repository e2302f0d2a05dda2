#!/bin/sh
# Compiles every public header of mcast -- and with them the layout and option-number pins in
# detail/socket_types.hpp -- for another operating system, against its real headers, warning-free:
#
#   sh cmake/cross-check.sh SYSROOT TARGET
#   sh cmake/cross-check.sh ~/sdk/MacOSX11.3.sdk x86_64-apple-macos11
#   sh cmake/cross-check.sh ~/sdk/MacOSX11.3.sdk arm64-apple-macos11
#   sh cmake/cross-check.sh ~/sysroot/freebsd-14 x86_64-unknown-freebsd14
#
# SYSROOT holds the system's headers in usr/include (an SDK or a sysroot) or include (a header
# tree), and libc++'s in usr/include/c++/v1 or include/c++/v1 (or set MCAST_CROSS_CXX_INCLUDE).
# Needs clang (CXX, default clang++). Nothing is linked or run; obtain the headers from their
# publishers -- none are part of mcast.
set -eu
[ $# -eq 2 ] || { echo "usage: sh cmake/cross-check.sh SYSROOT TARGET" >&2; exit 2; }
sysroot=$1
target=$2
here=$(cd "$(dirname "$0")/.." && pwd)
cxx=${CXX:-clang++}
if [ -d "$sysroot/usr/include" ]; then sysinc=$sysroot/usr/include; else sysinc=$sysroot/include; fi
[ -f "$sysinc/netinet/in.h" ] || { echo "cross-check: no netinet/in.h under $sysinc" >&2; exit 2; }
cxxinc=${MCAST_CROSS_CXX_INCLUDE:-$sysinc/c++/v1}
[ -f "$cxxinc/vector" ] || { echo "cross-check: no libc++ headers in $cxxinc (set MCAST_CROSS_CXX_INCLUDE)" >&2; exit 2; }
resource=$("$cxx" -print-resource-dir)/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
count=0
for h in $(cd "$here/include" && ls mcast/*.hpp mcast/detail/*.hpp); do
  case "$h" in mcast/asio.hpp) continue ;; esac # needs Asio itself
  printf '#include <%s>\n#include <%s>\nint main() { return 0; }\n' "$h" "$h" > "$tmp/t.cpp"
  if "$cxx" -target "$target" -std=c++17 -fsyntax-only -nostdinc -nostdinc++ -isystem "$cxxinc" -isystem "$resource" \
       -isystem "$sysinc" -iframework "$sysroot/System/Library/Frameworks" -I"$here/include" \
       -Wall -Wextra -Wpedantic -Werror "$tmp/t.cpp"; then
    count=$((count + 1))
  else
    echo "cross-check: $h does not compile for $target" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "cross-check: $count headers compile for $target against $sysinc (pins included)"
exit $status
