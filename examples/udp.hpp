// A few lines of plain UDP for the examples (mcast deliberately has no socket class: use your
// own, or Asio's). Windows and POSIX.
#ifndef MCAST_EXAMPLES_UDP_HPP
#define MCAST_EXAMPLES_UDP_HPP

#include <mcast/mcast.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace example {

using native = mcast::detail::native_handle_type;

// The system's text for the last socket error ("Cannot assign requested address (99)").
inline std::string last_error_text() {
#if defined(_WIN32)
  const int e = ::WSAGetLastError();
#else
  const int e = errno;
#endif
  return std::system_category().message(e) + " (" + std::to_string(e) + ")";
}

inline std::string endpoint_text(const mcast::address& a, std::uint16_t port) {
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

// mcast never calls WSAStartup itself; a program without Asio keeps one of these alive.
using winsock_session = mcast::winsock_session;

#if defined(_WIN32)
inline void close_native(native s) { ::closesocket(s); }
#else
inline void close_native(native s) { ::close(s); }
#endif

// An owning UDP socket. Declare it before the mcast handles that use it, so that they are
// destroyed (and leave) first.
class udp_socket {
public:
  explicit udp_socket(mcast::family f) : family_(f) {
    s_ = ::socket(f == mcast::family::v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
    if (s_ == mcast::detail::invalid_native_handle)
      throw std::runtime_error(std::string("socket(") + (f == mcast::family::v4 ? "AF_INET" : "AF_INET6") +
                               ") failed: " + last_error_text());
  }
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;
  ~udp_socket() { close_native(s_); }
  native native_handle() const noexcept { return s_; }

  // Receivers bind the wildcard address (on Windows, never the group) and a port.
  std::uint16_t bind_any(std::uint16_t port = 0) {
    auto a =
        (family_ == mcast::family::v4 ? mcast::make_address("0.0.0.0") : mcast::make_address("::")).to_sockaddr(port);
    return bind_to(a);
  }
  // Senders bind the source address they send from.
  void bind_source(const mcast::source& s) { bind_to(s.address().to_sockaddr(0)); }

  // Multicast out of `nic` (IPv4: by its address; IPv6: by index), `ttl` hops, looped back to
  // local receivers when `loop` (on Windows loopback is decided by the receiver instead).
  void multicast_out(const mcast::network_interface& nic, int ttl = 1, bool loop = true) {
    namespace o = mcast::option; // mcast/socket_options.hpp: each checked, each the platform's size
    if (family_ == mcast::family::v4) {
      if (!nic.is_any())
        mcast::set_option(s_, o::ip_multicast_if{nic});
      mcast::set_option(s_, o::ip_multicast_loop{loop});
      mcast::set_option(s_, o::ip_multicast_ttl{ttl});
    } else {
      mcast::set_option(s_, o::ipv6_multicast_if{nic});
      mcast::set_option(s_, o::ipv6_multicast_loop{loop});
      mcast::set_option(s_, o::ipv6_multicast_hops{ttl});
    }
  }

  void send_to(const mcast::group& g, std::uint16_t port, const std::string& text) {
    auto ss = g.address().to_sockaddr(port);
    int len = g.is_v4() ? static_cast<int>(sizeof(sockaddr_in)) : static_cast<int>(sizeof(sockaddr_in6));
    if (::sendto(s_, text.data(), static_cast<int>(text.size()), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0)
      throw std::runtime_error("sendto " + endpoint_text(g.address(), port) + " failed: " + last_error_text() +
                               (g.is_v6() ? " (IPv6 multicast needs a route for the group: on Linux loopback, "
                                            "ip -6 route add local ff00::/8 dev lo table local)"
                                          : ""));
  }

  // Waits up to `wait` for one datagram; returns {source, payload} or {"", ""} on timeout.
  std::pair<std::string, std::string> receive(std::chrono::milliseconds wait) {
#if defined(_WIN32)
    WSAPOLLFD p{s_, POLLRDNORM, 0};
    if (WSAPoll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return {};
#else
    pollfd p{s_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return {};
#endif
    char buf[2048];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    auto n = ::recvfrom(s_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0)
      return {};
    return {mcast::address::from_sockaddr(from).to_string(), std::string(buf, static_cast<std::size_t>(n))};
  }

  // Asks the stack to report each datagram's destination address (IP_PKTINFO /
  // IPV6_RECVPKTINFO), for receive_with_destination(). POSIX only; elsewhere a no-op.
  void report_destinations() {
#if !defined(_WIN32)
    int on = 1;
    if (family_ == mcast::family::v4)
      setopt(IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    else
      setopt(IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
#endif
  }

  struct datagram {
    std::string from, to, payload; // `to` is empty where the stack cannot tell
  };
  // Like receive(), and also says which group the datagram was sent to.
  datagram receive_with_destination(std::chrono::milliseconds wait) {
#if defined(_WIN32)
    auto d = receive(wait);
    return {d.first, std::string(), d.second};
#else
    pollfd p{s_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return {};
    char buf[2048];
    alignas(cmsghdr) char control[256];
    sockaddr_storage from{};
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const auto n = ::recvmsg(s_, &msg, 0);
    if (n < 0)
      return {};
    datagram d{mcast::address::from_sockaddr(from).to_string(), std::string(),
               std::string(buf, static_cast<std::size_t>(n))};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        d.to = mcast::address(info.ipi_addr).to_string();
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        d.to = mcast::address(info.ipi6_addr).to_string();
      }
    }
    return d;
#endif
  }

  // Counts datagrams per source until `quiet` passes with nothing new.
  std::map<std::string, int> drain(std::chrono::milliseconds quiet) {
    std::map<std::string, int> counts;
    for (int i = 0; i < 100000; ++i) {
      auto d = receive(quiet);
      if (d.first.empty())
        break;
      counts[d.first]++;
    }
    return counts;
  }

private:
  std::uint16_t bind_to(const sockaddr_storage& a) {
    socklen_t len = a.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (::bind(s_, reinterpret_cast<const sockaddr*>(&a), len) != 0) {
      std::error_code ignored;
      const mcast::address at = mcast::address::from_sockaddr(a, ignored);
      const std::uint16_t port = a.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(&a)->sin_port)
                                                        : ntohs(reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port);
      throw std::runtime_error(
          "bind to " + endpoint_text(at, port) + " failed: " + last_error_text() +
          (at.is_v6() && !at.is_unspecified() ? " (is the address on an interface of this host?)" : ""));
    }
    sockaddr_storage got{};
    socklen_t glen = sizeof got;
    ::getsockname(s_, reinterpret_cast<sockaddr*>(&got), &glen);
    return got.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&got)->sin_port)
                                    : ntohs(reinterpret_cast<sockaddr_in6*>(&got)->sin6_port);
  }
  void setopt(int level, int name, const void* v, int len) {
#if defined(_WIN32)
    ::setsockopt(s_, level, name, static_cast<const char*>(v), len);
#else
    ::setsockopt(s_, level, name, v, static_cast<socklen_t>(len));
#endif
  }

  mcast::family family_;
  native s_;
};

// Prints "LABEL: SOURCE=COUNT ..." for what drain() counted, and flushes (scripts watch it).
inline void print_heard(const char* label, const std::map<std::string, int>& heard) {
  std::printf("%s:", label);
  for (const auto& [who, n] : heard)
    std::printf(" %s=%d", who.c_str(), n);
  std::printf("\n");
  std::fflush(stdout);
}

} // namespace example

#endif
