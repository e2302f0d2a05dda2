// sender: sends numbered datagrams to a group, from a chosen source address and interface.
//
//   sender [--from ADDR] [--iface IF] [--ttl N] [--no-loop] [--count N] [--interval MS] GROUP PORT
//
// --from binds the source address (a receiver's blocks and source-specific joins name it);
// --iface picks the outgoing interface (IP_MULTICAST_IF / IPV6_MULTICAST_IF); loopback delivery
// to local receivers is on unless --no-loop.
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) try {
  std::string from, iface, group_text, port_text;
  int ttl = 1, count = 10, interval_ms = 100;
  bool loop = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "sender: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::printf(
          "usage: sender [--from ADDR] [--iface IF] [--ttl N] [--no-loop] [--count N] [--interval MS] GROUP PORT\n"
          "sends COUNT (default 10) datagrams to GROUP:PORT, one every MS (default 100) milliseconds\n");
      return 0;
    }
    if (a == "--from")
      from = next();
    else if (a == "--iface")
      iface = next();
    else if (a == "--ttl")
      ttl = std::atoi(next().c_str());
    else if (a == "--count")
      count = std::atoi(next().c_str());
    else if (a == "--interval")
      interval_ms = std::atoi(next().c_str());
    else if (a == "--no-loop")
      loop = false;
    else if (group_text.empty())
      group_text = a;
    else if (port_text.empty())
      port_text = a;
    else {
      std::fprintf(stderr, "sender: unexpected '%s'\n", a.c_str());
      return 2;
    }
  }
  if (group_text.empty() || port_text.empty()) {
    std::fprintf(
        stderr,
        "usage: sender [--from ADDR] [--iface IF] [--ttl N] [--no-loop] [--count N] [--interval MS] GROUP PORT\n");
    return 2;
  }
  example::winsock_session winsock;
  const auto g = mcast::make_group(group_text);
  const auto port = static_cast<std::uint16_t>(std::atoi(port_text.c_str()));
  example::udp_socket s(g.family());
  if (!from.empty())
    s.bind_source(mcast::make_source(from));
  const auto nic = iface.empty() ? mcast::network_interface::any() : mcast::network_interface::from_name(iface);
  s.multicast_out(nic, ttl, loop);
  for (int i = 1; i <= count; ++i) {
    s.send_to(g, port, "mcast sender datagram " + std::to_string(i));
    if (i < count)
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  std::printf("sent %d datagrams to %s port %u%s%s\n", count, g.to_string().c_str(), static_cast<unsigned>(port),
              from.empty() ? "" : " from ", from.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "sender: %s\n", e.what());
  return 1;
}
