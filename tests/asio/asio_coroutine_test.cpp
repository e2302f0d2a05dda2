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

namespace {
// A receiver of a fresh group on lo, packet info on.
struct coroutine_rig {
  asio::io_context io;
  asio::ip::udp::socket rx{io, asio::ip::udp::v4()};
  std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::group g = fresh_group();
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::any_source_membership<> member =
      (mcast::set_option(rx, mcast::option::ip_pktinfo{true}), mcast::join_group(rx, g, lo));
};
} // namespace

TEST_CASE("async_receive with asio::use_awaitable in a coroutine", "[asio]") {
  coroutine_rig r;
  std::vector<mcast::datagram> got;
  std::array<char, 64> buf{};
  asio::co_spawn(
      r.io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 2; ++i)
          got.push_back(co_await mcast::async_receive(r.rx, asio::buffer(buf), asio::use_awaitable));
      },
      asio::detached);
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  send_one(tx, r.g, r.port, "one");
  send_one(tx, r.g, r.port, "two!");
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(got.size() == 2);
  CHECK(got[0].size == 3);
  CHECK(got[1].size == 4);
  for (const auto& d : got) {
    CHECK(d.source.to_string() == "127.0.0.2");
    REQUIRE(d.destination.has_value());
    CHECK(*d.destination == r.g.address());
    CHECK(d.interface_index == r.lo.index());
  }
}

TEST_CASE("async_receive_batch with asio::use_awaitable in a coroutine", "[asio]") {
  coroutine_rig r;
  std::array<std::array<char, 64>, 8> bytes{};
  std::array<mcast::receive_buffer, 8> bufs{};
  for (std::size_t i = 0; i < bufs.size(); ++i)
    bufs[i] = {bytes[i].data(), bytes[i].size()};
  std::array<mcast::datagram, 8> ds{};
  std::vector<std::string> payloads;
  asio::co_spawn(
      r.io,
      [&]() -> asio::awaitable<void> {
        while (payloads.size() < 3) {
          const std::size_t n =
              co_await mcast::async_receive_batch(r.rx, bufs.data(), ds.data(), ds.size(), asio::use_awaitable);
          for (std::size_t i = 0; i < n; ++i) {
            CHECK(ds[i].source.to_string() == "127.0.0.2");
            REQUIRE(ds[i].destination.has_value());
            CHECK(*ds[i].destination == r.g.address());
            CHECK(ds[i].interface_index == r.lo.index());
            payloads.emplace_back(bytes[i].data(), ds[i].size);
          }
        }
      },
      asio::detached);
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  send_one(tx, r.g, r.port, "one");
  send_one(tx, r.g, r.port, "two");
  send_one(tx, r.g, r.port, "three");
  r.io.run_for(std::chrono::seconds(5));
  CHECK(payloads == std::vector<std::string>{"one", "two", "three"});
}

// A coroutine that awaits one receive after another chains as a callback does (asio.hpp): with
// datagrams queued, MCAST_ASIO_CHAIN_LIMIT completions run back to back before a handler posted
// from the first of them.
TEST_CASE("async_receive awaited in a loop chains MCAST_ASIO_CHAIN_LIMIT completions before the io_context's turn",
          "[asio]") {
  constexpr std::size_t limit = MCAST_ASIO_CHAIN_LIMIT, total = 2 * limit + 1;
  coroutine_rig r;
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  for (std::size_t i = 0; i < total; ++i)
    send_one(tx, r.g, r.port, std::to_string(i));
  std::vector<std::string> got;
  std::size_t marker_saw = 0;
  std::array<char, 64> buf{};
  asio::co_spawn(
      r.io,
      [&]() -> asio::awaitable<void> {
        while (got.size() < total) {
          const mcast::datagram d = co_await mcast::async_receive(r.rx, asio::buffer(buf), asio::use_awaitable);
          got.emplace_back(buf.data(), d.size);
          if (got.size() == 1)
            asio::post(r.io, [&] { marker_saw = got.size(); });
        }
      },
      asio::detached);
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(got.size() == total);
  for (std::size_t i = 0; i < total; ++i)
    CHECK(got[i] == std::to_string(i));
  CHECK(marker_saw == limit);
}
