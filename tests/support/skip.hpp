// Skipping a test for what this machine or its kernel lacks (POSIX): the test prints
// "SKIP: <why>" (tests/skip_report.cmake lists the reasons after the run) and exits 77. ctest
// counts it skipped by that line (SKIP_REGULAR_EXPRESSION) or, for the namespace programs, whose
// main never returns 77 for a failed run, by the code (SKIP_RETURN_CODE).
#ifndef MCAST_TESTS_SUPPORT_SKIP_HPP
#define MCAST_TESTS_SUPPORT_SKIP_HPP

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace mcast_test {

[[noreturn]] inline void skip(const std::string& why) {
  std::printf("SKIP: %s\n", why.c_str());
  std::fflush(stdout);
  std::_Exit(77);
}

// IPv6 (CONFIG_IPV6, not disabled with ipv6.disable=1): an IPv6 socket can be made. Empty, or why not.
inline std::string missing_ipv6() {
  const int s = ::socket(AF_INET6, SOCK_DGRAM, 0);
  if (s >= 0) {
    ::close(s);
    return "";
  }
  return std::string("this kernel has no IPv6 (socket(AF_INET6): ") + std::strerror(errno) + ")";
}

inline void require_ipv6() {
  if (const auto why = missing_ipv6(); !why.empty())
    skip(why);
}

} // namespace mcast_test

#endif
