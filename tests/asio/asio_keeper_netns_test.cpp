// mcast::async_run: a keeper on an Asio io_context, in the test's private namespace. A veth end
// deleted and made again: the kept membership comes back with no call but io.run_for().
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <chrono>

using namespace mcast_test;

TEST_CASE("async_run: a keeper on an io_context re-joins a re-created interface", "[netns][asio][keeper]") {
  netlink nl;
  write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  nl.add_local_veth("aka", "akb", "198.51.100.1");
  const unsigned first = ::if_nametoindex("aka");
  asio::io_context io;
  asio::ip::udp::socket sock(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  mcast::keeper k(sock);
  int lost = 0, restored = 0;
  k.on_event([&](const mcast::membership_event& e) {
    lost += e.what == mcast::membership_change::lost ? 1 : 0;
    restored += e.what == mcast::membership_change::restored ? 1 : 0;
  });
  const auto g = fresh_group();
  auto m = k.join_group(g, mcast::network_interface::from_name("aka"));
  auto runner = mcast::async_run(k, io.get_executor());
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = static_cast<int>(first);
  netlink::message del(RTM_DELLINK, 0, &ifi, sizeof ifi);
  nl.request(del, "RTM_DELLINK");
  for (int i = 0; i < 100 && lost == 0; ++i)
    io.run_for(std::chrono::milliseconds(20));
  CHECK(lost == 1);
  nl.add_veth("aka", "akb", ::getpid());
  link_up("aka");
  for (int i = 0; i < 100 && restored == 0; ++i)
    io.run_for(std::chrono::milliseconds(20));
  CHECK(restored == 1);
  CHECK(m.index() == ::if_nametoindex("aka"));
  CHECK(m.index() != first);
  CHECK(kernel_group_interface(g) == m.index());
  CHECK(!runner->error());
  runner->stop();
  m.leave();
}
