// receive.hpp proven in the test namespace: bind_receiver (two receivers on one port, each gets
// only what it joined; IPv4, IPv6, dual-stack) and receive() (the group and interface of each
// datagram from packet info, with two groups on two interfaces; truncation; IPv4 on a dual-stack
// socket reported as IPv4).
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <optional>
#include <set>

using namespace mcast_test;
namespace o = mcast::option;

namespace {

struct arrival {
  mcast::datagram d;
  std::string payload;
};

// Every datagram queued on `s` within `quiet`, through mcast::receive.
std::vector<arrival> received(const socket_fd& s, std::chrono::milliseconds quiet = std::chrono::milliseconds(50)) {
  std::vector<arrival> out;
  for (int i = 0; i < 1000; ++i) {
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0)
      break;
    char buf[2048];
    const mcast::datagram d = mcast::receive(s, buf, sizeof buf);
    out.push_back({d, std::string(buf, d.size)});
  }
  return out;
}

int int_option(const socket_fd& s, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  check_sys(::getsockopt(s, level, name, &v, &len) == 0, "getsockopt");
  return v;
}

} // namespace

TEST_CASE("bind_receiver: two receivers share a port, and each receives only the groups it joined",
          "[netns][receive]") {
  struct variant {
    const char* name;
    mcast::family socket_family;
    bool dual_stack;
    mcast::family group_family;
    const char* source;
  };
  for (const variant v :
       {variant{"IPv4", mcast::family::v4, false, mcast::family::v4, "127.0.0.2"},
        variant{"IPv6", mcast::family::v6, false, mcast::family::v6, "2001:db8::2"},
        variant{"dual-stack, IPv4 groups", mcast::family::v6, true, mcast::family::v4, "127.0.0.2"},
        variant{"dual-stack, IPv6 groups", mcast::family::v6, true, mcast::family::v6, "2001:db8::2"}}) {
    INFO(v.name);
    socket_fd a = open_udp(v.socket_family, v.dual_stack);
    socket_fd b = open_udp(v.socket_family, v.dual_stack);
    const std::uint16_t port = mcast::bind_receiver(a, v.socket_family, 0);
    REQUIRE(port != 0);
    CHECK(mcast::bind_receiver(b, v.socket_family, port) == port); // the second one shares it
    CHECK(int_option(a, SOL_SOCKET, SO_REUSEADDR) == 1);
    CHECK(int_option(a, IPPROTO_IP, IP_MULTICAST_ALL) == 0);
    if (v.socket_family == mcast::family::v6)
      CHECK(int_option(a, IPPROTO_IPV6, IPV6_MULTICAST_ALL) == 0);

    const auto lo = mcast::network_interface::from_name("lo");
    const auto both = fresh_group(v.group_family), only_a = fresh_group(v.group_family),
               only_b = fresh_group(v.group_family);
    auto a1 = mcast::join_group(a, both, lo);
    auto b1 = mcast::join_group(b, both, lo);
    auto a2 = mcast::join_group(a, only_a, lo);
    auto b2 = mcast::join_group(b, only_b, lo);
    socket_fd tx = udp_sender(mcast::make_source(v.source));
    for (const auto& g : {both, only_a, only_b})
      send_one(tx, g, port, "to " + g.to_string());
    std::multiset<std::string> got_a, got_b;
    for (const auto& r : received(a)) {
      CHECK(r.d.source.to_string() == v.source); // IPv4 on a dual-stack socket comes out as IPv4
      got_a.insert(r.payload);
    }
    for (const auto& r : received(b))
      got_b.insert(r.payload);
    // Each receiver: the shared group and its own, never the other's.
    CHECK(got_a == std::multiset<std::string>{"to " + both.to_string(), "to " + only_a.to_string()});
    CHECK(got_b == std::multiset<std::string>{"to " + both.to_string(), "to " + only_b.to_string()});
  }
}

TEST_CASE("bind_receiver: refusals come before any change and a failed bind puts the settings back",
          "[netns][receive]") {
  socket_fd s4 = open_udp(mcast::family::v4);
  {
    syscall_recorder rec;
    std::error_code ec;
    CHECK(mcast::bind_receiver(s4, mcast::family::v6, 0, ec) == 0);
    CHECK(ec == mcast::errc::family_mismatch);
    CHECK(rec.count(mcast::detail::syscall_kind::setsockopt) == 0); // only the family was read
    CHECK(rec.count(mcast::detail::syscall_kind::bind) == 0);
  }
  CHECK(int_option(s4, SOL_SOCKET, SO_REUSEADDR) == 0);
  {
    syscall_recorder rec;
    std::error_code ec;
    // Fail the bind itself (the call after the family read, two reads and two changes).
    rec.fail_call(5, EADDRINUSE);
    CHECK(mcast::bind_receiver(s4, mcast::family::v4, 0, ec) == 0);
    CHECK(ec == mcast::errc::port_in_use); // the bind's EADDRINUSE: another socket holds the port
    CHECK(mcast::system_error_of(ec) == std::errc::address_in_use);
    REQUIRE(rec.calls.size() > 5);
    CHECK(rec.calls[5].kind == mcast::detail::syscall_kind::bind);
  }
  // Put back as they were: SO_REUSEADDR off, IP_MULTICAST_ALL on (the kernel's default).
  CHECK(int_option(s4, SOL_SOCKET, SO_REUSEADDR) == 0);
  CHECK(int_option(s4, IPPROTO_IP, IP_MULTICAST_ALL) == 1);
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(s4, reinterpret_cast<sockaddr*>(&a), &len);
  CHECK(a.sin_port == 0); // not bound
  {
    // Two faults: the bind and every call after it (the restores) fail. The error is the bind's,
    // the restore is given up after one try each, and the socket stays usable: a later
    // bind_receiver on it succeeds.
    syscall_recorder rec;
    std::error_code ec;
    rec.fail_from(5, EADDRINUSE);
    CHECK(mcast::bind_receiver(s4, mcast::family::v4, 0, ec) == 0);
    CHECK(ec == mcast::errc::port_in_use);
    CHECK(mcast::system_error_of(ec) == std::errc::address_in_use);
    CHECK(rec.failed == rec.calls.size() - 5);
    CHECK(rec.calls.size() == 8); // the bind, then one try per changed setting (two)
  }
  ::getsockname(s4, reinterpret_cast<sockaddr*>(&a), &len);
  CHECK(a.sin_port == 0);
  CHECK(mcast::bind_receiver(s4, mcast::family::v4, 0) != 0);
  // The throwing overload says what failed.
  socket_fd s6 = open_udp(mcast::family::v6);
  try {
    (void)mcast::bind_receiver(s6, mcast::family::v4, 0);
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("mcast::bind_receiver") != std::string::npos);
    CHECK(e.code() == mcast::errc::family_mismatch);
  }
}

TEST_CASE("receive: packet info names the group and the interface of each datagram, two groups on two interfaces",
          "[netns][receive]") {
  netlink nl;
  nl.add_local_veth("xa", "xb", "198.51.100.1", "2001:db8:10::1");
  nl.add_local_veth("ya", "yb", "203.0.113.1", "2001:db8:20::1");
  const auto x = mcast::network_interface::from_name("xa");
  const auto y = mcast::network_interface::from_name("ya");
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    INFO((f == mcast::family::v4 ? "IPv4" : "IPv6"));
    socket_fd rx = open_udp(f);
    const std::uint16_t port = mcast::bind_receiver(rx, f, 0);
    if (f == mcast::family::v4)
      mcast::set_option(rx, o::ip_pktinfo{true});
    else
      mcast::set_option(rx, o::ipv6_recvpktinfo{true});
    const auto g1 = fresh_group(f), g2 = fresh_group(f);
    auto on_x = mcast::join_group(rx, g1, x);
    auto on_y = mcast::join_group(rx, g2, y);
    // Sent out of an interface with loop on, a datagram is delivered locally as if it arrived
    // there -- to memberships on that interface only.
    auto send_out = [&](const mcast::network_interface& nic, const mcast::group& g) {
      socket_fd tx = open_udp(f);
      if (f == mcast::family::v4) {
        mcast::set_option(tx, o::ip_multicast_if{nic});
        mcast::set_option(tx, o::ip_multicast_loop{true});
      } else {
        mcast::set_option(tx, o::ipv6_multicast_if{nic});
        mcast::set_option(tx, o::ipv6_multicast_loop{true});
      }
      send_one(tx, g, port, "packet info");
    };
    send_out(x, g1);
    send_out(y, g2);
    send_out(y, g1); // g1 is joined on x only: not delivered
    auto got = received(rx);
    REQUIRE(got.size() == 2);
    std::set<std::pair<std::string, unsigned>> seen;
    for (const auto& [d, payload] : got) {
      REQUIRE(d.destination.has_value());
      seen.insert({d.destination->to_string(), d.interface_index});
      CHECK(d.size == 11);
      CHECK_FALSE(d.truncated);
      CHECK(d.source_port != 0);
    }
    CHECK(seen == std::set<std::pair<std::string, unsigned>>{{g1.to_string(), x.index()}, {g2.to_string(), y.index()}});
    // Without packet info: no destination, no interface.
    if (f == mcast::family::v4)
      mcast::set_option(rx, o::ip_pktinfo{false});
    else
      mcast::set_option(rx, o::ipv6_recvpktinfo{false});
    send_out(x, g1);
    got = received(rx);
    REQUIRE(got.size() == 1);
    CHECK_FALSE(got[0].d.destination.has_value());
    CHECK(got[0].d.interface_index == 0);
  }
}

TEST_CASE("receive: a datagram longer than the buffer is stored in part and reported truncated, not as an error",
          "[netns][receive]") {
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    socket_fd rx = open_udp(f);
    const std::uint16_t port = mcast::bind_receiver(rx, f, 0);
    const auto g = fresh_group(f);
    auto m = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
    socket_fd tx = udp_sender(mcast::make_source(f == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2"));
    send_one(tx, g, port, std::string(100, 'a'));
    send_one(tx, g, port, std::string(10, 'b'));
    char buf[16];
    std::error_code ec;
    mcast::datagram d = mcast::receive(rx, buf, sizeof buf, ec);
    CHECK_FALSE(ec);
    CHECK(d.size == sizeof buf);
    CHECK(d.truncated);
    d = mcast::receive(rx, buf, sizeof buf, ec);
    CHECK_FALSE(ec);
    CHECK(d.size == 10);
    CHECK_FALSE(d.truncated);
    CHECK(std::string(buf, d.size) == std::string(10, 'b'));
  }
}

TEST_CASE("receive: a null buffer is refused before any system call, a non-blocking socket reports would-block",
          "[netns][receive]") {
  socket_fd rx = open_udp(mcast::family::v4);
  (void)mcast::bind_receiver(rx, mcast::family::v4, 0);
  {
    syscall_recorder rec;
    std::error_code ec;
    (void)mcast::receive(rx, nullptr, 10, ec);
    CHECK(ec == mcast::errc::invalid_value);
    CHECK(rec.count() == 0);
  }
  check_sys(::fcntl(rx, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
  char buf[4];
  std::error_code ec;
  (void)mcast::receive(rx, buf, sizeof buf, ec);
  CHECK(ec == std::errc::operation_would_block);
  CHECK_THROWS_AS(mcast::receive(rx, buf, sizeof buf), std::system_error);
}
