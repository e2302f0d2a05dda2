// A program using mcast the way an application would; prints "consumer OK".
#include <mcast/mcast.hpp>
#if defined(MCAST_CONSUMER_ASIO)
#include <mcast/asio.hpp>
#include <asio.hpp>
#endif

#include <cstdio>

// pkg-config's flags must not choose the language standard for the consumer.
#if defined(MCAST_EXPECT_CPLUSPLUS)
static_assert(__cplusplus == MCAST_EXPECT_CPLUSPLUS, "the consumer's -std was overridden");
#endif

int main() {
  const auto g = mcast::make_group("239.1.2.3");
  const auto s = mcast::make_source("192.0.2.1");
  const mcast::option::block_source opt{g, s, mcast::network_interface::any()};
  static_assert(mcast::is_valid_sequence<mcast::option::join_group, mcast::option::block_source>);
  std::error_code ec;
  (void)mcast::make_group("10.0.0.1", ec);
  if (ec != mcast::errc::not_multicast || opt.check())
    return 1;
#if defined(MCAST_CONSUMER_ASIO)
  asio::io_context io;
  asio::ip::udp::socket sock(io, asio::ip::udp::v4());
  if (mcast::to_asio(g) != asio::ip::make_address("239.1.2.3"))
    return 1;
  std::printf("consumer OK (with Asio)\n");
#else
  std::printf("consumer OK\n");
#endif
  return 0;
}
