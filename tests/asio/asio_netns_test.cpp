// asio.hpp's async_receive on IPv6 and dual-stack sockets. IPv6 multicast is sent only inside a
// private network namespace (netns/main.cpp enters one, with 2001:db8::1-3 on lo and ff00::/8
// routed there), so these run in their own program.
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"
#include "support/net.hpp"

#include <string>
#include <vector>

using namespace mcast_test;
namespace o = mcast::option;

TEST_CASE("async_receive on an IPv6 socket and a dual-stack one: each datagram with its source, group and interface",
          "[netns][asio]") {
  struct variant {
    const char* name;
    bool v6only;
    mcast::family group_family;
    const char* source;
  };
  for (const variant v : {variant{"IPv6", true, mcast::family::v6, "2001:db8::2"},
                          variant{"dual-stack, IPv6 group", false, mcast::family::v6, "2001:db8::3"},
                          variant{"dual-stack, IPv4 group", false, mcast::family::v4, "127.0.0.2"}}) {
    INFO(v.name);
    asio::io_context io;
    asio::ip::udp::socket rx(io, asio::ip::udp::v6());
    rx.set_option(asio::ip::v6_only(v.v6only));
    const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v6, 0);
    mcast::set_option(rx, o::ipv6_recvpktinfo{true});
    if (v.group_family == mcast::family::v4)
      mcast::set_option(rx, o::ip_pktinfo{true});
    const auto lo = mcast::network_interface::from_name("lo");
    const auto g = fresh_group(v.group_family);
    auto member = mcast::join_group(rx, g, lo);
    const auto other = fresh_group(v.group_family); // not joined: nothing of it may arrive

    std::vector<mcast::datagram> got;
    std::vector<std::string> payloads;
    std::array<char, 64> buf{};
    std::function<void()> next = [&] {
      mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
        REQUIRE_FALSE(ec);
        got.push_back(d);
        payloads.emplace_back(buf.data(), d.size);
        if (got.size() < 2)
          next();
      });
    };
    next();
    socket_fd tx = udp_sender(mcast::make_source(v.source));
    send_one(tx, other, port, "not joined");
    send_one(tx, g, port, "one");
    send_one(tx, g, port, "two");
    CHECK(got.empty()); // nothing completes before the io_context runs
    io.run_for(std::chrono::seconds(5));
    REQUIRE(got.size() == 2);
    CHECK(payloads == std::vector<std::string>{"one", "two"});
    for (const auto& d : got) {
      CHECK(d.source.to_string() == v.source); // IPv4 on the dual-stack socket comes out unmapped
      REQUIRE(d.destination.has_value());
      CHECK(*d.destination == g.address());
      CHECK(d.interface_index == lo.index());
    }
  }
}
