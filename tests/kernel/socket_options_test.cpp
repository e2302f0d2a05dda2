// socket_options.hpp on a real kernel: IP_MULTICAST_ALL / IPV6_MULTICAST_ALL set and read back,
// proven by a socket that did not join, and how they compose with the handles (a setting of the
// socket, not of a membership).
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

using namespace mcast_test;
namespace o = mcast::option;

namespace {
// Two sockets on one port: `a` joins nothing of g2, `b` joins g2.
struct shared_port {
  std::uint16_t port = 0;
  socket_fd a = udp_receiver(mcast::family::v4, port, true);
  socket_fd b;
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::source s2 = mcast::make_source("127.0.0.2");
  shared_port() {
    int one = 1;
    b = socket_fd(::socket(AF_INET, SOCK_DGRAM, 0));
    ::setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    check_sys(::bind(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
  }
  int heard_by_a(const mcast::group& g) { return delivery(a, g, port, {s2})["127.0.0.2"]; }
};
} // namespace

TEST_CASE("ip_multicast_all: set, read back, and proven by a socket that did not join", "[kernel][socket_options]") {
  shared_port sp;
  const auto g1 = fresh_group();
  const auto g2 = fresh_group();
  mcast::set_option(sp.b, o::join_group{g2, sp.lo});
  o::ip_multicast_all all;
  mcast::get_option(sp.a, all);
  CHECK(all.value()); // the kernel's default
  CHECK(sp.heard_by_a(g2) == 3);
  mcast::set_option(sp.a, o::ip_multicast_all{false});
  mcast::get_option(sp.a, all);
  CHECK(!all.value());
  CHECK(sp.heard_by_a(g2) == 0);
  // The handles turn it off on a join; the socket can turn it back on afterwards.
  mcast::set_option(sp.a, o::ip_multicast_all{true});
  auto m = mcast::join_group(sp.a, g1, sp.lo);
  mcast::get_option(sp.a, all);
  CHECK(!all.value());
  CHECK(sp.heard_by_a(g2) == 0);
  mcast::set_option(sp.a, o::ip_multicast_all{true});
  CHECK(sp.heard_by_a(g2) == 3);
  CHECK(sp.heard_by_a(g1) == 3);
  // keep_multicast_all: the join leaves the socket's setting alone.
  mcast::join_options keep;
  keep.keep_multicast_all = true;
  const auto g3 = fresh_group();
  auto m3 = mcast::join_group(sp.a, g3, sp.lo, keep);
  mcast::get_option(sp.a, all);
  CHECK(all.value());
  // ... and a later join without it turns it off for the whole socket (it is per socket).
  const auto g4 = fresh_group();
  auto m4 = mcast::join_group(sp.a, g4, sp.lo);
  mcast::get_option(sp.a, all);
  CHECK(!all.value());
  CHECK(sp.heard_by_a(g2) == 0);
  mcast::set_option(sp.b, o::leave_group{g2, sp.lo});
}

TEST_CASE("ipv6_multicast_all reads and writes its own setting, and works through Asio's option shape",
          "[kernel][socket_options]") {
  std::uint16_t port = 0;
  socket_fd s = udp_receiver(mcast::family::v6, port);
  o::ipv6_multicast_all all;
  mcast::get_option(s, all);
  CHECK(all.value());
  mcast::set_option(s, o::ipv6_multicast_all{false});
  mcast::get_option(s, all);
  CHECK(!all.value());
  o::ip_multicast_all v4all{true}; // an IPv6 socket has the IPv4 setting too (dual-stack); readable
  std::error_code ec;
  mcast::get_option(s, v4all, ec);
  CHECK(!ec);
  // The Asio shape: level/name/data/size/resize with any protocol argument.
  const mcast::detail::any_protocol p;
  CHECK(all.level(p) == IPPROTO_IPV6);
  CHECK(all.size(p) == sizeof(int));
}

// ---- the sender and receiver options: set, read back, and refused out of range ----------------

TEST_CASE("IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS: set and read back, out of range refused before any call",
          "[kernel][socket_options]") {
  std::uint16_t port = 0;
  socket_fd s4 = udp_receiver(mcast::family::v4, port);
  socket_fd s6 = udp_receiver(mcast::family::v6, port);
  for (int ttl : {0, 1, 32, 255}) {
    mcast::set_option(s4, o::ip_multicast_ttl{ttl});
    o::ip_multicast_ttl back;
    mcast::get_option(s4, back);
    CHECK(back.value() == ttl);
  }
  for (int hops : {0, 1, 64, 255}) {
    mcast::set_option(s6, o::ipv6_multicast_hops{hops});
    o::ipv6_multicast_hops back;
    mcast::get_option(s6, back);
    CHECK(back.value() == hops);
  }
  mcast::set_option(s6, o::ipv6_multicast_hops{-1}); // the route's default: Linux reads back 1
  syscall_recorder rec;
  std::error_code ec;
  for (int bad : {-1, 256, 1000}) {
    mcast::set_option(s4, o::ip_multicast_ttl{bad}, ec);
    CHECK(ec == mcast::errc::invalid_value);
  }
  for (int bad : {-2, 256}) {
    mcast::set_option(s6, o::ipv6_multicast_hops{bad}, ec);
    CHECK(ec == mcast::errc::invalid_value);
  }
  CHECK(rec.count() == 0);
}

TEST_CASE("IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP and packet info: set and read back", "[kernel][socket_options]") {
  std::uint16_t port = 0;
  socket_fd s4 = udp_receiver(mcast::family::v4, port);
  socket_fd s6 = udp_receiver(mcast::family::v6, port);
  for (bool on : {false, true}) {
    mcast::set_option(s4, o::ip_multicast_loop{on});
    o::ip_multicast_loop l4;
    mcast::get_option(s4, l4);
    CHECK(l4.value() == on);
    mcast::set_option(s6, o::ipv6_multicast_loop{on});
    o::ipv6_multicast_loop l6;
    mcast::get_option(s6, l6);
    CHECK(l6.value() == on);
    mcast::set_option(s4, o::ip_pktinfo{on});
    o::ip_pktinfo p4;
    mcast::get_option(s4, p4);
    CHECK(p4.value() == on);
    mcast::set_option(s6, o::ipv6_recvpktinfo{on});
    o::ipv6_recvpktinfo p6;
    mcast::get_option(s6, p6);
    CHECK(p6.value() == on);
  }
}

TEST_CASE("IP_MULTICAST_IF / IPV6_MULTICAST_IF: set by interface, read back as the stack reports it",
          "[kernel][socket_options]") {
  std::uint16_t port = 0;
  socket_fd s4 = udp_receiver(mcast::family::v4, port);
  socket_fd s6 = udp_receiver(mcast::family::v6, port);
  const auto lo = mcast::network_interface::from_name("lo");
  mcast::set_option(s4, o::ip_multicast_if{lo});
  o::ip_multicast_if back4;
  mcast::get_option(s4, back4);
  // Linux: set by index (ip_mreqn), so it reads back 0.0.0.0; elsewhere the interface's address.
  CHECK(back4.value() ==
        (mcast::detail::ip_multicast_if_by_index ? mcast::make_address("0.0.0.0") : lo.ipv4_address()));
  mcast::set_option(s6, o::ipv6_multicast_if{lo});
  o::ipv6_multicast_if back6;
  mcast::get_option(s6, back6);
  CHECK(back6.index() == lo.index());
  mcast::set_option(s6, o::ipv6_multicast_if{mcast::network_interface::any()});
  mcast::get_option(s6, back6);
  CHECK(back6.index() == 0u);
}
