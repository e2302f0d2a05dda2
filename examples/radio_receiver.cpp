// radio_receiver: the Winsock controlled-source steps -- join each group/source pair, drop one,
// leave all at once -- printing who was heard before and after the drop.
//
//   radio_receiver GROUP PORT IFACE SOURCE [SOURCE...]
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) try {
  if (argc < 5) {
    std::fprintf(stderr, "usage: radio_receiver GROUP PORT IFACE SOURCE [SOURCE...]\n");
    return 2;
  }
  example::winsock_session winsock;
  const auto group = mcast::make_group(argv[1]);
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const auto nic = mcast::network_interface::from_name(argv[3]);

  example::udp_socket sock(group.family());
  sock.bind_any(port);

  // The first pair makes the membership, each further one is an included_source.
  auto radio = mcast::join_source_group(sock, group, mcast::make_source(argv[4]), nic); // MCAST_JOIN_SOURCE_GROUP
  std::vector<mcast::included_source<>> extra;
  for (int i = 5; i < argc; ++i)
    extra.push_back(radio.include(mcast::make_source(argv[i]))); // MCAST_JOIN_SOURCE_GROUP
  std::printf("tuned to %zu source(s) of %s\n", radio.source_count(), group.to_string().c_str());
  std::fflush(stdout);

  example::print_heard("all", sock.drain(std::chrono::milliseconds(1000)));
  if (!extra.empty()) {
    extra.back().drop(); // MCAST_LEAVE_SOURCE_GROUP
    std::printf("dropped %s\n", extra.back().source().to_string().c_str());
    std::fflush(stdout);
    example::print_heard("after drop", sock.drain(std::chrono::milliseconds(1000)));
  }
  radio.leave(); // MCAST_LEAVE_GROUP: every remaining source at once; `extra` becomes inert
  std::printf("left\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "radio_receiver: %s\n", e.what());
  return 1;
}
