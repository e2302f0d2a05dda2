// socket_options.hpp on a real kernel: IP_MULTICAST_ALL / IPV6_MULTICAST_ALL set and read back,
// proven by a socket that did not join, and how they compose with the handles (a setting of the
// socket, not of a membership).
#include "catch.hpp"
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
