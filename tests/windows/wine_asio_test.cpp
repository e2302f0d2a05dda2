// Asio on Windows: asio::ip::udp::socket::native_handle() converts to SOCKET, so the handles and
// the option types take an Asio socket as they do on POSIX. Checked under Wine against the
// kernel's table (Z:\proc\net\igmp).
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {
bool kernel_has(const mcast::group& g) {
  std::ifstream in("Z:\\proc\\net\\igmp");
  std::stringstream ss;
  ss << in.rdbuf();
  unsigned raw;
  std::memcpy(&raw, g.address().data(), 4);
  char key[16];
  std::snprintf(key, sizeof key, "%08X", raw);
  return ss.str().find(key) != std::string::npos;
}
// A receiver of `group` on the loopback interface (packet info and loopback on: Windows lets the
// receiver decide) and a sender to it, on one io_context.
struct loop_rig {
  explicit loop_rig(const char* group) : g(mcast::make_group(group)) {
    mcast::set_option(rx, mcast::option::ip_pktinfo{true});
    rx.set_option(asio::ip::multicast::enable_loopback(true));
    tx.set_option(asio::ip::multicast::outbound_interface(asio::ip::make_address_v4("127.0.0.1")));
  }
  void send(const std::string& text) { tx.send_to(asio::buffer(text), to); }
  asio::io_context io;
  asio::ip::udp::socket rx{io, asio::ip::udp::v4()};
  std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::group g;
  mcast::network_interface nic = mcast::network_interface::from_address(mcast::make_address("127.0.0.1"));
  mcast::any_source_membership<mcast::api::ipv4> member = mcast::join_group<mcast::api::ipv4>(rx, g, nic);
  asio::ip::udp::socket tx{io, asio::ip::udp::v4()};
  asio::ip::udp::endpoint to{mcast::to_asio(g), port};
};
} // namespace

TEST_CASE("an Asio socket with the handles and option types, on Windows", "[windows][asio]") {
  asio::io_context io; // Asio calls WSAStartup itself
  asio::ip::udp::socket sock(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const auto g = mcast::make_group("239.77.2.1");
  const auto nic = mcast::network_interface::from_address(mcast::make_address("127.0.0.1"));
  {
    auto member = mcast::join_group<mcast::api::ipv4>(sock, g, nic);
    CHECK(member.socket() == static_cast<SOCKET>(sock.native_handle()));
    CHECK(kernel_has(g));
  }
  CHECK(!kernel_has(g));
  sock.set_option(mcast::option::ip_add_membership{g, nic});
  CHECK(kernel_has(g));
  sock.set_option(mcast::option::ip_drop_membership{g, nic});
  CHECK(!kernel_has(g));
  std::error_code ec;
  sock.set_option(mcast::option::join_group{g, nic}, ec); // Wine has no MCAST_*
  CHECK(ec == mcast::errc::unsupported);
}

TEST_CASE("async_receive on Windows: WSARecvMsg after async_wait, with the group of the datagram, and cancellation",
          "[windows][asio]") {
  loop_rig r("239.77.2.2");
  asio::io_context& io = r.io;
  asio::ip::udp::socket& rx = r.rx;
  std::array<char, 64> buf{};
  std::error_code result = asio::error::would_block;
  mcast::datagram got;
  mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
    result = ec;
    got = d;
  });
  r.send("hello");
  io.run_for(std::chrono::seconds(5));
  CHECK_FALSE(result);
  CHECK(got.size == 5);
  REQUIRE(got.destination.has_value());
  CHECK(*got.destination == r.g.address());
  CHECK(got.interface_index == r.nic.index());
  // Closing the socket completes a pending receive with operation_aborted.
  io.restart();
  result = asio::error::would_block;
  mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram) { result = ec; });
  asio::post(io, [&] {
    r.member.leave();
    rx.close();
  });
  io.run_for(std::chrono::seconds(5));
  CHECK(result == asio::error::operation_aborted);
}

TEST_CASE("async_receive_batch on Windows: waits for the first datagram, then takes the queued ones by the loop "
          "form, and a datagram already queued is received at once but completed through the io_context",
          "[windows][asio]") {
  loop_rig r("239.77.2.3");
  asio::io_context& io = r.io;
  asio::ip::udp::socket& rx = r.rx;
  const mcast::group& g = r.g;
  std::array<std::array<char, 32>, 8> bytes{};
  std::array<mcast::receive_buffer, 8> bufs{};
  for (std::size_t i = 0; i < bufs.size(); ++i)
    bufs[i] = {bytes[i].data(), bytes[i].size()};
  std::array<mcast::datagram, 8> ds{};
  // Nothing queued: it waits; three sent: they arrive, in order, in one or more batches.
  std::vector<std::string> payloads;
  std::function<void()> next = [&] {
    mcast::async_receive_batch(rx, bufs.data(), ds.data(), ds.size(), [&](std::error_code ec, std::size_t n) {
      REQUIRE_FALSE(ec);
      REQUIRE(n >= 1);
      for (std::size_t i = 0; i < n; ++i) {
        payloads.emplace_back(bytes[i].data(), ds[i].size);
        REQUIRE(ds[i].destination.has_value());
        CHECK(*ds[i].destination == g.address());
      }
      if (payloads.size() < 3)
        next();
    });
  };
  next();
  io.run_for(std::chrono::milliseconds(50));
  CHECK(payloads.empty());
  for (const char* p : {"one", "two", "three"})
    r.send(p);
  io.restart();
  for (int i = 0; i < 50 && payloads.size() < 3; ++i)
    io.run_for(std::chrono::milliseconds(100));
  CHECK(payloads == std::vector<std::string>{"one", "two", "three"});
  // Queued before the call: taken at once, completed through the io_context.
  r.send("queued");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::size_t got = 0;
  bool done = false;
  mcast::async_receive_batch(rx, bufs.data(), ds.data(), ds.size(), [&](std::error_code ec, std::size_t n) {
    CHECK_FALSE(ec);
    got = n;
    done = true;
  });
  CHECK_FALSE(done);
  io.restart();
  io.run_for(std::chrono::seconds(2));
  CHECK(done);
  CHECK(got == 1);
  CHECK(std::string(bytes[0].data(), ds[0].size) == "queued");
}

// A receive loop chains on Windows too (asio.hpp): with datagrams queued, MCAST_ASIO_CHAIN_LIMIT
// completions run before a handler posted from the first of them.
TEST_CASE("async_receive in a loop on Windows chains MCAST_ASIO_CHAIN_LIMIT completions before the io_context's turn",
          "[windows][asio]") {
  constexpr std::size_t limit = MCAST_ASIO_CHAIN_LIMIT, total = 2 * limit + 1;
  loop_rig r("239.77.2.4");
  asio::io_context& io = r.io;
  asio::ip::udp::socket& rx = r.rx;
  for (std::size_t i = 0; i < total; ++i)
    r.send(std::to_string(i));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::array<char, 32> buf{};
  std::vector<std::string> got;
  std::size_t marker_saw = 0;
  std::function<void()> next = [&] {
    mcast::async_receive(rx, asio::buffer(buf), [&](std::error_code ec, mcast::datagram d) {
      REQUIRE_FALSE(ec);
      got.emplace_back(buf.data(), d.size);
      if (got.size() == 1)
        asio::post(io, [&] { marker_saw = got.size(); });
      if (got.size() < total)
        next();
    });
  };
  next();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(got.size() == total);
  for (std::size_t i = 0; i < total; ++i)
    CHECK(got[i] == std::to_string(i));
  CHECK(marker_saw == limit);
}
