// socket_options.hpp proven by behaviour in the test namespace: the TTL / hop limit and the DS
// field (IP_TOS / IPV6_TCLASS) as they are on the wire (the IP header of a datagram captured on lo), and IP_MULTICAST_LOOP by whether a local
// receiver gets what is sent out of a veth (Linux loops back whatever is sent out of lo itself, so
// lo cannot show it).
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>

using namespace mcast_test;
namespace o = mcast::option;

namespace {

enum class header_field { hop_limit, traffic_class };

// The TTL / hop limit, or the TOS byte / traffic class, of the first UDP datagram to `port` seen
// leaving lo.
int field_on_wire(const mcast::group& g, std::uint16_t port, const socket_fd& tx, header_field field) {
  const bool v4 = g.is_v4();
  const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(v4 ? ETH_P_IP : ETH_P_IPV6));
  check_sys(fd >= 0, "AF_PACKET");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(v4 ? ETH_P_IP : ETH_P_IPV6);
  sll.sll_ifindex = static_cast<int>(::if_nametoindex("lo"));
  check_sys(::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) == 0, "bind AF_PACKET");
  send_one(tx, g, port, "hop limit");
  int found = -1;
  for (int i = 0; i < 200 && found < 0; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0)
      break;
    unsigned char b[2048];
    const ssize_t n = ::recv(fd, b, sizeof b, 0);
    if (v4 && n >= 28 && b[9] == IPPROTO_UDP) {
      const std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0f) * 4;
      if (((b[ihl + 2] << 8) | b[ihl + 3]) == port)
        found = field == header_field::hop_limit ? b[8] : b[1];
    } else if (!v4 && n >= 48 && b[6] == IPPROTO_UDP && ((b[42] << 8) | b[43]) == port) {
      found = field == header_field::hop_limit ? b[7] : ((b[0] & 0x0f) << 4) | (b[1] >> 4);
    }
  }
  ::close(fd);
  return found;
}

// A receiver of a fresh group on lo and a sender from 127.0.0.2 / 2001:db8::2, for IPv`v`.
struct wire_rig {
  explicit wire_rig(int v)
      : f(v == 4 ? mcast::family::v4 : mcast::family::v6), rx(udp_receiver(f, port)),
        tx(udp_sender(mcast::make_source(v == 4 ? "127.0.0.2" : "2001:db8::2"))), g(fresh_group(f)) {}
  int on_wire(header_field field) { return field_on_wire(g, port, tx, field); }
  mcast::family f;
  std::uint16_t port = 0;
  socket_fd rx, tx;
  mcast::group g;
};

} // namespace

TEST_CASE("IP_MULTICAST_TTL and IPV6_MULTICAST_HOPS are what the IP header carries", "[netns][socket_options]") {
  for (int v : {4, 6}) {
    INFO("IPv" << v);
    wire_rig r(v);
    for (int hops : {1, 7, 200}) {
      if (v == 4)
        mcast::set_option(r.tx, o::ip_multicast_ttl{hops});
      else
        mcast::set_option(r.tx, o::ipv6_multicast_hops{hops});
      CHECK(r.on_wire(header_field::hop_limit) == hops);
    }
  }
}

// The DS field as the header carries it (DSCP 46, expedited forwarding, is 184 with ECN 0), and
// read back; -1 for IPv6 is the stack's default (0 here).
TEST_CASE("IP_TOS and IPV6_TCLASS are what the IP header carries", "[netns][socket_options]") {
  for (int v : {4, 6}) {
    INFO("IPv" << v);
    wire_rig r(v);
    auto& tx = r.tx;
    CHECK(r.on_wire(header_field::traffic_class) == 0);
    for (int tos : {184, 40, 1, 255}) {
      INFO("value " << tos);
      if (v == 4) {
        mcast::set_option(tx, o::ip_tos{tos});
        o::ip_tos back;
        mcast::get_option(tx, back);
        CHECK(back.value() == tos);
      } else {
        mcast::set_option(tx, o::ipv6_tclass{tos});
        o::ipv6_tclass back;
        mcast::get_option(tx, back);
        CHECK(back.value() == tos);
      }
      CHECK(r.on_wire(header_field::traffic_class) == tos);
    }
    if (v == 6) {
      mcast::set_option(tx, o::ipv6_tclass{-1});
      CHECK(r.on_wire(header_field::traffic_class) == 0);
    }
    // Out of range: refused before any call, and the socket keeps its setting.
    std::error_code ec;
    if (v == 4)
      mcast::set_option(tx, o::ip_tos{256}, ec);
    else
      mcast::set_option(tx, o::ipv6_tclass{-2}, ec);
    CHECK(ec == mcast::errc::invalid_value);
  }
}

TEST_CASE("IP_MULTICAST_LOOP decides whether a local receiver gets what leaves by a veth", "[netns][socket_options]") {
  netlink nl;
  nl.add_veth("la", "lb", ::getpid());
  link_up("la");
  link_up("lb");
  wait_running("la");
  wait_running("lb");
  const unsigned la = ::if_nametoindex("la");
  nl.add_address(la, AF_INET, "203.0.113.1", 24);
  const auto nic = mcast::network_interface::from_name("la");
  const auto g = fresh_group();
  std::uint16_t port = 0;
  socket_fd rx = udp_receiver(mcast::family::v4, port);
  auto member = mcast::join_group(rx, g, nic);
  socket_fd tx(::socket(AF_INET, SOCK_DGRAM, 0));
  mcast::set_option(tx, o::ip_multicast_if{nic});
  mcast::set_option(tx, o::ip_multicast_ttl{1});
  for (bool loop : {true, false, true}) {
    mcast::set_option(tx, o::ip_multicast_loop{loop});
    (void)drain(rx, std::chrono::milliseconds(1));
    for (int i = 0; i < 3; ++i)
      send_one(tx, g, port, "loop?");
    int n = 0;
    for (const auto& [from, c] : drain(rx, std::chrono::milliseconds(100)))
      n += c;
    INFO("loop " << loop);
    CHECK(n == (loop ? 3 : 0));
  }
}

namespace {
// How many UDP datagrams to `port` the interface `name` carries within `wait` (captured there).
class udp_capture {
public:
  udp_capture(const char* name, bool v4) : v4_(v4) {
    fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(v4 ? ETH_P_IP : ETH_P_IPV6));
    check_sys(fd_ >= 0, "AF_PACKET");
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(v4 ? ETH_P_IP : ETH_P_IPV6);
    sll.sll_ifindex = static_cast<int>(::if_nametoindex(name));
    check_sys(::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) == 0, "bind AF_PACKET");
  }
  ~udp_capture() { ::close(fd_); }
  int count(std::uint16_t port, int wait_ms = 150) {
    int n = 0;
    for (int i = 0; i < 200; ++i) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, wait_ms) <= 0)
        break;
      unsigned char b[2048];
      const ssize_t got = ::recv(fd_, b, sizeof b, 0);
      if (v4_ && got >= 28 && b[9] == IPPROTO_UDP) {
        const std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0f) * 4;
        n += ((b[ihl + 2] << 8) | b[ihl + 3]) == port;
      } else if (!v4_ && got >= 48 && b[6] == IPPROTO_UDP) {
        n += ((b[42] << 8) | b[43]) == port;
      }
    }
    return n;
  }
  udp_capture(const udp_capture&) = delete;
  udp_capture& operator=(const udp_capture&) = delete;

private:
  int fd_ = -1;
  bool v4_;
};
} // namespace

TEST_CASE("IP_MULTICAST_IF and IPV6_MULTICAST_IF: a datagram leaves by the chosen one of two interfaces",
          "[netns][socket_options]") {
  netlink nl;
  nl.add_local_veth("oa", "ob", "198.51.100.1", "2001:db8:40::1");
  nl.add_local_veth("pa", "pb", "203.0.113.1", "2001:db8:50::1");
  const auto oa = mcast::network_interface::from_name("oa");
  const auto pa = mcast::network_interface::from_name("pa");
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    const bool v4 = f == mcast::family::v4;
    INFO((v4 ? "IPv4" : "IPv6"));
    const auto g = fresh_group(f);
    const std::uint16_t port = 40000 + static_cast<std::uint16_t>(::getpid() % 20000);
    socket_fd tx(::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    for (const auto* nic : {&oa, &pa, &oa}) {
      INFO("out of " << nic->name());
      udp_capture on_o("ob", v4), on_p("pb", v4); // the far ends of the two pairs
      if (v4)
        mcast::set_option(tx, o::ip_multicast_if{*nic});
      else
        mcast::set_option(tx, o::ipv6_multicast_if{*nic});
      for (int i = 0; i < 3; ++i)
        send_one(tx, g, port, "which way?");
      CHECK(on_o.count(port) == (*nic == oa ? 3 : 0));
      CHECK(on_p.count(port, 20) == (*nic == pa ? 3 : 0));
    }
    // Read back as the stack reports it: IPv6 the index; IPv4 (set by index on Linux) 0.0.0.0.
    if (v4) {
      o::ip_multicast_if back;
      mcast::get_option(tx, back);
      CHECK(back.value().to_string() == "0.0.0.0");
    } else {
      o::ipv6_multicast_if back;
      mcast::get_option(tx, back);
      CHECK(back.index() == oa.index());
    }
  }
}
