// batch.hpp without a network, on every platform (Windows: MinGW + Wine, and clang's MSVC mode):
// the refusals and n == 0 come before any system call, and both forms of receive_batch and
// send_batch (every platform's loop form included) compile and instantiate.
#include <mcast/batch.hpp>

#include "catch.hpp"
#include "support/hook.hpp"

#include <system_error>

TEST_CASE("receive_batch and send_batch refuse null buffers and take n == 0 before any system call", "[batch]") {
  char space[16];
  mcast::receive_buffer bufs[2] = {{space, sizeof space}, {nullptr, 8}};
  mcast::datagram ds[2];
  const mcast::send_buffer out[2] = {{space, 4}, {nullptr, 4}};
  const auto g = mcast::make_group("239.1.2.3");
  const mcast::native_handle_type s = mcast::detail::invalid_native_handle;
  mcast_test::syscall_recorder rec;
  std::error_code ec = make_error_code(std::errc::io_error);
  CHECK(mcast::receive_batch(s, bufs, ds, 0, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(mcast::receive_batch(s, bufs, ds, 2, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK_THROWS_AS(mcast::receive_batch(s, bufs, ds, 2), std::system_error);
  CHECK(mcast::send_batch(s, g, 5000, out, 0, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(mcast::send_batch(s, g, 5000, out, 2, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK_THROWS_AS(mcast::send_batch(s, g, 5000, out, 2), std::system_error);
  CHECK(rec.count() == 0);
}

TEST_CASE("datagram::multicast() without a system call", "[batch]") {
  mcast::datagram d;
  CHECK(d.multicast()); // destination unknown
  d.destination = mcast::make_address("239.1.2.3");
  CHECK(d.multicast());
  d.destination = mcast::make_address("192.0.2.7");
  CHECK_FALSE(d.multicast());
}

TEST_CASE("receive_timestamp and receive_drops: errc::unsupported before any system call where the stack lacks them",
          "[batch]") {
  namespace o = mcast::option;
  const mcast::native_handle_type s = mcast::detail::invalid_native_handle;
  mcast_test::syscall_recorder rec;
  std::error_code ec;
  mcast::set_option(s, o::receive_timestamp{true}, ec);
  // Linux, macOS, FreeBSD: the call is made (and fails on the invalid socket); Windows: refused.
  CHECK((ec == mcast::errc::unsupported) == !mcast::detail::has_receive_timestamp);
  mcast::set_option(s, o::receive_drops{true}, ec);
  CHECK((ec == mcast::errc::unsupported) == !mcast::detail::has_receive_drops);
  CHECK(rec.count() == (mcast::detail::has_receive_timestamp ? 1u : 0u) + (mcast::detail::has_receive_drops ? 1u : 0u));
  CHECK(mcast::detail::has_receive_timestamp == !mcast::detail::is_windows);
  CHECK(mcast::detail::has_receive_drops == mcast::detail::is_linux);
  // Off: a datagram has neither.
  const mcast::datagram d;
  CHECK_FALSE(d.timestamp.has_value());
  CHECK_FALSE(d.drops.has_value());
}

#if defined(__linux__)
#include <netinet/udp.h>

TEST_CASE("send_batch's UDP GSO numbers are Linux's, and runs are cut as documented", "[batch][linux]") {
  STATIC_REQUIRE(mcast::detail::sol_udp == SOL_UDP);
  STATIC_REQUIRE(mcast::detail::udp_segment == UDP_SEGMENT);
  using mcast::detail::segment_run;
  char b[2000] = {};
  auto run = [&](std::initializer_list<std::size_t> sizes) {
    std::vector<mcast::send_buffer> v;
    for (const std::size_t n : sizes)
      v.push_back({b, n});
    return segment_run(v.data(), v.size());
  };
  CHECK(run({10, 10}) == 2);                             // all of them, however few
  CHECK(run({10, 10, 4}) == 3);                          // a shorter last one
  CHECK(run({10, 10, 12}) == 0);                         // a longer one: two is too short a run
  CHECK(run({10, 10, 10, 10, 10, 10, 10, 10, 12}) == 8); // a run of 8, then other sizes
  CHECK(run({10, 10, 10, 10, 10, 10, 10, 4, 10}) == 8);  // the shorter one ends the run
  CHECK(run({10, 10, 10, 10, 10, 10, 10, 0, 10}) == 0);  // an empty datagram cannot be a segment
  CHECK(run({0, 0}) == 0);
  CHECK(run({10}) == 0);
  CHECK(run({1500, 1500}) == 2);
  std::vector<mcast::send_buffer> big(64, mcast::send_buffer{b, 1316});                  // 7 MPEG-TS packets each
  CHECK(segment_run(big.data(), big.size()) == mcast::detail::udp_segment_bytes / 1316); // 49: within 65507 bytes
}
#endif
