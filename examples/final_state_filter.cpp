// final_state_filter: a conference that mutes a changing list of speakers with one call each
// time (SIOCSMSFILTER / MCAST_MSFILTER), reading back what the stack holds.
//
//   final_state_filter GROUP PORT IFACE MUTE[,MUTE...] NEW_MUTE[,NEW_MUTE...]
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
std::vector<mcast::source> list(const std::string& text) {
  std::vector<mcast::source> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    out.push_back(mcast::make_source(text.substr(start, comma - start)));
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

void show(const char* when, const mcast::source_filter& f) {
  std::printf("%s: %s {", when, f.mode == mcast::filter_mode::include ? "INCLUDE" : "EXCLUDE");
  for (const auto& s : f.sources)
    std::printf(" %s", s.to_string().c_str());
  std::printf(" }\n");
  std::fflush(stdout);
}
} // namespace

int main(int argc, char** argv) try {
  if (argc < 6) {
    std::fprintf(stderr, "usage: final_state_filter GROUP PORT IFACE MUTE[,MUTE...] NEW_MUTE[,NEW_MUTE...]\n");
    return 2;
  }
  example::winsock_session winsock;
  const auto group = mcast::make_group(argv[1]);
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const auto nic = mcast::network_interface::from_name(argv[3]);
  example::udp_socket sock(group.family());
  sock.bind_any(port);

  auto conf = mcast::join_with_filter(sock, group, nic, mcast::filter_mode::exclude, list(argv[4]));
  show("muted", conf.filter());
  conf.set(mcast::filter_mode::exclude, list(argv[5])); // the whole new list, one call
  show("replaced", conf.filter());
  example::print_heard("heard", sock.drain(std::chrono::milliseconds(1000)));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "final_state_filter: %s\n", e.what());
  return 1;
}
