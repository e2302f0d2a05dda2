#!/bin/sh
# Compiles every public header of mcast -- and with them the layout and option-number pins in
# detail/platform/ -- for another operating system, against its real headers, warning-free:
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
# Compiles one file for the target against the system's headers, warnings as errors.
check() {
  "$cxx" -target "$target" -std=c++17 -fsyntax-only -nostdinc -nostdinc++ -isystem "$cxxinc" -isystem "$resource" \
    -isystem "$sysinc" -iframework "$sysroot/System/Library/Frameworks" -I"$here/include" \
    -Wall -Wextra -Wpedantic -Werror "$@"
}
for h in $(cd "$here/include" && ls mcast/*.hpp mcast/detail/*.hpp mcast/detail/handles/*.hpp mcast/detail/platform/platform.hpp mcast/detail/platform/bsd.hpp mcast/detail/platform/system.hpp mcast/detail/platform/change_source.hpp); do
  case "$h" in mcast/asio.hpp) continue ;; esac # needs Asio itself: below
  printf '#include <%s>\n#include <%s>\nint main() { return 0; }\n' "$h" "$h" > "$tmp/t.cpp"
  if check "$tmp/t.cpp"; then
    count=$((count + 1))
  else
    echo "cross-check: $h does not compile for $target" >&2
    status=1
  fi
done
# And every call instantiated once, so that the templates meet the system's headers too.
cat > "$tmp/use.cpp" <<'USE'
#include <mcast/mcast.hpp>
int use(mcast::native_handle_type s) {
  namespace o = mcast::option;
  std::error_code ec;
  const auto g = mcast::make_group("232.1.2.3");
  const auto src = mcast::make_source("192.0.2.1");
  const auto nic = mcast::network_interface::from_index(1, ec);
  auto any = mcast::join_group(s, g, nic, ec);
  auto muted = any.block(src, ec);
  auto ssm = mcast::join_source_group<mcast::api::ipv4>(s, g, src, nic, ec);
  auto more = ssm.include(mcast::make_source("192.0.2.2"), ec);
  auto v6 = mcast::join_group<mcast::api::ipv6>(s, mcast::make_group("ff15::1"), nic, ec);
  auto f = mcast::join_with_filter(s, g, nic, mcast::filter_mode::exclude, {src}, ec);
  f.set(mcast::filter_mode::include, {src}, ec);
  const mcast::source_filter now = mcast::get_source_filter<mcast::api::ipv4>(s, g, nic, ec);
  mcast::apply_sequence(s, ec, o::join_group{g, nic}, o::block_source{g, src, nic});
  mcast::set_option(s, o::ip_multicast_if{nic}, ec);
  mcast::set_option(s, o::ip_multicast_ttl{4}, ec);
  mcast::set_option(s, o::ip_tos{184}, ec);
  mcast::set_option(s, o::ipv6_tclass{184}, ec);
  mcast::set_option(s, o::ipv6_recvpktinfo{true}, ec);
  o::ip_multicast_loop loop;
  mcast::get_option(s, loop, ec);
  const std::uint16_t port = mcast::bind_receiver(s, mcast::family::v6, 5000, ec);
  char buf[64];
  const mcast::datagram d = mcast::receive(s, buf, sizeof buf, ec);
  const auto all = mcast::list_interfaces(ec);
  const std::uint16_t one = mcast::bind_receiver(s, g, 5000, ec);
  mcast::receive_buffer rb[2] = {{buf, 32}, {buf + 32, 32}};
  mcast::datagram ds[2];
  const std::size_t got = mcast::receive_batch(s, rb, ds, 2, ec);
  const mcast::send_buffer sb[1] = {{buf, 8}};
  const std::size_t sent = mcast::send_batch(s, g, 5000, sb, 1, ec);
  mcast::set_option(s, o::receive_timestamp{true}, ec);
  mcast::set_option(s, o::receive_drops{true}, ec); // errc::unsupported there, before any call
  o::receive_timestamp stamped;
  mcast::get_option(s, stamped, ec);
  o::ip_multicast_if back;
  mcast::get_option(s, back, ec);
  const auto chosen = back.nic(ec);
  return static_cast<int>(now.sources.size() + port + d.size + all.size() + one + got + sent + chosen.index() +
                          all.front().display_name.size()) +
         (loop.value() ? 1 : 0) + (ds[0].multicast() ? 1 : 0) + (stamped.value() ? 1 : 0) +
         (ds[1].timestamp ? static_cast<int>(ds[1].timestamp->count() & 1) : 0) +
         static_cast<int>(ds[1].drops.value_or(0) & 1);
}
USE
if check "$tmp/use.cpp"; then
  count=$((count + 1))
else
  echo "cross-check: the calls do not compile for $target" >&2
  status=1
fi
# mcast/asio.hpp needs Asio's headers (header-only, the same on every system): where they are
# installed (MCAST_CROSS_ASIO_INCLUDE, default: the host's /usr/include when it has asio.hpp), only
# Asio itself is put on the include path, and async_receive and async_receive_batch -- with the
# receive-loop chain, its thread_local frame and its exception path -- are instantiated and run on
# an io_context, compiled for the target.
asio_dir=${MCAST_CROSS_ASIO_INCLUDE:-/usr/include}
if [ -f "$asio_dir/asio.hpp" ]; then
  mkdir "$tmp/asio-only"
  ln -s "$asio_dir/asio.hpp" "$tmp/asio-only/asio.hpp"
  ln -s "$asio_dir/asio" "$tmp/asio-only/asio"
  cat > "$tmp/asio.cpp" <<'ASIO'
#include <mcast/asio.hpp>
#include <mcast/asio.hpp>

#include <asio.hpp>

#include <array>
#include <functional>
std::size_t use_asio() {
  asio::io_context io;
  asio::ip::udp::socket rx(io, asio::ip::udp::v6());
  std::error_code ec;
  mcast::bind_receiver(rx, mcast::family::v6, 0, ec);
  std::array<char, 64> buf{};
  std::size_t got = 0;
  std::function<void()> next = [&] {
    mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code e, mcast::datagram d) {
      got += e ? 0 : d.size;
      if (!e)
        next();
    });
  };
  next();
  mcast::receive_buffer rb[1] = {{buf.data(), buf.size()}};
  mcast::datagram ds[1];
  mcast::async_receive_batch(rx, rb, ds, 1, [&](std::error_code e, std::size_t n) { got += e ? 0 : n; });
  io.run_for(std::chrono::milliseconds(1));
  return got + (mcast::to_asio(mcast::make_group("ff15::1")).is_v6() ? 1 : 0);
}
ASIO
  if check "$tmp/asio.cpp" -isystem "$tmp/asio-only"; then
    count=$((count + 1))
  else
    echo "cross-check: mcast/asio.hpp does not compile for $target" >&2
    status=1
  fi
else
  echo "cross-check: mcast/asio.hpp not checked (no asio.hpp in $asio_dir; set MCAST_CROSS_ASIO_INCLUDE)"
fi
[ $status -eq 0 ] && echo "cross-check: $count translation units (every public header, and every call instantiated) compile for $target against $sysinc (pins included)"
exit $status
