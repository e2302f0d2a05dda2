// mcast/detail/platform/common.hpp -- what every platform family's code shares, written once.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Included by windows.hpp and posix.hpp right after they have named the system's types
// (native_handle_type, socklen_type, sockaddr_storage_type, in4_addr_type, ...), and before their
// calls, which fill these structures. Nothing here asks which system it is on: the structures
// are the same everywhere, and the encodings written for any structure with the right field
// names (sin_len, the RFC 3678 filter) are testable on every platform.
#ifndef MCAST_DETAIL_PLATFORM_COMMON_HPP
#define MCAST_DETAIL_PLATFORM_COMMON_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "compiler.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

// The address structures have the same names everywhere (RFC 3493).
using in4_addr_type = ::in_addr;
using in6_addr_type = ::in6_addr;
using sockaddr_type = ::sockaddr;
using sockaddr_in4_type = ::sockaddr_in;
using sockaddr_in6_type = ::sockaddr_in6;
using sockaddr_storage_type = ::sockaddr_storage;

// IP_MULTICAST_IF and IP_ADD_MEMBERSHIP naming the interface by address: Windows, macOS and the
// BSDs (an in_addr, and an ip_mreq); Linux names it by index instead (linux.hpp).
struct in_addr_multicast_if {
  ::in_addr imr_address;
};
inline void fill_ip_multicast_if(in_addr_multicast_if& r, unsigned, const in4_addr_type& address) noexcept {
  r.imr_address = address;
}
inline void fill_ip_membership(::ip_mreq& r, const in4_addr_type& group, const in4_addr_type& iface,
                               unsigned) noexcept {
  r.imr_multiaddr = group;
  r.imr_interface = iface;
}

// macOS and the BSDs carry the length of a sockaddr in it (sin_len, sin6_len), and their
// kernels check it in every MCAST_* call; Linux and Windows have no such field. Written for any
// sockaddr type, so that the BSD encoding is testable on every platform.
template <class T, class = void> struct has_sin_len : std::false_type {};
template <class T> struct has_sin_len<T, std::void_t<decltype(std::declval<T&>().sin_len)>> : std::true_type {};
template <class T, class = void> struct has_sin6_len : std::false_type {};
template <class T> struct has_sin6_len<T, std::void_t<decltype(std::declval<T&>().sin6_len)>> : std::true_type {};

template <class Sockaddr> void set_sockaddr_length(Sockaddr& s) noexcept {
  if constexpr (has_sin_len<Sockaddr>::value)
    s.sin_len = static_cast<decltype(s.sin_len)>(sizeof s);
  else if constexpr (has_sin6_len<Sockaddr>::value)
    s.sin6_len = static_cast<decltype(s.sin6_len)>(sizeof s);
  else
    (void)s;
}
inline constexpr bool has_sockaddr_length = has_sin_len<sockaddr_in4_type>::value;

// The arguments of libc's RFC 3678 calls (setsourcefilter / getsourcefilter, and their IPv4
// twins) taken from a filter in the RFC 3678 shape: how macOS and the BSDs are called. Written for
// any structure with those field names, so that it is testable on every platform.
template <class GroupFilter> struct sourcefilter_arguments {
  std::uint32_t interface_index;
  sockaddr_type* group;
  socklen_type group_length;
  decltype(GroupFilter::gf_fmode)* mode;
  decltype(GroupFilter::gf_numsrc)* count;
  sockaddr_storage_type* sources;
};
template <class GroupFilter> sourcefilter_arguments<GroupFilter> sourcefilter_arguments_of(GroupFilter& f) noexcept {
  const socklen_type length = f.gf_group.ss_family == AF_INET ? static_cast<socklen_type>(sizeof(sockaddr_in4_type))
                                                              : static_cast<socklen_type>(sizeof(sockaddr_in6_type));
  return {static_cast<std::uint32_t>(f.gf_interface),
          reinterpret_cast<sockaddr_type*>(&f.gf_group),
          length,
          &f.gf_fmode,
          &f.gf_numsrc,
          &f.gf_slist[0]};
}
template <class IpMsfilter> struct ipv4_sourcefilter_arguments {
  in4_addr_type interface_address;
  in4_addr_type group;
  decltype(IpMsfilter::imsf_fmode)* mode;
  decltype(IpMsfilter::imsf_numsrc)* count;
  in4_addr_type* sources;
};
template <class IpMsfilter>
ipv4_sourcefilter_arguments<IpMsfilter> ipv4_sourcefilter_arguments_of(IpMsfilter& f) noexcept {
  return {f.imsf_interface, f.imsf_multiaddr, &f.imsf_fmode, &f.imsf_numsrc, &f.imsf_slist[0]};
}

// ---- the fields of the options that hold one value (socket_options.hpp) ---------------------
// Both tables below cover every platform family and are compiled on each, so that a field chosen
// wrongly for one family fails the build on all of them (a Linux CI run included) rather than
// passing every test that can run.
enum class platform_family { windows_family, linux_family, bsd_family };
enum class value_field {
  ip_multicast_if,
  ip_multicast_ttl,
  ip_multicast_loop,
  ip_tos,
  ipv6_multicast_if,
  ipv6_multicast_hops,
  ipv6_multicast_loop,
  ipv6_tclass,
  ip_pktinfo,
  ipv6_recvpktinfo,
  multicast_all,
  receive_timestamp,
  receive_drops,
};
inline constexpr value_field value_fields[] = {value_field::ip_multicast_if,     value_field::ip_multicast_ttl,
                                               value_field::ip_multicast_loop,   value_field::ip_tos,
                                               value_field::ipv6_multicast_if,   value_field::ipv6_multicast_hops,
                                               value_field::ipv6_multicast_loop, value_field::ipv6_tclass,
                                               value_field::ip_pktinfo,          value_field::ipv6_recvpktinfo,
                                               value_field::multicast_all,       value_field::receive_timestamp,
                                               value_field::receive_drops};

// The facts: how wide the field is that each family's kernel reads, as its own code declares it.
// - Windows (Microsoft's IPPROTO_IP / IPPROTO_IPV6 socket option pages): a DWORD for every flag
//   and number, an in_addr (or a DWORD index) for IP_MULTICAST_IF.
// - Linux (net/ipv4/ip_sockglue.c, net/ipv6/ipv6_sockglue.c, net/core/sock.c): an int for every
//   flag and number (IP_MULTICAST_TTL and _LOOP also take one byte), an ip_mreqn for
//   IP_MULTICAST_IF (mcast names the interface by index there).
// - macOS and FreeBSD (in_mcast.c / ip_output.c, ip6_output.c, uipc_socket.c): a u_char for
//   IP_MULTICAST_TTL and IP_MULTICAST_LOOP, an in_addr for IP_MULTICAST_IF, an int (u_int) for
//   the rest -- IP_TOS and IPV6_TCLASS included.
// (An option a family lacks -- multicast_all, receive_drops outside Linux -- is never called
// there; its row says what the type would be.)
constexpr std::size_t kernel_field_size(platform_family p, value_field f) noexcept {
  if (f == value_field::ip_multicast_if)
    return p == platform_family::linux_family ? 12 : 4;
  if (p == platform_family::bsd_family && (f == value_field::ip_multicast_ttl || f == value_field::ip_multicast_loop))
    return 1;
  return 4;
}

// The choice: the C type mcast hands each family's kernel for each value option (one byte, a
// signed or an unsigned 32-bit number; a DWORD is the unsigned one).
enum class field_kind { u8, i32, u32 };
constexpr field_kind option_field_kind(platform_family p, value_field f) noexcept {
  if (p == platform_family::windows_family)
    return field_kind::u32;
  switch (f) {
  case value_field::ip_multicast_ttl:
  case value_field::ip_multicast_loop: return p == platform_family::bsd_family ? field_kind::u8 : field_kind::i32;
  case value_field::ipv6_multicast_if:
  case value_field::ipv6_multicast_loop: return field_kind::u32;
  default: return field_kind::i32;
  }
}
template <field_kind K> struct field_of_kind { using type = int; };
template <> struct field_of_kind<field_kind::u8> { using type = unsigned char; };
template <> struct field_of_kind<field_kind::u32> { using type = std::uint32_t; };
constexpr std::size_t field_kind_size(field_kind k) noexcept {
  return k == field_kind::u8    ? sizeof(field_of_kind<field_kind::u8>::type)
         : k == field_kind::u32 ? sizeof(field_of_kind<field_kind::u32>::type)
                                : sizeof(field_of_kind<field_kind::i32>::type);
}
template <platform_family P, value_field F>
using option_field_t = typename field_of_kind<option_field_kind(P, F)>::type;

// Every choice against every fact (IP_MULTICAST_IF is a structure per family: pinned where it is
// declared).
constexpr bool option_fields_match_kernels() noexcept {
  for (platform_family p :
       {platform_family::windows_family, platform_family::linux_family, platform_family::bsd_family})
    for (value_field f : value_fields)
      if (f != value_field::ip_multicast_if && field_kind_size(option_field_kind(p, f)) != kernel_field_size(p, f))
        return false;
  return true;
}
static_assert(option_fields_match_kernels(),
              "mcast: a value option's field is not as wide as the field its kernel reads on some platform family "
              "(option_field_kind against kernel_field_size in detail/platform/common.hpp); give it the kernel's type");

// The final-state filter: GROUP_FILTER (any family) or ip_msfilter (IPv4 by address). Windows
// takes them through WSAIoctl; Linux through MCAST_MSFILTER / IP_MSFILTER socket options (what
// libc's setsourcefilter does); macOS and the BSDs through libc's RFC 3678 calls.
enum class filter_struct { group_filter, ip_msfilter };

// ---- the stack's limits on memberships --------------------------------------------------------
// What errc::limit_exceeded's message names: which of the stack's settings bounds what the call
// asked for, and its value now. Linux answers ENOBUFS (ENOMEM for an IPv6 join) for each of:
// - groups per IPv4 socket: net.ipv4.igmp_max_memberships (20 by default);
// - sources per group and socket: net.ipv4.igmp_max_msf (10), net.ipv6.mld_max_msf (64);
// - option memory per socket, which each group and source takes some of: net.core.optmem_max
//   (the only bound on IPv6 groups).
// All four are per network namespace. Other stacks: no setting is named (the message says none).
enum class limit_kind : unsigned char { groups_v4, groups_v6, sources_v4, sources_v6 };
struct limit_setting {
  const char* name; // as sysctl names it
  const char* path; // where Linux shows it
};
inline constexpr limit_setting optmem_max{"net.core.optmem_max", "/proc/sys/net/core/optmem_max"};
inline constexpr limit_setting limit_settings[] = {
    {"net.ipv4.igmp_max_memberships", "/proc/sys/net/ipv4/igmp_max_memberships"},
    {nullptr, nullptr}, // IPv6 groups: option memory only
    {"net.ipv4.igmp_max_msf", "/proc/sys/net/ipv4/igmp_max_msf"},
    {"net.ipv6.mld_max_msf", "/proc/sys/net/ipv6/mld_max_msf"},
};

// ---- interfaces -------------------------------------------------------------------------------
inline constexpr std::size_t interface_name_max = 256;

inline void copy_name(char* out, const char* name) noexcept {
  std::size_t n = detail::text_length(name);
  if (n >= interface_name_max)
    n = interface_name_max - 1;
  detail::copy_bytes(out, name, n);
  out[n] = '\0';
}

inline socklen_type sockaddr_length(const sockaddr_storage_type& a) noexcept {
  return a.ss_family == AF_INET ? static_cast<socklen_type>(sizeof(sockaddr_in4_type))
                                : static_cast<socklen_type>(sizeof(sockaddr_in6_type));
}

// ---- the host's interfaces --------------------------------------------------------------------
struct raw_interface {
  unsigned index = 0;
  bool up = false;
  bool multicast = false;
  bool loopback = false;
  // The interface's name (Windows: the NDIS one, "ethernet_32769").
  char name[interface_name_max] = {};
  // The name people see, UTF-8, when the system has one besides the interface's name (Windows'
  // FriendlyName, "Ethernet"); empty elsewhere.
  char display_name[interface_name_max] = {};
};

// Whether a getifaddrs entry named `entry` belongs to the interface `name`: its own name, or a
// label of one of its IPv4 addresses (Linux: `ip addr add 192.0.2.7/24 dev lo label lo:7` is
// listed as "lo:7"). No interface name contains ':', so what precedes it names the interface.
inline bool names_interface(const char* entry, const char* name) noexcept {
  std::size_t i = 0;
  for (; name[i] != '\0'; ++i)
    if (entry[i] != name[i])
      return false;
  return entry[i] == '\0' || entry[i] == ':';
}

// What a receive learns from the socket-level control messages besides packet info.
struct receive_extras {
  static constexpr unsigned char timestamp_set = 1, drops_set = 2;
  unsigned char set = 0;
  std::uint32_t drops = 0;
  std::int64_t timestamp_ns = 0; // since 1970-01-01 UTC
};

// What one receive learnt besides the payload.
struct received_info {
  std::size_t size = 0;
  bool truncated = false;
  sockaddr_storage_type from; // (not cleared: the system writes what is read of it)
  int destination_family = 0; // AF_INET / AF_INET6 when packet info came with the datagram
  unsigned char destination[16];
  unsigned interface_index = 0;
  receive_extras extras;
  // Handed to an out-of-line control-message walk as itself: a copy of the sender's
  // sockaddr_storage would cost more than it saves (see read_control).
  static constexpr bool walk_a_copy = false;
  void set_destination(int family, const unsigned char* address, unsigned index) noexcept {
    destination_family = family;
    detail::copy_bytes(destination, address, family == AF_INET ? 4 : 16);
    interface_index = index;
  }
};

// The IPv6 packet-info control message, in6_pktinfo {ipi6_addr, ipi6_ifindex} on every stack
// (RFC 3542): its size, and reading it.
inline constexpr std::size_t ipv6_pktinfo_size = 20;
template <class Out> MCAST_DETAIL_ALWAYS_INLINE void read_ipv6_pktinfo(const unsigned char* data, Out& out) noexcept {
  // RFC 3542: a 16-byte in6_addr, then an unsigned int index.
  unsigned int index = 0;
  detail::copy_bytes(&index, data + 16, sizeof index);
  out.set_destination(AF_INET6, data, index);
}

// Control buffer room for one IPv4 and one IPv6 packet-info message (and what else a stack adds).
inline constexpr std::size_t receive_control_size = 256;

// ---- batches: many datagrams per call ---------------------------------------------------------
// One datagram of a received batch as the platform saw it; `from` points into the batch's own
// storage and is valid only while the callback that receives it runs.
struct batch_received {
  std::size_t size;
  bool truncated;
  const sockaddr_storage_type* from;
  int destination_family;           // AF_INET / AF_INET6 when packet info came with the datagram
  const unsigned char* destination; // (into the control message: any alignment)
  unsigned interface_index;
  receive_extras extras;
  // Small: an out-of-line control-message walk gets a copy, so that the fast paths keep this one
  // in registers (see read_control).
  static constexpr bool walk_a_copy = true;
  MCAST_DETAIL_ALWAYS_INLINE void set_destination(int family, const unsigned char* address, unsigned index) noexcept {
    destination_family = family;
    destination = address;
    interface_index = index;
  }
};

// How many datagrams one recvmmsg / sendmmsg handles (its arrays live on the stack: no
// allocation); a longer batch is taken in several calls.
inline constexpr std::size_t batch_chunk = 64;
// Control room per datagram of a batch: one IPv4 and one IPv6 packet-info message (32 + 40 on
// Linux), with room to spare; a message cut short is reported by the kernel (MSG_CTRUNC) and read
// as far as it goes.
inline constexpr std::size_t batch_control_size = 128;

// Each family header defines these (raw_receive: one datagram into `buf`, blocking unless
// `dont_wait`; raw_send_to: one datagram; both return 0 or the system's error number), and the
// batch loops below are built on them where the system has no batch call.
inline int raw_receive(native_handle_type s, void* buf, std::size_t size, bool dont_wait, received_info& out) noexcept;
inline int raw_send_to(native_handle_type s, const sockaddr_storage_type& to, const void* data,
                       std::size_t size) noexcept;

// A batch by receives one by one (where there is no recvmmsg): the first waits when `wait_first`
// says so, each later one only when `queued(s)` says a datagram is there and then without
// waiting. Returns 0, or the error of the first receive (a later failure ends the batch: what was
// received is reported, and the error is left to the next call).
template <class Buffer, class OnDatagram, class Queued>
int receive_one_by_one(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                       OnDatagram&& on, Queued&& queued, int would_block) noexcept {
  got = 0;
  if (n > batch_chunk)
    n = batch_chunk;
  for (std::size_t i = 0; i < n; ++i) {
    const bool wait = wait_first && i == 0;
    if (!wait && !queued(s)) {
      if (i == 0)
        return would_block; // nothing queued, and the call must not wait
      break;
    }
    received_info info;
    if (int r = raw_receive(s, bufs[i].data, bufs[i].size, !wait, info); r != 0) {
      if (i == 0)
        return r;
      break;
    }
    batch_received d;
    d.size = info.size;
    d.truncated = info.truncated;
    d.from = &info.from;
    d.destination_family = info.destination_family;
    d.destination = info.destination;
    d.interface_index = info.interface_index;
    d.extras = info.extras;
    on(i, static_cast<const batch_received&>(d));
    got = i + 1;
  }
  return 0;
}

// A batch sent one by one (where there is no sendmmsg), in order; `sent` is how many went.
template <class Buffer>
int send_one_by_one(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                    std::size_t& sent) noexcept {
  sent = 0;
  if (n > batch_chunk)
    n = batch_chunk;
  for (std::size_t i = 0; i < n; ++i) {
    if (int r = raw_send_to(s, to, bufs[i].data, bufs[i].size); r != 0) {
      if (i == 0)
        return r;
      break;
    }
    sent = i + 1;
  }
  return 0;
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_COMMON_HPP
