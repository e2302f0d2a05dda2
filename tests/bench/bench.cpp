// mcast benchmarks: programs that print ratios, not timed tests.
//
//   cmake --workflow --preset bench          (Release, -O2; writes build/bench/bench-results.md)
//   build/bench/tests/bench/mcast_bench [--quick] [--out FILE]
//   build/bench/tests/bench/mcast_bench --kernel [--quick] [--receiver "receive_batch, 64"]
//     (section 9 alone, to the terminal; --receiver: one full-rate receiver alone, by its row name)
//
// 1. join -> block -> unblock -> leave: mcast handles vs hand-written setsockopt (and join/leave vs
//    Asio's ip::multicast::join_group): user-space instructions (callgrind, deterministic) and
//    whole-cycle time including the kernel (A/B alternating, median of pairs).
// 2. system calls per operation (the system-call hook; cross-checked with strace -c when present).
// 3. replacing an N-source filter: final state (one call) vs change-based (block/unblock per source).
// 4. heap allocations per operation (a counting operator new).
// 5. compile cost of <mcast/mcast.hpp> vs the platform socket headers vs <asio.hpp>.
// 6. sizeof of each handle.
// 7. batches and receives per datagram (callgrind): receive_batch, send_batch, receive,
//    timestamps on vs off, async_receive vs Asio's async_receive_from, async_receive_batch, and
//    (where libuv1-dev is installed) libuv's uv_udp_recv_start without and with UV_UDP_RECVMMSG.
// 8. the host's interfaces: list_interfaces() and from_name at 10, 100 and 1000 interfaces vs
//    `ip -o addr`.
// 9. with the kernel: the receives' and send_batch's time per datagram side by side (this build),
//    and what each receiver loses with a sender at full rate on the other CPU.
//
// It runs in a private network namespace when it can (so that filter limits can be raised);
// otherwise on lo in the current one, with the default limits.
#include <mcast/mcast.hpp>

#if defined(__clang__)
#define MCAST_BENCH_COMPILER "clang++"
#else
#define MCAST_BENCH_COMPILER "g++"
#endif
#if defined(MCAST_BENCH_ASIO)
#include <mcast/asio.hpp>

#include <asio.hpp>
#endif

#if defined(MCAST_BENCH_LIBUV)
#include <uv.h>
#endif

#include "support/net.hpp"
#include "support/netns.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

// ---- 4. a counting allocator ------------------------------------------------------------------
static std::atomic<long> g_allocations{0};
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
// The nothrow pair too (the interface lookups' buffer comes from it): a replacement set with a gap
// pairs a sanitizer's allocation with this free (ASan: alloc-dealloc-mismatch).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

using clock_type = std::chrono::steady_clock;
using namespace mcast_test;

struct setup {
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::source s = mcast::make_source("127.0.0.3");
  mcast::group g = mcast::make_group("239.199.1.1");
  mcast::group gs = mcast::make_group("232.199.1.1");
  std::uint16_t port = 0;
  socket_fd sock = udp_receiver(mcast::family::v4, port);
};

// The cycles. noinline + distinct names so that callgrind can collect exactly one of them.
__attribute__((noinline)) void cycle_mcast(setup& st) {
  auto m = mcast::join_group(st.sock, st.g, st.lo);
  auto b = m.block(st.s);
  b.unblock();
  m.leave();
}

__attribute__((noinline)) void cycle_mcast_keep(setup& st) {
  mcast::join_options opts;
  opts.keep_multicast_all = true; // the same four system calls as the hand-written cycle
  auto m = mcast::join_group(st.sock, st.g, st.lo, opts);
  auto b = m.block(st.s);
  b.unblock();
  m.leave();
}

__attribute__((noinline)) void cycle_hand(setup& st) {
  group_req gr{};
  gr.gr_interface = st.lo.index();
  gr.gr_group = st.g.address().to_sockaddr();
  group_source_req gsr{};
  gsr.gsr_interface = st.lo.index();
  gsr.gsr_group = gr.gr_group;
  gsr.gsr_source = st.s.address().to_sockaddr();
  if (::setsockopt(st.sock, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof gr) != 0 ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_BLOCK_SOURCE, &gsr, sizeof gsr) != 0 ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_UNBLOCK_SOURCE, &gsr, sizeof gsr) != 0 ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_LEAVE_GROUP, &gr, sizeof gr) != 0)
    std::abort();
}

// The socket's identity, read at the join and compared before each later change (SO_COOKIE).
inline std::uint64_t cookie_of(int s) {
  std::uint64_t c = 0;
  socklen_t len = sizeof c;
  (void)::getsockopt(s, SOL_SOCKET, SO_COOKIE, &c, &len);
  return c;
}

// The same system calls as the handles make (Linux): the socket's family read, its cookie, the
// join, IP_MULTICAST_ALL off, block, unblock, leave (each after a cookie comparison) -- structures
// filled per cycle.
__attribute__((noinline)) void cycle_hand_same(setup& st) {
  int v6only = 0;
  socklen_t len = sizeof v6only;
  (void)::getsockopt(st.sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len); // EOPNOTSUPP: an IPv4 socket
  const std::uint64_t cookie = cookie_of(st.sock);
  group_req gr{};
  gr.gr_interface = st.lo.index();
  gr.gr_group = st.g.address().to_sockaddr();
  group_source_req gsr{};
  gsr.gsr_interface = st.lo.index();
  gsr.gsr_group = gr.gr_group;
  gsr.gsr_source = st.s.address().to_sockaddr();
  const int off = 0;
  if (::setsockopt(st.sock, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof gr) != 0 ||
      ::setsockopt(st.sock, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off) != 0 || cookie_of(st.sock) != cookie ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_BLOCK_SOURCE, &gsr, sizeof gsr) != 0 || cookie_of(st.sock) != cookie ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_UNBLOCK_SOURCE, &gsr, sizeof gsr) != 0 || cookie_of(st.sock) != cookie ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_LEAVE_GROUP, &gr, sizeof gr) != 0)
    std::abort();
}

// The floor: the same calls with structures built once, outside the cycle.
struct prebuilt {
  group_req gr{};
  group_source_req gsr{};
};
__attribute__((noinline)) void cycle_hand_prebuilt(setup& st, const prebuilt& p) {
  int v6only = 0;
  socklen_t len = sizeof v6only;
  (void)::getsockopt(st.sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
  const std::uint64_t cookie = cookie_of(st.sock);
  const int off = 0;
  if (::setsockopt(st.sock, IPPROTO_IP, MCAST_JOIN_GROUP, &p.gr, sizeof p.gr) != 0 ||
      ::setsockopt(st.sock, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off) != 0 || cookie_of(st.sock) != cookie ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_BLOCK_SOURCE, &p.gsr, sizeof p.gsr) != 0 ||
      cookie_of(st.sock) != cookie ||
      ::setsockopt(st.sock, IPPROTO_IP, MCAST_UNBLOCK_SOURCE, &p.gsr, sizeof p.gsr) != 0 ||
      cookie_of(st.sock) != cookie || ::setsockopt(st.sock, IPPROTO_IP, MCAST_LEAVE_GROUP, &p.gr, sizeof p.gr) != 0)
    std::abort();
}

// Source-specific join + leave: the handle (family read, cookie, filter probe, join, cookie, leave with
// keep_multicast_all) and the same four calls by hand.
__attribute__((noinline)) void ssm_mcast(setup& st) {
  mcast::join_options opts;
  opts.keep_multicast_all = true;
  auto m = mcast::join_source_group(st.sock, st.gs, st.s, st.lo, opts);
  m.leave();
}
__attribute__((noinline)) void ssm_hand(setup& st) {
  int v6only = 0;
  socklen_t len = sizeof v6only;
  (void)::getsockopt(st.sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
  group_filter probe{};
  probe.gf_interface = st.lo.index();
  probe.gf_group = st.gs.address().to_sockaddr();
  socklen_t plen = sizeof probe;
  (void)::getsockopt(st.sock, IPPROTO_IP, MCAST_MSFILTER, &probe, &plen); // EADDRNOTAVAIL: not joined
  const std::uint64_t cookie = cookie_of(st.sock);
  group_source_req gsr{};
  gsr.gsr_interface = st.lo.index();
  gsr.gsr_group = probe.gf_group;
  gsr.gsr_source = st.s.address().to_sockaddr();
  group_req gr{};
  gr.gr_interface = st.lo.index();
  gr.gr_group = gsr.gsr_group;
  if (::setsockopt(st.sock, IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, &gsr, sizeof gsr) != 0 ||
      cookie_of(st.sock) != cookie || ::setsockopt(st.sock, IPPROTO_IP, MCAST_LEAVE_GROUP, &gr, sizeof gr) != 0)
    std::abort();
}

__attribute__((noinline)) void joinleave_mcast(setup& st) {
  mcast::join_options opts;
  opts.keep_multicast_all = true;
  auto m = mcast::join_group<mcast::api::ipv4>(st.sock, st.g, st.lo, opts);
  m.leave();
}

#if defined(MCAST_BENCH_ASIO)
struct asio_setup {
  asio::io_context io;
  asio::ip::udp::socket sock{io, asio::ip::udp::v4()};
  asio::ip::address g = asio::ip::make_address("239.199.1.2");
  asio::ip::address_v4 lo = asio::ip::make_address_v4("127.0.0.1");
};
__attribute__((noinline)) void joinleave_asio(asio_setup& st) {
  st.sock.set_option(asio::ip::multicast::join_group(st.g.to_v4(), st.lo));
  st.sock.set_option(asio::ip::multicast::leave_group(st.g.to_v4(), st.lo));
}
// Asio with the reads mcast makes around a join (its check of promise 1, and the socket's
// cookie at the join and before the leave), by hand.
__attribute__((noinline)) void joinleave_asio_read(asio_setup& st) {
  int v6only = 0;
  socklen_t len = sizeof v6only;
  (void)::getsockopt(st.sock.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
  const std::uint64_t cookie = cookie_of(st.sock.native_handle());
  st.sock.set_option(asio::ip::multicast::join_group(st.g.to_v4(), st.lo));
  if (cookie_of(st.sock.native_handle()) != cookie)
    std::abort();
  st.sock.set_option(asio::ip::multicast::leave_group(st.g.to_v4(), st.lo));
}
#endif

// ---- 7. batches: receive_batch / send_batch vs hand-written recvmmsg / sendmmsg ----------------
// A receiver of one group on lo with IP_PKTINFO on, and a sender; `batch` datagrams of `size`
// bytes are queued before each measured receive (by sendmmsg, outside the measured function).
constexpr std::size_t batch = 64;
// How many batches a receiver under load finds queued (the receive-loop rows).
constexpr std::size_t loop_batches = 16;

// What a hand-written batch receiver keeps of each datagram: the same facts as mcast::datagram.
struct hand_datagram {
  std::size_t size;
  bool truncated;
  in_addr source;
  std::uint16_t source_port;
  bool has_destination;
  in_addr destination;
  unsigned interface_index;
  long long timestamp_ns; // (read by the stamped hand-written receiver only)
};

// What a hand-written receiver of either family keeps (the IPv6 and dual-stack rows): the sender's
// address as the socket gives it (a dual-stack socket's IPv4 senders stay IPv4-mapped: mcast also
// unmaps them), its port, and the group and interface from IP_PKTINFO or IPV6_PKTINFO.
struct hand_datagram_any {
  std::size_t size;
  bool truncated;
  int family;
  unsigned char source[16];
  std::uint16_t source_port;
  int destination_family;
  unsigned char destination[16];
  unsigned interface_index;
};
// The receiving socket: IPv4; IPv6 (an IPv6 group, IPV6_V6ONLY); or dual-stack (an IPv6 socket
// receiving an IPv4 group: its sources arrive IPv4-mapped).
enum class rig_kind { v4, v6, dual_stack };

struct batch_rig {
  explicit batch_rig(std::size_t size, rig_kind k = rig_kind::v4)
      : kind(k), g(mcast::make_group(k == rig_kind::v6 ? "ff15::1:3" : "239.199.1.3")), payload(size, 'p'),
        space(batch * 2048) {
    rx =
        udp_receiver(k == rig_kind::v4 ? mcast::family::v4 : mcast::family::v6, port, false, k == rig_kind::dual_stack);
    const int big = 8 << 20;
    (void)::setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    if (k != rig_kind::v6) // (an IPv6 socket needs it for its IPv4 datagrams)
      mcast::set_option(rx, mcast::option::ip_pktinfo{true});
    if (k != rig_kind::v4)
      mcast::set_option(rx, mcast::option::ipv6_recvpktinfo{true});
    membership.emplace(mcast::join_group(rx, g, lo));
    tx = udp_sender(mcast::make_source(k == rig_kind::v6 ? "2001:db8::1" : "127.0.0.1"));
    to = g.address().to_sockaddr(port);
    for (std::size_t i = 0; i < batch; ++i) {
      rbufs[i] = {space.data() + i * 2048, 2048};
      sbufs[i] = {payload.data(), payload.size()};
      iovs[i] = {space.data() + i * 2048, 2048};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &names[i];
      msgs[i].msg_hdr.msg_control = control[i];
    }
  }
  // Queues `batch` datagrams on rx (not measured).
  // Aborts unless a queued round arrives as this rig's kind says: the group and lo in each
  // datagram, the sender in the group's family (a dual-stack socket's IPv4 sender unmapped).
  void check() {
    fill();
    for (std::size_t got = 0; got < batch;) {
      const std::size_t n = mcast::receive_batch(rx, rbufs, ds, batch);
      for (std::size_t i = 0; i < n; ++i)
        if (!ds[i].destination || *ds[i].destination != g.address() || ds[i].interface_index != lo.index() ||
            ds[i].source.family() != g.family() || ds[i].size != payload.size())
          std::abort();
      got += n;
    }
  }
  void fill() {
    mmsghdr m[batch];
    iovec v[batch];
    for (std::size_t i = 0; i < batch; ++i) {
      v[i] = {payload.data(), payload.size()};
      m[i] = {};
      m[i].msg_hdr.msg_name = &to;
      m[i].msg_hdr.msg_namelen = g.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
      m[i].msg_hdr.msg_iov = &v[i];
      m[i].msg_hdr.msg_iovlen = 1;
    }
    if (::sendmmsg(tx, m, batch, 0) != static_cast<int>(batch))
      std::abort();
  }
  rig_kind kind;
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::group g;
  std::uint16_t port = 0;
  socket_fd rx{-1};
  socket_fd tx{-1};
  std::optional<mcast::any_source_membership<>> membership;
  std::string payload;
  std::vector<char> space;
  sockaddr_storage to{};
  mcast::receive_buffer rbufs[batch];
  mcast::datagram ds[batch];
  mcast::send_buffer sbufs[batch];
  // the hand-written receiver's arrays, set up once as a hand-written loop would
  mmsghdr msgs[batch] = {};
  iovec iovs[batch] = {};
  sockaddr_storage names[batch];
  alignas(8) unsigned char control[batch][64];
  hand_datagram hand_out[batch]; // (in the rig, so that the compiler keeps every store)
  hand_datagram_any hand_any[batch];
};

__attribute__((noinline)) std::size_t rbatch_mcast(batch_rig& r) {
  return mcast::receive_batch(r.rx, r.rbufs, r.ds, batch);
}
// What a hand-written batch receiver does with each datagram: the same facts as mcast::datagram.
// Stamped: also reads SO_TIMESTAMPNS (what receive_batch does with receive_timestamp on).
template <bool Stamped = false>
MCAST_DETAIL_ALWAYS_INLINE void hand_parse(mmsghdr& mm, const sockaddr_storage& name, hand_datagram& d) {
  msghdr& m = mm.msg_hdr;
  const auto* sin = reinterpret_cast<const sockaddr_in*>(&name);
  d.size = mm.msg_len;
  d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
  d.source = sin->sin_addr;
  d.source_port = ntohs(sin->sin_port);
  d.has_destination = false;
  d.interface_index = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.has_destination = true;
      d.destination = info.ipi_addr;
      d.interface_index = static_cast<unsigned>(info.ipi_ifindex);
    } else if (Stamped && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
      timespec t;
      std::memcpy(&t, CMSG_DATA(c), sizeof t);
      d.timestamp_ns = static_cast<long long>(t.tv_sec) * 1000000000 + t.tv_nsec;
    }
}
MCAST_DETAIL_ALWAYS_INLINE void hand_parse_any(mmsghdr& mm, const sockaddr_storage& name, hand_datagram_any& d) {
  msghdr& m = mm.msg_hdr;
  d.size = mm.msg_len;
  d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
  d.family = name.ss_family;
  if (name.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&name);
    std::memcpy(d.source, &sin6->sin6_addr, 16);
    d.source_port = ntohs(sin6->sin6_port);
  } else {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&name);
    std::memcpy(d.source, &sin->sin_addr, 4);
    d.source_port = ntohs(sin->sin_port);
  }
  d.destination_family = 0;
  d.interface_index = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.destination_family = AF_INET;
      std::memcpy(d.destination, &info.ipi_addr, 4);
      d.interface_index = static_cast<unsigned>(info.ipi_ifindex);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.destination_family = AF_INET6;
      std::memcpy(d.destination, &info.ipi6_addr, 16);
      d.interface_index = info.ipi6_ifindex;
    }
}
enum class hand_parse_kind { v4, v4_stamped, any_family };
// Hand-written as a function with its own arrays, filled per call (what receive_batch does: it
// keeps no state between calls).
// (Either family: room for a dual-stack socket's two packet-info messages, 72 bytes.)
template <hand_parse_kind Kind>
constexpr std::size_t hand_control_room = Kind == hand_parse_kind::any_family ? 128 : 64;
template <hand_parse_kind Kind> MCAST_DETAIL_ALWAYS_INLINE std::size_t rbatch_hand_body(batch_rig& r) {
  mmsghdr msgs[batch];
  iovec iovs[batch];
  sockaddr_storage names[batch];
  alignas(8) unsigned char control[batch][hand_control_room<Kind>];
  for (std::size_t i = 0; i < batch; ++i) {
    iovs[i] = {r.rbufs[i].data, r.rbufs[i].size};
    msghdr& m = msgs[i].msg_hdr;
    m.msg_name = &names[i];
    m.msg_namelen = sizeof names[i];
    m.msg_iov = &iovs[i];
    m.msg_iovlen = 1;
    m.msg_control = control[i];
    m.msg_controllen = sizeof control[i];
  }
  const int n = ::recvmmsg(r.rx, msgs, batch, MSG_WAITFORONE, nullptr);
  if (n <= 0)
    std::abort();
  for (int i = 0; i < n; ++i)
    if constexpr (Kind == hand_parse_kind::any_family)
      hand_parse_any(msgs[i], names[i], r.hand_any[i]);
    else
      hand_parse<Kind == hand_parse_kind::v4_stamped>(msgs[i], names[i], r.hand_out[i]);
  return static_cast<std::size_t>(n);
}
// (Functions of their own, not template instances: callgrind collects them by name.)
__attribute__((noinline)) std::size_t rbatch_hand(batch_rig& r) { return rbatch_hand_body<hand_parse_kind::v4>(r); }
__attribute__((noinline)) std::size_t rbatch_hand_stamped(batch_rig& r) {
  return rbatch_hand_body<hand_parse_kind::v4_stamped>(r);
}
__attribute__((noinline)) std::size_t rbatch_hand_any(batch_rig& r) {
  return rbatch_hand_body<hand_parse_kind::any_family>(r);
}
// Once per rig, as batch_rig::check does for mcast: the hand-written receiver a rig is measured
// against must read each datagram's group and interface, so that a control buffer too small for
// the kind's messages (a dual-stack datagram carries two) fails here in every build, not only
// under ASan.
void check_hand(batch_rig& r) {
  const sockaddr_storage to = r.g.address().to_sockaddr();
  const bool v4 = r.g.is_v4();
  const void* want = v4 ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in&>(to).sin_addr)
                        : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6&>(to).sin6_addr);
  r.fill();
  for (std::size_t got = 0; got < batch;) {
    const std::size_t n = r.kind == rig_kind::v4 ? rbatch_hand(r) : rbatch_hand_any(r);
    for (std::size_t i = 0; i < n; ++i) {
      bool ok;
      if (r.kind == rig_kind::v4) {
        const hand_datagram& d = r.hand_out[i];
        ok = d.has_destination && std::memcmp(&d.destination, want, 4) == 0 && d.interface_index == r.lo.index() &&
             d.size == r.payload.size();
      } else {
        // (A dual-stack datagram's IP_PKTINFO comes last: the parser keeps the IPv4 group.)
        const hand_datagram_any& d = r.hand_any[i];
        ok = d.destination_family == (v4 ? AF_INET : AF_INET6) && std::memcmp(d.destination, want, v4 ? 4 : 16) == 0 &&
             d.interface_index == r.lo.index() && d.size == r.payload.size();
      }
      if (!ok)
        std::abort();
    }
    got += n;
  }
}
// The floor: arrays set up once, outside the call; only the lengths are reset per call.
__attribute__((noinline)) std::size_t rbatch_floor(batch_rig& r) {
  for (std::size_t i = 0; i < batch; ++i) {
    r.msgs[i].msg_hdr.msg_namelen = sizeof r.names[i];
    r.msgs[i].msg_hdr.msg_controllen = sizeof r.control[i];
  }
  const int n = ::recvmmsg(r.rx, r.msgs, batch, MSG_WAITFORONE, nullptr);
  if (n <= 0)
    std::abort();
  for (int i = 0; i < n; ++i)
    hand_parse(r.msgs[i], r.names[i], r.hand_out[i]);
  return static_cast<std::size_t>(n);
}
// One datagram per call: mcast::receive and a hand-written recvmsg (packet info on) that keeps
// the same facts.
__attribute__((noinline)) std::size_t rone_mcast(batch_rig& r) {
  r.ds[0] = mcast::receive(r.rx, r.rbufs[0].data, r.rbufs[0].size);
  return 1;
}
template <hand_parse_kind Kind> MCAST_DETAIL_ALWAYS_INLINE std::size_t rone_hand_body(batch_rig& r) {
  mmsghdr mm{};
  iovec iov{r.rbufs[0].data, r.rbufs[0].size};
  sockaddr_storage name;
  alignas(8) unsigned char control[hand_control_room<Kind>];
  msghdr& m = mm.msg_hdr;
  m.msg_name = &name;
  m.msg_namelen = sizeof name;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(r.rx, &m, 0);
  if (n < 0)
    std::abort();
  mm.msg_len = static_cast<unsigned>(n);
  if constexpr (Kind == hand_parse_kind::any_family)
    hand_parse_any(mm, name, r.hand_any[0]);
  else
    hand_parse(mm, name, r.hand_out[0]);
  return 1;
}
__attribute__((noinline)) std::size_t rone_hand(batch_rig& r) { return rone_hand_body<hand_parse_kind::v4>(r); }
__attribute__((noinline)) std::size_t rone_hand_any(batch_rig& r) {
  return rone_hand_body<hand_parse_kind::any_family>(r);
}

// A hand-written recvfrom, the call Asio's async_receive_from makes: no control messages, no
// msghdr (the socket still has IP_PKTINFO on).
__attribute__((noinline)) std::size_t rone_plain(batch_rig& r) {
  sockaddr_storage name;
  socklen_t length = sizeof name;
  const ssize_t n = ::recvfrom(r.rx, r.rbufs[0].data, r.rbufs[0].size, 0, reinterpret_cast<sockaddr*>(&name), &length);
  if (n < 0)
    std::abort();
  r.hand_out[0].size = static_cast<std::size_t>(n);
  return 1;
}

// receive_batch with option::receive_timestamp on (the rig turns it on for this mode): the same
// call under its own name, so that callgrind can collect it apart (the unused argument keeps the
// compiler from folding it into rbatch_mcast).
__attribute__((noinline)) std::size_t rbatch_stamped(batch_rig& r, int) {
  return mcast::receive_batch(r.rx, r.rbufs, r.ds, batch);
}

// The kernel's own share of one turn of an event loop: an epoll_wait that does not wait, on an
// epoll set holding the socket as Asio's reactor registers one (edge-triggered: each round's
// datagrams make an event, which it returns), then the hand-written recvmmsg.
struct epoll_side {
  explicit epoll_side(batch_rig& r) : fd(::epoll_create1(EPOLL_CLOEXEC)), rx(::dup(r.rx)) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLPRI | EPOLLET;
    ev.data.fd = rx;
    if (fd < 0 || rx < 0 || ::epoll_ctl(fd, EPOLL_CTL_ADD, rx, &ev) != 0)
      std::abort();
  }
  ~epoll_side() {
    ::close(rx);
    ::close(fd);
  }
  epoll_side(const epoll_side&) = delete;
  epoll_side& operator=(const epoll_side&) = delete;
  int fd;
  int rx;
};
__attribute__((noinline)) std::size_t rbatch_after_epoll(batch_rig& r, epoll_side& e) {
  epoll_event events[128];
  (void)::epoll_wait(e.fd, events, 128, 0);
  return rbatch_hand(r);
}

#if defined(MCAST_BENCH_ASIO)
// The rig's receiver as an Asio socket (a duplicate of its descriptor).
struct asio_side {
  explicit asio_side(batch_rig& r)
      : sock(io, r.kind == rig_kind::v4 ? asio::ip::udp::v4() : asio::ip::udp::v6(), ::dup(r.rx)) {}
  asio::io_context io;
  asio::ip::udp::socket sock;
  asio::ip::udp::endpoint from;
};
// One round on the io_context: run what the call before it started, until nothing is left.
MCAST_DETAIL_ALWAYS_INLINE std::size_t run_round(asio_side& a, const std::size_t& got) {
  a.io.restart();
  a.io.run();
  return got;
}
// `batch` queued datagrams one completion each: mcast::async_receive (source, group, interface),
// each completion starting the next, against Asio's async_receive_from (source only).
struct arecv_next {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  void operator()(std::error_code ec, mcast::datagram d) {
    if (ec)
      std::abort();
    r->ds[0] = d;
    if (++*got < batch)
      mcast::async_receive(a->sock, asio::buffer(r->rbufs[0].data, r->rbufs[0].size), *this);
  }
};
__attribute__((noinline)) std::size_t arecv_mcast(batch_rig& r, asio_side& a) {
  std::size_t got = 0;
  mcast::async_receive(a.sock, asio::buffer(r.rbufs[0].data, r.rbufs[0].size), arecv_next{&r, &a, &got});
  return run_round(a, got);
}
struct asio_next {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  void operator()(std::error_code ec, std::size_t n) {
    if (ec)
      std::abort();
    r->hand_out[0].size = n;
    if (++*got < batch)
      a->sock.async_receive_from(asio::buffer(r->rbufs[0].data, r->rbufs[0].size), a->from, *this);
  }
};
__attribute__((noinline)) std::size_t arecv_asio(batch_rig& r, asio_side& a) {
  std::size_t got = 0;
  a.sock.async_receive_from(asio::buffer(r.rbufs[0].data, r.rbufs[0].size), a.from, asio_next{&r, &a, &got});
  return run_round(a, got);
}
// mcast::async_receive_batch of `batch` queued datagrams: one completion. (A named handler: a
// lambda's type would carry this function's name into Asio's, and callgrind's toggle would
// stop collecting inside them.)
struct abatch_done {
  std::size_t* got;
  void operator()(std::error_code ec, std::size_t n) const {
    if (ec)
      std::abort();
    *got = n;
  }
};
__attribute__((noinline)) std::size_t abatch_mcast(batch_rig& r, asio_side& a) {
  std::size_t got = 0;
  mcast::async_receive_batch(a.sock, r.rbufs, r.ds, batch, abatch_done{&got});
  return run_round(a, got);
}
// The event loop's own share: the hand-written recvmmsg run as one Asio completion (posted, as
// async_receive_batch's first-try result is), so one turn of the io_context a batch -- with its
// epoll_wait, which Asio's scheduler makes between two handlers.
struct abatch_floor_run {
  batch_rig* r;
  std::size_t* got;
  void operator()() const { *got = rbatch_hand(*r); }
};
__attribute__((noinline)) std::size_t abatch_floor(batch_rig& r, asio_side& a) {
  std::size_t got = 0;
  asio::post(a.io, abatch_floor_run{&r, &got});
  return run_round(a, got);
}
// A receiver under load, as a program runs one: each completion starts the next receive, until
// `want` datagrams (several batches queued) have arrived -- one io_context::run() for all of them.
struct abatch_loop {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  std::size_t want;
  void operator()(std::error_code ec, std::size_t n) {
    if (ec)
      std::abort();
    *got += n;
    if (*got < want)
      mcast::async_receive_batch(a->sock, r->rbufs, r->ds, batch, *this);
  }
};
__attribute__((noinline)) std::size_t abatch_mcast_loop(batch_rig& r, asio_side& a, std::size_t want) {
  std::size_t got = 0;
  mcast::async_receive_batch(a.sock, r.rbufs, r.ds, batch, abatch_loop{&r, &a, &got, want});
  return run_round(a, got);
}
// Its floor through the scheduler: the hand-written recvmmsg as a handler that hands the next one
// to the io_context (asio::defer, a continuation), so one turn of the event loop a batch.
struct abatch_floor_step {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  std::size_t want;
  void operator()() const {
    *got += rbatch_hand(*r);
    if (*got < want)
      asio::defer(a->io, *this);
  }
};
__attribute__((noinline)) std::size_t abatch_floor_loop(batch_rig& r, asio_side& a, std::size_t want) {
  std::size_t got = 0;
  asio::post(a.io, abatch_floor_step{&r, &a, &got, want});
  return run_round(a, got);
}
#endif

#if defined(MCAST_BENCH_LIBUV)
// The rig's receiver as a libuv handle (a duplicate of its descriptor): one callback a datagram,
// the source address only (libuv gives no packet info). With UV_UDP_RECVMMSG libuv reads with
// recvmmsg into one buffer cut in 64 KiB slots, as many as the buffer holds (at most 20 a call).
struct uv_side {
  uv_side(batch_rig& r, bool mmsg) : rig(&r), space(mmsg ? 20 * 65536 : 65536) {
    if (uv_loop_init(&loop) != 0 ||
        uv_udp_init_ex(&loop, &udp, AF_UNSPEC | (mmsg ? static_cast<unsigned>(UV_UDP_RECVMMSG) : 0u)) != 0 ||
        uv_udp_open(&udp, ::dup(r.rx)) != 0)
      std::abort();
    udp.data = this;
  }
  ~uv_side() {
    uv_close(reinterpret_cast<uv_handle_t*>(&udp), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    (void)uv_loop_close(&loop);
  }
  batch_rig* rig;
  std::vector<char> space;
  uv_loop_t loop;
  uv_udp_t udp;
  std::size_t got = 0;
};
void uv_alloc(uv_handle_t* h, std::size_t, uv_buf_t* b) {
  auto* u = static_cast<uv_side*>(h->data);
  *b = uv_buf_init(u->space.data(), static_cast<unsigned>(u->space.size()));
}
void uv_received(uv_udp_t* h, ssize_t n, const uv_buf_t*, const sockaddr* from, unsigned flags) {
  auto* u = static_cast<uv_side*>(h->data);
  if (n < 0)
    std::abort();
  if (from == nullptr || (flags & UV_UDP_MMSG_FREE) != 0) // the end of a read, or the buffer handed back
    return;
  u->rig->hand_out[0].size = static_cast<std::size_t>(n);
  if (++u->got == batch)
    uv_udp_recv_stop(h);
}
// (The unused argument keeps the compiler from folding the two identical bodies into one, which
// callgrind could not collect apart.)
__attribute__((noinline)) std::size_t uvrecv_plain(uv_side& u, int) {
  u.got = 0;
  if (uv_udp_recv_start(&u.udp, uv_alloc, uv_received) != 0)
    std::abort();
  uv_run(&u.loop, UV_RUN_DEFAULT);
  return u.got;
}
__attribute__((noinline)) std::size_t uvrecv_mmsg(uv_side& u) {
  u.got = 0;
  if (uv_udp_recv_start(&u.udp, uv_alloc, uv_received) != 0)
    std::abort();
  uv_run(&u.loop, UV_RUN_DEFAULT);
  return u.got;
}
#endif

__attribute__((noinline)) std::size_t sbatch_mcast(batch_rig& r) {
  return mcast::send_batch(r.tx, r.g, r.port, r.sbufs, batch);
}
__attribute__((noinline)) std::size_t sbatch_hand(batch_rig& r) {
  mmsghdr m[batch];
  iovec v[batch];
  for (std::size_t i = 0; i < batch; ++i) {
    v[i] = {const_cast<void*>(r.sbufs[i].data), r.sbufs[i].size};
    m[i] = {};
    m[i].msg_hdr.msg_name = &r.to;
    m[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    m[i].msg_hdr.msg_iov = &v[i];
    m[i].msg_hdr.msg_iovlen = 1;
  }
  const int n = ::sendmmsg(r.tx, m, batch, 0);
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

// --only rbatch_mcast_64 ...: in a namespace of its own (lo set up for multicast). A name ending
// in _v6 runs on the IPv6 rig (64 B), where the hand-written receivers are the `_any` ones.
int run_batch_only(const std::string& function, int iterations) {
  auto ends_with = [&function](const char* tail) {
    const std::size_t n = std::strlen(tail);
    return function.size() > n && function.compare(function.size() - n, n, tail) == 0;
  };
  const bool receive = function.rfind("rbatch_", 0) == 0;
  const std::size_t size = ends_with("_1200") ? 1200 : 64;
  const bool hand = function.find("_hand_") != std::string::npos;
  const bool floor = function.find("_floor_") != std::string::npos;
  const bool v6 = ends_with("_v6");
  if (!enter_private_namespace().entered)
    return 3;
  setup_loopback_network();
  batch_rig r(size, v6 ? rig_kind::v6 : rig_kind::v4);
  const bool stamped = function.rfind("rbatch_stamped", 0) == 0;
  if (stamped)
    mcast::set_option(r.rx, mcast::option::receive_timestamp{true});
  std::size_t total = 0;
#if defined(MCAST_BENCH_LIBUV)
  if (function.rfind("uvrecv_", 0) == 0) {
    const bool mmsg = function.rfind("uvrecv_mmsg", 0) == 0;
    uv_side u(r, mmsg);
    for (int i = 0; i < iterations; ++i) {
      r.fill();
      total += mmsg ? uvrecv_mmsg(u) : uvrecv_plain(u, 0);
    }
    return total == batch * static_cast<std::size_t>(iterations) ? 0 : 4;
  }
#endif
#if defined(MCAST_BENCH_ASIO)
  if (function.rfind("abatch_mcast_loop", 0) == 0) { // a call: loop_batches batches queued
    asio_side a(r);
    for (int i = 0; i < iterations; ++i) {
      for (std::size_t k = 0; k < loop_batches; ++k)
        r.fill();
      total += abatch_mcast_loop(r, a, loop_batches * batch);
    }
    return total == loop_batches * batch * static_cast<std::size_t>(iterations) ? 0 : 4;
  }
  if (function.rfind("arecv_", 0) == 0 || function.rfind("abatch_", 0) == 0) {
    asio_side a(r);
    const bool asio_own = function.rfind("arecv_asio", 0) == 0;
    const bool async_batch = function.rfind("abatch_", 0) == 0;
    for (int i = 0; i < iterations; ++i) {
      r.fill();
      total += async_batch ? abatch_mcast(r, a) : asio_own ? arecv_asio(r, a) : arecv_mcast(r, a);
    }
    return total == batch * static_cast<std::size_t>(iterations) ? 0 : 4;
  }
#endif
  for (int i = 0; i < iterations; ++i) {
    if (function.rfind("rone_", 0) == 0) {
      r.fill();
      for (std::size_t k = 0; k < batch; ++k)
        total += hand ? (v6 ? rone_hand_any(r) : rone_hand(r)) : rone_mcast(r);
    } else if (receive) {
      r.fill();
      total += floor        ? rbatch_floor(r)
               : hand && v6 ? rbatch_hand_any(r)
               : hand       ? rbatch_hand(r)
               : stamped    ? rbatch_stamped(r, 0)
                            : rbatch_mcast(r);
    } else {
      total += hand ? sbatch_hand(r) : sbatch_mcast(r);
    }
  }
  return total == batch * static_cast<std::size_t>(iterations) ? 0 : 4;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F> double time_per_call(F&& f, int iterations) {
  const auto t0 = clock_type::now();
  for (int i = 0; i < iterations; ++i)
    f();
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count() / iterations;
}

// ---- 9. with the kernel: time per datagram, and loss with a sender at full rate ----------------
// What an A/B comparison prints: the median of the per-pair ratios A/B with their quartiles (the
// spread tells a real difference from this machine's noise), and A's median time per datagram.
struct ab_result {
  double ratio, low, high, a_ns;
};

// `pairs` pairs; in each, A and B take turns round by round (`rounds` each), the one to go first
// alternating, so that a drift of the machine (frequency, a neighbour's load) falls on both.
// `round(which)` runs one round of A (0) or B (1) and returns its time (ns) and datagram count.
template <class Round> ab_result ab_interleaved(Round&& round, int pairs, int rounds) {
  std::vector<double> ratios, ta;
  for (int p = 0; p < pairs; ++p) {
    double ns[2] = {0, 0}, count[2] = {0, 0};
    for (int i = 0; i < rounds; ++i)
      for (int k = 0; k < 2; ++k) {
        const int which = (i + p) % 2 == 0 ? k : 1 - k;
        const auto [t, n] = round(which);
        ns[which] += t;
        count[which] += n;
      }
    const double x = ns[0] / count[0], y = ns[1] / count[1];
    ratios.push_back(x / y);
    ta.push_back(x);
  }
  std::sort(ratios.begin(), ratios.end());
  const std::size_t n = ratios.size();
  return {ratios[n / 2], ratios[n / 4], ratios[(3 * n) / 4], median(ta)};
}

// Calls A and B, one a round, taking turns as ab_interleaved does; A/B per call.
template <class A, class B> ab_result ab(A&& a, B&& b, int pairs, int rounds) {
  auto timed = [](auto& f) {
    const auto t0 = clock_type::now();
    f();
    return std::pair<double, double>{std::chrono::duration<double, std::nano>(clock_type::now() - t0).count(), 1};
  };
  return ab_interleaved([&](int which) { return which == 0 ? timed(a) : timed(b); }, pairs, rounds);
}

// Receivers A and B, each draining `batch` datagrams -- `batches` times that for a receiver under
// load -- queued (untimed) before each round.
template <class A, class B>
ab_result ab_received(batch_rig& ra, A&& a, batch_rig& rb, B&& b, int pairs, int rounds, std::size_t batches = 1) {
  auto timed = [batches](batch_rig& r, auto& f) {
    for (std::size_t i = 0; i < batches; ++i)
      r.fill();
    const auto t0 = clock_type::now();
    for (std::size_t got = 0; got < batch * batches;) // (a batch call returns what is queued so far)
      got += f();
    return std::pair<double, double>{std::chrono::duration<double, std::nano>(clock_type::now() - t0).count(),
                                     static_cast<double>(batch * batches)};
  };
  return ab_interleaved([&](int which) { return which == 0 ? timed(ra, a) : timed(rb, b); }, pairs, rounds);
}

// Senders A and B, `batch` datagrams a call, the receiver drained (untimed) after each.
template <class A, class B> ab_result ab_sent(batch_rig& r, A&& a, B&& b, int pairs, int rounds) {
  auto timed = [&r](auto& f) {
    const auto t0 = clock_type::now();
    if (f() != batch)
      std::abort();
    const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
    for (std::size_t got = 0; got < batch;)
      got += rbatch_floor(r);
    return std::pair<double, double>{ns, batch};
  };
  return ab_interleaved([&](int which) { return which == 0 ? timed(a) : timed(b); }, pairs, rounds);
}

// Pins the calling thread to one CPU; false where it cannot.
bool pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set) == 0;
}

// A sender at full rate on CPU 1 (`count` datagrams of the rig's payload, `batch` per sendmmsg),
// then end markers (payload 'E', every 10 ms, at most 200) until the receiver says it has one.
// The receiver, on CPU 0, runs `receive(rig, done)`: it counts payload datagrams until a marker
// and returns that count. Returns {datagrams lost (%), the receiver thread's CPU time per datagram
// received (ns): how much of its CPU it needed to keep up}.
template <class Receive>
std::pair<double, double> full_rate_round(std::size_t size, std::size_t count, int room, Receive&& receive) {
  batch_rig r(size);
  (void)::setsockopt(r.rx, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room);
  timeval limit{3, 0}; // (a receiver that never sees a marker gives up)
  (void)::setsockopt(r.rx, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::atomic<bool> done{false};
  std::thread sender([&] {
    (void)pin_to_cpu(1);
    for (std::size_t sent = 0; sent < count; sent += batch)
      r.fill();
    const char marker = 'E';
    for (int i = 0; i < 200 && !done.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      (void)::sendto(r.tx, &marker, 1, 0, reinterpret_cast<const sockaddr*>(&r.to), sizeof(sockaddr_in));
    }
  });
  auto cpu_ns = [] {
    timespec t{};
    (void)::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
  };
  const double t0 = cpu_ns();
  const std::size_t got = receive(r);
  const double ns = cpu_ns() - t0;
  done = true;
  sender.join();
  const std::size_t sent = (count + batch - 1) / batch * batch;
  return {100.0 * static_cast<double>(sent - (std::min)(got, sent)) / static_cast<double>(sent),
          got ? ns / static_cast<double>(got) : 0.0};
}
// (for each receiver: is this received datagram the end marker?)
inline bool is_marker(const void* data, std::size_t size) {
  return size == 1 && *static_cast<const char*>(data) == 'E';
}

// Counts datagrams until the end marker: `read()` receives some into the rig's buffers and returns
// how many (0: an error, or the time limit), `size(i)` is the size of the i-th.
template <class Read, class Size> std::size_t count_until_marker(batch_rig& r, Read&& read, Size&& size) {
  for (std::size_t got = 0;;) {
    const std::size_t n = read();
    if (n == 0)
      return got;
    for (std::size_t i = 0; i < n; ++i) {
      if (is_marker(r.rbufs[i].data, size(i)))
        return got;
      ++got;
    }
  }
}
std::size_t full_rate_hand_recvmmsg(batch_rig& r) {
  auto read = [&r]() -> std::size_t {
    for (std::size_t i = 0; i < batch; ++i) {
      r.msgs[i].msg_hdr.msg_namelen = sizeof r.names[i];
      r.msgs[i].msg_hdr.msg_controllen = sizeof r.control[i];
    }
    const int n = ::recvmmsg(r.rx, r.msgs, batch, MSG_WAITFORONE, nullptr);
    for (int i = 0; i < n; ++i)
      hand_parse(r.msgs[i], r.names[i], r.hand_out[i]);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  };
  return count_until_marker(r, read, [&r](std::size_t i) { return std::size_t{r.msgs[i].msg_len}; });
}
std::size_t full_rate_receive_batch(batch_rig& r) {
  auto read = [&r]() -> std::size_t {
    std::error_code ec;
    return mcast::receive_batch(r.rx, r.rbufs, r.ds, batch, ec);
  };
  return count_until_marker(r, read, [&r](std::size_t i) { return r.ds[i].size; });
}
std::size_t full_rate_hand_recvmsg(batch_rig& r) {
  auto read = [&r]() -> std::size_t {
    msghdr& m = r.msgs[0].msg_hdr;
    m.msg_namelen = sizeof r.names[0];
    m.msg_controllen = sizeof r.control[0];
    const ssize_t n = ::recvmsg(r.rx, &m, 0);
    if (n < 0)
      return 0;
    r.msgs[0].msg_len = static_cast<unsigned>(n);
    hand_parse(r.msgs[0], r.names[0], r.hand_out[0]);
    return 1;
  };
  return count_until_marker(r, read, [&r](std::size_t) { return std::size_t{r.msgs[0].msg_len}; });
}
std::size_t full_rate_receive(batch_rig& r) {
  auto read = [&r]() -> std::size_t {
    std::error_code ec;
    r.ds[0] = mcast::receive(r.rx, r.rbufs[0].data, r.rbufs[0].size, ec);
    return ec ? 0 : 1;
  };
  return count_until_marker(r, read, [&r](std::size_t) { return r.ds[0].size; });
}
#if defined(MCAST_BENCH_ASIO)
// The Asio receivers run their io_context for at most 3 s.
struct full_rate_async_batch {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  void operator()(std::error_code ec, std::size_t n) const {
    if (ec)
      return;
    for (std::size_t i = 0; i < n; ++i) {
      if (is_marker(r->rbufs[i].data, r->ds[i].size))
        return;
      ++*got;
    }
    mcast::async_receive_batch(a->sock, r->rbufs, r->ds, batch, *this);
  }
};
struct full_rate_async_one {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  void operator()(std::error_code ec, mcast::datagram d) const {
    if (ec || is_marker(r->rbufs[0].data, d.size))
      return;
    r->ds[0] = d;
    ++*got;
    mcast::async_receive(a->sock, asio::buffer(r->rbufs[0].data, r->rbufs[0].size), *this);
  }
};
struct full_rate_asio_one {
  batch_rig* r;
  asio_side* a;
  std::size_t* got;
  void operator()(std::error_code ec, std::size_t n) const {
    if (ec || is_marker(r->rbufs[0].data, n))
      return;
    r->hand_out[0].size = n;
    ++*got;
    a->sock.async_receive_from(asio::buffer(r->rbufs[0].data, r->rbufs[0].size), a->from, *this);
  }
};
template <class Start> std::size_t full_rate_asio(batch_rig& r, Start&& start) {
  asio_side a(r);
  std::size_t got = 0;
  start(a, got);
  a.io.run_for(std::chrono::seconds(3));
  return got;
}
std::size_t full_rate_async_receive_batch(batch_rig& r) {
  return full_rate_asio(r, [&r](asio_side& a, std::size_t& got) {
    mcast::async_receive_batch(a.sock, r.rbufs, r.ds, batch, full_rate_async_batch{&r, &a, &got});
  });
}
std::size_t full_rate_async_receive(batch_rig& r) {
  return full_rate_asio(r, [&r](asio_side& a, std::size_t& got) {
    mcast::async_receive(a.sock, asio::buffer(r.rbufs[0].data, r.rbufs[0].size), full_rate_async_one{&r, &a, &got});
  });
}
std::size_t full_rate_asio_receive_from(batch_rig& r) {
  return full_rate_asio(r, [&r](asio_side& a, std::size_t& got) {
    a.sock.async_receive_from(asio::buffer(r.rbufs[0].data, r.rbufs[0].size), a.from, full_rate_asio_one{&r, &a, &got});
  });
}
#endif

// 9. with the kernel: time per datagram side by side (this build), and loss with a full-rate sender.
void kernel_section(std::ostream& md, bool quick, bool in_namespace, const std::string& only_receiver = {}) {
  const int tpairs = quick ? 3 : 31, trounds = quick ? 20 : 150;
  md << "\n| 9. with the kernel, time per datagram (this build: " MCAST_BENCH_COMPILER
        "; 64 queued; A and B take turns round by round, "
     << trounds << " rounds each per pair) | A / B: median of " << tpairs
     << " pairs (quartiles) | A / B (ns) | target |\n|---|---|---|---|\n";
  if (!in_namespace) {
    md << "| (needs a private network namespace) | | | |\n";
  } else if (only_receiver.empty()) {
    batch_rig r64(64), r1200(1200), stamped(64), v6(64, rig_kind::v6), dual(64, rig_kind::dual_stack);
    for (batch_rig* r : {&r64, &v6, &dual}) {
      r->check();
      check_hand(*r);
    }
    mcast::set_option(stamped.rx, mcast::option::receive_timestamp{true});
    auto timed_row = [&](const char* what, ab_result x, const char* target) {
      char buf[160];
      std::snprintf(buf, sizeof buf, " | **%.2f** (%.2f-%.2f) | %.0f / %.0f | %s |\n", x.ratio, x.low, x.high, x.a_ns,
                    x.a_ns / x.ratio, target);
      md << "| " << what << buf;
    };
    timed_row("receive_batch / hand-written recvmmsg (arrays filled per call), 64 B",
              ab_received(
                  r64, [&] { return rbatch_mcast(r64); }, r64, [&] { return rbatch_hand(r64); }, tpairs, trounds),
              "<= 1.10");
    timed_row(
        "receive_batch / hand-written recvmmsg, 1200 B",
        ab_received(
            r1200, [&] { return rbatch_mcast(r1200); }, r1200, [&] { return rbatch_hand(r1200); }, tpairs, trounds),
        "<= 1.10");
    timed_row("receive_batch with receive_timestamp on / off, 64 B",
              ab_received(
                  stamped, [&] { return rbatch_stamped(stamped, 0); }, r64, [&] { return rbatch_mcast(r64); }, tpairs,
                  trounds),
              "<= 1.15");
    timed_row("hand-written recvmmsg with SO_TIMESTAMPNS on (reading it) / off: the kernel's own cost of the "
              "timestamp, 64 B",
              ab_received(
                  stamped, [&] { return rbatch_hand_stamped(stamped); }, r64, [&] { return rbatch_hand(r64); }, tpairs,
                  trounds),
              "(reported)");
    timed_row("receive / hand-written recvmsg, 64 B",
              ab_received(
                  r64, [&] { return rone_mcast(r64); }, r64, [&] { return rone_hand(r64); }, tpairs, trounds),
              "(reported)");
    timed_row("hand-written recvmsg with packet info / recvfrom (what Asio calls): the kernel's cost of the group "
              "and interface, 64 B",
              ab_received(
                  r64, [&] { return rone_hand(r64); }, r64, [&] { return rone_plain(r64); }, tpairs, trounds),
              "(reported)");
    timed_row("receive_batch / hand-written recvmmsg, IPv6 socket and group, 64 B",
              ab_received(
                  v6, [&] { return rbatch_mcast(v6); }, v6, [&] { return rbatch_hand_any(v6); }, tpairs, trounds),
              "<= 1.10");
    timed_row(
        "receive_batch / hand-written recvmmsg, dual-stack socket, IPv4 group (mcast unmaps the addresses), 64 B",
        ab_received(
            dual, [&] { return rbatch_mcast(dual); }, dual, [&] { return rbatch_hand_any(dual); }, tpairs, trounds),
        "<= 1.10");
    timed_row("hand-written recvmsg with packet info / recvfrom: the kernel's cost of the group and interface, "
              "IPv6, 64 B",
              ab_received(
                  v6, [&] { return rone_hand_any(v6); }, v6, [&] { return rone_plain(v6); }, tpairs, trounds),
              "(reported)");
    timed_row("send_batch (64 of one size: UDP GSO) / hand-written sendmmsg, 64 B",
              ab_sent(
                  r64, [&] { return sbatch_mcast(r64); }, [&] { return sbatch_hand(r64); }, tpairs, trounds),
              "<= 1.10");
#if defined(MCAST_BENCH_ASIO)
    {
      asio_side a(r64);
      timed_row("async_receive_batch, one batch a run() (an idle receiver woken for one batch) / hand-written "
                "recvmmsg, 64 B",
                ab_received(
                    r64, [&] { return abatch_mcast(r64, a); }, r64, [&] { return rbatch_hand(r64); }, tpairs, trounds),
                "(reported)");
      {
        epoll_side e(r64);
        timed_row("hand-written recvmmsg after an epoll_wait that does not wait (the socket's event in it) / "
                  "hand-written recvmmsg: the kernel's own share of an event loop's turn, 64 B",
                  ab_received(
                      r64, [&] { return rbatch_after_epoll(r64, e); }, r64, [&] { return rbatch_hand(r64); }, tpairs,
                      trounds),
                  "(reported)");
      }
      timed_row("hand-written recvmmsg run as an Asio completion / hand-written recvmmsg: the event loop's own "
                "cost, 64 B",
                ab_received(
                    r64, [&] { return abatch_floor(r64, a); }, r64, [&] { return rbatch_hand(r64); }, tpairs, trounds),
                "(reported)");
      timed_row(
          "async_receive_batch / hand-written recvmmsg run as an Asio completion, 64 B",
          ab_received(
              r64, [&] { return abatch_mcast(r64, a); }, r64, [&] { return abatch_floor(r64, a); }, tpairs, trounds),
          "(reported)");
      timed_row("async_receive / Asio async_receive_from, 64 B",
                ab_received(
                    r64, [&] { return arecv_mcast(r64, a); }, r64, [&] { return arecv_asio(r64, a); }, tpairs, trounds),
                "<= 1.0");
      // Under load: 16 batches queued, each completion starting the next receive, as a receiver's
      // loop does. Its Asio floor: the hand-written recvmmsg handing the next one to the io_context.
      constexpr std::size_t loaded = loop_batches;
      const std::size_t want = loaded * batch;
      timed_row("async_receive_batch in a receive loop, 16 batches queued / hand-written recvmmsg, 64 B",
                ab_received(
                    r64, [&] { return abatch_mcast_loop(r64, a, want); }, r64, [&] { return rbatch_hand(r64); }, tpairs,
                    trounds / 8, loaded),
                "<= 1.15");
      timed_row("hand-written recvmmsg in an Asio handler loop (one event-loop turn a batch) / hand-written "
                "recvmmsg, 16 batches queued, 64 B",
                ab_received(
                    r64, [&] { return abatch_floor_loop(r64, a, want); }, r64, [&] { return rbatch_hand(r64); }, tpairs,
                    trounds / 8, loaded),
                "(reported)");
    }
    {
      asio_side a(v6);
      timed_row("async_receive_batch, one batch a run() / hand-written recvmmsg, IPv6, 64 B",
                ab_received(
                    v6, [&] { return abatch_mcast(v6, a); }, v6, [&] { return rbatch_hand_any(v6); }, tpairs, trounds),
                "(reported)");
      constexpr std::size_t loaded = loop_batches;
      timed_row("async_receive_batch in a receive loop, 16 batches queued / hand-written recvmmsg, IPv6, 64 B",
                ab_received(
                    v6, [&] { return abatch_mcast_loop(v6, a, loaded * batch); }, v6,
                    [&] { return rbatch_hand_any(v6); }, tpairs, trounds / 8, loaded),
                "<= 1.15");
      timed_row("async_receive / Asio async_receive_from, IPv6, 64 B",
                ab_received(
                    v6, [&] { return arecv_mcast(v6, a); }, v6, [&] { return arecv_asio(v6, a); }, tpairs, trounds),
                "<= 1.0");
    }
#endif
  }

  // Each receiver with the same receive buffer: 256 KiB (about what a default one holds: a pause
  // of a millisecond overflows it) and 4 MiB (as a feed handler sets it: only a receiver slower than
  // the sender loses). The receiver's CPU time per datagram is its headroom.
  const std::size_t full_count = quick ? 20000 : 200000;
  const int full_rounds = quick ? 1 : 5;
  for (const int room : {256 << 10, 4 << 20}) {
    if (quick && room != (4 << 20))
      continue;
    md << "\n| 9. a sender at full rate on the other CPU (" << full_count << " datagrams of 64 B, sendmmsg of 64; "
       << (room >> 10) << " KiB receive buffer; IP_PKTINFO on; median of " << full_rounds
       << " rounds) | lost (worst round) | receiver CPU ns per datagram | target |\n|---|---|---|---|\n";
    cpu_set_t before;
    if (!in_namespace || std::thread::hardware_concurrency() < 2 ||
        ::pthread_getaffinity_np(::pthread_self(), sizeof before, &before) != 0 || !pin_to_cpu(0)) {
      md << "| (needs a private network namespace and two CPUs) | | | |\n";
      continue;
    }
    struct receiver {
      const char* what;
      std::size_t (*receive)(batch_rig&);
      const char* target;
      std::vector<double> lost, ns;
    };
    std::vector<receiver> receivers;
    auto add = [&](const char* what, std::size_t (*receive)(batch_rig&), const char* target) {
      if (only_receiver.empty() || only_receiver == what) // (--receiver: one alone, to study it)
        receivers.push_back({what, receive, target, {}, {}});
    };
    add("hand-written recvmmsg, batches of 64 (the limit)", full_rate_hand_recvmmsg, "");
    add("receive_batch, 64", full_rate_receive_batch, "<= the limit's");
#if defined(MCAST_BENCH_ASIO)
    add("async_receive_batch, 64", full_rate_async_receive_batch, "<= the limit's");
#endif
    add("hand-written recvmsg, one a call", full_rate_hand_recvmsg, "(reported)");
    add("receive, one a call", full_rate_receive, "(reported)");
#if defined(MCAST_BENCH_ASIO)
    add("Asio async_receive_from", full_rate_asio_receive_from, "(reported)");
    add("async_receive", full_rate_async_receive, "(reported)");
#endif
    for (int round = 0; round < full_rounds; ++round)
      for (auto& x : receivers) {
        const auto [lost, ns] = full_rate_round(64, full_count, room, x.receive);
        x.lost.push_back(lost);
        x.ns.push_back(ns);
      }
    (void)::pthread_setaffinity_np(::pthread_self(), sizeof before, &before);
    for (const auto& x : receivers) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " | %.2f %% (%.2f %%) | %.0f | %s |\n", median(x.lost),
                    *std::max_element(x.lost.begin(), x.lost.end()), median(x.ns), x.target);
      md << "| " << x.what << buf;
    }
  }
}

std::string self_path;

// Runs `program` under callgrind in its `--only mode` and collects only the functions whose names
// end in `pattern` (callgrind's --toggle-collect='*PATTERN'); returns instructions per iteration.
double callgrind_named(const std::string& program, const std::string& pattern, const std::string& mode,
                       int iterations) {
  if (std::system("command -v valgrind >/dev/null 2>&1") != 0)
    return -1;
  const std::string out = "/tmp/mcast-bench-callgrind." + std::to_string(::getpid()) + "." + mode;
  const std::string cmd = "valgrind --tool=callgrind --callgrind-out-file=" + out + " --toggle-collect='*" + pattern +
                          "' " + program + " --only " + mode + " " + std::to_string(iterations) + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    return -1;
  std::ifstream in(out);
  std::string line;
  double total = -1;
  while (std::getline(in, line))
    if (line.rfind("summary:", 0) == 0 || line.rfind("totals:", 0) == 0)
      total = std::atof(line.substr(line.find(':') + 1).c_str());
  std::remove(out.c_str());
  return total < 0 ? -1 : total / iterations;
}

// Runs `program` (this one, or its clang twin) under callgrind, collecting only `function`;
// returns instructions per call.
double callgrind(const std::string& program, const std::string& function, int iterations) {
  return callgrind_named(program, function + "*", function, iterations);
}

int run_only(const std::string& function, int iterations) {
  if (function.rfind("rbatch_", 0) == 0 || function.rfind("sbatch_", 0) == 0 || function.rfind("rone_", 0) == 0 ||
      function.rfind("arecv_", 0) == 0 || function.rfind("abatch_", 0) == 0 || function.rfind("uvrecv_", 0) == 0)
    return run_batch_only(function, iterations);
  setup st;
  if (function == "cycle_mcast")
    for (int i = 0; i < iterations; ++i)
      cycle_mcast(st);
  else if (function == "cycle_mcast_keep")
    for (int i = 0; i < iterations; ++i)
      cycle_mcast_keep(st);
  else if (function == "cycle_hand")
    for (int i = 0; i < iterations; ++i)
      cycle_hand(st);
  else if (function == "cycle_hand_same")
    for (int i = 0; i < iterations; ++i)
      cycle_hand_same(st);
  else if (function == "cycle_hand_prebuilt") {
    prebuilt p;
    p.gr.gr_interface = st.lo.index();
    p.gr.gr_group = st.g.address().to_sockaddr();
    p.gsr.gsr_interface = st.lo.index();
    p.gsr.gsr_group = p.gr.gr_group;
    p.gsr.gsr_source = st.s.address().to_sockaddr();
    for (int i = 0; i < iterations; ++i)
      cycle_hand_prebuilt(st, p);
  } else if (function == "ssm_mcast")
    for (int i = 0; i < iterations; ++i)
      ssm_mcast(st);
  else if (function == "ssm_hand")
    for (int i = 0; i < iterations; ++i)
      ssm_hand(st);
  else if (function == "joinleave_mcast")
    for (int i = 0; i < iterations; ++i)
      joinleave_mcast(st);
#if defined(MCAST_BENCH_ASIO)
  else if (function == "joinleave_asio") {
    asio_setup a;
    for (int i = 0; i < iterations; ++i)
      joinleave_asio(a);
  } else if (function == "joinleave_asio_read") {
    asio_setup a;
    for (int i = 0; i < iterations; ++i)
      joinleave_asio_read(a);
  }
#endif
  else
    return 2;
  return 0;
}

// CPU time (user + sys, median of `runs`) and peak memory of compiling one translation unit with
// -fsyntax-only; {-1, 0} when it does not compile (a header that is not installed).
struct compile_cost {
  double cpu_seconds = -1;
  long peak_kib = 0;
};
compile_cost compile_cpu(const std::string& source_text, int runs) {
  compile_cost out;
#if defined(MCAST_BENCH_CXX)
  const std::string dir = "/tmp/mcast-bench-compile." + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());
  const std::string tu = dir + "/tu.cpp";
  { std::ofstream(tu) << source_text; }
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const pid_t child = ::fork();
    if (child == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(MCAST_BENCH_CXX, MCAST_BENCH_CXX, "-std=c++17", "-O2", "-fsyntax-only", "-I" MCAST_BENCH_INCLUDE,
              tu.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    rusage ru{};
    if (child < 0 || ::wait4(child, &status, 0, &ru) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      out.cpu_seconds = -1;
      break;
    }
    t.push_back(static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    out.peak_kib = std::max(out.peak_kib, static_cast<long>(ru.ru_maxrss));
  }
  if (t.size() == static_cast<std::size_t>(runs))
    out.cpu_seconds = median(t);
  std::system(("rm -rf " + dir).c_str());
#else
  (void)source_text;
  (void)runs;
#endif
  return out;
}

#if defined(MCAST_SYSCALL_HOOK)
void syscall_rows(std::ostream& out) {
  {
    setup st;
    std::vector<std::pair<std::string, std::size_t>> rows;
    auto count = [&](const char* what, auto&& f) {
      struct counter {
        static int hook(const mcast::detail::syscall_info&) noexcept {
          ++n();
          return 0;
        }
        static std::size_t& n() {
          static std::size_t v = 0;
          return v;
        }
      };
      counter::n() = 0;
      mcast::detail::syscall_hook = &counter::hook;
      f();
      mcast::detail::syscall_hook = nullptr;
      out << "| " << what << " | " << counter::n() << " | ";
      return counter::n();
    };
    const auto gs = mcast::make_group("232.199.1.1");
    const auto s2 = mcast::make_source("127.0.0.2");
    std::optional<mcast::any_source_membership<>> any;
    std::optional<mcast::blocked_source<>> blocked;
    std::optional<mcast::source_membership<>> src;
    std::optional<mcast::included_source<>> inc;
    std::optional<mcast::filtered_membership<>> filt;
    count("join_group (socket family + SO_COOKIE + join + IP_MULTICAST_ALL off)",
          [&] { any.emplace(mcast::join_group(st.sock, st.g, st.lo)); });
    out << "1 + 3 (Linux: family, SO_COOKIE, IP_MULTICAST_ALL) |\n";
    count("block", [&] { blocked.emplace(any->block(st.s)); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("unblock", [&] { blocked->unblock(); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("leave", [&] { any->leave(); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("join_source_group (family + SO_COOKIE + filter read + join + IP_MULTICAST_ALL)",
          [&] { src.emplace(mcast::join_source_group(st.sock, gs, s2, st.lo)); });
    out << "1 + 4 (Linux) |\n";
    count("include", [&] { inc.emplace(src->include(st.s)); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("drop", [&] { inc->drop(); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("source leave", [&] { src->leave(); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("join_with_filter exclude {s} (family + SO_COOKIE + join + filter + IP_MULTICAST_ALL)",
          [&] { filt.emplace(mcast::join_with_filter(st.sock, st.g, st.lo, mcast::filter_mode::exclude, {st.s})); });
    out << "2 + 3 (Linux) |\n";
    count("filtered set (mode switch)", [&] { filt->set(mcast::filter_mode::include, {s2}); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
    count("set_source_filter",
          [&] { mcast::set_source_filter(st.sock, st.g, st.lo, mcast::filter_mode::exclude, {s2}); });
    out << "1 |\n";
    count("filtered leave", [&] { filt->leave(); });
    out << "1 + 1 (Linux: SO_COOKIE) |\n";
  }
}
#endif

} // namespace

int main(int argc, char** argv) {
  self_path = argv[0];
  if (argc == 4 && std::string(argv[1]) == "--only")
    return run_only(argv[2], std::atoi(argv[3]));
#if defined(MCAST_SYSCALL_HOOK)
  if (argc == 2 && std::string(argv[1]) == "--syscalls") {
    syscall_rows(std::cout);
    return 0;
  }
#endif
  bool quick = false, kernel_only = false;
  std::string out_file, only_receiver;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--quick")
      quick = true;
    else if (std::string(argv[i]) == "--kernel")
      kernel_only = true;
    else if (std::string(argv[i]) == "--receiver" && i + 1 < argc)
      only_receiver = argv[++i];
    else if (std::string(argv[i]) == "--out" && i + 1 < argc)
      out_file = argv[++i];
  }
  const auto ns = enter_private_namespace();
  bool in_namespace = false;
  if (ns.entered) {
    try {
      setup_loopback_network();
      in_namespace = true;
    } catch (const std::exception&) {
    }
  }

  if (kernel_only) { // section 9 alone, printed
    kernel_section(std::cout, quick, in_namespace, only_receiver);
    return 0;
  }
  std::ostringstream md;
  std::string cmdline;
  for (int i = 0; i < argc; ++i)
    cmdline += std::string(i ? " " : "") + argv[i];
  md << "Command: `" << cmdline << "`" << (quick ? " (quick mode: fewer iterations, no callgrind)" : "") << "\n\n";
  md << "Machine: " << (in_namespace ? "private network namespace" : "current namespace (" + ns.reason + ")") << "\n\n";

  const int iterations = quick ? 200 : 20000;
  const int pairs = quick ? 3 : 7;

  // 1. the cycle, in user-space instructions for each compiler (callgrind), then in time
  struct compiler {
    const char* name;
    std::string program;
  };
  std::vector<compiler> compilers{{MCAST_BENCH_COMPILER, self_path}};
#if defined(MCAST_BENCH_CLANG_TWIN)
  if (::access(MCAST_BENCH_CLANG_TWIN, X_OK) == 0)
    compilers.push_back({"clang++", MCAST_BENCH_CLANG_TWIN});
#endif
  // A table's header: its title, one column per compiler, then the target.
  auto compiler_table = [&](const std::string& title) {
    md << "| " << title;
    for (const auto& c : compilers)
      md << " | " << c.name;
    md << " | target |\n|---";
    for (std::size_t i = 0; i <= compilers.size(); ++i)
      md << "|---";
    md << "|\n";
  };
  compiler_table("1. join/block/unblock/leave cycle, user-space instructions per cycle");
  if (!quick) {
    struct measured {
      double hand, same, floor, mcast, keep, ssm, ssm_hand, jl, asio, asio_read;
    };
    std::vector<measured> m;
    for (const auto& c : compilers) {
      measured x{};
      x.hand = callgrind(c.program, "cycle_hand", 2000);
      x.same = callgrind(c.program, "cycle_hand_same", 2000);
      x.floor = callgrind(c.program, "cycle_hand_prebuilt", 2000);
      x.mcast = callgrind(c.program, "cycle_mcast", 2000);
      x.keep = callgrind(c.program, "cycle_mcast_keep", 2000);
      x.ssm = callgrind(c.program, "ssm_mcast", 2000);
      x.ssm_hand = callgrind(c.program, "ssm_hand", 2000);
#if defined(MCAST_BENCH_ASIO)
      x.jl = callgrind(c.program, "joinleave_mcast", 2000);
      x.asio = callgrind(c.program, "joinleave_asio", 2000);
      x.asio_read = callgrind(c.program, "joinleave_asio_read", 2000);
#endif
      m.push_back(x);
    }
    auto row = [&](const char* what, auto&& value, const char* target) {
      md << "| " << what;
      for (const auto& x : m) {
        char buf[64];
        value(x, buf, sizeof buf);
        md << " | " << buf;
      }
      md << " | " << target << " |\n";
    };
    auto count = [](double measured::*f) {
      return [f](const measured& x, char* buf, std::size_t n) { std::snprintf(buf, n, "%.0f", x.*f); };
    };
    auto ratio = [](double measured::*a, double measured::*b, bool bold) {
      return [a, b, bold](const measured& x, char* buf, std::size_t n) {
        std::snprintf(buf, n, bold ? "**%.2f**" : "%.2f", x.*a / (x.*b));
      };
    };
    row("mcast handles (family read, cookie, join, IP_MULTICAST_ALL, then cookie + block, + unblock, + leave)",
        count(&measured::mcast), "");
    row("hand-written, the same 10 calls, structures filled per cycle", count(&measured::same), "");
    row("hand-written, the same 10 calls, structures built once (the floor)", count(&measured::floor), "");
    row("**ratio mcast / hand-written with the same calls**", ratio(&measured::mcast, &measured::same, true),
        "<= 1.25");
    row("ratio mcast / the floor", ratio(&measured::mcast, &measured::floor, false), "(reported)");
    row("keep_multicast_all cycle / hand-written 4 setsockopt, no family read",
        ratio(&measured::keep, &measured::hand, false), "(reported)");
    row("source-specific join + leave: mcast", count(&measured::ssm), "");
    row("source-specific join + leave: hand-written, the same 6 calls", count(&measured::ssm_hand), "");
    row("**ratio source-specific join + leave**", ratio(&measured::ssm, &measured::ssm_hand, true), "<= 1.5");
#if defined(MCAST_BENCH_ASIO)
    row("join+leave: mcast api::ipv4 (family read, cookie, IP_ADD_MEMBERSHIP, cookie, IP_DROP_MEMBERSHIP)",
        count(&measured::jl), "");
    row("join+leave: Asio join_group / leave_group", count(&measured::asio), "");
    row("**ratio mcast api::ipv4 / Asio**", ratio(&measured::jl, &measured::asio, true), "<= 1.25");
    row("join+leave: Asio plus the same family and cookie reads by hand", count(&measured::asio_read), "");
    row("ratio mcast api::ipv4 / Asio with the same calls", ratio(&measured::jl, &measured::asio_read, false),
        "(reported)");
#endif
  }
  {
    setup st;
    const ab_result x = ab([&] { cycle_mcast(st); }, [&] { cycle_hand_same(st); }, pairs * 3, iterations / 10);
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "\n| whole cycle time, with the kernel (this build: %s) | value | target |\n|---|---|---|\n"
                  "| mcast / hand-written with the same calls (median of %d A/B pairs taking turns, quartiles) | "
                  "%.2f (%.2f-%.2f; %.0f ns) | <= 1.05 |\n",
                  MCAST_BENCH_COMPILER, pairs * 3, x.ratio, x.low, x.high, x.a_ns);
    md << buf;
  }

  // 7. batches, per datagram (callgrind: user-space instructions)
  if (!quick) {
    md << "\n";
    compiler_table("7. batches of " + std::to_string(batch) +
                   ", user-space instructions per datagram (callgrind; IP_PKTINFO on, a group on lo)");
    struct pair_row {
      const char* what;
      const char* mine;
      const char* hand;
      const char* target;
    };
    const pair_row rows[] = {
      {"receive_batch / hand-written recvmmsg (its arrays filled per call), 64 B", "rbatch_mcast_64", "rbatch_hand_64",
       "<= 1.10"},
      {"receive_batch / hand-written recvmmsg (its arrays filled per call), 1200 B", "rbatch_mcast_1200",
       "rbatch_hand_1200", "<= 1.10"},
      {"receive_batch / hand-written recvmmsg with arrays set up once (the floor), 64 B", "rbatch_mcast_64",
       "rbatch_floor_64", "(reported)"},
      {"send_batch (64 of one size: UDP GSO) / hand-written sendmmsg, 64 B", "sbatch_mcast_64", "sbatch_hand_64",
       "<= 1.10"},
      {"receive (one datagram a call) / hand-written recvmsg, 64 B", "rone_mcast_64", "rone_hand_64", "<= 1.5"},
      {"receive_batch with receive_timestamp on / off, 64 B", "rbatch_stamped_64", "rbatch_mcast_64", "<= 1.15"},
      {"receive_batch / hand-written recvmmsg, IPv6 socket and group, 64 B", "rbatch_mcast_v6", "rbatch_hand_any_v6",
       "<= 1.10"},
      {"receive / hand-written recvmsg, IPv6, 64 B", "rone_mcast_v6", "rone_hand_any_v6", "<= 1.5"},
#if defined(MCAST_BENCH_ASIO)
      {"async_receive / Asio async_receive_from (one datagram a completion, each starting the next), 64 B",
       "arecv_mcast_64", "arecv_asio_64", "<= 1.0"},
      {"async_receive / Asio async_receive_from, IPv6, 64 B", "arecv_mcast_v6", "arecv_asio_v6", "<= 1.0"},
      {"async_receive_batch, one batch a run() / hand-written recvmmsg (its arrays filled per call), 64 B",
       "abatch_mcast_64", "rbatch_hand_64", "(reported)"},
      {"async_receive_batch in a receive loop, 16 batches queued / hand-written recvmmsg, 64 B", "abatch_mcast_loop_64",
       "rbatch_hand_64", "<= 1.15"},
#endif
#if defined(MCAST_BENCH_ASIO) && defined(MCAST_BENCH_LIBUV)
      {"async_receive / libuv uv_udp_recv_start (one datagram a callback, source only), 64 B", "arecv_mcast_64",
       "uvrecv_plain_64", "(reported)"},
      {"async_receive_batch / libuv with UV_UDP_RECVMMSG (source only), 64 B", "abatch_mcast_64", "uvrecv_mmsg_64",
       "(reported)"},
#endif
    };
    const int runs = 500;
    for (const auto& row : rows) {
      std::string cells;
      for (const auto& c : compilers) {
        // (the collected function's name is the part before the size, or before _v6)
        const std::string mine = row.mine, hand = row.hand;
        const std::string fm = mine.substr(0, mine.rfind('_')), fh = hand.substr(0, hand.rfind('_'));
        const double per_call =
            static_cast<double>(mine.find("_loop_") != std::string::npos ? loop_batches * batch : batch);
        const double a = callgrind_named(c.program, fm + "(*", mine, runs) / per_call;
        const double b = callgrind_named(c.program, fh + "(*", hand, runs) / static_cast<double>(batch);
        char buf[96];
        std::snprintf(buf, sizeof buf, " | **%.2f** (%.0f / %.0f)", a / b, a, b);
        cells += buf;
      }
      md << "| " << row.what << cells << " | " << row.target << " |\n";
    }
  }

  kernel_section(md, quick, in_namespace);

  // 2. system calls per operation: counted by the twin of this program built with the hook
  md << "\n| 2. system calls per operation (hook count) | calls | target |\n|---|---|---|\n";
#if defined(MCAST_BENCH_HOOKED)
  {
    const std::string cmd = std::string(MCAST_BENCH_HOOKED) + " --syscalls";
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char line[512];
      while (std::fgets(line, sizeof line, p))
        md << line;
      ::pclose(p);
    }
  }
#endif
  if (!quick && std::system("command -v strace >/dev/null 2>&1") == 0) {
    const std::string cmd = "strace -f -c -e trace=setsockopt,getsockopt " + self_path +
                            " --only cycle_mcast 100 2>&1 | grep -E 'setsockopt|getsockopt'";
    md << "\nstrace -c of 100 default cycles (cross-check: 5 setsockopt and 5 getsockopt per cycle):\n```\n";
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char line[256];
      while (std::fgets(line, sizeof line, p))
        md << line;
      ::pclose(p);
    }
    md << "```\n";
  }

  // 3. replacing an N-source filter
  md << "\n| 3. replace an N-source exclude list | calls final-state | calls change-based | time ratio change/final "
        "|\n|---|---|---|---|\n";
  {
    const int limit = read_sysctl("/proc/sys/net/ipv4/igmp_max_msf", 10);
    if (in_namespace)
      write_file("/proc/sys/net/ipv4/igmp_max_msf", "600");
    const int max_sources = in_namespace ? 512 : limit / 2;
    for (int n : {1, 8, 64, 256}) {
      if (2 * n > max_sources + 0 && n > max_sources / 2) {
        md << "| N = " << n << " | skipped: limit " << limit
           << " (run as root or with user namespaces to raise it) | | |\n";
        continue;
      }
      setup st;
      std::vector<mcast::source> a, b;
      for (int i = 0; i < n; ++i) {
        a.push_back(mcast::make_source("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)));
        b.push_back(mcast::make_source("10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)));
      }
      const int reps = quick ? 3 : (n >= 64 ? 20 : 200);
      // final state: one set() per replacement
      auto f = mcast::join_with_filter(st.sock, st.g, st.lo, mcast::filter_mode::exclude, a);
      bool flip = false;
      const double t_final = time_per_call(
          [&] {
            f.set(mcast::filter_mode::exclude, flip ? a : b);
            flip = !flip;
          },
          reps);
      f.leave();
      // change-based: unblock each old source, block each new one
      auto m = mcast::join_group(st.sock, st.g, st.lo);
      std::vector<mcast::blocked_source<>> held;
      held.reserve(static_cast<std::size_t>(n));
      for (const auto& s : a)
        held.push_back(m.block(s));
      flip = false;
      const double t_change = time_per_call(
          [&] {
            held.clear(); // unblocks
            for (const auto& s : (flip ? a : b))
              held.push_back(m.block(s));
            flip = !flip;
          },
          reps);
      char buf[128];
      std::snprintf(buf, sizeof buf, "| N = %d | 1 | %d | %.1f (%.0f us vs %.0f us) |\n", n, 2 * n, t_change / t_final,
                    t_change / 1000, t_final / 1000);
      md << buf;
    }
  }

  // 4. heap allocations
  md << "\n| 4. heap allocations per operation | allocations | target |\n|---|---|---|\n";
  {
    setup st;
    auto allocs = [&](const char* what, auto&& f) {
      const long before = g_allocations.load();
      f();
      const long made = g_allocations.load() - before; // read before the report itself allocates
      md << "| " << what << " | " << made << " | 0 |\n";
    };
    std::optional<mcast::any_source_membership<>> m;
    std::optional<mcast::blocked_source<>> b;
    allocs("join_group", [&] { m.emplace(mcast::join_group(st.sock, st.g, st.lo)); });
    allocs("block", [&] { b.emplace(m->block(st.s)); });
    allocs("unblock", [&] { b->unblock(); });
    allocs("leave", [&] { m->leave(); });
  }

  // 5. compile cost
  md << "\n| 5. compile cost (-fsyntax-only; CPU time user+sys, median of " << (quick ? 3 : 9)
     << " runs) | CPU seconds | ratio | peak memory |\n|---|---|---|---|\n";
  {
    const int runs = quick ? 3 : 9;
    const std::string sockets =
        "#include <sys/socket.h>\n#include <netinet/in.h>\n#include <arpa/inet.h>\n#include <net/if.h>\n";
    const compile_cost base = compile_cpu(sockets + "int main(){}\n", runs);
    const compile_cost with_std =
        compile_cpu(sockets + "#include <system_error>\n#include <string>\n#include <string_view>\n"
                              "#include <optional>\n#include <vector>\n#include <array>\nint main(){}\n",
                    runs);
    const compile_cost with_mcast = compile_cpu(
        "#include <mcast/mcast.hpp>\nint main(){ auto g = mcast::make_group(\"239.1.2.3\"); (void)g; }\n", runs);
    auto row = [&](const char* what, const compile_cost& c, const char* target) {
      char buf[320];
      if (c.cpu_seconds < 0)
        std::snprintf(buf, sizeof buf, "| %s | (not available here) | | |\n", what);
      else
        std::snprintf(buf, sizeof buf,
                      "| %s | %.3f | %.2f x the socket headers + std; %.1f x the socket headers%s | %ld MiB |\n", what,
                      c.cpu_seconds, c.cpu_seconds / with_std.cpu_seconds, c.cpu_seconds / base.cpu_seconds, target,
                      c.peak_kib / 1024);
      md << buf;
    };
    row("platform socket headers", base, "");
    row("socket headers + the std headers mcast's API needs (system_error, string, string_view, optional, vector, "
        "array): the baseline",
        with_std, "");
    row("<mcast/mcast.hpp>", with_mcast, " (target <= 1.3 x the baseline)");
#if defined(MCAST_BENCH_ASIO)
    row("<asio.hpp> (reference)", compile_cpu("#include <asio.hpp>\nint main(){}\n", runs), "");
#endif
    row("<fmt/core.h> (reference)", compile_cpu("#include <fmt/core.h>\nint main(){}\n", runs), "");
  }

  // 6. sizes
  md << "\n| 6. sizeof | bytes |\n|---|---|\n";
  md << "| any_source_membership<> | " << sizeof(mcast::any_source_membership<>) << " |\n";
  md << "| source_membership<> | " << sizeof(mcast::source_membership<>) << " |\n";
  md << "| filtered_membership<> | " << sizeof(mcast::filtered_membership<>) << " |\n";
  md << "| blocked_source<> | " << sizeof(mcast::blocked_source<>) << " |\n";
  md << "| included_source<> | " << sizeof(mcast::included_source<>) << " |\n";
  md << "| network_interface | " << sizeof(mcast::network_interface) << " |\n";
  md << "| group / source / address | " << sizeof(mcast::group) << " |\n";
  md << "| datagram | " << sizeof(mcast::datagram) << " |\n";
  md << "| interface_info | " << sizeof(mcast::interface_info) << " |\n";
  md << "| source_filter | " << sizeof(mcast::source_filter) << " |\n";
  md << "| option::join_group / option::block_source | " << sizeof(mcast::option::join_group) << " / "
     << sizeof(mcast::option::block_source) << " |\n";
  md << "| option::ip_add_membership / option::ip_block_source | " << sizeof(mcast::option::ip_add_membership) << " / "
     << sizeof(mcast::option::ip_block_source) << " |\n";

  // 8. the host's interfaces: list_interfaces and a lookup by name as the host grows (veth pairs,
  // each end with an IPv4 address), side by side with `ip -o addr` (a process of its own: what an
  // administrator types) in the same run.
  md << "\n| 8. interfaces on the host | `ip -o addr` (ms) | list_interfaces() (ms) | ratio | from_name (ms) | "
        "target |\n|---|---|---|---|---|---|\n";
  if (!in_namespace) {
    md << "| (needs a private network namespace) | | | | | |\n";
  } else {
    const bool have_ip = std::system("ip -V >/dev/null 2>&1") == 0;
    auto median_ms = [](int runs, auto&& f) {
      std::vector<double> v;
      for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        v.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    netlink nl;
    int have = 1; // lo
    for (int target : {10, 100, 1000}) {
      for (; have + 2 <= target; have += 2) {
        const int k = have / 2;
        const std::string a = "ba" + std::to_string(k), b = "bb" + std::to_string(k);
        nl.add_veth(a.c_str(), b.c_str(), ::getpid());
        const std::string net = "10." + std::to_string(k / 200) + "." + std::to_string(k % 200) + ".";
        nl.add_address(::if_nametoindex(a.c_str()), AF_INET, (net + "1").c_str(), 32);
        nl.add_address(::if_nametoindex(b.c_str()), AF_INET, (net + "2").c_str(), 32);
      }
      const int runs = quick ? 3 : 7;
      const double ip = have_ip ? median_ms(runs, [] { (void)!std::system("ip -o addr >/dev/null 2>&1"); }) : -1;
      std::size_t listed = 0;
      const double list = median_ms(runs, [&] { listed = mcast::list_interfaces().size(); });
      const std::string last = "bb" + std::to_string((have - 2) / 2);
      const double lookup = median_ms(runs, [&] { (void)mcast::network_interface::from_name(last); });
      char buf[256];
      if (ip > 0)
        std::snprintf(buf, sizeof buf, "| %zu interfaces | %.2f | %.2f | %.2f x | %.3f | <= 3 x at 1000 |\n", listed,
                      ip, list, list / ip, lookup);
      else
        std::snprintf(buf, sizeof buf, "| %zu interfaces | (no `ip`) | %.2f | | %.3f | |\n", listed, list, lookup);
      md << buf;
    }
  }

  std::fputs(md.str().c_str(), stdout);
  if (!out_file.empty())
    std::ofstream(out_file) << md.str();
  return 0;
}
