// The bad-input catalogue: distinct bad inputs across the whole API (strings, families,
// interfaces, sources, sizes, sockets, orderings), each with the mcast::errc it must give and --
// where the input is invalid by value -- proof through the hook that no system call was made.
#include <mcast/mcast.hpp>

#include "catch.hpp"
#include "support/hook.hpp"

#include <functional>
#include <limits>
#include <vector>

namespace o = mcast::option;
using mcast::errc;

namespace {

struct entry {
  const char* what;
  errc expected;
  std::function<std::error_code()> run;
};

const auto g4 = mcast::make_group("239.1.2.3");
const auto gs4 = mcast::make_group("232.1.2.3");
const auto g6 = mcast::make_group("ff3e::1234");
const auto s4 = mcast::make_source("192.0.2.1");
const auto s4b = mcast::make_source("192.0.2.2");
const auto s6 = mcast::make_source("2001:db8::1");
const auto any = mcast::network_interface::any();
const int no_socket = -1; // never reached: every entry fails before any system call

template <class F> std::error_code ec_of(F&& f) {
  std::error_code ec;
  f(ec);
  return ec;
}

// A range that claims more sources than any buffer can hold (its data is never read).
struct huge_range {
  const mcast::source* data() const { return &s4; }
  std::size_t size() const { return std::numeric_limits<std::size_t>::max() / 2; }
};

std::vector<entry> catalogue() {
  std::vector<entry> c;
  auto address = [&](const char* what, std::string text) {
    c.push_back({what, errc::invalid_address,
                 [text] { return ec_of([&](auto& ec) { (void)mcast::make_address(text, ec); }); }});
  };
  address("empty address", "");
  address("three-part IPv4", "1.2.3");
  address("octet out of range", "256.0.0.1");
  address("five-part IPv4", "1.2.3.4.5");
  address("IPv6 with a scope suffix", "ff15::1%lo");
  address("two '::' in IPv6", "::1::2");
  address("address with a port", "239.1.2.3:5000");
  address("bracketed IPv6", "[::1]");
  address("embedded NUL", std::string("239.1.2.3\0x", 11));
  address("over-long text", std::string(100, '1'));
  auto group = [&](const char* what, const char* text, errc e) {
    c.push_back({what, e, [text] { return ec_of([&](auto& ec) { (void)mcast::make_group(text, ec); }); }});
  };
  group("unicast IPv4 as a group", "10.0.0.1", errc::not_multicast);
  group("unicast IPv6 as a group", "2001:db8::1", errc::not_multicast);
  group("unspecified as a group", "::", errc::not_multicast);
  group("class E as a group", "240.0.0.1", errc::not_multicast);
  group("malformed group", "239.1.2", errc::invalid_address);
  auto source = [&](const char* what, const char* text) {
    c.push_back(
        {what, errc::not_unicast, [text] { return ec_of([&](auto& ec) { (void)mcast::make_source(text, ec); }); }});
  };
  source("multicast IPv4 source", "239.1.1.1");
  source("multicast IPv6 source", "ff02::1");
  source("0.0.0.0 source", "0.0.0.0");
  source(":: source", "::");
  source("limited broadcast source", "255.255.255.255");
  auto nic = [&](const char* what, errc e, std::function<void(std::error_code&)> f) {
    c.push_back({what, e, [f] { return ec_of(f); }});
  };
  nic("unknown interface name", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_name("no-such-if0", ec); });
  nic("empty interface name", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_name("", ec); });
  nic("over-long interface name", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_name(std::string(400, 'x'), ec); });
  nic("unknown interface index", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_index(999999, ec); });
  nic("unknown index as text", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_name("999999", ec); });
  nic("address of no interface", errc::no_such_interface,
      [](auto& ec) { (void)mcast::network_interface::from_address(mcast::make_address("198.51.100.77"), ec); });
  nic("multicast interface address", errc::not_unicast,
      [](auto& ec) { (void)mcast::network_interface::from_address(mcast::make_address("239.1.1.1"), ec); });
  auto call = [&](const char* what, errc e, std::function<void(std::error_code&)> f) {
    c.push_back({what, e, [f] { return ec_of(f); }});
  };
  call("MCAST_JOIN_SOURCE_GROUP, v4 group + v6 source", errc::family_mismatch, [](auto& ec) {
    mcast::set_option(no_socket, o::join_source_group{g4, s6, any}, ec);
  });
  call("MCAST_BLOCK_SOURCE, v6 group + v4 source", errc::family_mismatch, [](auto& ec) {
    mcast::set_option(no_socket, o::block_source{g6, s4, any}, ec);
  });
  call("IP_ADD_MEMBERSHIP with an IPv6 group", errc::family_mismatch, [](auto& ec) {
    mcast::set_option(no_socket, o::ip_add_membership{g6, any}, ec);
  });
  call("IP_BLOCK_SOURCE with an IPv6 source", errc::family_mismatch, [](auto& ec) {
    mcast::set_option(no_socket, o::ip_block_source{g4, s6, any}, ec);
  });
  call("IPV6_ADD_MEMBERSHIP with an IPv4 group", errc::family_mismatch, [](auto& ec) {
    mcast::set_option(no_socket, o::ipv6_add_membership{g4, any}, ec);
  });
  call("join_group<api::ipv4> with an IPv6 group", errc::family_mismatch,
       [](auto& ec) { (void)mcast::join_group<mcast::api::ipv4>(no_socket, g6, any, ec); });
  call("join_group<api::ipv6> with an IPv4 group", errc::family_mismatch,
       [](auto& ec) { (void)mcast::join_group<mcast::api::ipv6>(no_socket, g4, any, ec); });
  call("join_source_group with a source of the other family", errc::family_mismatch,
       [](auto& ec) { (void)mcast::join_source_group(no_socket, gs4, s6, any, ec); });
  call("join_with_filter with a source listed twice", errc::source_already_present, [](auto& ec) {
    (void)mcast::join_with_filter(no_socket, g4, any, mcast::filter_mode::exclude, {s4, s4b, s4}, ec);
  });
  call("join_with_filter with mixed families", errc::family_mismatch, [](auto& ec) {
    (void)mcast::join_with_filter(no_socket, g4, any, mcast::filter_mode::include, {s4, s6}, ec);
  });
  call("set_source_filter<api::ipv4> with an IPv6 group", errc::family_mismatch, [](auto& ec) {
    mcast::set_source_filter<mcast::api::ipv4>(no_socket, g6, any, mcast::filter_mode::exclude,
                                               std::vector<mcast::source>{}, ec);
  });
  call("set_source_filter with more sources than a buffer can hold", errc::limit_exceeded,
       [](auto& ec) { mcast::set_source_filter(no_socket, g4, any, mcast::filter_mode::include, huge_range{}, ec); });
  call("set_source_filter with 30 sources, one twice", errc::source_already_present, [](auto& ec) {
    std::vector<mcast::source> many;
    for (int i = 1; i <= 29; ++i)
      many.push_back(mcast::make_source("192.0.2." + std::to_string(i)));
    many.push_back(mcast::make_source("192.0.2.7"));
    mcast::set_source_filter(no_socket, g4, any, mcast::filter_mode::exclude, many, ec);
  });
  call("apply_sequence on two groups", errc::invalid_sequence, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::join_group{g4, any}, o::leave_group{gs4, any});
  });
  call("apply_sequence blocking one source twice", errc::source_already_present, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::join_group{g4, any}, o::block_source{g4, s4, any},
                          o::block_source{g4, s4, any});
  });
  call("apply_sequence unblocking a source not blocked", errc::source_not_present, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::ip_add_membership{g4, any}, o::ip_block_source{g4, s4, any},
                          o::ip_unblock_source{g4, s4b, any});
  });
  call("apply_sequence dropping a source not joined", errc::source_not_present, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::join_source_group{gs4, s4, any}, o::join_source_group{gs4, s4b, any},
                          o::leave_source_group{gs4, s4b, any}, o::leave_source_group{gs4, s4b, any});
  });
  call("apply_sequence joining one source twice", errc::source_already_present, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::ip_add_source_membership{gs4, s4, any},
                          o::ip_add_source_membership{gs4, s4, any});
  });
  call("apply_sequence with a family mismatch inside", errc::family_mismatch, [](auto& ec) {
    mcast::apply_sequence(no_socket, ec, o::join_group{g4, any}, o::block_source{g4, s6, any});
  });
  call("block on a membership that never joined", errc::not_joined, [](auto& ec) {
    std::error_code ignore;
    auto m = mcast::join_group<mcast::api::ipv4>(no_socket, g6, any, ignore);
    (void)m.block(s4, ec);
  });
  call("include on a membership that never joined", errc::not_joined, [](auto& ec) {
    std::error_code ignore;
    auto m = mcast::join_source_group(no_socket, gs4, s6, any, ignore);
    (void)m.include(s4, ec);
  });
  call("set on a filtered membership that never joined", errc::not_joined, [](auto& ec) {
    std::error_code ignore;
    auto m = mcast::join_with_filter(no_socket, g4, any, mcast::filter_mode::include, {s6}, ignore);
    m.set(mcast::filter_mode::exclude, {s4}, ec);
  });
  call("filter() of a filtered membership that never joined", errc::not_joined, [](auto& ec) {
    std::error_code ignore;
    auto m = mcast::join_with_filter(no_socket, g4, any, mcast::filter_mode::include, {s6}, ignore);
    (void)m.filter(ec);
  });
  call("sockaddr of an unknown family", errc::family_mismatch, [](auto& ec) {
    mcast::detail::sockaddr_storage_type ss{};
    (void)mcast::address::from_sockaddr(ss, ec);
  });
  return c;
}

} // namespace

TEST_CASE("bad-input catalogue: each input gets its errc, before any system call", "[catalogue][errors]") {
  const auto entries = catalogue();
  REQUIRE(entries.size() >= 30);
  mcast_test::syscall_recorder rec;
  for (const auto& e : entries) {
    rec.clear();
    const std::error_code ec = e.run();
    INFO(e.what << ": got '" << ec.message() << "'");
    CHECK(ec == e.expected);
    CHECK(rec.count() == 0);
  }
  std::printf("bad-input catalogue: %zu inputs checked for their errc and for no system call\n", entries.size());
}

TEST_CASE("bad sockets get the system's error (one call, nothing else)", "[catalogue][errors]") {
  mcast_test::syscall_recorder rec;
  std::error_code ec;
  mcast::set_option(no_socket, o::ip_add_membership{g4, any}, ec);
  CHECK(ec.category() == std::system_category());
  CHECK(rec.count() == 1);
  rec.clear();
  (void)mcast::get_source_filter(no_socket, g4, any, ec);
  CHECK(ec);
  // Linux and Windows read the socket's family first (which reports the bad socket); elsewhere any() is
  // resolved by the route lookup first where the stack needs it, then the filter is read.
  if constexpr (mcast::detail::checks_socket_family) {
    CHECK(rec.count() == 1);
    CHECK(rec.count(mcast::detail::family_from_protocol_info ? mcast::detail::syscall_kind::local_address
                                                             : mcast::detail::syscall_kind::getsockopt) == 1);
  } else {
    CHECK(rec.count() == (mcast::detail::resolves_any_interface ? 2u : 1u));
    CHECK(rec.count(mcast::detail::syscall_kind::get_filter) == 1);
  }
}
