// source_filter.hpp: the exact bytes of GROUP_FILTER and ip_msfilter for 0, 1 and many sources,
// and the checks made before any system call.
#include <mcast/source_filter.hpp>

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/platform.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

using namespace mcast_test;

namespace {
std::vector<mcast::source> sources_v4(std::size_t n) {
  std::vector<mcast::source> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(mcast::make_source("192.0.2." + std::to_string(i + 1)));
  return out;
}
} // namespace

TEST_CASE("GROUP_FILTER layout is pinned", "[source_filter]") {
  CHECK(offsetof(test_group_filter, gf_fmode) == 136);
  CHECK(offsetof(test_group_filter, gf_numsrc) == 140);
  CHECK(offsetof(test_group_filter, gf_slist) == 144);
  CHECK(offsetof(test_ip_msfilter, imsf_fmode) == 8);
  CHECK(offsetof(test_ip_msfilter, imsf_numsrc) == 12);
  CHECK(offsetof(test_ip_msfilter, imsf_slist) == 16);
#if defined(_WIN32)
  CHECK(MCAST_INCLUDE == 0);
  CHECK(MCAST_EXCLUDE == 1);
#elif defined(__linux__)
  CHECK(MCAST_INCLUDE == 1);
  CHECK(MCAST_EXCLUDE == 0);
#endif
}

TEST_CASE("GROUP_FILTER bytes for 0, 1 and many sources", "[source_filter]") {
  const auto g = mcast::make_group("239.1.2.3");
  const auto nic = mcast::network_interface::any();
  for (std::size_t n : {0u, 1u, 9u, 40u}) {
    const auto src = sources_v4(n);
    for (auto mode : {mcast::filter_mode::include, mcast::filter_mode::exclude}) {
      mcast::detail::filter_buffer buf;
      std::error_code ec;
      REQUIRE(mcast::detail::build_filter<mcast::api::protocol_independent>(buf, g, nic, mode, src.data(), n, ec));
      const std::size_t expected_size = n == 0 ? sizeof(test_group_filter) : 144 + n * sizeof(sockaddr_storage);
      CHECK(buf.size() == std::max(expected_size, sizeof(test_group_filter)));
      // What a user of the platform's headers would have built, field by field.
      std::vector<unsigned char> expected(buf.size(), 0);
      auto* f = reinterpret_cast<test_group_filter*>(expected.data());
      f->gf_interface = 0;
      f->gf_group = ss4("239.1.2.3");
      f->gf_fmode = mode == mcast::filter_mode::include ? MCAST_INCLUDE : MCAST_EXCLUDE;
      f->gf_numsrc = static_cast<decltype(f->gf_numsrc)>(n);
      for (std::size_t i = 0; i < n; ++i) {
        const sockaddr_storage ss = ss4(("192.0.2." + std::to_string(i + 1)).c_str());
        std::memcpy(expected.data() + 144 + i * sizeof ss, &ss, sizeof ss);
      }
      INFO("n=" << n);
      CHECK(std::memcmp(buf.data(), expected.data(), buf.size()) == 0);
    }
  }
}

TEST_CASE("GROUP_FILTER bytes for IPv6", "[source_filter]") {
  const auto g = mcast::make_group("ff3e::1234");
  const std::vector<mcast::source> src{mcast::make_source("2001:db8::2"), mcast::make_source("2001:db8::3")};
  mcast::detail::filter_buffer buf;
  std::error_code ec;
  REQUIRE(mcast::detail::build_filter<mcast::api::protocol_independent>(
      buf, g, mcast::network_interface::any(), mcast::filter_mode::include, src.data(), 2, ec));
  const sockaddr_storage s2 = ss6("2001:db8::3");
  CHECK(std::memcmp(buf.data() + 144 + sizeof(sockaddr_storage), &s2, sizeof s2) == 0);
  const sockaddr_storage gg = ss6("ff3e::1234");
  CHECK(std::memcmp(buf.data() + 8, &gg, sizeof gg) == 0);
}

TEST_CASE("ip_msfilter bytes for 0, 1 and many sources", "[source_filter]") {
  const auto g = mcast::make_group("239.1.2.3");
  const auto nic = mcast::network_interface::any();
  for (std::size_t n : {0u, 1u, 9u, 200u}) {
    const auto src = sources_v4(n);
    mcast::detail::filter_buffer buf;
    std::error_code ec;
    REQUIRE(mcast::detail::build_filter<mcast::api::ipv4>(buf, g, nic, mcast::filter_mode::exclude, src.data(), n, ec));
    std::vector<unsigned char> expected(buf.size(), 0);
    auto* f = reinterpret_cast<test_ip_msfilter*>(expected.data());
    f->imsf_multiaddr = v4("239.1.2.3");
    f->imsf_interface = v4("0.0.0.0");
    f->imsf_fmode = MCAST_EXCLUDE;
    f->imsf_numsrc = static_cast<decltype(f->imsf_numsrc)>(n);
    for (std::size_t i = 0; i < n; ++i) {
      const in_addr a = v4(("192.0.2." + std::to_string(i + 1)).c_str());
      std::memcpy(expected.data() + 16 + i * 4, &a, 4);
    }
    INFO("n=" << n);
    CHECK(buf.size() == std::max<std::size_t>(16 + 4 * n, sizeof(test_ip_msfilter)));
    CHECK(std::memcmp(buf.data(), expected.data(), buf.size()) == 0);
  }
}

TEST_CASE("bad filters are refused before any system call", "[source_filter][errors]") {
  syscall_recorder rec;
  const auto g = mcast::make_group("239.1.2.3");
  const auto nic = mcast::network_interface::any();
  std::error_code ec;
  mcast::set_source_filter(-1, g, nic, mcast::filter_mode::include, {mcast::make_source("2001:db8::1")}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  const auto s = mcast::make_source("192.0.2.1");
  mcast::set_source_filter(-1, g, nic, mcast::filter_mode::exclude, {s, mcast::make_source("192.0.2.2"), s}, ec);
  CHECK(ec == mcast::errc::source_already_present);
  mcast::set_source_filter<mcast::api::ipv4>(-1, mcast::make_group("ff15::1"), nic, mcast::filter_mode::exclude,
                                             std::vector<mcast::source>{}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  std::size_t bytes = 0;
  CHECK(!mcast::detail::filter_bytes(std::numeric_limits<std::size_t>::max() / 64, 144, 128, bytes));
  CHECK(rec.count() == 0);
}

TEST_CASE("a source count the system call cannot carry is refused before anything is allocated",
          "[source_filter][errors]") {
  namespace d = mcast::detail;
  std::size_t bytes = 0;
  // The longest list that fits the call's length, and one more source.
  const std::size_t fits = (d::max_option_length - d::group_filter_header) / sizeof(d::sockaddr_storage_type);
  CHECK(d::filter_bytes(fits, d::group_filter_header, sizeof(d::sockaddr_storage_type), bytes));
  CHECK(bytes <= d::max_option_length);
  CHECK(!d::filter_bytes(fits + 1, d::group_filter_header, sizeof(d::sockaddr_storage_type), bytes));
  // 2^25 sources of 128 bytes: 4 GiB, past Winsock's DWORD and Linux's int. build_filter stops at
  // the count: the list (null here) is never read and no buffer is reserved.
  d::filter_buffer buf;
  std::error_code ec;
  CHECK(!d::build_filter<mcast::api::protocol_independent>(
      buf, mcast::make_group("239.1.2.3"), mcast::network_interface::from_index(1), mcast::filter_mode::include,
      nullptr, std::size_t(1) << 25, ec));
  CHECK(ec == mcast::errc::limit_exceeded);
  CHECK(buf.size() == 0);
}

// The one sort mcast does (long lists' duplicate check, get_source_filter's result): against
// std::sort, for every length up to 70 and lists with and without repeats.
TEST_CASE("filter lists sort like std::sort, and duplicates are found in long lists", "[source_filter]") {
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (std::size_t n = 0; n <= 70; ++n) {
    for (std::uint32_t spread : {3u, 1000u}) {
      std::vector<mcast::source> list;
      for (std::size_t i = 0; i < n; ++i)
        list.push_back(mcast::make_source("10.0." + std::to_string(next() % spread % 250) + "." +
                                          std::to_string(next() % 250 + 1)));
      auto expected = list;
      std::sort(expected.begin(), expected.end());
      mcast::detail::heap_sort(list.data(), list.size());
      CHECK(list == expected);
    }
  }
  auto distinct = sources_v4(40);
  std::error_code ec;
  CHECK(!mcast::detail::has_duplicates(distinct.data(), distinct.size(), ec));
  for (std::size_t at : {std::size_t{0}, std::size_t{17}, std::size_t{39}}) {
    auto twice = distinct;
    twice[at] = distinct[at == 0 ? 39 : 0];
    CHECK(mcast::detail::has_duplicates(twice.data(), twice.size(), ec));
  }
  CHECK(!ec);
}

// Where the stack needs it (Linux) a public filter call reads the socket's family first (one
// getsockopt, as the handles' joins do): on this bad socket that read reports the error and
// nothing follows. The netns tests count the calls on real sockets.
TEST_CASE("a filter call is exactly one system call (after the socket's family, where it is read)", "[source_filter]") {
  // A named interface (any() costs a route lookup first where the stack needs one: Linux).
  const auto lo = mcast::detail::resolves_any_interface ? mcast::network_interface::from_name("lo")
                                                        : mcast::network_interface::any();
  syscall_recorder rec;
  std::error_code ec;
  mcast::set_source_filter(-1, mcast::make_group("239.1.2.3"), lo, mcast::filter_mode::include, sources_v4(5), ec);
  CHECK(ec); // a bad socket, reported by the system
  CHECK(rec.count() == 1);
  namespace d = mcast::detail;
  const auto family_read = d::family_from_protocol_info ? d::syscall_kind::local_address : d::syscall_kind::getsockopt;
  CHECK(rec.count(d::checks_socket_family ? family_read : d::syscall_kind::set_filter) == 1);
}

TEST_CASE("a filter call on any() first asks the route to the group where the stack needs it", "[source_filter]") {
  syscall_recorder rec;
  std::error_code ec;
  mcast::set_source_filter(-1, mcast::make_group("239.1.2.3"), mcast::network_interface::any(),
                           mcast::filter_mode::include, sources_v4(5), ec);
  CHECK(ec);
  // (Linux: the socket's family is read before the lookup, and this bad socket stops it there.)
  const std::size_t lookups = mcast::detail::resolves_any_interface && !mcast::detail::checks_socket_family ? 1 : 0;
  CHECK(rec.count(mcast::detail::syscall_kind::route_lookup) == lookups);
}
