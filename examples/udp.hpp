// What an example program owns itself: a small UDP socket (mcast deliberately has no socket
// class: use your own, or Asio's). Binding, the sender options and receiving with the group and
// interface of each datagram are mcast's (bind_receiver, option::*, receive). Windows and POSIX.
#ifndef MCAST_EXAMPLES_UDP_HPP
#define MCAST_EXAMPLES_UDP_HPP

#include <mcast/mcast.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace example {

using native = mcast::native_handle_type;

// mcast never calls WSAStartup itself; a program without Asio keeps one of these alive.
using winsock_session = mcast::winsock_session;

inline std::error_code last_socket_error() {
#if defined(_WIN32)
  return {::WSAGetLastError(), std::system_category()};
#else
  return {errno, std::system_category()};
#endif
}

inline std::string endpoint_text(const mcast::address& a, std::uint16_t port) {
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

// An owning UDP socket. Declare it before the mcast handles that use it, so that they are
// destroyed (and leave) first.
class udp_socket {
public:
  explicit udp_socket(mcast::family f) : family_(f) {
    s_ = ::socket(f == mcast::family::v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
    if (s_ == mcast::invalid_native_handle)
      throw std::system_error(last_socket_error(), f == mcast::family::v4 ? "socket(AF_INET)" : "socket(AF_INET6)");
  }
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;
  ~udp_socket() {
#if defined(_WIN32)
    ::closesocket(s_);
#else
    ::close(s_);
#endif
  }
  native native_handle() const noexcept { return s_; }
  mcast::family family() const noexcept { return family_; }

  // Receivers: the wildcard address and a port, shareable, Linux's IP_MULTICAST_ALL off.
  std::uint16_t bind_any(std::uint16_t port = 0) { return mcast::bind_receiver(s_, family_, port); }

  // Senders bind the source address they send from.
  void bind_source(const mcast::source& s) {
    const auto a = s.address().to_sockaddr(0);
    if (::bind(s_, reinterpret_cast<const sockaddr*>(&a), length(a)) != 0)
      throw std::system_error(last_socket_error(),
                              "bind to " + s.to_string() + (s.is_v6() ? " (is it an address of this host?)" : ""));
  }

  // Multicast out of `nic` (any(): the route's choice), `ttl` hops, looped back to local
  // receivers when `loop` (on Windows the receiving socket decides that instead).
  void multicast_out(const mcast::network_interface& nic, int ttl = 1, bool loop = true) {
    namespace o = mcast::option;
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

  void send_to(const mcast::group& g, std::uint16_t port, const void* data, std::size_t size) {
    const auto a = g.address().to_sockaddr(port);
    if (::sendto(s_, static_cast<const char*>(data), static_cast<int>(size), 0, reinterpret_cast<const sockaddr*>(&a),
                 length(a)) < 0)
      throw std::system_error(last_socket_error(),
                              "sendto " + endpoint_text(g.address(), port) +
                                  (g.is_v6() ? " (IPv6 multicast needs a route for the group: on Linux loopback, "
                                               "ip -6 route add local ff00::/8 dev lo table local)"
                                             : ""));
  }
  // A unicast reply (mcast-join --echo).
  void send_unicast(const mcast::address& to, std::uint16_t port, const void* data, std::size_t size) {
    const auto a = to.to_sockaddr(port);
    if (::sendto(s_, static_cast<const char*>(data), static_cast<int>(size), 0, reinterpret_cast<const sockaddr*>(&a),
                 length(a)) < 0)
      throw std::system_error(last_socket_error(), "sendto " + endpoint_text(to, port));
  }
  void send_to(const mcast::group& g, std::uint16_t port, const std::string& text) {
    send_to(g, port, text.data(), text.size());
  }

  // SO_RCVBUF: asks for `bytes` of receive buffer; returns what the stack granted (Linux doubles
  // the request for its bookkeeping and caps it at net.core.rmem_max).
  int receive_buffer(int bytes) {
#if defined(_WIN32)
    int len = sizeof bytes;
#else
    socklen_t len = sizeof bytes;
#endif
    if (::setsockopt(s_, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&bytes), sizeof bytes) != 0)
      throw std::system_error(last_socket_error(), "SO_RCVBUF");
    int granted = 0;
    if (::getsockopt(s_, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<char*>(&granted), &len) != 0)
      throw std::system_error(last_socket_error(), "SO_RCVBUF");
    return granted;
  }

  // Waits up to `wait` for a datagram to be queued.
  bool wait(std::chrono::milliseconds wait) {
#if defined(_WIN32)
    WSAPOLLFD p{s_, POLLRDNORM, 0};
    return ::WSAPoll(&p, 1, static_cast<int>(wait.count())) > 0;
#else
    pollfd p{s_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
#endif
  }

  // One datagram (with its group and interface once packet info is on), or none after `wait`.
  std::optional<mcast::datagram> receive(void* buf, std::size_t size, std::chrono::milliseconds wait_for) {
    if (!wait(wait_for))
      return std::nullopt;
    return mcast::receive(s_, buf, size);
  }

  // Counts datagrams per source until `quiet` passes with nothing new.
  std::map<std::string, int> drain(std::chrono::milliseconds quiet) {
    std::map<std::string, int> counts;
    char buf[2048];
    for (int i = 0; i < 100000; ++i) {
      auto d = receive(buf, sizeof buf, quiet);
      if (!d)
        break;
      counts[d->source.to_string()]++;
    }
    return counts;
  }

private:
  static int length(const sockaddr_storage& a) {
    return a.ss_family == AF_INET ? static_cast<int>(sizeof(sockaddr_in)) : static_cast<int>(sizeof(sockaddr_in6));
  }

  mcast::family family_;
  native s_;
};

// Waits up to `wait` for any of `sockets` to have a datagram queued: the ready ones (none when
// the time passed).
// `also`: more handles to wait on (a keeper's): one of them readable ends the wait early, with no
// socket in the answer.
inline std::vector<udp_socket*> wait_any(const std::vector<udp_socket*>& sockets, std::chrono::milliseconds wait,
                                         const std::vector<mcast::detail::native_handle_type>& also = {}) {
#if defined(_WIN32)
  std::vector<WSAPOLLFD> p(sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i)
    p[i] = WSAPOLLFD{sockets[i]->native_handle(), POLLRDNORM, 0};
  for (const auto h : also)
    p.push_back(WSAPOLLFD{h, POLLRDNORM, 0});
  const int n = ::WSAPoll(p.data(), static_cast<ULONG>(p.size()), static_cast<int>(wait.count()));
#else
  std::vector<pollfd> p(sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i)
    p[i] = pollfd{sockets[i]->native_handle(), POLLIN, 0};
  for (const auto h : also)
    p.push_back(pollfd{h, POLLIN, 0});
  const int n = ::poll(p.data(), static_cast<nfds_t>(p.size()), static_cast<int>(wait.count()));
#endif
  std::vector<udp_socket*> ready;
  for (std::size_t i = 0; n > 0 && i < sockets.size(); ++i)
    if (p[i].revents != 0)
      ready.push_back(sockets[i]);
  return ready;
}

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
