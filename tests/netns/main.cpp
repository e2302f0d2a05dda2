// Main of the namespace tests: enter a private user+network namespace before anything else (the
// user namespace needs a single-threaded process), set up the loopback test network, run the
// tests, then check that no test group is left in the namespace's membership tables.
//
// Exit code 77 (ctest SKIP_RETURN_CODE) with the reason when namespaces are not available, or
// when a test finds that a kernel feature it needs is missing (support/netns.hpp: skip()); a
// failed run never exits with 77.
#include "support/catch_session.hpp"
#include "support/netns.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

bool listing(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--list", 6) == 0 || std::strcmp(argv[i], "-l") == 0 || std::strcmp(argv[i], "-?") == 0 ||
        std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0)
      return true;
  return false;
}

// Any group in /proc/net/igmp(6) but the ones the kernel always holds (224.0.0.1, ff02::1,
// ff01::1) is a membership some test left behind.
int leaked_groups() {
  int leaks = 0;
  std::ifstream igmp("/proc/net/igmp");
  std::string line;
  while (std::getline(igmp, line)) {
    if (line.empty() || (line[0] != '\t' && line[0] != ' '))
      continue;
    char group[16] = {};
    if (std::sscanf(line.c_str(), " %15s", group) == 1 && std::strcmp(group, "010000E0") != 0) {
      std::fprintf(stderr, "membership leak: /proc/net/igmp still lists %s\n", group);
      ++leaks;
    }
  }
  std::ifstream igmp6("/proc/net/igmp6");
  while (std::getline(igmp6, line)) {
    char dev[32] = {}, group[40] = {};
    int idx = 0;
    if (std::sscanf(line.c_str(), "%d %31s %39s", &idx, dev, group) == 3 && std::strncmp(group, "ff02", 4) != 0 &&
        std::strncmp(group, "ff01", 4) != 0) {
      std::fprintf(stderr, "membership leak: /proc/net/igmp6 still lists %s on %s\n", group, dev);
      ++leaks;
    }
  }
  return leaks;
}

} // namespace

int main(int argc, char** argv) {
  if (!listing(argc, argv)) {
    if (const auto why = mcast_test::missing_ipv6(); !why.empty()) {
      std::printf("SKIP: %s: the namespace tests need it on lo\n", why.c_str());
      return 77;
    }
    const auto st = mcast_test::enter_private_namespace();
    if (!st.entered) {
      std::printf("SKIP: %s\n", st.reason.c_str());
      return 77;
    }
    try {
      mcast_test::setup_loopback_network();
    } catch (const std::exception& e) {
      std::printf("SKIP: could not set up the test namespace: %s\n", e.what());
      return 77;
    }
  }
  int result = Catch::Session().run(argc, argv);
  if (result == 77) // Catch2 v2 exits with the number of failed assertions: 77 of them is no skip
    result = 1;
  if (!listing(argc, argv) && leaked_groups() != 0)
    return result == 0 ? 1 : result;
  return result;
}
