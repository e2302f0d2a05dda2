// option.hpp: for each of the fourteen options, the bytes handed to the kernel equal the
// platform's structure filled by field name from the same inputs, and level/name are the
// platform's constants.
#include <mcast/option.hpp>
#include <mcast/socket_options.hpp>

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/platform.hpp"

#include <cstring>

using namespace mcast_test;

namespace {
const mcast::detail::any_protocol p{};

// The IPv4 interface field the library must use for `nic`: its address (0.0.0.0 for any()).
in_addr iface_field(const mcast::network_interface& nic) { return nic.ipv4_address().to_in_addr(); }

mcast::network_interface loopback() {
#if defined(_WIN32)
  return mcast::network_interface::any();
#else
  return mcast::network_interface::from_name("lo");
#endif
}
} // namespace

TEST_CASE("GROUP_REQ options: MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP, IPv4 and IPv6", "[option]") {
  const auto nic = loopback();
  for (const char* text : {"239.1.2.3", "ff15::1234"}) {
    const auto g = mcast::make_group(text);
    test_group_req expected;
    std::memset(&expected, 0, sizeof expected);
    expected.gr_interface = nic.index();
    expected.gr_group = g.is_v4() ? ss4(text) : ss6(text);
    const int level = g.is_v4() ? IPPROTO_IP : IPPROTO_IPV6;

    mcast::option::join_group join{g, nic};
    CHECK(join.level(p) == level);
    CHECK(join.name(p) == MCAST_JOIN_GROUP);
    CHECK(same_bytes(join.data(p), join.size(p), expected));

    mcast::option::leave_group leave{g, nic};
    CHECK(leave.level(p) == level);
    CHECK(leave.name(p) == MCAST_LEAVE_GROUP);
    CHECK(same_bytes(leave.data(p), leave.size(p), expected));
  }
}

TEST_CASE("GROUP_SOURCE_REQ options: block/unblock/join-source/leave-source, IPv4 and IPv6", "[option]") {
  const auto nic = loopback();
  struct pair_t {
    const char* g;
    const char* s;
  };
  for (pair_t t : {pair_t{"232.1.2.3", "192.0.2.7"}, pair_t{"ff3e::1234", "2001:db8::7"}}) {
    const auto g = mcast::make_group(t.g);
    const auto s = mcast::make_source(t.s);
    test_group_source_req expected;
    std::memset(&expected, 0, sizeof expected);
    expected.gsr_interface = nic.index();
    expected.gsr_group = g.is_v4() ? ss4(t.g) : ss6(t.g);
    expected.gsr_source = g.is_v4() ? ss4(t.s) : ss6(t.s);
    const int level = g.is_v4() ? IPPROTO_IP : IPPROTO_IPV6;

    mcast::option::block_source b{g, s, nic};
    mcast::option::unblock_source u{g, s, nic};
    mcast::option::join_source_group j{g, s, nic};
    mcast::option::leave_source_group l{g, s, nic};
    CHECK(b.name(p) == MCAST_BLOCK_SOURCE);
    CHECK(u.name(p) == MCAST_UNBLOCK_SOURCE);
    CHECK(j.name(p) == MCAST_JOIN_SOURCE_GROUP);
    CHECK(l.name(p) == MCAST_LEAVE_SOURCE_GROUP);
    CHECK((b.level(p) == level && u.level(p) == level && j.level(p) == level && l.level(p) == level));
    CHECK(same_bytes(b.data(p), b.size(p), expected));
    CHECK(same_bytes(u.data(p), u.size(p), expected));
    CHECK(same_bytes(j.data(p), j.size(p), expected));
    CHECK(same_bytes(l.data(p), l.size(p), expected));
    CHECK(!b.check());
  }
}

TEST_CASE("ip_mreq options: IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP", "[option]") {
  const auto nic = loopback();
  const auto g = mcast::make_group("239.1.2.3");
  ip_mreq expected;
  std::memset(&expected, 0, sizeof expected);
  expected.imr_multiaddr = v4("239.1.2.3");
  expected.imr_interface = iface_field(nic);

  mcast::option::ip_add_membership add{g, nic};
  mcast::option::ip_drop_membership drop{g, nic};
  CHECK(add.level(p) == IPPROTO_IP);
  CHECK(add.name(p) == IP_ADD_MEMBERSHIP);
  CHECK(drop.name(p) == IP_DROP_MEMBERSHIP);
  CHECK(same_bytes(add.data(p), add.size(p), expected));
  CHECK(same_bytes(drop.data(p), drop.size(p), expected));
  CHECK(!add.check());
#if defined(_WIN32)
  CHECK(IP_ADD_MEMBERSHIP == 12); // never winsock.h's 5
#endif
}

TEST_CASE("ip_mreq_source options fill fields by name (the field order differs by platform)", "[option]") {
  const auto nic = loopback();
  const auto g = mcast::make_group("232.1.2.3");
  const auto s = mcast::make_source("192.0.2.7");
  ip_mreq_source expected;
  std::memset(&expected, 0, sizeof expected);
  expected.imr_multiaddr = v4("232.1.2.3");
  expected.imr_sourceaddr = v4("192.0.2.7");
  expected.imr_interface = iface_field(nic);

  mcast::option::ip_add_source_membership a{g, s, nic};
  mcast::option::ip_drop_source_membership d{g, s, nic};
  mcast::option::ip_block_source b{g, s, nic};
  mcast::option::ip_unblock_source u{g, s, nic};
  CHECK(a.name(p) == IP_ADD_SOURCE_MEMBERSHIP);
  CHECK(d.name(p) == IP_DROP_SOURCE_MEMBERSHIP);
  CHECK(b.name(p) == IP_BLOCK_SOURCE);
  CHECK(u.name(p) == IP_UNBLOCK_SOURCE);
  CHECK((a.level(p) == IPPROTO_IP && d.level(p) == IPPROTO_IP && b.level(p) == IPPROTO_IP && u.level(p) == IPPROTO_IP));
  CHECK(same_bytes(a.data(p), a.size(p), expected));
  CHECK(same_bytes(d.data(p), d.size(p), expected));
  CHECK(same_bytes(b.data(p), b.size(p), expected));
  CHECK(same_bytes(u.data(p), u.size(p), expected));
  // The source sits where this platform puts it: offset 4 on Windows/BSD, 8 on Linux.
  const auto* bytes = static_cast<const unsigned char*>(a.data(p));
  const in_addr src = v4("192.0.2.7");
  CHECK(std::memcmp(bytes + offsetof(ip_mreq_source, imr_sourceaddr), &src, 4) == 0);
#if defined(__linux__)
  CHECK(offsetof(ip_mreq_source, imr_sourceaddr) == 8);
#elif defined(_WIN32)
  CHECK(offsetof(ip_mreq_source, imr_sourceaddr) == 4);
#endif
}

TEST_CASE("ipv6_mreq options: IPV6_ADD_MEMBERSHIP / IPV6_DROP_MEMBERSHIP", "[option]") {
  const auto nic = loopback();
  const auto g = mcast::make_group("ff15::1234");
  ipv6_mreq expected;
  std::memset(&expected, 0, sizeof expected);
  expected.ipv6mr_multiaddr = v6("ff15::1234");
  expected.ipv6mr_interface = nic.index();
  mcast::option::ipv6_add_membership add{g, nic};
  mcast::option::ipv6_drop_membership drop{g, nic};
  CHECK(add.level(p) == IPPROTO_IPV6);
  CHECK(add.name(p) == IPV6_ADD_MEMBERSHIP);
  CHECK(drop.name(p) == IPV6_DROP_MEMBERSHIP);
  CHECK(same_bytes(add.data(p), add.size(p), expected));
  CHECK(same_bytes(drop.data(p), drop.size(p), expected));
}

TEST_CASE("option values that cannot work are reported before any system call", "[option][errors]") {
  syscall_recorder rec;
  const auto nic = mcast::network_interface::any();
  const auto g4 = mcast::make_group("232.1.2.3");
  const auto g6 = mcast::make_group("ff3e::1");
  const auto s4 = mcast::make_source("192.0.2.1");
  const auto s6 = mcast::make_source("2001:db8::1");
  std::error_code ec;

  mcast::set_option(-1, mcast::option::join_source_group{g4, s6, nic}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  mcast::set_option(-1, mcast::option::block_source{g6, s4, nic}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  mcast::set_option(-1, mcast::option::ip_add_membership{g6, nic}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  mcast::set_option(-1, mcast::option::ip_block_source{g4, s6, nic}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  mcast::set_option(-1, mcast::option::ipv6_add_membership{g4, nic}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  CHECK_THROWS_AS(mcast::set_option(-1, mcast::option::ipv6_drop_membership{g4, nic}), std::system_error);
  CHECK(rec.count() == 0);
}

TEST_CASE("a bad socket gets the system's error, clearly", "[option][errors]") {
  syscall_recorder rec;
  std::error_code ec;
  // IP_ADD_MEMBERSHIP: every stack has it (Wine answers MCAST_* with WSAENOPROTOOPT before it
  // looks at the socket).
  mcast::set_option(mcast::detail::invalid_native_handle,
                    mcast::option::ip_add_membership{mcast::make_group("239.1.2.3"), mcast::network_interface::any()},
                    ec);
  CHECK(rec.count() == 1);
  REQUIRE(ec);
  CHECK(ec.category() == std::system_category());
#if defined(_WIN32)
  CHECK(ec.value() == WSAENOTSOCK);
#else
  CHECK(ec.value() == EBADF);
#endif
}

TEST_CASE("options work with any protocol argument, as Asio passes one", "[option]") {
  struct fake_protocol {
    int family() const { return AF_INET6; }
  };
  mcast::option::join_group j{mcast::make_group("239.1.2.3"), mcast::network_interface::any()};
  // The group decides the level, not the socket's protocol (a v4 group on a dual-stack socket
  // is joined at IPPROTO_IP).
  CHECK(j.level(fake_protocol{}) == IPPROTO_IP);
  CHECK(j.size(fake_protocol{}) == sizeof(test_group_req));
}

TEST_CASE("the socket options' representation per platform, and their ranges", "[option][socket_options]") {
  namespace o = mcast::option;
  const mcast::detail::any_protocol p;
  // IP_MULTICAST_TTL / LOOP: a DWORD on Windows, an int on Linux, a u_char on macOS and the BSDs.
  const std::size_t byte_option = mcast::detail::is_windows || mcast::detail::is_linux ? 4u : 1u;
  CHECK(o::ip_multicast_ttl{1}.size(p) == byte_option);
  CHECK(o::ip_multicast_loop{true}.size(p) == byte_option);
  CHECK(o::ipv6_multicast_hops{1}.size(p) == sizeof(int));
  CHECK(o::ipv6_multicast_loop{true}.size(p) == 4u);
  CHECK(o::ipv6_multicast_if{}.size(p) == 4u);
  CHECK(o::ip_multicast_if{}.size(p) == (mcast::detail::is_linux ? 12u : 4u)); // ip_mreqn / in_addr
  CHECK(o::ip_multicast_ttl{255}.check() == std::error_code());
  CHECK(o::ip_multicast_ttl{256}.check() == mcast::errc::invalid_value);
  CHECK(o::ip_multicast_ttl{-1}.check() == mcast::errc::invalid_value);
  CHECK(o::ipv6_multicast_hops{-1}.check() == std::error_code());
  CHECK(o::ipv6_multicast_hops{-2}.check() == mcast::errc::invalid_value);
  CHECK(o::ip_multicast_all{false}.check() ==
        (mcast::detail::has_multicast_all ? std::error_code() : mcast::make_error_code(mcast::errc::unsupported)));
  unsigned char first = 0;
  const auto ttl = o::ip_multicast_ttl{7};
  std::memcpy(&first, ttl.data(p), 1);
  CHECK((first == 7 || byte_option == 4u)); // little- or big-endian int, or the u_char itself
}
