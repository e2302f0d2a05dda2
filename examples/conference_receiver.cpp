// conference_receiver: the Winsock any-source steps -- join a group, mute a noisy source,
// unmute it, leave -- printing who was heard in each phase.
//
//   conference_receiver GROUP PORT IFACE NOISY_SOURCE [SECONDS_PER_PHASE]
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) try {
  if (argc < 5) {
    std::fprintf(stderr, "usage: conference_receiver GROUP PORT IFACE NOISY_SOURCE [SECONDS_PER_PHASE]\n");
    return 2;
  }
  example::winsock_session winsock; // no-op on POSIX; Windows needs WSAStartup (mcast never calls it)
  const auto group = mcast::make_group(argv[1]);
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const auto nic = mcast::network_interface::from_name(argv[3]);
  const auto noisy = mcast::make_source(argv[4]);
  const std::chrono::milliseconds phase(argc > 5 ? std::atoi(argv[5]) * 1000 : 1000);

  example::udp_socket sock(group.family()); // declared first: outlives the handles below
  sock.bind_any(port);                      // bind the wildcard address, never the group

  auto conference = mcast::join_group(sock, group, nic); // MCAST_JOIN_GROUP
  std::printf("joined %s\n", group.to_string().c_str());
  std::fflush(stdout);
  example::print_heard("everyone", sock.drain(phase));
  {
    auto muted = conference.block(noisy); // MCAST_BLOCK_SOURCE
    std::printf("muted %s\n", noisy.to_string().c_str());
    std::fflush(stdout);
    example::print_heard("muted", sock.drain(phase));
  } // `muted` goes: MCAST_UNBLOCK_SOURCE
  std::printf("unmuted %s\n", noisy.to_string().c_str());
  std::fflush(stdout);
  example::print_heard("unmuted", sock.drain(phase));
  conference.leave(); // MCAST_LEAVE_GROUP (the destructor would do it too)
  std::printf("left\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "conference_receiver: %s\n", e.what());
  return 1;
}
