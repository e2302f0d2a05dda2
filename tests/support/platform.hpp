// The platform's own socket headers, for tests that compare mcast's bytes with structures
// filled by hand.
#ifndef MCAST_TESTS_SUPPORT_PLATFORM_HPP
#define MCAST_TESTS_SUPPORT_PLATFORM_HPP
#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
using test_group_req = GROUP_REQ;
using test_group_source_req = GROUP_SOURCE_REQ;
using test_group_filter = GROUP_FILTER;
using test_ip_msfilter = IP_MSFILTER;
#else
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
using test_group_req = group_req;
using test_group_source_req = group_source_req;
using test_group_filter = group_filter;
using test_ip_msfilter = ip_msfilter;
#endif
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace mcast_test {
// An environment variable's value, or nothing when it is not set. MSVC's CRT deprecates getenv
// (C4996, an error under /W4 /WX); its _dupenv_s says the same without the warning.
inline std::optional<std::string> environment(const char* name) {
#if defined(_MSC_VER)
  char* value = nullptr;
  std::size_t length = 0;
  if (::_dupenv_s(&value, &length, name) != 0 || value == nullptr)
    return std::nullopt;
  std::string copy(value);
  std::free(value);
  return copy;
#else
  const char* value = std::getenv(name);
  if (value == nullptr)
    return std::nullopt;
  return std::string(value);
#endif
}
inline in_addr v4(const char* text) {
  in_addr a{};
  ::inet_pton(AF_INET, text, &a);
  return a;
}
inline in6_addr v6(const char* text) {
  in6_addr a{};
  ::inet_pton(AF_INET6, text, &a);
  return a;
}
// A zeroed sockaddr_storage holding `sa` (a sockaddr_in or sockaddr_in6 filled by the caller).
template <class Sockaddr> sockaddr_storage storage_of(const Sockaddr& sa) {
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  std::memcpy(&ss, &sa, sizeof sa);
  return ss;
}
inline sockaddr_storage ss4(const char* text) {
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr = v4(text);
  return storage_of(sin);
}
inline sockaddr_storage ss6(const char* text) {
  sockaddr_in6 sin6;
  std::memset(&sin6, 0, sizeof sin6);
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = v6(text);
  return storage_of(sin6);
}
template <class T> bool same_bytes(const void* p, std::size_t n, const T& expected) {
  return n == sizeof(T) && std::memcmp(p, &expected, sizeof(T)) == 0;
}
} // namespace mcast_test
#endif
