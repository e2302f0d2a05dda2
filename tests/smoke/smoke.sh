#!/bin/sh
# Smoke tests of the examples and the mcast-join tool, run as a user would: receivers on one side,
# the sender example on the other, all on loopback (127.0.0.2 and 127.0.0.3 send; lo only).
# usage: smoke.sh BINDIR CASE
set -u
bin=$1
case_name=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
port=$((20000 + ($$ % 20000)))
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$work"/* 2>/dev/null; exit 1; }
# Waits (bounded) until FILE contains PATTERN.
wait_for() {
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "timed out waiting for '$2' in $1"
    sleep 0.05
  done
}
send() { # send FROM GROUP COUNT [INTERVAL_MS]
  "$bin/sender" --from "$1" --iface lo --count "$3" --interval "${4:-20}" "$2" "$port" >/dev/null || fail "sender $1"
}
count() { grep -c "$1" "$2"; }

case "$case_name" in
bad-input)
  for args in "--bogus 239.1.2.3" "-p $port 239.1.2.300" "-p $port 10.1.2.3" "-p $port -i no-such-if0 239.1.2.3" \
              "239.1.2.3" "-p 0 239.1.2.3" "-p $port 239.1.2.3@" "-p $port 239.1.2.3 --block 239.9.9.9"; do
    "$bin/mcast-join" $args >"$work/out" 2>"$work/err"
    rc=$?
    [ $rc -eq 2 ] || fail "mcast-join $args: exit $rc, want 2"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "mcast-join $args: want one line on stderr"
    grep -q '^mcast-join: ' "$work/err" || fail "mcast-join $args: message not prefixed"
    echo "ok: mcast-join $args -> $(cat "$work/err")"
  done
  "$bin/mcast-join" --help | grep -q "usage: mcast-join" || fail "--help"
  ;;
block)
  "$bin/mcast-join" -p "$port" -i lo -c 3 -t 10 239.77.5.1 --block 127.0.0.3 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "joined 239.77.5.1"
  send 127.0.0.3 239.77.5.1 3
  send 127.0.0.2 239.77.5.1 3
  wait $pid || fail "mcast-join exit $?"
  [ "$(count 'from 127.0.0.2' "$work/out")" -eq 3 ] || fail "want 3 datagrams from 127.0.0.2"
  [ "$(count 'from 127.0.0.3' "$work/out")" -eq 0 ] || fail "127.0.0.3 is blocked"
  ;;
two-groups)
  "$bin/mcast-join" -p "$port" -i lo -c 4 -t 10 239.77.5.8 232.77.5.8@127.0.0.2 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "joined 232.77.5.8"
  send 127.0.0.2 239.77.5.8 2
  send 127.0.0.3 232.77.5.8 2
  send 127.0.0.2 232.77.5.8 2
  wait $pid || fail "mcast-join exit $?"
  [ "$(count '^239.77.5.8 from 127.0.0.2: ' "$work/out")" -eq 2 ] || fail "want 2 on 239.77.5.8, labelled with the group"
  [ "$(count '^232.77.5.8 from 127.0.0.2: ' "$work/out")" -eq 2 ] || fail "want 2 on 232.77.5.8 from its source"
  [ "$(count '127.0.0.3' "$work/out")" -eq 0 ] || fail "127.0.0.3 is not a source of 232.77.5.8"
  ;;
source-specific)
  "$bin/mcast-join" -p "$port" -i 127.0.0.1 -c 3 -t 10 232.77.5.1@127.0.0.2 --show-filter >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "filter 232.77.5.1"
  grep -q "filter 232.77.5.1: INCLUDE { 127.0.0.2 }" "$work/out" || fail "filter read-back"
  send 127.0.0.3 232.77.5.1 3
  send 127.0.0.2 232.77.5.1 3
  wait $pid || fail "mcast-join exit $?"
  [ "$(count 'from 127.0.0.2' "$work/out")" -eq 3 ] || fail "want 3 from 127.0.0.2"
  [ "$(count 'from 127.0.0.3' "$work/out")" -eq 0 ] || fail "127.0.0.3 is not included"
  ;;
exclude)
  "$bin/mcast-join" -p "$port" -i lo -t 1 --show-filter 239.77.5.2 --exclude 127.0.0.3,127.0.0.4 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "filter 239.77.5.2"
  grep -q "filter 239.77.5.2: EXCLUDE { 127.0.0.3 127.0.0.4 }" "$work/out" || fail "filter read-back"
  send 127.0.0.3 239.77.5.2 2
  send 127.0.0.2 239.77.5.2 2
  wait $pid || fail "mcast-join exit $? (timeout without --count is success)"
  [ "$(count 'from 127.0.0.2' "$work/out")" -eq 2 ] || fail "want 2 from 127.0.0.2"
  [ "$(count 'from 127.0.0.3' "$work/out")" -eq 0 ] || fail "127.0.0.3 is excluded"
  ;;
timeout)
  "$bin/mcast-join" -p "$port" -i lo -c 5 -t 1 239.77.5.3 >"$work/out" 2>&1
  rc=$?
  [ $rc -eq 1 ] || fail "exit $rc, want 1 (timed out before --count)"
  ;;
conference)
  "$bin/conference_receiver" 239.77.5.4 "$port" lo 127.0.0.3 1 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "joined"
  send 127.0.0.2 239.77.5.4 5 20 & send 127.0.0.3 239.77.5.4 5 20; wait $!
  wait_for "$work/out" "muted 127.0.0.3"
  send 127.0.0.2 239.77.5.4 5 20 & send 127.0.0.3 239.77.5.4 5 20; wait $!
  wait_for "$work/out" "unmuted"
  send 127.0.0.2 239.77.5.4 5 20 & send 127.0.0.3 239.77.5.4 5 20; wait $!
  wait $pid || fail "conference_receiver exit"
  grep -q "^everyone:.*127.0.0.2=5.*127.0.0.3=5" "$work/out" || fail "everyone heard"
  grep "^muted:" "$work/out" | grep -q "127.0.0.3" && fail "the muted source was heard"
  grep -q "^muted: 127.0.0.2=5" "$work/out" || fail "127.0.0.2 heard while 127.0.0.3 muted"
  grep -q "^unmuted:.*127.0.0.3=5" "$work/out" || fail "unmuted source heard again"
  ;;
radio)
  "$bin/radio_receiver" 232.77.5.5 "$port" lo 127.0.0.2 127.0.0.3 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "tuned to 2"
  send 127.0.0.2 232.77.5.5 4 & send 127.0.0.3 232.77.5.5 4; wait $!
  wait_for "$work/out" "dropped 127.0.0.3"
  send 127.0.0.2 232.77.5.5 4 & send 127.0.0.3 232.77.5.5 4; wait $!
  wait $pid || fail "radio_receiver exit"
  grep -q "^all:.*127.0.0.2=4.*127.0.0.3=4" "$work/out" || fail "both sources before the drop"
  grep -q "^after drop: 127.0.0.2=4$" "$work/out" || fail "only 127.0.0.2 after the drop"
  ;;
final-state)
  "$bin/final_state_filter" 239.77.5.6 "$port" lo 127.0.0.2 127.0.0.3 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "replaced"
  send 127.0.0.2 239.77.5.6 3 & send 127.0.0.3 239.77.5.6 3; wait $!
  wait $pid || fail "final_state_filter exit"
  grep -q "^muted: EXCLUDE { 127.0.0.2 }" "$work/out" || fail "first list"
  grep -q "^replaced: EXCLUDE { 127.0.0.3 }" "$work/out" || fail "replaced list"
  grep -q "^heard: 127.0.0.2=3$" "$work/out" || fail "only 127.0.0.2 heard"
  ;;
asio)
  [ -x "$bin/asio_receiver" ] || { echo "SKIP: built without Asio"; exit 77; }
  "$bin/asio_receiver" 239.77.5.7 "$port" lo --block 127.0.0.3 >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" "listening"
  send 127.0.0.3 239.77.5.7 3
  send 127.0.0.2 239.77.5.7 3
  wait_for "$work/out" "from 127.0.0.2"
  sleep 0.2
  kill -INT $pid
  wait $pid || fail "asio_receiver exit after SIGINT"
  grep -q "signal: leaving" "$work/out" || fail "clean shutdown"
  [ "$(count 'from 127.0.0.2' "$work/out")" -eq 3 ] || fail "want 3 from 127.0.0.2"
  [ "$(count 'from 127.0.0.3' "$work/out")" -eq 0 ] || fail "127.0.0.3 is blocked"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
cat "$work/out" 2>/dev/null
exit 0
