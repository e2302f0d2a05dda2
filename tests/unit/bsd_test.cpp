// The BSD side (macOS, FreeBSD) where it can be run anywhere: the sockaddr length fields, the
// arguments of libc's setsourcefilter / getsourcefilter built from mcast's filters, and the BSD
// column of the rule table as the error translation reads it. (The headers themselves are
// compiled against the systems' own with cmake/cross-check.sh.)
#include <mcast/mcast.hpp>

#include "catch.hpp"

#include <cstdint>
#include <vector>

namespace d = mcast::detail;

namespace {
// The BSDs' shapes (sys/netinet/in.h, netinet6/in6.h): a length byte, then a one-byte family.
struct bsd_sockaddr_in {
  std::uint8_t sin_len;
  std::uint8_t sin_family;
  std::uint16_t sin_port;
  std::uint32_t sin_addr;
  char sin_zero[8];
};
struct bsd_sockaddr_in6 {
  std::uint8_t sin6_len;
  std::uint8_t sin6_family;
  std::uint16_t sin6_port;
  std::uint32_t sin6_flowinfo;
  unsigned char sin6_addr[16];
  std::uint32_t sin6_scope_id;
};
struct no_length {
  std::uint16_t sin_family;
};
} // namespace

TEST_CASE("sin_len and sin6_len are set where the sockaddr has them", "[bsd]") {
  bsd_sockaddr_in a{};
  d::set_sockaddr_length(a);
  CHECK(a.sin_len == 16);
  bsd_sockaddr_in6 b{};
  d::set_sockaddr_length(b);
  CHECK(b.sin6_len == 28);
  no_length c{};
  d::set_sockaddr_length(c); // Linux, Windows: nothing to set
  CHECK(c.sin_family == 0);
  static_assert(d::has_sin_len<bsd_sockaddr_in>::value && !d::has_sin_len<no_length>::value);
  static_assert(d::has_sin6_len<bsd_sockaddr_in6>::value && !d::has_sin6_len<bsd_sockaddr_in>::value);
  static_assert(d::has_sockaddr_length == (d::is_bsd), "sin_len exactly on the BSDs");
}

TEST_CASE("setsourcefilter / getsourcefilter get their arguments from mcast's filter", "[bsd]") {
  const auto nic = mcast::network_interface::from_address(mcast::make_address("127.0.0.1")); // loopback, any OS
  for (const char* group : {"232.1.2.3", "ff3e::1234"}) {
    INFO(group);
    const auto g = mcast::make_group(group);
    const bool v4 = g.is_v4();
    const std::vector<mcast::source> sources = {mcast::make_source(v4 ? "192.0.2.1" : "2001:db8::1"),
                                                mcast::make_source(v4 ? "192.0.2.2" : "2001:db8::2")};
    d::filter_buffer buf;
    std::error_code ec;
    REQUIRE(d::build_filter<mcast::api::protocol_independent>(buf, g, nic, mcast::filter_mode::include, sources.data(),
                                                              sources.size(), ec));
    auto& f = *reinterpret_cast<d::group_filter_type*>(buf.data());
    const auto a = d::sourcefilter_arguments_of(f);
    CHECK(a.interface_index == nic.index());
    CHECK(static_cast<const void*>(a.group) == static_cast<const void*>(&f.gf_group));
    CHECK(static_cast<std::size_t>(a.group_length) ==
          (v4 ? sizeof(d::sockaddr_in4_type) : sizeof(d::sockaddr_in6_type)));
    CHECK(mcast::address::from_sockaddr(f.gf_group) == g.address());
    CHECK(*a.mode == d::mode_include);
    CHECK(*a.count == 2);
    REQUIRE(static_cast<void*>(a.sources) == static_cast<void*>(buf.data() + d::group_filter_header));
    for (std::size_t i = 0; i < sources.size(); ++i)
      CHECK(mcast::address::from_sockaddr(a.sources[i]) == sources[i].address());
    // getsourcefilter writes the mode and the count through the same pointers.
    *a.count = 7;
    CHECK(f.gf_numsrc == 7);
  }
  // The IPv4 twins: the interface by its address.
  const auto g = mcast::make_group("232.1.2.3");
  const std::vector<mcast::source> one = {mcast::make_source("192.0.2.9")};
  d::filter_buffer buf;
  std::error_code ec;
  REQUIRE(d::build_filter<mcast::api::ipv4>(buf, g, nic, mcast::filter_mode::exclude, one.data(), one.size(), ec));
  auto& f = *reinterpret_cast<d::ip_msfilter_type*>(buf.data());
  const auto a = d::ipv4_sourcefilter_arguments_of(f);
  CHECK(mcast::address(a.interface_address) == nic.ipv4_address());
  CHECK(mcast::address(a.group) == g.address());
  CHECK(*a.mode == d::mode_exclude);
  CHECK(*a.count == 1);
  CHECK(mcast::address(a.sources[0]) == one[0].address());
}

TEST_CASE("the BSD column: what macOS and FreeBSD answer, read as the rule table says", "[bsd][rules]") {
  using d::mstate;
  using op = d::operation;
  const auto bsd = d::stack_column::bsd_column;
  struct expect {
    op operation;
    unsigned code;
    mstate state;
    mcast::errc meaning;
  };
  // From in_mcast.c / in6_mcast.c (xnu and FreeBSD alike).
  for (const auto& e : {
           expect{op::join_any, d::rc_addrinuse, mstate::any, mcast::errc::already_joined}, // join twice
           expect{op::join_any, d::rc_inval, mstate::src, mcast::errc::already_joined},     // ASM join on SSM
           expect{op::join_source, d::rc_inval, mstate::any, mcast::errc::already_joined},  // SSM join on ASM
           expect{op::join_source, d::rc_addrnotavail, mstate::src, mcast::errc::source_already_present},
           expect{op::block, d::rc_addrnotavail, mstate::any, mcast::errc::source_already_present},
           expect{op::block, d::rc_inval, mstate::src, mcast::errc::wrong_mode},
           expect{op::unblock, d::rc_addrnotavail, mstate::any, mcast::errc::source_not_present},
           expect{op::leave_source, d::rc_addrnotavail, mstate::any, mcast::errc::wrong_mode},
           expect{op::leave_source, d::rc_addrnotavail, mstate::src, mcast::errc::source_not_present},
           expect{op::leave_group, d::rc_addrnotavail, mstate::none, mcast::errc::not_joined},
           expect{op::block, d::rc_addrnotavail, mstate::none, mcast::errc::not_joined},
           expect{op::get_filter, d::rc_addrnotavail, mstate::none, mcast::errc::not_joined},
           expect{op::set_filter, d::rc_addrnotavail, mstate::none, mcast::errc::not_joined},
       }) {
    const d::rule r = d::rule_answered(e.operation, e.code, e.state, bsd);
    INFO("operation " << static_cast<int>(e.operation) << ", code " << e.code << ", state "
                      << static_cast<int>(e.state));
    REQUIRE(r != d::rule::ok);
    CHECK(d::row_of(r).code == e.meaning);
  }
  // Where the BSDs differ from Linux: an any-source join on a source-specific membership is
  // EINVAL there (EADDRINUSE on Linux), and a source leave on an any-source one EADDRNOTAVAIL.
  CHECK(d::rule_answered(op::join_any, d::rc_inval, mstate::src, d::stack_column::linux_column) == d::rule::ok);
  CHECK(d::rule_answered(op::join_any, d::rc_inval, mstate::src, bsd) == d::rule::any_join_on_source);
  // This platform translates by its own column.
  CHECK(d::this_stack == (d::is_windows ? d::stack_column::windows_column
                          : d::is_bsd   ? d::stack_column::bsd_column
                                        : d::stack_column::linux_column));
}
