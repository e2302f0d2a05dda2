// mcast::async_receive with asio::use_awaitable, in a C++20 coroutine (this file alone is built as
// C++20; the library itself stays C++17).
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"
#include "support/net.hpp"

#if !defined(ASIO_HAS_CO_AWAIT)
#error "this test needs Asio's coroutine support (C++20 and <coroutine>)"
#endif

using namespace mcast_test;

TEST_CASE("async_receive with asio::use_awaitable in a coroutine", "[asio]") {
  asio::io_context io;
  asio::ip::udp::socket rx(io, asio::ip::udp::v4());
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::set_option(rx, mcast::option::ip_pktinfo{true});
  const auto g = fresh_group();
  const auto lo = mcast::network_interface::from_name("lo");
  auto member = mcast::join_group(rx, g, lo);
  std::vector<mcast::datagram> got;
  std::array<char, 64> buf{};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 2; ++i)
          got.push_back(co_await mcast::async_receive(rx, asio::buffer(buf), asio::use_awaitable));
      },
      asio::detached);
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  send_one(tx, g, port, "one");
  send_one(tx, g, port, "two!");
  io.run_for(std::chrono::seconds(5));
  REQUIRE(got.size() == 2);
  CHECK(got[0].size == 3);
  CHECK(got[1].size == 4);
  for (const auto& d : got) {
    CHECK(d.source.to_string() == "127.0.0.2");
    REQUIRE(d.destination.has_value());
    CHECK(*d.destination == g.address());
    CHECK(d.interface_index == lo.index());
  }
}

TEST_CASE("async_receive_batch with asio::use_awaitable in a coroutine", "[asio]") {
  asio::io_context io;
  asio::ip::udp::socket rx(io, asio::ip::udp::v4());
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::set_option(rx, mcast::option::ip_pktinfo{true});
  const auto g = fresh_group();
  const auto lo = mcast::network_interface::from_name("lo");
  auto member = mcast::join_group(rx, g, lo);
  std::array<std::array<char, 64>, 8> bytes{};
  std::array<mcast::receive_buffer, 8> bufs{};
  for (std::size_t i = 0; i < bufs.size(); ++i)
    bufs[i] = {bytes[i].data(), bytes[i].size()};
  std::array<mcast::datagram, 8> ds{};
  std::vector<std::string> payloads;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (payloads.size() < 3) {
          const std::size_t n =
              co_await mcast::async_receive_batch(rx, bufs.data(), ds.data(), ds.size(), asio::use_awaitable);
          for (std::size_t i = 0; i < n; ++i) {
            CHECK(ds[i].source.to_string() == "127.0.0.2");
            REQUIRE(ds[i].destination.has_value());
            CHECK(*ds[i].destination == g.address());
            CHECK(ds[i].interface_index == lo.index());
            payloads.emplace_back(bytes[i].data(), ds[i].size);
          }
        }
      },
      asio::detached);
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  send_one(tx, g, port, "one");
  send_one(tx, g, port, "two");
  send_one(tx, g, port, "three");
  io.run_for(std::chrono::seconds(5));
  CHECK(payloads == std::vector<std::string>{"one", "two", "three"});
}
