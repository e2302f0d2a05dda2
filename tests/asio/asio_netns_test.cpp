// asio.hpp's async_receive on IPv6 and dual-stack sockets. IPv6 multicast is sent only inside a
// private network namespace (netns/main.cpp enters one, with 2001:db8::1-3 on lo and ff00::/8
// routed there), so these run in their own program.
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <time.h>

#include <optional>
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

namespace {
std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

bool error_queue_pending(int fd, int ms) {
  pollfd p{fd, 0, 0}; // POLLERR is reported whatever is asked
  return ::poll(&p, 1, ms) > 0 && (p.revents & POLLERR) != 0;
}
} // namespace

// Readiness that no receive consumes -- an entry on the socket's error queue (an ICMP error with
// IP_RECVERR, a transmit timestamp with SO_TIMESTAMPING) keeps the socket "ready" (EPOLLERR) --
// must not wake async_receive over and over: it waits without spinning and completes with the
// next datagram, leaving the error queue to whoever reads it. Before: the receive behind an
// async_wait(wait_read) was retried tens of thousands of times a second, never completing.
TEST_CASE("async_receive waits without spinning while the socket's error queue holds an entry (IP_RECVERR, "
          "transmit timestamps)",
          "[netns][asio]") {
  for (const bool icmp : {true, false}) {
    INFO((icmp ? "IP_RECVERR, an ICMP port unreachable" : "SO_TIMESTAMPING, a transmit timestamp"));
    asio::io_context io;
    asio::ip::udp::socket rx(io, asio::ip::udp::v4());
    const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
    mcast::set_option(rx, o::ip_pktinfo{true});
    const auto lo = mcast::network_interface::from_name("lo");
    const auto g = fresh_group();
    auto member = mcast::join_group(rx, g, lo);
    // A unicast datagram from rx itself: to a port nobody holds (ICMP port unreachable), or to
    // a socket that takes it (the transmit timestamp is the only entry).
    std::uint16_t sink_port = 0;
    socket_fd sink = udp_receiver(mcast::family::v4, sink_port);
    if (icmp) {
      const int on = 1;
      check_sys(::setsockopt(rx.native_handle(), IPPROTO_IP, IP_RECVERR, &on, sizeof on) == 0, "IP_RECVERR");
      sink = socket_fd(); // closed: the port is free again
    } else {
      const int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
      check_sys(::setsockopt(rx.native_handle(), SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) == 0,
                "SO_TIMESTAMPING");
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(sink_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check_sys(::sendto(rx.native_handle(), "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 1, "sendto");
    REQUIRE(error_queue_pending(rx.native_handle(), 1000));
    std::array<char, 64> buf{};
    if (icmp) {
      // The kernel reports the ICMP error to the next receive once (as to mcast::receive).
      std::optional<std::error_code> first;
      mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram) { first = ec; });
      io.run_for(std::chrono::seconds(2));
      REQUIRE(first.has_value());
      CHECK(*first == std::errc::connection_refused);
      io.restart();
    }
    REQUIRE(error_queue_pending(rx.native_handle(), 0));

    socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
    for (const bool batch : {false, true}) {
      INFO((batch ? "async_receive_batch" : "async_receive"));
      std::optional<std::error_code> result;
      mcast::datagram got;
      std::array<mcast::receive_buffer, 4> bufs{};
      for (auto& b : bufs)
        b = {buf.data(), buf.size()};
      std::array<mcast::datagram, 4> ds{};
      std::size_t count = 0;
      std::size_t receives = 0;
      std::chrono::nanoseconds cpu{};
      {
        syscall_recorder calls;
        if (batch)
          mcast::async_receive_batch(rx, bufs.data(), ds.data(), 1, [&](std::error_code ec, std::size_t n) {
            result = ec;
            count = n;
            got = ds[0];
          });
        else
          mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
            result = ec;
            count = 1;
            got = d;
          });
        const auto cpu_before = thread_cpu_time();
        io.restart();
        io.run_for(std::chrono::milliseconds(200));
        cpu = thread_cpu_time() - cpu_before;
        receives =
            calls.count(mcast::detail::syscall_kind::receive) + calls.count(mcast::detail::syscall_kind::receive_batch);
      }
      CHECK_FALSE(result.has_value()); // nothing to read: still waiting
      INFO("receive attempts in 200 ms: " << receives << ", CPU time: " << cpu.count() / 1000 << " us");
      CHECK(receives <= 2);
      CHECK(cpu < std::chrono::milliseconds(40));
      CHECK(error_queue_pending(rx.native_handle(), 0)); // left for whoever reads the error queue

      send_one(tx, g, port, "late");
      io.restart();
      for (int i = 0; i < 50 && !result; ++i)
        io.run_for(std::chrono::milliseconds(100));
      REQUIRE(result.has_value());
      CHECK_FALSE(*result);
      CHECK(count == 1);
      CHECK(std::string(buf.data(), got.size) == "late");
      REQUIRE(got.destination.has_value());
      CHECK(*got.destination == g.address());
    }
  }
}

// A datagram already queued is taken by the initiating call itself (one receive, before any
// wait), and the completion still comes through the io_context, never inside that call.
TEST_CASE("async_receive and async_receive_batch receive first and post a first-try success", "[netns][asio]") {
  asio::io_context io;
  asio::ip::udp::socket rx(io, asio::ip::udp::v4());
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::set_option(rx, o::ip_pktinfo{true});
  const auto g = fresh_group();
  auto member = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  auto queued = [&] {
    pollfd p{rx.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 1000) > 0;
  };
  std::array<char, 64> buf{};
  {
    send_one(tx, g, port, "queued");
    REQUIRE(queued());
    std::optional<mcast::datagram> got;
    syscall_recorder calls;
    mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
      CHECK_FALSE(ec);
      got = d;
    });
    CHECK(calls.count(mcast::detail::syscall_kind::receive) == 1); // received inside the initiation
    CHECK_FALSE(got.has_value());                                  // but not completed there
    io.run_for(std::chrono::seconds(2));
    REQUIRE(got.has_value());
    CHECK(std::string(buf.data(), got->size) == "queued");
    CHECK(calls.count(mcast::detail::syscall_kind::receive) == 1);
  }
  {
    for (int i = 0; i < 3; ++i)
      send_one(tx, g, port, "q" + std::to_string(i));
    REQUIRE(queued());
    std::array<std::array<char, 16>, 8> storage{};
    std::array<mcast::receive_buffer, 8> bufs{};
    for (std::size_t i = 0; i < bufs.size(); ++i)
      bufs[i] = {storage[i].data(), storage[i].size()};
    std::array<mcast::datagram, 8> ds{};
    std::optional<std::size_t> n;
    syscall_recorder calls;
    mcast::async_receive_batch(rx, bufs.data(), ds.data(), ds.size(), [&](std::error_code ec, std::size_t count) {
      CHECK_FALSE(ec);
      n = count;
    });
    CHECK(calls.count(mcast::detail::syscall_kind::receive_batch) == 1);
    CHECK_FALSE(n.has_value());
    io.restart();
    io.run_for(std::chrono::seconds(2));
    REQUIRE(n.has_value());
    REQUIRE(*n == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(std::string(storage[i].data(), ds[i].size) == "q" + std::to_string(i));
      REQUIRE(ds[i].destination.has_value());
      CHECK(*ds[i].destination == g.address());
    }
  }
}

// A receive loop chains (asio.hpp) on every socket kind and interface form, and through failures:
// with 2 x MCAST_ASIO_CHAIN_LIMIT + 1 datagrams queued, a handler posted from the first completion
// runs after MCAST_ASIO_CHAIN_LIMIT of them; two receives in a row that fail (ENOMEM, injected)
// complete with their error in their place, and nothing queued is lost or reordered.
TEST_CASE("a receive loop chains on IPv4 and IPv6, any() and lo, dual-stack sockets, and through two failed "
          "receives in a row",
          "[netns][asio]") {
  constexpr std::size_t limit = MCAST_ASIO_CHAIN_LIMIT, total = 2 * limit + 1;
  struct variant {
    const char* name;
    bool v6_socket;
    bool v6only;
    mcast::family group_family;
    bool any;
    const char* source;
  };
  for (const variant v :
       {variant{"IPv4, any()", false, false, mcast::family::v4, true, "127.0.0.2"},
        variant{"IPv6, lo", true, true, mcast::family::v6, false, "2001:db8::2"},
        variant{"IPv6, any()", true, true, mcast::family::v6, true, "2001:db8::2"},
        variant{"dual-stack, IPv4 group", true, false, mcast::family::v4, false, "127.0.0.2"},
        variant{"dual-stack, IPv6 group, any()", true, false, mcast::family::v6, true, "2001:db8::3"}}) {
    INFO(v.name);
    asio::io_context io;
    asio::ip::udp::socket rx(io, v.v6_socket ? asio::ip::udp::v6() : asio::ip::udp::v4());
    if (v.v6_socket)
      rx.set_option(asio::ip::v6_only(v.v6only));
    const std::uint16_t port = mcast::bind_receiver(rx, v.v6_socket ? mcast::family::v6 : mcast::family::v4, 0);
    if (v.v6_socket)
      mcast::set_option(rx, o::ipv6_recvpktinfo{true});
    if (v.group_family == mcast::family::v4)
      mcast::set_option(rx, o::ip_pktinfo{true});
    const auto lo = mcast::network_interface::from_name("lo");
    const auto g = fresh_group(v.group_family);
    auto member = mcast::join_group(rx, g, v.any ? mcast::network_interface::any() : lo);
    socket_fd tx = udp_sender(mcast::make_source(v.source));
    for (std::size_t i = 0; i < total; ++i)
      send_one(tx, g, port, std::to_string(i));
    pollfd p{rx.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) > 0);

    syscall_recorder calls;
    std::vector<std::string> got; // each completion: the payload, or the error
    std::size_t marker_saw = 0;
    std::array<char, 64> buf{};
    std::function<void()> next = [&] {
      mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
        if (ec) {
          got.push_back(ec == std::errc::not_enough_memory ? "ENOMEM" : ec.message());
        } else {
          got.emplace_back(buf.data(), d.size);
          CHECK(d.source.to_string() == v.source);
          REQUIRE(d.destination.has_value());
          CHECK(*d.destination == g.address());
          CHECK(d.interface_index == lo.index());
        }
        if (got.size() == 1)
          asio::post(io, [&] { marker_saw = got.size(); });
        if (got.size() <= 2) // the next receive fails: after the first completion and after that one
          calls.fail_call(calls.count(), ENOMEM);
        if (got.size() < total + 2)
          next();
      });
    };
    next();
    io.run_for(std::chrono::seconds(5));
    std::vector<std::string> expected{"0", "ENOMEM", "ENOMEM"};
    for (std::size_t i = 1; i < total; ++i)
      expected.push_back(std::to_string(i));
    CHECK(got == expected);
    CHECK(calls.failed == 2);
    CHECK(marker_saw == limit);
  }
}
