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

// An out-of-range TTL, hop limit, TOS or traffic class never reaches the kernel, through any door.
// Each option made from one names no option and carries no bytes (name() -1, size() 0), so Asio's
// set_option and a raw setsockopt of its level()/name()/data()/size() are refused by the kernel
// (ENOPROTOOPT) with the socket's setting unchanged, and mcast::set_option refuses it first with
// errc::invalid_value. Before: Asio's set_option of ip_multicast_ttl{-1} succeeded (Linux reads -1
// as "the default": the TTL fell from 7 to 1); and a length of 0 alone let IP_TOS through as 0.
TEST_CASE("an out-of-range TTL or hop limit is refused through Asio, mcast::set_option and setsockopt alike",
          "[netns][asio][socket_options]") {
  asio::io_context io;
  asio::ip::udp::socket s4(io, asio::ip::udp::v4());
  asio::ip::udp::socket s6(io, asio::ip::udp::v6());
  mcast::set_option(s4, o::ip_multicast_ttl{7});
  mcast::set_option(s6, o::ipv6_multicast_hops{7});
  auto ttl_now = [&] {
    o::ip_multicast_ttl t;
    mcast::get_option(s4, t);
    return t.value();
  };
  auto hops_now = [&] {
    o::ipv6_multicast_hops h;
    mcast::get_option(s6, h);
    return h.value();
  };
  auto refused_everywhere = [](auto& sock, const auto& opt, const auto& protocol) {
    std::error_code ec;
    sock.set_option(opt, ec); // Asio
    CHECK(ec);
    CHECK_THROWS_AS(sock.set_option(opt), asio::system_error);
    mcast::set_option(sock, opt, ec);
    CHECK(ec == mcast::errc::invalid_value);
    CHECK(mcast::system_error_of(ec) == std::error_code()); // refused before any system call
    // Raw: what Asio hands the kernel -- no bytes, so no value of it reaches the kernel -- handed
    // over by hand.
    CHECK(opt.size(protocol) == 0);
    CHECK(opt.name(protocol) == -1);
    CHECK(::setsockopt(sock.native_handle(), opt.level(protocol), opt.name(protocol), opt.data(protocol),
                       static_cast<socklen_t>(opt.size(protocol))) == -1);
  };
  for (int bad : {-1, -2, 256, 1000, -1000}) {
    INFO("TTL " << bad);
    refused_everywhere(s4, o::ip_multicast_ttl{bad}, asio::ip::udp::v4());
    CHECK(ttl_now() == 7);
  }
  for (int bad : {-2, 256, 1000, -1000}) {
    INFO("hops " << bad);
    refused_everywhere(s6, o::ipv6_multicast_hops{bad}, asio::ip::udp::v6());
    CHECK(hops_now() == 7);
  }
  // The ends of each range pass through Asio as they are.
  s4.set_option(o::ip_multicast_ttl{0});
  CHECK(ttl_now() == 0);
  s4.set_option(o::ip_multicast_ttl{255});
  CHECK(ttl_now() == 255);
  s6.set_option(o::ipv6_multicast_hops{255});
  CHECK(hops_now() == 255);
  s6.set_option(o::ipv6_multicast_hops{-1}); // the route's default: Linux reads back 1
  CHECK(hops_now() == 1);
  // The DS field options, the same way: out of range refused everywhere, the setting kept.
  s4.set_option(o::ip_tos{184});
  s6.set_option(o::ipv6_tclass{184});
  auto tos_now = [&] {
    o::ip_tos t;
    s4.get_option(t);
    return t.value();
  };
  auto tclass_now = [&] {
    o::ipv6_tclass t;
    s6.get_option(t);
    return t.value();
  };
  CHECK(tos_now() == 184);
  CHECK(tclass_now() == 184);
  for (int bad : {-1, 256}) {
    refused_everywhere(s4, o::ip_tos{bad}, asio::ip::udp::v4());
    CHECK(tos_now() == 184);
  }
  for (int bad : {-2, 256}) {
    refused_everywhere(s6, o::ipv6_tclass{bad}, asio::ip::udp::v6());
    CHECK(tclass_now() == 184);
  }
}
