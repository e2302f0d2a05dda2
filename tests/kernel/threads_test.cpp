// Thread-safety contract: distinct handles on distinct sockets may be used from different threads
// at once (the library has no shared mutable state; the hook is for tests only). Run under
// ThreadSanitizer by the tsan preset. Catch2's assertions are not thread-safe: the threads count
// failures and the test checks the counts after joining them.
#include "catch.hpp"
#include "support/net.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace mcast_test;

TEST_CASE("distinct handles on distinct sockets from several threads", "[kernel][threads]") {
  const auto lo = mcast::network_interface::from_name("lo");
  const auto s2 = mcast::make_source("127.0.0.2");
  const auto s3 = mcast::make_source("127.0.0.3");
  std::atomic<int> failures{0}, operations{0};
  std::vector<mcast::group> groups;
  for (int t = 0; t < 4; ++t)
    groups.push_back(fresh_group());
  const auto gs = fresh_group(mcast::family::v4, true); // the same group on different sockets is fine
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::uint16_t port = 0;
      socket_fd sock = udp_receiver(mcast::family::v4, port);
      for (int i = 0; i < 200; ++i) {
        std::error_code ec;
        {
          auto conf = mcast::join_group(sock, groups[static_cast<std::size_t>(t)], lo, ec);
          failures += !!ec;
          auto b = conf.block(t % 2 ? s2 : s3, ec);
          failures += !!ec;
          b.unblock(ec);
          failures += !!ec;
        }
        {
          auto radio = mcast::join_source_group(sock, gs, s2, lo, ec);
          failures += !!ec;
          auto extra = radio.include(s3, ec);
          failures += !!ec;
          auto f = mcast::get_source_filter(sock, gs, lo, ec);
          failures += !!ec || f.sources.size() != 2;
        }
        operations += 6;
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(failures == 0);
  CHECK(operations == 4 * 200 * 6);
  for (const auto& g : groups)
    CHECK(!kernel_has_group(g));
}
