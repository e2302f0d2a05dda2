// Asio on Windows: asio::ip::udp::socket::native_handle() converts to SOCKET, so the handles and
// the option types take an Asio socket as they do on POSIX. Checked under Wine against the
// kernel's table (Z:\proc\net\igmp).
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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
