// The keeper's change source on macOS and FreeBSD, run on any system: routing messages written
// byte by byte as each kernel writes them (the positions from xnu's and FreeBSD's <net/route.h>,
// <net/if.h>, <net/if_dl.h>), read by parse_route_message with that kernel's route_layout. (The
// layouts are compared with the real headers by cmake/cross-check.sh.)
#include <mcast/keeper.hpp>

#include "catch.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace d = mcast::detail;

namespace {
// What differs between the two kernels' messages, from their headers.
struct kernel {
  const char* name;
  const d::route_layout& layout;
  std::size_t align;    // each sockaddr rounded up to 4 (macOS) or 8 bytes (FreeBSD, sizeof(long))
  std::size_t ifm_size; // sizeof(if_msghdr): if_data differs
  std::size_t rtm_size; // sizeof(rt_msghdr)
  unsigned char af_inet6;
  bool announces; // RTM_IFANNOUNCE (17): FreeBSD only
};
const kernel kernels[] = {{"macOS", d::macos_route_layout, 4, 112, 92, 30, false},
                          {"FreeBSD", d::freebsd_route_layout, 8, 168, 152, 28, true}};

using bytes = std::vector<unsigned char>;

// One message: its header, then the sockaddrs in bit order, each padded to the kernel's rounding.
struct message {
  bytes b;
  message(std::size_t header, unsigned char type) : b(header) {
    b[2] = 5; // RTM_VERSION
    b[3] = type;
  }
  message& u16(std::size_t at, unsigned v) {
    const std::uint16_t x = static_cast<std::uint16_t>(v);
    std::memcpy(&b[at], &x, sizeof x);
    return *this;
  }
  message& i32(std::size_t at, int v) {
    const std::int32_t x = v;
    std::memcpy(&b[at], &x, sizeof x);
    return *this;
  }
  message& sockaddr(const kernel& k, const bytes& sa) {
    b.insert(b.end(), sa.begin(), sa.end());
    for (std::size_t n = sa.size(); n == 0 || n % k.align != 0; ++n)
      b.push_back(0);
    return *this;
  }
  bytes done() {
    u16(0, static_cast<unsigned>(b.size())); // rtm_msglen
    return b;
  }
};

bytes ipv4_sockaddr(unsigned char a, unsigned char b, unsigned char c, unsigned char e) {
  return {16, 2, 0, 0, a, b, c, e, 0, 0, 0, 0, 0, 0, 0, 0};
}
bytes ipv6_sockaddr(const kernel& k, unsigned char last) { // 2001:db8::last
  bytes s(28, 0);
  s[0] = 28;
  s[1] = k.af_inet6;
  s[8] = 0x20;
  s[9] = 0x01;
  s[10] = 0x0d;
  s[11] = 0xb8;
  s[23] = last;
  return s;
}
// A link-level sockaddr as the kernel sends it: the name, then a 6-byte address; 8 + n + 6 long.
bytes link_sockaddr(unsigned short index, const std::string& name) {
  bytes s = {static_cast<unsigned char>(8 + name.size() + 6),
             18,
             static_cast<unsigned char>(index & 0xff),
             static_cast<unsigned char>(index >> 8),
             6,
             static_cast<unsigned char>(name.size()),
             6,
             0};
  for (char c : name) // (not insert(): MinGW's g++ 12 warns of a bound insert cannot cross)
    s.push_back(static_cast<unsigned char>(c));
  for (unsigned char c : {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01})
    s.push_back(c);
  return s;
}
// A trimmed IPv4 netmask (255.255.255.0 is sent 7 bytes long).
const bytes netmask7 = {7, 2, 0, 0, 255, 255, 255};

// RTM_IFINFO: addrs @4, flags @8, index @12 (if_msghdr).
bytes ifinfo(const kernel& k, unsigned short index, int flags, const std::string& name = {}) {
  message m(k.ifm_size, 0xe);
  m.i32(4, name.empty() ? 0 : 0x10).i32(8, flags).u16(12, index);
  if (!name.empty())
    m.sockaddr(k, link_sockaddr(index, name));
  return m.done();
}
// RTM_NEWADDR / RTM_DELADDR: ifa_msghdr, 20 bytes, addrs @4, index @12; here NETMASK | IFP | IFA.
bytes address(const kernel& k, unsigned char type, unsigned short index, const bytes& netmask, const bytes& ifa) {
  message m(20, type);
  m.i32(4, 0x4 | 0x10 | 0x20).u16(12, index);
  m.sockaddr(k, netmask).sockaddr(k, link_sockaddr(index, "vtnet0")).sockaddr(k, ifa);
  return m.done();
}
// RTM_ADD and its kin: rt_msghdr, the sender's pid @16; DST | GATEWAY | NETMASK.
bytes route(const kernel& k, unsigned char type, int pid) {
  message m(k.rtm_size, type);
  m.u16(4, 2).i32(12, 0x1 | 0x2 | 0x4).i32(16, pid);
  m.sockaddr(k, ipv4_sockaddr(198, 51, 100, 0)).sockaddr(k, ipv4_sockaddr(192, 0, 2, 1)).sockaddr(k, netmask7);
  return m.done();
}
// RTM_IFANNOUNCE: if_announcemsghdr, 24 bytes: index @4, name @6 (16), what @22.
bytes announce(unsigned short index, const std::string& name, unsigned what) {
  message m(24, 17);
  m.u16(4, index).u16(22, what);
  std::memcpy(&m.b[6], name.data(), name.size());
  return m.done();
}

d::route_message_kind parse(const kernel& k, const bytes& m, d::change_record& r) {
  return d::parse_route_message(k.layout, m.data(), m.size(), r);
}
} // namespace

TEST_CASE("RTM_IFINFO: the link, up or down, its index, and its name where a sockaddr_dl follows", "[keeper][bsd]") {
  for (const kernel& k : kernels) {
    INFO(k.name);
    d::change_record r;
    REQUIRE(parse(k, ifinfo(k, 3, 0x1 | 0x8000, "em0"), r) == d::route_message_kind::record);
    CHECK(r.kind == d::change_record::link_new);
    CHECK(r.index == 3);
    CHECK(r.up);
    CHECK(std::string(r.name) == "em0");
    REQUIRE(parse(k, ifinfo(k, 300, 0x8000), r) == d::route_message_kind::record);
    CHECK(r.index == 300);
    CHECK_FALSE(r.up);
    CHECK(std::string(r.name).empty()); // the reader asks if_indextoname
  }
}

TEST_CASE("RTM_IFANNOUNCE: arrival and departure by name (FreeBSD), none on macOS", "[keeper][bsd]") {
  for (const kernel& k : kernels) {
    INFO(k.name);
    d::change_record r;
    const auto arrived = parse(k, announce(7, "epair0b", 0), r);
    if (!k.announces) {
      CHECK(arrived == d::route_message_kind::ignored);
      continue;
    }
    REQUIRE(arrived == d::route_message_kind::record);
    CHECK(r.kind == d::change_record::link_new);
    CHECK(r.index == 7);
    CHECK_FALSE(r.up);
    CHECK(std::string(r.name) == "epair0b");
    REQUIRE(parse(k, announce(7, "epair0b", 1), r) == d::route_message_kind::record);
    CHECK(r.kind == d::change_record::link_gone);
    CHECK(std::string(r.name) == "epair0b");
    CHECK(parse(k, announce(7, "epair0b", 9), r) == d::route_message_kind::ignored);
    // A full 16-byte name (no NUL in the message) stays within its field.
    REQUIRE(parse(k, announce(8, "abcdefghijklmnop", 0), r) == d::route_message_kind::record);
    CHECK(std::string(r.name) == "abcdefghijklmnop");
  }
}

TEST_CASE("RTM_NEWADDR / RTM_DELADDR: the RTA_IFA address, past sockaddrs of odd lengths", "[keeper][bsd]") {
  for (const kernel& k : kernels) {
    INFO(k.name);
    d::change_record r;
    // A 7-byte netmask and a 20-byte sockaddr_dl (24 bytes on FreeBSD, 20 on macOS) come first.
    REQUIRE(parse(k, address(k, 0xc, 5, netmask7, ipv4_sockaddr(192, 0, 2, 7)), r) == d::route_message_kind::record);
    CHECK(r.kind == d::change_record::address_new);
    CHECK(r.index == 5);
    CHECK(r.family == AF_INET);
    CHECK(bytes(r.bytes, r.bytes + 4) == bytes{192, 0, 2, 7});
    // An IPv6 netmask of 28 bytes (32 on FreeBSD) first.
    REQUIRE(parse(k, address(k, 0xd, 6, ipv6_sockaddr(k, 0), ipv6_sockaddr(k, 7)), r) == d::route_message_kind::record);
    CHECK(r.kind == d::change_record::address_gone);
    CHECK(r.index == 6);
    CHECK(r.family == AF_INET6);
    CHECK(bytes(r.bytes, r.bytes + 16) == bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
    // Without RTA_IFA there is nothing to follow.
    message none(20, 0xc);
    none.i32(4, 0x4).u16(12, 5).sockaddr(k, netmask7);
    CHECK(parse(k, none.done(), r) == d::route_message_kind::ignored);
  }
}

TEST_CASE("RTM_ADD / RTM_DELETE / RTM_CHANGE are route changes, other messages are not", "[keeper][bsd]") {
  for (const kernel& k : kernels) {
    INFO(k.name);
    d::change_record r;
    for (unsigned char type : {0x1, 0x2, 0x3}) {
      REQUIRE(parse(k, route(k, type, 99), r) == d::route_message_kind::record);
      CHECK(r.kind == d::change_record::route);
    }
    CHECK(parse(k, route(k, 0x4, 99), r) == d::route_message_kind::ignored); // RTM_GET
    CHECK(parse(k, route(k, 0xf, 99), r) == d::route_message_kind::ignored); // RTM_NEWMADDR
  }
}

TEST_CASE("truncated and garbled routing messages are refused without reading past them", "[keeper][bsd]") {
  for (const kernel& k : kernels) {
    INFO(k.name);
    d::change_record r;
    const bytes messages[] = {ifinfo(k, 3, 1, "em0"), address(k, 0xc, 5, netmask7, ipv4_sockaddr(192, 0, 2, 7)),
                              address(k, 0xd, 6, ipv6_sockaddr(k, 0), ipv6_sockaddr(k, 7)), route(k, 0x1, 99),
                              announce(7, "epair0b", 0)};
    for (const bytes& whole : messages) {
      // Received short: the message says it is longer than what arrived.
      for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        INFO("cut at " << cut);
        bytes part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
        CHECK(d::parse_route_message(k.layout, part.data(), part.size(), r) != d::route_message_kind::record);
        // Or says it is as short as that: too short for its header, or its sockaddrs run past it.
        if (cut >= 4 && (k.announces || whole[3] != 17)) {
          std::uint16_t len = static_cast<std::uint16_t>(cut);
          std::memcpy(part.data(), &len, sizeof len);
          const auto kind = d::parse_route_message(k.layout, part.data(), part.size(), r);
          CHECK((kind == d::route_message_kind::garbled ||
                 (whole[3] == 0x1 && cut >= k.rtm_size))); // a route's sockaddrs are not read
        }
      }
    }
    bytes other_version = route(k, 0x1, 99);
    other_version[2] = 4;
    CHECK(parse(k, other_version, r) == d::route_message_kind::ignored);
    // A sockaddr whose length runs past the message.
    bytes overlong = address(k, 0xc, 5, netmask7, ipv4_sockaddr(192, 0, 2, 7));
    overlong[20] = 200;
    CHECK(parse(k, overlong, r) == d::route_message_kind::garbled);
    // Received longer than the message: the rest is not read.
    bytes longer = ifinfo(k, 3, 1);
    longer.resize(longer.size() + 64, 0xff);
    REQUIRE(parse(k, longer, r) == d::route_message_kind::record);
    CHECK(r.index == 3);
  }
}

TEST_CASE("each sockaddr takes its length rounded as its kernel rounds it", "[keeper][bsd]") {
  CHECK(d::route_bytes::sockaddr_room(0, 4) == 4);
  CHECK(d::route_bytes::sockaddr_room(0, 8) == 8);
  CHECK(d::route_bytes::sockaddr_room(7, 4) == 8);
  CHECK(d::route_bytes::sockaddr_room(17, 4) == 20);
  CHECK(d::route_bytes::sockaddr_room(17, 8) == 24);
  CHECK(d::route_bytes::sockaddr_room(28, 4) == 28);
  CHECK(d::route_bytes::sockaddr_room(28, 8) == 32);
  CHECK(d::route_bytes::sockaddr_room(16, 8) == 16);
}
