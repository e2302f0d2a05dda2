// option.hpp: for each of the fourteen options, the bytes handed to the kernel equal the
// platform's structure filled by field name from the same inputs, and level/name are the
// platform's constants.
#include <mcast/option.hpp>
#include <mcast/socket_options.hpp>

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/values.hpp"
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

// One option and the option number it must carry.
template <class Option> struct named {
  const Option& option;
  int name;
};
template <class Option> named<Option> as(const Option& o, int name) { return {o, name}; }

// Each option: the platform's level and option number, the exact bytes of `expected`, and no
// value error.
template <class Expected, class... Options>
void check_requests(int level, const Expected& expected, const named<Options>&... options) {
  auto one = [&](const auto& n) {
    CHECK(n.option.level(p) == level);
    CHECK(n.option.name(p) == n.name);
    CHECK(same_bytes(n.option.data(p), n.option.size(p), expected));
    CHECK(!n.option.check());
  };
  (one(options), ...);
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

    check_requests(level, expected, as(mcast::option::join_group{g, nic}, MCAST_JOIN_GROUP),
                   as(mcast::option::leave_group{g, nic}, MCAST_LEAVE_GROUP));
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

    check_requests(level, expected, as(mcast::option::block_source{g, s, nic}, MCAST_BLOCK_SOURCE),
                   as(mcast::option::unblock_source{g, s, nic}, MCAST_UNBLOCK_SOURCE),
                   as(mcast::option::join_source_group{g, s, nic}, MCAST_JOIN_SOURCE_GROUP),
                   as(mcast::option::leave_source_group{g, s, nic}, MCAST_LEAVE_SOURCE_GROUP));
  }
}

TEST_CASE("ip_mreq options: IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP", "[option]") {
  const auto nic = loopback();
  const auto g = mcast::make_group("239.1.2.3");
  ip_mreq expected;
  std::memset(&expected, 0, sizeof expected);
  expected.imr_multiaddr = v4("239.1.2.3");
  expected.imr_interface = iface_field(nic);

  check_requests(IPPROTO_IP, expected, as(mcast::option::ip_add_membership{g, nic}, IP_ADD_MEMBERSHIP),
                 as(mcast::option::ip_drop_membership{g, nic}, IP_DROP_MEMBERSHIP));
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
  check_requests(IPPROTO_IP, expected, as(a, IP_ADD_SOURCE_MEMBERSHIP),
                 as(mcast::option::ip_drop_source_membership{g, s, nic}, IP_DROP_SOURCE_MEMBERSHIP),
                 as(mcast::option::ip_block_source{g, s, nic}, IP_BLOCK_SOURCE),
                 as(mcast::option::ip_unblock_source{g, s, nic}, IP_UNBLOCK_SOURCE));
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
  check_requests(IPPROTO_IPV6, expected, as(mcast::option::ipv6_add_membership{g, nic}, IPV6_ADD_MEMBERSHIP),
                 as(mcast::option::ipv6_drop_membership{g, nic}, IPV6_DROP_MEMBERSHIP));
}

TEST_CASE("option values that cannot work are reported before any system call", "[option][errors]") {
  syscall_recorder rec;
  const mcast_test::mixed_values v;
  const auto& [nic, g4, g6, s4, s6] = v;
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
  // Out of range: no bytes for Asio or a setsockopt by hand (every stack refuses a size of 0).
  CHECK(o::ip_multicast_ttl{256}.size(p) == 0u);
  CHECK(o::ip_multicast_ttl{-1}.size(p) == 0u);
  CHECK(o::ipv6_multicast_hops{-2}.size(p) == 0u);
  CHECK(o::ipv6_multicast_hops{256}.size(p) == 0u);
  CHECK(o::ipv6_multicast_hops{-1}.size(p) == sizeof(int));
  CHECK(o::ip_multicast_ttl{}.size(p) == byte_option); // (read into by get_option)
  // IP_TOS / IPV6_TCLASS: an int (a DWORD) on every stack; 0..255 and -1..255.
  CHECK(o::ip_tos{184}.size(p) == 4u);
  CHECK(o::ipv6_tclass{184}.size(p) == 4u);
  CHECK(o::ip_tos{255}.check() == std::error_code());
  CHECK(o::ip_tos{256}.check() == mcast::errc::invalid_value);
  CHECK(o::ip_tos{-1}.check() == mcast::errc::invalid_value);
  CHECK(o::ip_tos{-1}.size(p) == 0u);
  CHECK(o::ip_tos{-1}.name(p) == -1); // (Linux takes IP_TOS with no bytes as 0: no option is named)
  CHECK(o::ip_tos{184}.name(p) == mcast::detail::ip_tos);
  CHECK(o::ip_multicast_ttl{256}.name(p) == -1);
  CHECK(o::ipv6_tclass{-1}.check() == std::error_code());
  CHECK(o::ipv6_tclass{-2}.size(p) == 0u);
  CHECK(o::ipv6_tclass{256}.check() == mcast::errc::invalid_value);
  CHECK(o::ip_tos{}.level(p) == mcast::detail::level_ip);
  CHECK(o::ipv6_tclass{}.level(p) == mcast::detail::level_ipv6);
  CHECK(o::ip_multicast_all{false}.check() ==
        (mcast::detail::has_multicast_all ? std::error_code() : mcast::make_error_code(mcast::errc::unsupported)));
  unsigned char first = 0;
  const auto ttl = o::ip_multicast_ttl{7};
  std::memcpy(&first, ttl.data(p), 1);
  CHECK((first == 7 || byte_option == 4u)); // little- or big-endian int, or the u_char itself
}

// IP_MULTICAST_IF read back: Windows documents a host-order index, takes 0.0.0.idx and addresses
// on set, and other code reads an address; the reading keeps every candidate (a pure function,
// checked for both kinds of stack on every platform).
TEST_CASE("every platform family's value-option fields are what its kernel reads", "[option][socket_options]") {
  // Each cell written here from the kernels' own code (see detail/platform/common.hpp), so that a
  // change of both tables at once -- a field and its pin made wrong together -- fails too.
  using mcast::detail::field_kind;
  using mcast::detail::kernel_field_size;
  using mcast::detail::option_field_kind;
  using P = mcast::detail::platform_family;
  using F = mcast::detail::value_field;
  for (F f : mcast::detail::value_fields) {
    CAPTURE(static_cast<int>(f));
    CHECK(option_field_kind(P::windows_family, f) == field_kind::u32); // a DWORD for every one
    if (f == F::ip_multicast_if) {
      CHECK(kernel_field_size(P::linux_family, f) == 12); // ip_mreqn
      CHECK(kernel_field_size(P::bsd_family, f) == 4);    // in_addr
      CHECK(kernel_field_size(P::windows_family, f) == 4);
      continue;
    }
    const bool bsd_byte = f == F::ip_multicast_ttl || f == F::ip_multicast_loop; // u_char in ip_output.c
    CHECK(kernel_field_size(P::bsd_family, f) == (bsd_byte ? 1u : 4u));
    CHECK(kernel_field_size(P::linux_family, f) == 4u); // an int in every *_sockglue.c / sock.c case
    CHECK(kernel_field_size(P::windows_family, f) == 4u);
  }
  CHECK(kernel_field_size(P::bsd_family, F::ip_tos) == 4u); // an int: a one-byte IP_TOS is another call there
  CHECK(option_field_kind(P::bsd_family, F::ip_tos) == field_kind::i32);
  CHECK(sizeof(mcast::detail::option_field_t<P::bsd_family, F::ip_multicast_ttl>) == 1u);
  CHECK(sizeof(mcast::detail::option_field_t<mcast::detail::this_family, F::ip_tos>) == 4u);
  CHECK(mcast::detail::option_fields_match_kernels());
}

TEST_CASE("IP_MULTICAST_IF read-back bytes are understood as index form, address or host-order index",
          "[option][socket]") {
  namespace d = mcast::detail;
  auto read = [](std::initializer_list<unsigned char> bytes, bool windows) {
    unsigned char b[4];
    std::size_t i = 0;
    for (unsigned char c : bytes)
      b[i++] = c;
    return d::read_multicast_if(b, windows);
  };
  for (bool windows : {true, false})
    CHECK(read({0, 0, 0, 0}, windows).unset);
  // 0.0.0.idx (Windows): the index, 24 bits in network order.
  CHECK(read({0, 0, 0, 7}, true).index_form == 7);
  CHECK(read({0, 1, 2, 3}, true).index_form == 0x010203u);
  // Microsoft's documented answer for index 7: the DWORD 7 in host (little-endian) order.
  auto seven = read({7, 0, 0, 0}, true);
  CHECK(seven.index_form == 0);
  CHECK(!seven.unset);
  CHECK(mcast::address(seven.address).to_string() == "7.0.0.0"); // tried first, as an address
  std::uint32_t host = 0;
  const unsigned char le7[4] = {7, 0, 0, 0};
  std::memcpy(&host, le7, 4);
  CHECK(seven.host_index == host);
  // An address.
  auto a = read({192, 0, 2, 1}, true);
  CHECK(mcast::address(a.address).to_string() == "192.0.2.1");
  // POSIX: only an address (0.0.0.x is an address there too, never an index).
  auto posix = read({0, 0, 0, 7}, false);
  CHECK(posix.index_form == 0);
  CHECK(posix.host_index == 0);
  CHECK(mcast::address(posix.address).to_string() == "0.0.0.7");
}
