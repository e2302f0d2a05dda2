#!/bin/sh
# CMAKE_CROSSCOMPILING_EMULATOR for the MinGW build: runs a Windows test program under Wine,
# quietly. Refuses (exit 77 = skipped) outside a network namespace that has only lo, because a
# Wine socket lives in wineserver's namespace and the tests must not touch a real network.
if [ -z "${WINEPREFIX:-}" ]; then
  echo "wine-run.sh: set WINEPREFIX to a prefix made for this run (see .ci/run)" >&2
  exit 77
fi
# MCAST_WINE_PRIVATE_IFACES names interfaces the caller made inside that namespace (a veth pair
# with both ends there: no way out), e.g. for the interface-name tests.
others=$(awk 'NR>2 {sub(":","",$1); print $1}' /proc/net/dev | grep -v '^lo$' | sed 's/@.*//')
for own in ${MCAST_WINE_PRIVATE_IFACES:-}; do others=$(printf '%s\n' "$others" | grep -vxF "$own"); done
if [ -n "$(printf '%s' "$others" | tr -d '[:space:]')" ]; then
  echo "wine-run.sh: skipped: run the Windows tests inside 'unshare -n' (only lo), see .ci/run" >&2
  exit 77
fi
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
exec wine "$@"
