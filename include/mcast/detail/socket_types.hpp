// mcast/detail/socket_types.hpp -- the only file that knows which operating system it is on.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Every platform header is included here and nowhere else. What the rest of the library needs
// comes out as neutral names in mcast::detail: the kernel structures (filled by field name
// elsewhere, never by position), the option numbers, the error numbers the library translates,
// and a handful of thin functions over the socket, ioctl and interface calls.
#ifndef MCAST_DETAIL_SOCKET_TYPES_HPP
#define MCAST_DETAIL_SOCKET_TYPES_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#if defined(_WIN32)
// ---------------------------------------------------------------------------------------------
// Windows (Winsock 2, Vista or later)
// ---------------------------------------------------------------------------------------------
#if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_)
#error                                                                                                                 \
    "mcast: Winsock 1.1 <winsock.h> was included before mcast (a plain <windows.h> without WIN32_LEAN_AND_MEAN does that); its IP_ADD_MEMBERSHIP is 5, not 12. Include <winsock2.h> (or mcast) before <windows.h>, or define WIN32_LEAN_AND_MEAN."
#endif
#if !defined(_WIN32_WINNT)
#define _WIN32_WINNT 0x0600
#endif
#if _WIN32_WINNT < 0x0600
#error                                                                                                                 \
    "mcast: the MCAST_* options, GROUP_REQ and GROUP_FILTER need Windows Vista or later; define _WIN32_WINNT=0x0600 (or higher) before including mcast."
#endif
// <windows.h> (which <winsock2.h> includes) defines min and max as macros unless NOMINMAX is set;
// they would break a user's std::max(a, b) and std::numeric_limits<T>::max() after including
// mcast. mcast sets NOMINMAX for its own include of the Windows headers and takes it away again
// afterwards when it set it: the headers are included once (guarded), so the macros stay
// undefined for the rest of the translation unit unless the user included <windows.h> first
// without NOMINMAX (then they are the user's, and mcast's own code writes (std::max)(...)).
#if !defined(NOMINMAX)
#define NOMINMAX
#define MCAST_DETAIL_SET_NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <mstcpip.h>
#include <mswsock.h>
#if defined(MCAST_DETAIL_SET_NOMINMAX)
#undef NOMINMAX
#undef MCAST_DETAIL_SET_NOMINMAX
#endif

#include <atomic>

// MinGW-w64 10 lacks what the Windows SDK's ws2ipdef.h has for the final-state IOCTLs; the values
// below are the SDK's.
#ifndef SIOCSMSFILTER
#define SIOCSMSFILTER _IOW('t', 126, ULONG)
#endif
#ifndef SIOCGMSFILTER
#define SIOCGMSFILTER _IOW('t', 127 | IOC_IN, ULONG)
#endif
#ifndef SIO_SET_MULTICAST_FILTER
#define SIO_SET_MULTICAST_FILTER _IOW('t', 125, ULONG)
#endif
#ifndef SIO_GET_MULTICAST_FILTER
#define SIO_GET_MULTICAST_FILTER _IOW('t', 124 | IOC_IN, ULONG)
#endif
#ifndef GROUP_FILTER_SIZE
#define GROUP_FILTER_SIZE(numsrc)                                                                                      \
  (sizeof(GROUP_FILTER) - sizeof(SOCKADDR_STORAGE) + (numsrc) * sizeof(SOCKADDR_STORAGE))
#endif

#else
// ---------------------------------------------------------------------------------------------
// POSIX (Linux, macOS, FreeBSD; other BSDs where their headers have what is used)
// ---------------------------------------------------------------------------------------------
#if defined(__NetBSD__)
#error                                                                                                                 \
    "mcast: NetBSD has no MCAST_* options, no group_req / group_source_req and no ip_mreq_source, which mcast is built on; use Linux, macOS, FreeBSD or Windows"
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cerrno>
#include <ifaddrs.h>
#include <new>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/time.h>
#include <time.h>
#if defined(__linux__)
#include <linux/netlink.h>
// close(), for the route lookup's netlink socket: declared as every Linux libc declares it rather
// than through <unistd.h>, which costs a translation unit more to compile than mcast's own option
// code. A program that includes <unistd.h> too sees the same declaration twice, which is valid;
// -Wredundant-decls would say so when <unistd.h> came first, hence the pragmas.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wredundant-decls"
extern "C" int close(int);
#pragma GCC diagnostic pop
#if !defined(IPV6_MULTICAST_ALL)
#define IPV6_MULTICAST_ALL 29 // linux/in6.h; older libcs lack it (Linux 4.20+)
#endif
#include <cstdio> // the limits' settings, read for errc::limit_exceeded's message (<string> has it already)
#endif
#endif

#if !defined(__GNUC__) && !defined(__clang__)
#include <cstring>
#endif

MCAST_BEGIN_NAMESPACE
namespace detail {

// ---- bytes ----------------------------------------------------------------------------------
// memcpy, memset, memcmp, strlen and strcmp as the compiler knows them: with GCC and clang as
// builtins, so that no translation unit parses <cstring> for them (it costs more to compile than
// some of mcast's headers); elsewhere from <cstring>.
#if defined(__GNUC__) || defined(__clang__)
MCAST_DETAIL_ALWAYS_INLINE void* copy_bytes(void* to, const void* from, std::size_t n) noexcept {
  return __builtin_memcpy(to, from, n);
}
MCAST_DETAIL_ALWAYS_INLINE void* fill_bytes(void* to, int value, std::size_t n) noexcept {
  return __builtin_memset(to, value, n);
}
MCAST_DETAIL_ALWAYS_INLINE int compare_bytes(const void* a, const void* b, std::size_t n) noexcept {
  return __builtin_memcmp(a, b, n);
}
inline std::size_t text_length(const char* s) noexcept { return __builtin_strlen(s); }
inline int compare_text(const char* a, const char* b) noexcept { return __builtin_strcmp(a, b); }
#else
MCAST_DETAIL_ALWAYS_INLINE void* copy_bytes(void* to, const void* from, std::size_t n) noexcept {
  return std::memcpy(to, from, n);
}
MCAST_DETAIL_ALWAYS_INLINE void* fill_bytes(void* to, int value, std::size_t n) noexcept {
  return std::memset(to, value, n);
}
MCAST_DETAIL_ALWAYS_INLINE int compare_bytes(const void* a, const void* b, std::size_t n) noexcept {
  return std::memcmp(a, b, n);
}
inline std::size_t text_length(const char* s) noexcept { return std::strlen(s); }
inline int compare_text(const char* a, const char* b) noexcept { return std::strcmp(a, b); }
#endif

// ---- platform identity (for `if constexpr` elsewhere) ---------------------------------------
#if defined(_WIN32)
inline constexpr bool is_windows = true;
#else
inline constexpr bool is_windows = false;
#endif
#if defined(__linux__)
inline constexpr bool is_linux = true;
#else
inline constexpr bool is_linux = false;
#endif
// macOS and FreeBSD: one multicast code base (in_mcast.c / in6_mcast.c), one column of the rule table.
#if defined(__APPLE__) || defined(__FreeBSD__)
inline constexpr bool is_bsd = true;
#else
inline constexpr bool is_bsd = false;
#endif

// ---- pointer slots read and filled atomically, without <atomic> -----------------------------
// (error.hpp's registry of system-like error categories: written once, read on error paths.)
// install_pointer puts `desired` in an empty slot and returns what the slot held before (nullptr
// when it installed it).
#if defined(_MSC_VER) && !defined(__clang__)
// cl.exe has no __atomic builtins: InterlockedCompareExchangePointer (winnt.h: a macro or an
// intrinsic per architecture, hence unqualified) works on a `void* volatile*`, reached
// from the slot by a const_cast of the pointee's qualifiers (a reinterpret_cast alone may not drop
// them) and then a reinterpret_cast between object-pointer types.
template <class T> void* volatile* interlocked_slot(T* const* slot) noexcept {
  return reinterpret_cast<void* volatile*>(const_cast<std::remove_const_t<T>**>(slot));
}
template <class T> T* load_pointer(T* const* slot) noexcept {
  return static_cast<T*>(InterlockedCompareExchangePointer(interlocked_slot(slot), nullptr, nullptr));
}
template <class T> T* install_pointer(T** slot, T* desired) noexcept {
  return static_cast<T*>(InterlockedCompareExchangePointer(
      interlocked_slot(slot), const_cast<void*>(static_cast<const void*>(desired)), nullptr));
}
#else
template <class T> T* load_pointer(T* const* slot) noexcept { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }
template <class T> T* install_pointer(T** slot, T* desired) noexcept {
  T* expected = nullptr;
  (void)__atomic_compare_exchange_n(slot, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  return expected;
}
#endif

// ---- handles and structures -------------------------------------------------------------------
#if defined(_WIN32)
using native_handle_type = SOCKET;
inline constexpr native_handle_type invalid_native_handle = INVALID_SOCKET;
using socklen_type = int;
using ip_mreq_type = ::ip_mreq;
using ip_mreq_source_type = ::ip_mreq_source;
using ipv6_mreq_type = ::ipv6_mreq;
using group_req_type = ::GROUP_REQ;
using group_source_req_type = ::GROUP_SOURCE_REQ;
using group_filter_type = ::GROUP_FILTER;
using ip_msfilter_type = ::IP_MSFILTER;
using filter_mode_field_type = ::MULTICAST_MODE_TYPE;
#else
using native_handle_type = int;
inline constexpr native_handle_type invalid_native_handle = -1;
using socklen_type = ::socklen_t;
using ip_mreq_type = ::ip_mreq;
using ip_mreq_source_type = ::ip_mreq_source;
using ipv6_mreq_type = ::ipv6_mreq;
using group_req_type = ::group_req;
using group_source_req_type = ::group_source_req;
#if defined(__linux__)
using group_filter_type = ::group_filter;
using ip_msfilter_type = ::ip_msfilter;
#else
// macOS and the BSDs declare no group_filter / ip_msfilter (only a private structure that points
// to a separate source array); their public API is libc's setsourcefilter / getsourcefilter and
// setipv4sourcefilter / getipv4sourcefilter. mcast builds its filters in these structures of its
// own -- the RFC 3678 shape, the same fields as Linux's -- and hands their fields to those calls.
struct group_filter_type {
  std::uint32_t gf_interface;
  ::sockaddr_storage gf_group;
  std::uint32_t gf_fmode;
  std::uint32_t gf_numsrc;
  ::sockaddr_storage gf_slist[1];
};
struct ip_msfilter_type {
  ::in_addr imsf_multiaddr;
  ::in_addr imsf_interface;
  std::uint32_t imsf_fmode;
  std::uint32_t imsf_numsrc;
  ::in_addr imsf_slist[1];
};
#endif
using filter_mode_field_type = std::uint32_t;
#endif
using in4_addr_type = ::in_addr;
using in6_addr_type = ::in6_addr;
using sockaddr_type = ::sockaddr;
using sockaddr_in4_type = ::sockaddr_in;
using sockaddr_in6_type = ::sockaddr_in6;
using sockaddr_storage_type = ::sockaddr_storage;

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

inline constexpr int af_inet = AF_INET;
inline constexpr int af_inet6 = AF_INET6;
inline constexpr int level_ip = IPPROTO_IP;
inline constexpr int level_ipv6 = IPPROTO_IPV6;

// ---- option numbers (they differ on every platform family; pinned below) -----------------
enum class option_id {
  ip_add_membership,
  ip_drop_membership,
  ip_add_source_membership,
  ip_drop_source_membership,
  ip_block_source,
  ip_unblock_source,
  ipv6_add_membership,
  ipv6_drop_membership,
  mcast_join_group,
  mcast_leave_group,
  mcast_block_source,
  mcast_unblock_source,
  mcast_join_source_group,
  mcast_leave_source_group,
};

constexpr int option_name(option_id id) noexcept {
  switch (id) {
  case option_id::ip_add_membership: return IP_ADD_MEMBERSHIP;
  case option_id::ip_drop_membership: return IP_DROP_MEMBERSHIP;
  case option_id::ip_add_source_membership: return IP_ADD_SOURCE_MEMBERSHIP;
  case option_id::ip_drop_source_membership: return IP_DROP_SOURCE_MEMBERSHIP;
  case option_id::ip_block_source: return IP_BLOCK_SOURCE;
  case option_id::ip_unblock_source: return IP_UNBLOCK_SOURCE;
#if defined(IPV6_ADD_MEMBERSHIP)
  case option_id::ipv6_add_membership: return IPV6_ADD_MEMBERSHIP;
  case option_id::ipv6_drop_membership: return IPV6_DROP_MEMBERSHIP;
#else // macOS and the BSDs only have the RFC 3493 names (same option)
  case option_id::ipv6_add_membership: return IPV6_JOIN_GROUP;
  case option_id::ipv6_drop_membership: return IPV6_LEAVE_GROUP;
#endif
  case option_id::mcast_join_group: return MCAST_JOIN_GROUP;
  case option_id::mcast_leave_group: return MCAST_LEAVE_GROUP;
  case option_id::mcast_block_source: return MCAST_BLOCK_SOURCE;
  case option_id::mcast_unblock_source: return MCAST_UNBLOCK_SOURCE;
  case option_id::mcast_join_source_group: return MCAST_JOIN_SOURCE_GROUP;
  case option_id::mcast_leave_source_group: return MCAST_LEAVE_SOURCE_GROUP;
  }
  return -1;
}

// Filter-mode values as the kernel wants them (Windows 0/1, Linux 1/0, BSD 1/2).
inline constexpr filter_mode_field_type mode_include = static_cast<filter_mode_field_type>(MCAST_INCLUDE);
inline constexpr filter_mode_field_type mode_exclude = static_cast<filter_mode_field_type>(MCAST_EXCLUDE);

// Linux's IP_MULTICAST_ALL: a socket receives every group joined by any socket unless it is 0.
#if defined(__linux__)
inline constexpr bool has_multicast_all = true;
inline constexpr int ip_multicast_all = IP_MULTICAST_ALL;
inline constexpr int ipv6_multicast_all = IPV6_MULTICAST_ALL;
#else
inline constexpr bool has_multicast_all = false;
inline constexpr int ip_multicast_all = -1;
inline constexpr int ipv6_multicast_all = -1;
#endif

// ---- the sender / receiver options and their representation per platform --------------------
// IP_MULTICAST_TTL and IP_MULTICAST_LOOP: a DWORD on Windows, an int on Linux (which also takes a
// u_char), a u_char on macOS and the BSDs. The IPv6 twins are an int / unsigned int everywhere.
inline constexpr int ip_multicast_if = IP_MULTICAST_IF;
inline constexpr int ip_multicast_ttl = IP_MULTICAST_TTL;
inline constexpr int ip_multicast_loop = IP_MULTICAST_LOOP;
inline constexpr int ipv6_multicast_if = IPV6_MULTICAST_IF;
inline constexpr int ipv6_multicast_hops = IPV6_MULTICAST_HOPS;
inline constexpr int ipv6_multicast_loop = IPV6_MULTICAST_LOOP;
// IP_TOS / IPV6_TCLASS: the IPv4 type-of-service byte and the IPv6 traffic class (the DS field,
// RFC 2474, and ECN): an int on Linux, macOS and FreeBSD (their kernels read an int for both; a
// one-byte field there would be a different call), a DWORD on Windows.
inline constexpr int ip_tos = IP_TOS;
inline constexpr int ipv6_tclass = IPV6_TCLASS;
#if defined(_WIN32)
using ip_tos_option_type = DWORD;
#else
using ip_tos_option_type = int;
#endif
static_assert(sizeof(ip_tos_option_type) == 4, "mcast: IP_TOS is a 4-byte field on every stack mcast supports");
#if defined(_WIN32)
using ip_byte_option_type = DWORD;
using ipv6_uint_option_type = DWORD;
#elif defined(__linux__)
using ip_byte_option_type = int;
using ipv6_uint_option_type = unsigned int;
#else
using ip_byte_option_type = unsigned char;
using ipv6_uint_option_type = unsigned int;
#endif
// IP_MULTICAST_IF: Linux takes an ip_mreqn, which names the interface by index (and reads back
// as an in_addr: 0.0.0.0 when set by index); elsewhere an in_addr (Windows: the address or the
// 0.0.0.index form).
#if defined(__linux__)
using ip_multicast_if_type = ::ip_mreqn;
inline constexpr bool ip_multicast_if_by_index = true;
#else
struct ip_multicast_if_type {
  ::in_addr imr_address;
};
inline constexpr bool ip_multicast_if_by_index = false;
#endif
inline void fill_ip_multicast_if(ip_multicast_if_type& r, unsigned index, const in4_addr_type& address) noexcept {
#if defined(__linux__)
  r.imr_ifindex = static_cast<int>(index);
  (void)address;
#else
  r.imr_address = address;
  (void)index;
#endif
}
// Packet info: the destination group and interface of each datagram, through recvmsg / WSARecvMsg.
#if defined(IP_PKTINFO)
inline constexpr bool has_ip_pktinfo = true;
inline constexpr int ip_pktinfo = IP_PKTINFO;
#else // FreeBSD: IP_RECVDSTADDR / IP_RECVIF instead
inline constexpr bool has_ip_pktinfo = false;
inline constexpr int ip_pktinfo = -1;
#endif
#if defined(IPV6_RECVPKTINFO)
inline constexpr int ipv6_recvpktinfo = IPV6_RECVPKTINFO;
#elif defined(__APPLE__)
// macOS declares the RFC 3542 names only under __APPLE_USE_RFC_3542; the value is its in6.h's.
inline constexpr int ipv6_recvpktinfo = 61;
#else // Windows names the receive option IPV6_PKTINFO
inline constexpr int ipv6_recvpktinfo = IPV6_PKTINFO;
#endif

// Windows gives an IPv4 datagram on a dual-stack IPv6 socket its packet info only with IP_PKTINFO
// set besides IPV6_PKTINFO (Microsoft's IP_PKTINFO page; Linux and the BSDs need IPV6_RECVPKTINFO
// alone and report IPv4 datagrams as v4-mapped).
inline constexpr bool dual_stack_needs_ip_pktinfo = is_windows;

// Linux alone accepts a source-specific join on a group the socket has joined any-source (it
// silently switches the filter to INCLUDE); the handles read the filter first there. Windows
// refuses that join itself (Microsoft's table) and the library adds no probing of its own there.
inline constexpr bool needs_source_join_probe = is_linux;

// Linux stores a membership made on interface 0 under the interface its route picked and, in the
// filter calls (MCAST_MSFILTER) and IPv6's source calls, compares the index it is given
// literally: the library resolves any() to that interface itself (see resolve_interface).
inline constexpr bool resolves_any_interface = is_linux;

// macOS and FreeBSD refuse interface 0 in every MCAST_* call and in the filter calls
// (EADDRNOTAVAIL in in_mcast.c / in6_mcast.c; setipv4sourcefilter fails for 0.0.0.0): there the
// library refuses any() for them itself, before any system call, with errc::no_such_interface.
// Linux and Windows let the route pick.
inline constexpr bool needs_interface_index = is_bsd;

// Linux and Windows check the socket's family before a join: a socket with IPV6_V6ONLY set accepts
// an IPv4 join it can never deliver (Linux; Wine on Windows too), and on Linux a dual-stack socket
// needs both *_MULTICAST_ALL off. An IPv6 socket is IPV6_V6ONLY by default on Windows
// ("Dual-Stack Sockets for IPv6 Winsock Applications"), so an IPv4 group there is refused unless
// the program turned IPV6_V6ONLY off.
inline constexpr bool checks_socket_family = is_linux || is_windows;
// How the family is learnt: Linux answers IPV6_V6ONLY on an IPv4 socket with EOPNOTSUPP (one call
// tells both); Winsock documents no such answer, so there the family comes from SO_PROTOCOL_INFOW
// first and IPV6_V6ONLY is read only on an IPv6 socket.
inline constexpr bool family_from_protocol_info = is_windows;
inline constexpr int ipv6_v6only = IPV6_V6ONLY;

// On Windows an IPv4 interface may be named by index as the address 0.0.0.idx (ip_mreq and
// ip_mreq_source); on POSIX imr_interface must be one of the interface's own addresses.
inline constexpr bool ipv4_interface_by_index = is_windows;

// IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP: Linux also takes an ip_mreqn there, which names the
// interface by index (an address held by two interfaces names one of them, the kernel's pick);
// elsewhere an ip_mreq, by address. The source options (ip_mreq_source) have no by-index form.
#if defined(__linux__)
using ip_membership_req_type = ::ip_mreqn;
inline constexpr bool ipv4_membership_by_index = true;
inline void fill_ip_membership(ip_membership_req_type& r, const in4_addr_type& group, const in4_addr_type&,
                               unsigned index) noexcept {
  r.imr_multiaddr = group;
  r.imr_address = in4_addr_type{};
  r.imr_ifindex = static_cast<int>(index);
}
#else
using ip_membership_req_type = ip_mreq_type;
inline constexpr bool ipv4_membership_by_index = false;
inline void fill_ip_membership(ip_membership_req_type& r, const in4_addr_type& group, const in4_addr_type& iface,
                               unsigned) noexcept {
  r.imr_multiaddr = group;
  r.imr_interface = iface;
}
#endif

// ---- the error numbers the library translates -------------------------------------------------
#if defined(_WIN32)
namespace sys_errc {
inline constexpr int addr_in_use = WSAEADDRINUSE;
inline constexpr int addr_not_avail = WSAEADDRNOTAVAIL;
inline constexpr int invalid = WSAEINVAL;
inline constexpr int no_buffers = WSAENOBUFS;
inline constexpr int no_memory = ERROR_NOT_ENOUGH_MEMORY;
inline constexpr int no_device = -1; // Winsock documents no "no such interface" code (WSAENETDOWN is not one)
inline constexpr int no_protocol_option = WSAENOPROTOOPT;
inline constexpr int not_supported = WSAEOPNOTSUPP;
inline constexpr int bad_handle = WSAENOTSOCK;
inline constexpr int fault = WSAEFAULT;
inline constexpr int net_unreachable = WSAENETUNREACH;
} // namespace sys_errc
inline int last_error() noexcept { return ::WSAGetLastError(); }
inline void set_last_error(int e) noexcept { ::WSASetLastError(e); }
#else
namespace sys_errc {
inline constexpr int addr_in_use = EADDRINUSE;
inline constexpr int addr_not_avail = EADDRNOTAVAIL;
inline constexpr int invalid = EINVAL;
inline constexpr int no_buffers = ENOBUFS;
inline constexpr int no_memory = ENOMEM;
inline constexpr int no_device = ENODEV;
inline constexpr int no_protocol_option = ENOPROTOOPT;
inline constexpr int not_supported = EOPNOTSUPP;
inline constexpr int bad_handle = EBADF;
inline constexpr int fault = EFAULT;
inline constexpr int net_unreachable = ENETUNREACH;
} // namespace sys_errc
inline int last_error() noexcept { return errno; }
inline void set_last_error(int e) noexcept { errno = e; }
#endif

// ---- Winsock start-up (used only by mcast::winsock_session, never by the library itself) -----
inline int network_startup() noexcept {
#if defined(_WIN32)
  WSADATA data;
  return ::WSAStartup(MAKEWORD(2, 2), &data);
#else
  return 0;
#endif
}
inline void network_cleanup() noexcept {
#if defined(_WIN32)
  ::WSACleanup();
#endif
}

// ---- raw calls (the hook in system.hpp wraps these) ------------------------------------------
// Each returns 0 on success and the platform's error number otherwise.
MCAST_DETAIL_ALWAYS_INLINE int raw_setsockopt(native_handle_type s, int level, int name, const void* data,
                                              std::size_t size) noexcept {
#if defined(_WIN32)
  int r = ::setsockopt(s, level, name, static_cast<const char*>(data), static_cast<int>(size));
#else
  int r = ::setsockopt(s, level, name, data, static_cast<socklen_type>(size));
#endif
  return r == 0 ? 0 : last_error();
}

MCAST_DETAIL_ALWAYS_INLINE int raw_getsockopt(native_handle_type s, int level, int name, void* data,
                                              std::size_t& size) noexcept {
  socklen_type len = static_cast<socklen_type>(size);
#if defined(_WIN32)
  int r = ::getsockopt(s, level, name, static_cast<char*>(data), &len);
#else
  int r = ::getsockopt(s, level, name, data, &len);
#endif
  if (r != 0)
    return last_error();
  size = static_cast<std::size_t>(len);
  return 0;
}

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

// The longest option or IOCTL input the system call can carry: Winsock's WSAIoctl takes a DWORD;
// Linux's setsockopt reads its length as an int. (Both below SIZE_MAX on 32-bit targets.)
inline constexpr std::size_t max_option_length = is_windows ? 0xffffffffu : 0x7fffffffu;

// The final-state filter: GROUP_FILTER (any family) or ip_msfilter (IPv4 by address). Windows
// takes them through WSAIoctl; Linux through MCAST_MSFILTER / IP_MSFILTER socket options (what
// libc's setsourcefilter does); the BSDs through libc (not wired yet: reports not_supported).
enum class filter_struct { group_filter, ip_msfilter };

inline int raw_set_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
#if defined(_WIN32)
  (void)level;
  if (size > 0xffffffffu) // a DWORD carries the size: as the SDK's setsourcefilter, refuse it
    return WSAENOBUFS;
  DWORD returned = 0;
  DWORD code = kind == filter_struct::group_filter ? static_cast<DWORD>(SIOCSMSFILTER)
                                                   : static_cast<DWORD>(SIO_SET_MULTICAST_FILTER);
  int r = ::WSAIoctl(s, code, buf, static_cast<DWORD>(size), nullptr, 0, &returned, nullptr, nullptr);
  return r == 0 ? 0 : last_error();
#elif defined(__linux__)
  (void)level;
  int r = kind == filter_struct::group_filter
              ? ::setsockopt(s, level, MCAST_MSFILTER, buf, static_cast<socklen_type>(size))
              : ::setsockopt(s, IPPROTO_IP, IP_MSFILTER, buf, static_cast<socklen_type>(size));
  return r == 0 ? 0 : last_error();
#else
  // libc's RFC 3678 calls, one setsockopt(IP_MSFILTER / IPV6_MSFILTER) each.
  (void)level;
  (void)size;
  int r = 0;
  if (kind == filter_struct::group_filter) {
    const auto a = sourcefilter_arguments_of(*static_cast<group_filter_type*>(buf));
    r = ::setsourcefilter(s, a.interface_index, a.group, a.group_length, *a.mode, *a.count, a.sources);
  } else {
    const auto a = ipv4_sourcefilter_arguments_of(*static_cast<ip_msfilter_type*>(buf));
    r = ::setipv4sourcefilter(s, a.interface_address, a.group, *a.mode, *a.count, a.sources);
  }
  return r == 0 ? 0 : last_error();
#endif
}

inline int raw_get_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
#if defined(_WIN32)
  (void)level;
  if (size > 0xffffffffu)
    return WSAENOBUFS;
  DWORD returned = 0;
  DWORD code = kind == filter_struct::group_filter ? static_cast<DWORD>(SIOCGMSFILTER)
                                                   : static_cast<DWORD>(SIO_GET_MULTICAST_FILTER);
  int r =
      ::WSAIoctl(s, code, buf, static_cast<DWORD>(size), buf, static_cast<DWORD>(size), &returned, nullptr, nullptr);
  return r == 0 ? 0 : last_error();
#elif defined(__linux__)
  socklen_type len = static_cast<socklen_type>(size);
  int r = kind == filter_struct::group_filter ? ::getsockopt(s, level, MCAST_MSFILTER, buf, &len)
                                              : ::getsockopt(s, IPPROTO_IP, IP_MSFILTER, buf, &len);
  return r == 0 ? 0 : last_error();
#else
  // libc's calls: numsrc in = room, out = how many the stack holds (more than the room: ask again).
  (void)level;
  (void)size;
  int r = 0;
  if (kind == filter_struct::group_filter) {
    const auto a = sourcefilter_arguments_of(*static_cast<group_filter_type*>(buf));
    r = ::getsourcefilter(s, a.interface_index, a.group, a.group_length, a.mode, a.count, a.sources);
  } else {
    const auto a = ipv4_sourcefilter_arguments_of(*static_cast<ip_msfilter_type*>(buf));
    r = ::getipv4sourcefilter(s, a.interface_address, a.group, a.mode, a.count, a.sources);
  }
  return r == 0 ? 0 : last_error();
#endif
}

#if defined(__linux__)
// The rtnetlink pieces the route lookup needs, as Linux's user ABI fixes them (struct rtmsg,
// struct rtattr, RTM_NEWROUTE / RTM_GETROUTE, RTA_DST / RTA_OIF / RTA_UID): <linux/rtnetlink.h> and what it
// includes cost more to compile than the rest of this file. tests/unit/network_interface_test.cpp
// compares them with that header.
struct route_message {
  unsigned char family, dst_len, src_len, tos, table, protocol, scope, type;
  unsigned flags;
};
struct route_attribute {
  unsigned short len, type;
};
inline constexpr unsigned short rtm_newroute = 24, rtm_getroute = 26, rta_dst = 1, rta_oif = 4, rta_uid = 25;
constexpr std::size_t route_aligned(std::size_t n) noexcept { return (n + 3) & ~std::size_t(3); } // NLMSG_ALIGN
inline constexpr std::size_t route_header = route_aligned(sizeof(nlmsghdr));
inline constexpr std::size_t route_attribute_at = route_header + route_aligned(sizeof(route_message));

// Reads the kernel's answer to RTM_GETROUTE: the `got` bytes received. Returns 0 and sets `index`
// from the route's RTA_OIF, the error the kernel answered with, or ENETUNREACH (no route, or a
// reply it cannot read). Every read stays within the message and the bytes received: a length
// that points past them ends the walk.
inline int route_reply_interface(const unsigned char* reply, std::size_t got, unsigned& index) noexcept {
  for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got;) {
    nlmsghdr m{};
    detail::copy_bytes(&m, reply + at, sizeof m);
    if (m.nlmsg_len < sizeof m || m.nlmsg_len > got - at)
      break;
    const unsigned char* message = reply + at; // m.nlmsg_len bytes, all received
    if (m.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr e{};
      if (m.nlmsg_len < route_header + sizeof e)
        break;
      detail::copy_bytes(&e, message + route_header, sizeof e);
      return e.error < 0 ? -e.error : ENETUNREACH;
    }
    if (m.nlmsg_type == rtm_newroute) {
      // Its attributes follow the rtmsg, as in the request (offsets within the message).
      for (std::size_t off = route_attribute_at; off + sizeof(route_attribute) <= m.nlmsg_len;) {
        route_attribute ra{};
        detail::copy_bytes(&ra, message + off, sizeof ra);
        if (ra.len < sizeof ra || ra.len > m.nlmsg_len - off)
          break;
        int oif = 0;
        if (ra.type == rta_oif && ra.len >= sizeof ra + sizeof oif) {
          detail::copy_bytes(&oif, message + off + sizeof ra, sizeof oif);
          if (oif > 0) {
            index = static_cast<unsigned>(oif);
            return 0;
          }
        }
        off += route_aligned(ra.len);
      }
      break;
    }
    at += route_aligned(m.nlmsg_len); // another kind of message: skipped
  }
  return ENETUNREACH;
}
#endif

#if defined(__linux__)
// The rtnetlink pieces the interface walks need (struct ifinfomsg, struct ifaddrmsg,
// RTM_GETLINK / RTM_GETADDR, IFLA_IFNAME, IFA_ADDRESS / IFA_LOCAL), checked against
// <linux/rtnetlink.h> by tests/unit/network_interface_test.cpp like the route pieces above.
struct link_message {
  unsigned char family, pad;
  unsigned short type;
  int index;
  unsigned flags, change;
};
struct address_message {
  unsigned char family, prefix_len, flags, scope;
  unsigned index;
};
inline constexpr unsigned short rtm_newlink = 16, rtm_getlink = 18, rtm_newaddr = 20, rtm_getaddr = 22;
inline constexpr unsigned short ifla_ifname = 3, ifa_address = 1, ifa_local = 2;

// One rtnetlink dump (RTM_GETLINK or RTM_GETADDR; `family` 0 for all): on_message(type, message,
// length) for each message of the answer, `message` pointing at its nlmsghdr and `length` bytes
// of it received. What `ip -o link` / `ip -o addr` ask: one request, however many interfaces the
// host has (the answer comes in as many reads of up to 32 KiB as it needs). Returns 0 or an error
// number; EMSGSIZE for an answer it could not read whole.
template <class OnMessage>
int netlink_dump(unsigned short type, unsigned char family, OnMessage&& on_message) noexcept {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  // nlmsghdr and a zeroed ifinfomsg (the larger of the two request bodies) with its family set.
  alignas(nlmsghdr) unsigned char req[route_header + route_aligned(sizeof(link_message))] = {};
  nlmsghdr h{};
  h.nlmsg_len =
      static_cast<std::uint32_t>(route_header + (type == rtm_getlink ? sizeof(link_message) : sizeof(address_message)));
  h.nlmsg_type = type;
  h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  h.nlmsg_seq = 1;
  detail::copy_bytes(req, &h, sizeof h);
  req[route_header] = family; // ifi_family and ifa_family are both the first byte
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  // 32 KiB: the kernel never makes one read of a dump larger than that (it sizes its buffers by
  // the reader's, capped there), so no message is cut.
  constexpr std::size_t size = 32768;
  auto* buf = static_cast<unsigned char*>(::operator new(size, std::nothrow));
  int result = buf == nullptr ? ENOMEM : 0;
  if (result == 0 && ::sendto(fd, req, h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    result = errno;
  for (bool done = result != 0; !done;) {
    iovec v{buf, size};
    msghdr mh{};
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &mh, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      result = errno;
      break;
    }
    if ((mh.msg_flags & MSG_TRUNC) != 0 || n == 0) {
      result = EMSGSIZE;
      break;
    }
    const std::size_t got = static_cast<std::size_t>(n);
    for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got && !done;) {
      nlmsghdr m{};
      detail::copy_bytes(&m, buf + at, sizeof m);
      if (m.nlmsg_len < sizeof m || m.nlmsg_len > got - at) {
        result = EMSGSIZE;
        done = true;
      } else if (m.nlmsg_type == NLMSG_DONE) {
        done = true;
      } else if (m.nlmsg_type == NLMSG_ERROR) {
        nlmsgerr e{};
        if (m.nlmsg_len >= route_header + sizeof e)
          detail::copy_bytes(&e, buf + at + route_header, sizeof e);
        result = e.error < 0 ? -e.error : EPROTO;
        done = true;
      } else {
        on_message(m.nlmsg_type, buf + at, static_cast<std::size_t>(m.nlmsg_len));
      }
      at += route_aligned(m.nlmsg_len);
    }
  }
  ::operator delete(buf);
  ::close(fd);
  return result;
}

// Calls on_attribute(type, const unsigned char* value, length) for each attribute of a message
// whose attributes start `at` bytes in; every read stays within the message.
template <class OnAttribute>
void netlink_attributes(const unsigned char* message, std::size_t length, std::size_t at,
                        OnAttribute&& on_attribute) noexcept {
  for (std::size_t off = at; off + sizeof(route_attribute) <= length;) {
    route_attribute ra{};
    detail::copy_bytes(&ra, message + off, sizeof ra);
    if (ra.len < sizeof ra || ra.len > length - off)
      return;
    on_attribute(ra.type, message + off + sizeof ra, static_cast<std::size_t>(ra.len - sizeof ra));
    off += route_aligned(ra.len);
  }
}

// Each unicast address of `family` (0: IPv4 and IPv6) with its interface's index, from one
// RTM_GETADDR dump: fn(index, family, const void* bytes) returns true to stop. The address is
// IFA_LOCAL where there is one (IPv4; IFA_ADDRESS is then the peer of a point-to-point link),
// else IFA_ADDRESS -- as getifaddrs() reads it.
template <class Fn> int netlink_addresses(unsigned char family, Fn&& fn) noexcept {
  bool stop = false;
  return netlink_dump(rtm_getaddr, family, [&](unsigned short type, const unsigned char* m, std::size_t len) noexcept {
    constexpr std::size_t at = route_header + route_aligned(sizeof(address_message));
    if (stop || type != rtm_newaddr || len < at)
      return;
    address_message a{};
    detail::copy_bytes(&a, m + route_header, sizeof a);
    const std::size_t alen = a.family == AF_INET ? 4 : a.family == AF_INET6 ? 16 : 0;
    if (alen == 0)
      return;
    const unsigned char* local = nullptr;
    const unsigned char* addr = nullptr;
    netlink_attributes(m, len, at, [&](unsigned short t, const unsigned char* v, std::size_t n) noexcept {
      if (n == alen && t == ifa_local)
        local = v;
      else if (n == alen && t == ifa_address)
        addr = v;
    });
    if (local != nullptr || addr != nullptr) {
      unsigned char bytes[16];
      detail::copy_bytes(bytes, local != nullptr ? local : addr, alen);
      stop = fn(a.index, static_cast<int>(a.family), static_cast<const void*>(bytes));
    }
  });
}
#endif

// The interface the kernel's routing picks for a destination -- what Linux itself does for a
// membership on interface 0 (IPv4: the output route of the group; IPv6: the route lookup of the
// group) -- asked with one RTM_GETROUTE over rtnetlink. `addr` is the 4 or 16 address bytes.
// Returns 0 and sets `index`, or an error number. `answered` tells the two kinds of error apart:
// true when it is the kernel's answer to the lookup (ENETUNREACH: no route or no usable one;
// a prohibit, blackhole or unreachable route: EACCES, EINVAL, EHOSTUNREACH), false when the
// netlink socket itself failed. Linux only.
inline int raw_route_interface(int family, const void* addr, unsigned& index, bool& answered) noexcept {
  answered = false;
#if defined(__linux__)
  const std::size_t alen = family == AF_INET ? 4 : 16;
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  // nlmsghdr, rtmsg, an RTA_DST and an RTA_UID attribute: copied by offset into a zeroed, aligned
  // buffer. RTA_UID 0: the kernel's own join on interface 0 looks its route up as uid 0
  // (ip_mc_find_dev, rt6_lookup), whoever calls, while a request without RTA_UID is answered for
  // the caller's uid -- which a uid routing rule (`ip rule add uidrange ...`) can send elsewhere.
  // (The kernel reads the uid in the caller's user namespace: its 0.)
  alignas(nlmsghdr) unsigned char req[route_attribute_at + route_aligned(sizeof(route_attribute) + 16) +
                                      route_aligned(sizeof(route_attribute) + 4)];
  detail::fill_bytes(req, 0, sizeof req);
  const std::size_t attribute_length = sizeof(route_attribute) + alen;
  const std::size_t uid_at = route_attribute_at + route_aligned(attribute_length);
  route_attribute uid_attribute{};
  uid_attribute.len = static_cast<unsigned short>(sizeof(route_attribute) + 4);
  uid_attribute.type = rta_uid;
  nlmsghdr h{};
  h.nlmsg_len = static_cast<std::uint32_t>(uid_at + route_aligned(uid_attribute.len));
  h.nlmsg_type = rtm_getroute;
  h.nlmsg_flags = NLM_F_REQUEST;
  h.nlmsg_seq = 1;
  route_message r{};
  r.family = static_cast<unsigned char>(family);
  r.dst_len = static_cast<unsigned char>(alen * 8);
  route_attribute a{};
  a.len = static_cast<unsigned short>(attribute_length);
  a.type = rta_dst;
  detail::copy_bytes(req, &h, sizeof h);
  detail::copy_bytes(req + route_header, &r, sizeof r);
  detail::copy_bytes(req + route_attribute_at, &a, sizeof a);
  detail::copy_bytes(req + route_attribute_at + sizeof a, addr, alen);
  detail::copy_bytes(req + uid_at, &uid_attribute, sizeof uid_attribute); // its value: the zeroed 4 bytes after it
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  int result = 0;
  if (::sendto(fd, req, h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    result = errno;
  } else {
    alignas(nlmsghdr) unsigned char reply[8192];
    const ssize_t n = ::recv(fd, reply, sizeof reply, 0);
    answered = n >= 0;
    result = n < 0 ? errno : route_reply_interface(reply, static_cast<std::size_t>(n), index);
  }
  ::close(fd);
  return result;
#else
  (void)family;
  (void)addr;
  (void)index;
  return sys_errc::not_supported;
#endif
}

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
inline constexpr bool names_limit_settings = is_linux;

// The setting's value now, or -1 where it cannot be read (not Linux; no /proc).
inline long read_limit_setting(const limit_setting& s) noexcept {
#if defined(__linux__)
  std::FILE* f = s.path != nullptr ? std::fopen(s.path, "re") : nullptr;
  long v = -1;
  if (f != nullptr) {
    if (std::fscanf(f, "%ld", &v) != 1)
      v = -1;
    std::fclose(f);
  }
  return v;
#else
  (void)s;
  return -1;
#endif
}

// ---- addresses --------------------------------------------------------------------------------
inline bool parse_v4(const char* text, in4_addr_type& out) noexcept { return ::inet_pton(AF_INET, text, &out) == 1; }
inline bool parse_v6(const char* text, in6_addr_type& out) noexcept { return ::inet_pton(AF_INET6, text, &out) == 1; }
// `out` must hold 46 characters (INET6_ADDRSTRLEN).
inline bool format_address(int family, const void* addr, char* out, std::size_t size) noexcept {
#if defined(_WIN32)
  return ::inet_ntop(family, const_cast<void*>(addr), out, size) != nullptr;
#else
  return ::inet_ntop(family, addr, out, static_cast<socklen_type>(size)) != nullptr;
#endif
}
inline std::uint16_t host_to_net16(std::uint16_t v) noexcept { return htons(v); }
inline std::uint32_t host_to_net32(std::uint32_t v) noexcept { return htonl(v); }
inline std::uint32_t net_to_host32(std::uint32_t v) noexcept { return ntohl(v); }

// ---- interfaces -------------------------------------------------------------------------------
inline constexpr std::size_t interface_name_max = 256;

// The index of the interface named `name`, or 0. On Windows the name may also be the adapter's
// FriendlyName ("Ethernet", what users see; UTF-8): `display` then says so.
#if defined(_WIN32)
inline unsigned interface_index_from_display_name(const char* name) noexcept; // (with the adapters, below)
#endif
inline unsigned interface_index_from_name(const char* name, bool& display) noexcept {
  display = false;
  unsigned index = static_cast<unsigned>(::if_nametoindex(name));
#if defined(_WIN32)
  if (index == 0) {
    index = interface_index_from_display_name(name);
    display = index != 0;
  }
#endif
  return index;
}

inline void copy_name(char* out, const char* name) noexcept {
  std::size_t n = detail::text_length(name);
  if (n >= interface_name_max)
    n = interface_name_max - 1;
  detail::copy_bytes(out, name, n);
  out[n] = '\0';
}

// Writes the name (NUL-terminated) into `out`, which holds interface_name_max bytes.
inline bool interface_name_from_index(unsigned index, char* out) noexcept {
#if defined(_WIN32)
  char buf[IF_MAX_STRING_SIZE + 1] = {};
  if (::if_indextoname(static_cast<NET_IFINDEX>(index), buf) == nullptr)
    return false;
  copy_name(out, buf);
  return true;
#else
  char buf[IF_NAMESIZE + 1] = {};
  if (::if_indextoname(index, buf) == nullptr)
    return false;
  copy_name(out, buf);
  return true;
#endif
}

// ---- receiving: bind, receive with packet info -------------------------------------------------
// Several receivers on one port: SO_REUSEADDR on Linux and Windows; the BSDs and macOS share a
// port between sockets bound to the wildcard address only with SO_REUSEPORT.
inline constexpr int level_socket = SOL_SOCKET;
inline constexpr int so_reuseaddr = SO_REUSEADDR;
#if defined(SO_REUSEPORT) && !defined(__linux__) && !defined(_WIN32)
inline constexpr int so_reuseport = SO_REUSEPORT;
#else
inline constexpr int so_reuseport = -1;
#endif

// Linux: SO_COOKIE, a 64-bit number the kernel gives each socket and never gives another while
// the system runs. A handle reads it at its join and compares it before each later change, so it
// never acts on a socket that took its descriptor's number after its own was closed. (Other
// systems have no such cheap identity; a handle there trusts its descriptor.)
#if defined(__linux__)
inline constexpr bool has_socket_cookie = true;
#if defined(SO_COOKIE)
inline constexpr int so_cookie = SO_COOKIE;
#else
inline constexpr int so_cookie = 57; // <asm-generic/socket.h>, Linux 2.6.x+ (read since 4.12)
#endif
#else
inline constexpr bool has_socket_cookie = false;
inline constexpr int so_cookie = -1;
#endif

// Receive timestamps: the time the kernel took each datagram, on the wall clock (CLOCK_REALTIME).
// Linux SO_TIMESTAMPNS (a timespec control message, nanoseconds); macOS and FreeBSD SO_TIMESTAMP
// (a timeval, microseconds). Windows has receive timestamps only through the SIO_TIMESTAMPING
// ioctl, in QueryPerformanceCounter ticks rather than the wall clock: not offered there.
#if defined(__linux__)
inline constexpr bool has_receive_timestamp = true;
inline constexpr int so_receive_timestamp = SO_TIMESTAMPNS;
#elif !defined(_WIN32) && defined(SO_TIMESTAMP)
inline constexpr bool has_receive_timestamp = true;
inline constexpr int so_receive_timestamp = SO_TIMESTAMP;
#else
inline constexpr bool has_receive_timestamp = false;
inline constexpr int so_receive_timestamp = -1;
#endif
// Drops: Linux's SO_RXQ_OVFL hands each datagram the socket's count of datagrams dropped so far
// (receive buffer full) as it was when the datagram was queued -- a control message present only
// once that count is not 0. No other stack has it.
#if defined(__linux__)
inline constexpr bool has_receive_drops = true;
inline constexpr int so_rxq_ovfl = SO_RXQ_OVFL;
#else
inline constexpr bool has_receive_drops = false;
inline constexpr int so_rxq_ovfl = -1;
#endif

// What a receive learns from the socket-level control messages besides packet info.
struct receive_extras {
  static constexpr unsigned char timestamp_set = 1, drops_set = 2;
  unsigned char set = 0;
  std::uint32_t drops = 0;
  std::int64_t timestamp_ns = 0; // since 1970-01-01 UTC
};

// A receiver of one group binds the group's address where the stack allows it (Linux, macOS,
// FreeBSD: it then takes no unicast datagram meant for another program on the port); Windows
// refuses a group address in bind() (WSAEADDRNOTAVAIL), so there it binds the wildcard.
inline constexpr bool binds_group_address = !is_windows;

inline socklen_type sockaddr_length(const sockaddr_storage_type& a) noexcept {
  return a.ss_family == AF_INET ? static_cast<socklen_type>(sizeof(sockaddr_in4_type))
                                : static_cast<socklen_type>(sizeof(sockaddr_in6_type));
}

inline int raw_bind(native_handle_type s, const sockaddr_storage_type& a) noexcept {
  return ::bind(s, reinterpret_cast<const sockaddr_type*>(&a), sockaddr_length(a)) == 0 ? 0 : last_error();
}

inline int raw_local_address(native_handle_type s, sockaddr_storage_type& a) noexcept {
  detail::fill_bytes(&a, 0, sizeof a);
  socklen_type len = sizeof a;
  return ::getsockname(s, reinterpret_cast<sockaddr_type*>(&a), &len) == 0 ? 0 : last_error();
}

// The socket's address family, bound or not (Windows' getsockname refuses an unbound socket).
inline int raw_socket_family(native_handle_type s, int& family) noexcept {
#if defined(_WIN32)
  WSAPROTOCOL_INFOW info{};
  int len = sizeof info;
  if (::getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &len) != 0)
    return last_error();
  family = info.iAddressFamily;
  return 0;
#else
  sockaddr_storage_type a;
  if (int r = raw_local_address(s, a); r != 0)
    return r;
  family = a.ss_family;
  return 0;
#endif
}

inline std::uint16_t sockaddr_port(const sockaddr_storage_type& a) noexcept {
  if (a.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in4_type*>(&a)->sin_port);
  if (a.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6_type*>(&a)->sin6_port);
  return 0;
}

// What one receive learnt besides the payload.
struct received_info {
  std::size_t size = 0;
  bool truncated = false;
  sockaddr_storage_type from; // (not cleared: the system writes what is read of it)
  int destination_family = 0; // AF_INET / AF_INET6 when packet info came with the datagram
  unsigned char destination[16];
  unsigned interface_index = 0;
  receive_extras extras;
  void set_destination(int family, const unsigned char* address, unsigned index) noexcept {
    destination_family = family;
    detail::copy_bytes(destination, address, family == AF_INET ? 4 : 16);
    interface_index = index;
  }
};

// The packet-info control messages: IPv4 in_pktinfo {ipi_ifindex, ipi_spec_dst, ipi_addr} (Linux,
// macOS) / IN_PKTINFO {ipi_addr, ipi_ifindex} (Windows); IPv6 in6_pktinfo {ipi6_addr,
// ipi6_ifindex} everywhere (RFC 3542). macOS names the RFC 3542 control type (46) only under
// __APPLE_USE_RFC_3542; its IPV6_PKTINFO is otherwise the RFC 2292 one.
#if defined(__APPLE__) && !defined(__APPLE_USE_RFC_3542)
inline constexpr int ipv6_pktinfo_cmsg = 46;
#else
inline constexpr int ipv6_pktinfo_cmsg = IPV6_PKTINFO;
#endif
template <class Out> void read_ipv6_pktinfo(const unsigned char* data, Out& out) noexcept {
  // RFC 3542: a 16-byte in6_addr, then an unsigned int index.
  unsigned int index = 0;
  detail::copy_bytes(&index, data + 16, sizeof index);
  out.set_destination(AF_INET6, data, index);
}

// Control buffer room for one IPv4 and one IPv6 packet-info message (and what else a stack adds).
inline constexpr std::size_t receive_control_size = 256;

#if !defined(_WIN32)
// A SOL_SOCKET control message: the receive timestamp (option::receive_timestamp) or the drop
// count (option::receive_drops).
inline void read_socket_message(int type, const unsigned char* data, receive_extras& out) noexcept {
#if defined(__linux__)
  if (type == SCM_TIMESTAMPNS) {
    ::timespec t;
    detail::copy_bytes(&t, data, sizeof t);
    out.timestamp_ns = static_cast<std::int64_t>(t.tv_sec) * 1000000000 + static_cast<std::int64_t>(t.tv_nsec);
    out.set |= receive_extras::timestamp_set;
  } else if (type == SO_RXQ_OVFL) {
    detail::copy_bytes(&out.drops, data, sizeof out.drops);
    out.set |= receive_extras::drops_set;
  }
#elif defined(SCM_TIMESTAMP)
  if (type == SCM_TIMESTAMP) {
    ::timeval t;
    detail::copy_bytes(&t, data, sizeof t);
    out.timestamp_ns = static_cast<std::int64_t>(t.tv_sec) * 1000000000 + static_cast<std::int64_t>(t.tv_usec) * 1000;
    out.set |= receive_extras::timestamp_set;
  }
#else
  (void)type;
  (void)data;
  (void)out;
#endif
}

// The packet-info control messages of one received msghdr into `out` (a received_info or a
// batch_received: destination_family, destination, interface_index).
template <class Out> void read_packet_info(msghdr& msg, Out& out) noexcept {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    const unsigned char* d = CMSG_DATA(c);
#if defined(IP_PKTINFO)
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      int index = 0;
      detail::copy_bytes(&index, d + offsetof(::in_pktinfo, ipi_ifindex), sizeof index);
      out.set_destination(AF_INET, d + offsetof(::in_pktinfo, ipi_addr), static_cast<unsigned>(index));
      continue;
    }
#endif
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == ipv6_pktinfo_cmsg) {
      read_ipv6_pktinfo(d, out);
      continue;
    }
    if (c->cmsg_level == SOL_SOCKET)
      read_socket_message(c->cmsg_type, d, out.extras);
  }
}
#endif

#if defined(_WIN32)
// WSARecvMsg is an extension function: its address is asked for once per process (the same
// provider serves every UDP socket).
inline LPFN_WSARECVMSG wsa_recvmsg(native_handle_type s, int& error) noexcept {
  static std::atomic<LPFN_WSARECVMSG> cached{nullptr}; // the first caller stores it; a race repeats the ask
  if (LPFN_WSARECVMSG known = cached.load(std::memory_order_acquire))
    return known;
  GUID id = WSAID_WSARECVMSG;
  LPFN_WSARECVMSG fn = nullptr;
  DWORD returned = 0;
  if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &fn, sizeof fn, &returned, nullptr, nullptr) !=
      0) {
    error = last_error();
    return nullptr;
  }
  cached.store(fn, std::memory_order_release);
  return fn;
}
#endif

// Windows has no per-call "do not wait" for WSARecvMsg: a receive that must not wait needs the
// socket in non-blocking mode (FIONBIO), which Winsock cannot read back -- so the caller sets it
// through whoever tracks it (mcast::async_receive: Asio's native_non_blocking). A readiness check
// followed by a blocking call would not be atomic (another reader can take the datagram between).
inline constexpr bool receive_needs_non_blocking_socket = is_windows;

// How mcast::async_receive(_batch) waits for a datagram through Asio. POSIX: a receive of one
// byte with MSG_PEEK (Asio's own reactive receive: tried at once, then queued on the descriptor,
// which stays registered as it is). Not a wait for readiness: Asio re-arms the descriptor
// (EPOLL_CTL_MOD) for each async_wait, and epoll reports EPOLLERR at once while the socket's error
// queue is not empty (IP_RECVERR, transmit timestamps) -- readiness no receive consumes, so a
// wait-then-receive loop never sleeps. A peek completes only when a datagram is queued (or the
// socket has an error to report, once). Windows: Winsock has no error queue, and refuses MSG_PEEK
// on an overlapped receive, so there it is async_wait(wait_read).
inline constexpr bool waits_by_peek = !is_windows;

// How many ICMP error reports (WSAECONNRESET: port unreachable for an earlier send; WSAENETRESET:
// TTL expired) one receive skips on Windows before it reports one: a UDP receive loop must not end
// because a datagram this socket sent earlier was refused somewhere (Microsoft's WSARecvMsg and
// SIO_UDP_CONNRESET pages). Each report is consumed by the call that returns it.
inline constexpr int icmp_reports_skipped = 64;

// One datagram into `buf` (blocking unless `dont_wait`, which reports would-block instead; on
// Windows see receive_needs_non_blocking_socket).
inline int raw_receive(native_handle_type s, void* buf, std::size_t size, bool dont_wait, received_info& out) noexcept {
  alignas(8) unsigned char control[receive_control_size];
#if defined(_WIN32)
  (void)dont_wait;
  int error = 0;
  LPFN_WSARECVMSG recv_msg = wsa_recvmsg(s, error);
  if (recv_msg == nullptr)
    return error;
  WSABUF data{};
  data.buf = static_cast<char*>(buf);
  data.len = static_cast<ULONG>(size > 0x7fffffffu ? 0x7fffffffu : size);
  WSAMSG msg{};
  msg.name = reinterpret_cast<sockaddr_type*>(&out.from);
  msg.namelen = sizeof out.from;
  msg.lpBuffers = &data;
  msg.dwBufferCount = 1;
  msg.Control.buf = reinterpret_cast<char*>(control);
  msg.Control.len = sizeof control;
  DWORD received = 0;
  int failed = recv_msg(s, &msg, &received, nullptr, nullptr);
  for (int skipped = 0; failed != 0 && skipped < icmp_reports_skipped; ++skipped) {
    const int e = last_error();
    if (e != WSAECONNRESET && e != WSAENETRESET)
      break;
    msg.namelen = sizeof out.from; // the call may have shortened them
    msg.Control.len = sizeof control;
    msg.dwFlags = 0;
    failed = recv_msg(s, &msg, &received, nullptr, nullptr);
  }
  if (failed != 0) {
    const int e = last_error();
    if (e != WSAEMSGSIZE) // a datagram longer than the buffer: the first part is stored
      return e;
    received = data.len;
    msg.dwFlags |= MSG_TRUNC;
  }
  out.size = received;
  out.truncated = (msg.dwFlags & MSG_TRUNC) != 0;
  for (WSACMSGHDR* c = WSA_CMSG_FIRSTHDR(&msg); c != nullptr; c = WSA_CMSG_NXTHDR(&msg, c)) {
    const unsigned char* d = WSA_CMSG_DATA(c);
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      IN_PKTINFO info;
      detail::copy_bytes(&info, d, sizeof info);
      out.destination_family = AF_INET;
      detail::copy_bytes(out.destination, &info.ipi_addr, 4);
      out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == ipv6_pktinfo_cmsg) {
      read_ipv6_pktinfo(d, out);
    }
  }
  return 0;
#else
  iovec iov{};
  iov.iov_base = buf;
  iov.iov_len = size;
  msghdr msg{};
  msg.msg_name = &out.from;
  msg.msg_namelen = sizeof out.from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const auto n = ::recvmsg(s, &msg, dont_wait ? MSG_DONTWAIT : 0);
  if (n < 0)
    return last_error();
  out.size = static_cast<std::size_t>(n);
  out.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  read_packet_info(msg, out);
  return 0;
#endif
}

inline constexpr int would_block_error() noexcept {
#if defined(_WIN32)
  return WSAEWOULDBLOCK;
#else
  return EWOULDBLOCK;
#endif
}

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
#if defined(__linux__)
static_assert(CMSG_SPACE(sizeof(::in_pktinfo)) + CMSG_SPACE(20) + CMSG_SPACE(sizeof(::timespec)) +
                      CMSG_SPACE(sizeof(std::uint32_t)) <=
                  batch_control_size,
              "mcast: a batch entry's control room holds both packet infos, a timestamp and a drop count");
#endif

#if defined(_WIN32)
// Whether a datagram is queued now (WSAPoll, no wait): Winsock has no per-call don't-wait (see
// receive_needs_non_blocking_socket), so the batch asks before each receive after the first.
inline bool readable_now(native_handle_type s) noexcept {
  WSAPOLLFD p{};
  p.fd = s;
  p.events = POLLRDNORM;
  return ::WSAPoll(&p, 1, 0) > 0 && (p.revents & POLLRDNORM) != 0;
}
#endif

// Up to `n` datagrams (at most batch_chunk) into bufs[0..n) (anything with .data and .size);
// on(i, const batch_received&) is called for each in order; `got` is how many. With `wait_first`
// the call waits for the first datagram (unless the socket is non-blocking) and then takes only
// what is queued; without it, it never waits. Returns 0, or the error of the first receive (a
// later failure ends the batch: what was received is reported, and the error is left to the next
// call). Linux: one recvmmsg (MSG_WAITFORONE, or MSG_DONTWAIT; its timeout is never used).
// Elsewhere: receives one by one, the later ones without waiting (Windows: each after a
// readable_now check, since a blocking socket's WSARecvMsg cannot be told not to wait).
template <class Buffer, class OnDatagram>
int raw_receive_batch(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                      OnDatagram&& on) noexcept {
  got = 0;
  if (n > batch_chunk)
    n = batch_chunk;
#if defined(__linux__)
  mmsghdr msgs[batch_chunk];
  iovec iovs[batch_chunk];
  sockaddr_storage_type from[batch_chunk]; // not cleared: the kernel reports each one's length
  alignas(8) unsigned char control[batch_chunk][batch_control_size];
  for (std::size_t i = 0; i < n; ++i) {
    iovs[i].iov_base = bufs[i].data;
    iovs[i].iov_len = bufs[i].size;
    msghdr& m = msgs[i].msg_hdr; // (msg_flags and msg_len are outputs only)
    m.msg_name = &from[i];
    m.msg_namelen = sizeof from[i];
    m.msg_iov = &iovs[i];
    m.msg_iovlen = 1;
    m.msg_control = control[i];
    m.msg_controllen = batch_control_size;
  }
  const int r = ::recvmmsg(s, msgs, static_cast<unsigned>(n), wait_first ? MSG_WAITFORONE : MSG_DONTWAIT, nullptr);
  if (r < 0)
    return last_error();
  for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i) {
    msghdr& m = msgs[i].msg_hdr;
    batch_received d;
    d.size = msgs[i].msg_len;
    d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
    d.from = &from[i];
    d.destination_family = 0;
    d.destination = nullptr;
    d.interface_index = 0;
    d.extras.set = 0;
    read_packet_info(m, d);
    on(i, static_cast<const batch_received&>(d));
  }
  got = static_cast<std::size_t>(r);
  return 0;
#else
  for (std::size_t i = 0; i < n; ++i) {
    const bool wait = wait_first && i == 0;
#if defined(_WIN32)
    if (!wait && !readable_now(s)) {
      if (i == 0)
        return WSAEWOULDBLOCK; // nothing queued, and the call must not wait
      break;
    }
#endif
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
#endif
}

// Sends bufs[0..n) (at most batch_chunk; anything with .data and .size) to `to`, in order;
// `sent` is how many went. Returns 0, or the error of the first send (a later failure ends the
// batch with what was sent). Linux: one sendmmsg; elsewhere sendto one by one.
template <class Buffer>
int raw_send_batch(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                   std::size_t& sent) noexcept {
  sent = 0;
  if (n > batch_chunk)
    n = batch_chunk;
  const socklen_type to_length = sockaddr_length(to);
#if defined(__linux__)
  mmsghdr msgs[batch_chunk];
  iovec iovs[batch_chunk];
  for (std::size_t i = 0; i < n; ++i) {
    iovs[i].iov_base = const_cast<void*>(bufs[i].data); // sendmsg does not write through it
    iovs[i].iov_len = bufs[i].size;
    msghdr& m = msgs[i].msg_hdr;
    m.msg_name = const_cast<sockaddr_storage_type*>(&to);
    m.msg_namelen = to_length;
    m.msg_iov = &iovs[i];
    m.msg_iovlen = 1;
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    m.msg_flags = 0;
    msgs[i].msg_len = 0;
  }
  const int r = ::sendmmsg(s, msgs, static_cast<unsigned>(n), 0);
  if (r < 0)
    return last_error();
  sent = static_cast<std::size_t>(r);
  return 0;
#else
  for (std::size_t i = 0; i < n; ++i) {
#if defined(_WIN32)
    const int r = ::sendto(s, static_cast<const char*>(bufs[i].data),
                           static_cast<int>(bufs[i].size > 0x7fffffffu ? 0x7fffffffu : bufs[i].size), 0,
                           reinterpret_cast<const sockaddr_type*>(&to), to_length);
#else
    const auto r = ::sendto(s, bufs[i].data, bufs[i].size, 0, reinterpret_cast<const sockaddr_type*>(&to), to_length);
#endif
    if (r < 0) {
      if (i == 0)
        return last_error();
      break;
    }
    sent = i + 1;
  }
  return 0;
#endif
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

#if defined(_WIN32)
// GetAdaptersAddresses into a heap buffer that grows until the table fits (it can grow between
// the calls); calls f(const IP_ADAPTER_ADDRESSES&) for each adapter. 0 or the system's error.
template <class F> int for_each_adapter(F&& f) noexcept {
  ULONG size = 16 * 1024;
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto* buf = static_cast<IP_ADAPTER_ADDRESSES*>(::HeapAlloc(::GetProcessHeap(), 0, size));
    if (buf == nullptr)
      return ERROR_NOT_ENOUGH_MEMORY;
    const ULONG r = ::GetAdaptersAddresses(
        AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER, nullptr, buf, &size);
    if (r == ERROR_BUFFER_OVERFLOW) {
      ::HeapFree(::GetProcessHeap(), 0, buf);
      continue;
    }
    if (r != NO_ERROR) {
      ::HeapFree(::GetProcessHeap(), 0, buf);
      return r == ERROR_NO_DATA ? 0 : static_cast<int>(r);
    }
    for (auto* a = buf; a != nullptr; a = a->Next)
      f(*a);
    ::HeapFree(::GetProcessHeap(), 0, buf);
    return 0;
  }
  return ERROR_BUFFER_OVERFLOW;
}

inline unsigned adapter_index(const IP_ADAPTER_ADDRESSES& a) noexcept {
  return a.IfIndex != 0 ? static_cast<unsigned>(a.IfIndex) : static_cast<unsigned>(a.Ipv6IfIndex);
}

// An adapter's FriendlyName (UTF-16) as UTF-8 in `out` (interface_name_max bytes; a longer name
// is cut at a character boundary by the conversion's refusal: then it is empty).
inline void friendly_name_utf8(const IP_ADAPTER_ADDRESSES& a, char* out) noexcept {
  out[0] = '\0';
  if (a.FriendlyName == nullptr)
    return;
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, a.FriendlyName, -1, out, static_cast<int>(interface_name_max),
                                      nullptr, nullptr);
  if (n <= 0)
    out[0] = '\0';
}

// The index of the adapter whose FriendlyName is `name` (UTF-8, compared exactly), or 0.
inline unsigned interface_index_from_display_name(const char* name) noexcept {
  wchar_t wide[interface_name_max];
  if (::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, wide, static_cast<int>(interface_name_max)) <= 0)
    return 0;
  unsigned found = 0;
  (void)for_each_adapter([&](const IP_ADAPTER_ADDRESSES& a) noexcept {
    if (found == 0 && a.FriendlyName != nullptr && ::lstrcmpW(a.FriendlyName, wide) == 0)
      found = adapter_index(a);
  });
  return found;
}
#endif

// Calls on_interface(const raw_interface&) for each interface, then on_address(index, family,
// const void* addr) for each of its unicast addresses. Returns 0 or the system's error number.
template <class OnInterface, class OnAddress>
int raw_list_interfaces(OnInterface&& on_interface, OnAddress&& on_address) noexcept {
#if defined(_WIN32)
  return for_each_adapter([&](const IP_ADAPTER_ADDRESSES& a) noexcept {
    raw_interface i;
    i.index = adapter_index(a);
    i.up = a.OperStatus == IfOperStatusUp;
    i.multicast = (a.Flags & IP_ADAPTER_NO_MULTICAST) == 0;
    i.loopback = a.IfType == IF_TYPE_SOFTWARE_LOOPBACK;
    if (!interface_name_from_index(i.index, i.name))
      return; // gone meanwhile
    friendly_name_utf8(a, i.display_name);
    on_interface(i);
    for (auto* u = a.FirstUnicastAddress; u != nullptr; u = u->Next) {
      const sockaddr* sa = u->Address.lpSockaddr;
      if (sa != nullptr && sa->sa_family == AF_INET)
        on_address(i.index, AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
      else if (sa != nullptr && sa->sa_family == AF_INET6)
        on_address(i.index, AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
    }
  });
#elif defined(__linux__)
  // One RTM_GETLINK dump (every interface, one without any address too: index, name, flags), then
  // one RTM_GETADDR dump (every address with its interface's index): two requests for any number
  // of interfaces. (if_nameindex and getifaddrs ask the same, but getifaddrs names an address by
  // its label, "lo:7", which costs a name lookup per address to map back to an index.)
  int r = netlink_dump(rtm_getlink, 0, [&](unsigned short type, const unsigned char* m, std::size_t len) noexcept {
    constexpr std::size_t at = route_header + route_aligned(sizeof(link_message));
    if (type != rtm_newlink || len < at)
      return;
    link_message l{};
    detail::copy_bytes(&l, m + route_header, sizeof l);
    raw_interface i;
    i.index = static_cast<unsigned>(l.index);
    i.up = (l.flags & IFF_UP) != 0;
    i.multicast = (l.flags & IFF_MULTICAST) != 0;
    i.loopback = (l.flags & IFF_LOOPBACK) != 0;
    netlink_attributes(m, len, at, [&](unsigned short t, const unsigned char* v, std::size_t n) noexcept {
      if (t == ifla_ifname && n > 0) {
        const std::size_t k = n < interface_name_max ? n : interface_name_max - 1;
        detail::copy_bytes(i.name, v, k);
        i.name[k] = '\0';
      }
    });
    if (i.index != 0 && i.name[0] != '\0')
      on_interface(i);
  });
  if (r == 0)
    r = netlink_addresses(0, [&](unsigned index, int family, const void* bytes) noexcept {
      on_address(index, family, bytes);
      return false;
    });
  return r;
#else
  // Every interface by if_nameindex (one without any address too), its flags and addresses by
  // getifaddrs (whose entries for a labelled IPv4 address carry the label: see names_interface).
  struct ::if_nameindex* names = ::if_nameindex();
  if (names == nullptr)
    return last_error();
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    const int e = last_error();
    ::if_freenameindex(names);
    return e;
  }
  for (const struct ::if_nameindex* n = names; n->if_index != 0 && n->if_name != nullptr; ++n) {
    raw_interface i;
    i.index = n->if_index;
    copy_name(i.name, n->if_name);
    for (ifaddrs* p = list; p != nullptr; p = p->ifa_next)
      if (p->ifa_name != nullptr && names_interface(p->ifa_name, n->if_name)) {
        i.up = (p->ifa_flags & IFF_UP) != 0;
        i.multicast = (p->ifa_flags & IFF_MULTICAST) != 0;
        i.loopback = (p->ifa_flags & IFF_LOOPBACK) != 0;
        break;
      }
    on_interface(i);
    for (ifaddrs* p = list; p != nullptr; p = p->ifa_next) {
      if (p->ifa_addr == nullptr || p->ifa_name == nullptr || !names_interface(p->ifa_name, n->if_name))
        continue;
      if (p->ifa_addr->sa_family == AF_INET)
        on_address(i.index, AF_INET, &reinterpret_cast<const sockaddr_in*>(p->ifa_addr)->sin_addr);
      else if (p->ifa_addr->sa_family == AF_INET6)
        on_address(i.index, AF_INET6, &reinterpret_cast<const sockaddr_in6*>(p->ifa_addr)->sin6_addr);
    }
  }
  ::freeifaddrs(list);
  ::if_freenameindex(names);
  return 0;
#endif
}

// Walks the interfaces' unicast addresses of `family` (AF_INET, AF_INET6, 0: both; a hint: fn
// still sees the family): fn(index, family, const void* addr) returns true to stop. Returns false
// when the table could not be read.
template <class Fn> bool for_each_interface_address(int family, Fn&& fn) noexcept {
#if defined(__linux__)
  return netlink_addresses(static_cast<unsigned char>(family), fn) == 0;
#elif defined(_WIN32)
  (void)family;
  bool stop = false;
  return raw_list_interfaces([](const raw_interface&) noexcept {},
                             [&](unsigned index, int family, const void* addr) noexcept {
                               if (!stop)
                                 stop = fn(index, family, addr);
                             }) == 0;
#else
  (void)family;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return false;
  bool stop = false;
  for (ifaddrs* p = list; p != nullptr && !stop; p = p->ifa_next) {
    if (p->ifa_addr == nullptr || p->ifa_name == nullptr)
      continue;
    unsigned index = static_cast<unsigned>(::if_nametoindex(p->ifa_name));
    if (index == 0)
      continue;
    if (p->ifa_addr->sa_family == AF_INET)
      stop = fn(index, AF_INET, &reinterpret_cast<const sockaddr_in*>(p->ifa_addr)->sin_addr);
    else if (p->ifa_addr->sa_family == AF_INET6)
      stop = fn(index, AF_INET6, &reinterpret_cast<const sockaddr_in6*>(p->ifa_addr)->sin6_addr);
  }
  ::freeifaddrs(list);
  return true;
#endif
}

// ---- layout pins (each checked against the platform headers by the build itself) ------------
// A structure copied from another platform is silently wrong; these fail the build instead.
static_assert(sizeof(ip_mreq_type) == 8, "mcast: unexpected ip_mreq size on this platform");
static_assert(sizeof(ip_mreq_source_type) == 12, "mcast: unexpected ip_mreq_source size");
static_assert(sizeof(ipv6_mreq_type) == 20, "mcast: unexpected ipv6_mreq size");
static_assert(sizeof(sockaddr_storage_type) == 128, "mcast: unexpected sockaddr_storage size");
#if defined(_WIN32)
static_assert(IP_ADD_MEMBERSHIP == 12,
              "mcast: IP_ADD_MEMBERSHIP is not 12, so Winsock 1.1 <winsock.h> constants leaked in "
              "(its value is 5); include <winsock2.h> before <windows.h> or define WIN32_LEAN_AND_MEAN");
static_assert(offsetof(ip_mreq_source_type, imr_sourceaddr) == 4 && offsetof(ip_mreq_source_type, imr_interface) == 8,
              "mcast: Windows ip_mreq_source is {multiaddr, sourceaddr, interface}");
static_assert(sizeof(group_req_type) == 136 && offsetof(group_req_type, gr_group) == 8,
              "mcast: unexpected GROUP_REQ layout (136 bytes, gr_group at 8, on x86 and x64)");
static_assert(sizeof(group_source_req_type) == 264 && offsetof(group_source_req_type, gsr_source) == 136,
              "mcast: unexpected GROUP_SOURCE_REQ layout");
static_assert(offsetof(group_filter_type, gf_fmode) == 136 && offsetof(group_filter_type, gf_numsrc) == 140 &&
                  offsetof(group_filter_type, gf_slist) == 144,
              "mcast: unexpected GROUP_FILTER layout");
static_assert(offsetof(ip_msfilter_type, imsf_fmode) == 8 && offsetof(ip_msfilter_type, imsf_numsrc) == 12 &&
                  offsetof(ip_msfilter_type, imsf_slist) == 16,
              "mcast: unexpected ip_msfilter layout");
static_assert(MCAST_INCLUDE == 0 && MCAST_EXCLUDE == 1, "mcast: Windows MCAST_INCLUDE/EXCLUDE are 0/1");
static_assert(MCAST_JOIN_GROUP == 41 && MCAST_LEAVE_GROUP == 42 && MCAST_BLOCK_SOURCE == 43 &&
                  MCAST_UNBLOCK_SOURCE == 44 && MCAST_JOIN_SOURCE_GROUP == 45 && MCAST_LEAVE_SOURCE_GROUP == 46,
              "mcast: unexpected Windows MCAST_* option numbers");
static_assert(IP_ADD_SOURCE_MEMBERSHIP == 15 && IP_DROP_SOURCE_MEMBERSHIP == 16 && IP_BLOCK_SOURCE == 17 &&
                  IP_UNBLOCK_SOURCE == 18 && IP_DROP_MEMBERSHIP == 13,
              "mcast: unexpected Windows IP_* option numbers");
#elif defined(__APPLE__)
static_assert(sizeof(group_req_type) == 132 && offsetof(group_req_type, gr_group) == 4,
              "mcast: macOS packs group_req to 4 (132 bytes, gr_group at 4)");
static_assert(sizeof(group_source_req_type) == 260 && offsetof(group_source_req_type, gsr_source) == 132,
              "mcast: macOS packs group_source_req to 4 (260 bytes, gsr_source at 132)");
static_assert(offsetof(ip_mreq_source_type, imr_sourceaddr) == 4 && offsetof(ip_mreq_source_type, imr_interface) == 8,
              "mcast: macOS ip_mreq_source is {multiaddr, sourceaddr, interface}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 2, "mcast: macOS MCAST_INCLUDE/EXCLUDE are 1/2");
static_assert(MCAST_JOIN_GROUP == 80 && MCAST_LEAVE_GROUP == 81 && MCAST_JOIN_SOURCE_GROUP == 82 &&
                  MCAST_LEAVE_SOURCE_GROUP == 83 && MCAST_BLOCK_SOURCE == 84 && MCAST_UNBLOCK_SOURCE == 85,
              "mcast: unexpected macOS MCAST_* option numbers");
static_assert(sizeof(sockaddr_in4_type) == 16 && offsetof(sockaddr_in4_type, sin_len) == 0 && has_sockaddr_length,
              "mcast: macOS sockaddr_in starts with sin_len");
#elif defined(__FreeBSD__)
// Checked against FreeBSD's own headers with cmake/cross-check.sh (see the README's platform notes).
static_assert(sizeof(group_req_type) == 136 && offsetof(group_req_type, gr_group) == 8,
              "mcast: FreeBSD group_req is 136 bytes, gr_group at 8");
static_assert(sizeof(group_source_req_type) == 264 && offsetof(group_source_req_type, gsr_source) == 136,
              "mcast: FreeBSD group_source_req is 264 bytes, gsr_source at 136");
static_assert(offsetof(ip_mreq_source_type, imr_sourceaddr) == 4 && offsetof(ip_mreq_source_type, imr_interface) == 8,
              "mcast: FreeBSD ip_mreq_source is {multiaddr, sourceaddr, interface}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 2, "mcast: FreeBSD MCAST_INCLUDE/EXCLUDE are 1/2");
static_assert(MCAST_JOIN_GROUP == 80 && MCAST_LEAVE_GROUP == 81 && MCAST_JOIN_SOURCE_GROUP == 82 &&
                  MCAST_LEAVE_SOURCE_GROUP == 83 && MCAST_BLOCK_SOURCE == 84 && MCAST_UNBLOCK_SOURCE == 85,
              "mcast: unexpected FreeBSD MCAST_* option numbers");
static_assert(IP_ADD_SOURCE_MEMBERSHIP == 70 && IP_DROP_SOURCE_MEMBERSHIP == 71 && IP_BLOCK_SOURCE == 72 &&
                  IP_UNBLOCK_SOURCE == 73 && IP_ADD_MEMBERSHIP == 12 && IP_DROP_MEMBERSHIP == 13,
              "mcast: unexpected FreeBSD IP_* option numbers");
static_assert(sizeof(sockaddr_in4_type) == 16 && offsetof(sockaddr_in4_type, sin_len) == 0 && has_sockaddr_length,
              "mcast: FreeBSD sockaddr_in starts with sin_len");
static_assert(!has_ip_pktinfo && ipv6_recvpktinfo == 36 && ipv6_pktinfo_cmsg == 46,
              "mcast: FreeBSD has no IP_PKTINFO; IPV6_RECVPKTINFO is 36, its control message IPV6_PKTINFO 46");
#elif defined(__linux__)
static_assert(offsetof(ip_mreq_source_type, imr_interface) == 4 && offsetof(ip_mreq_source_type, imr_sourceaddr) == 8,
              "mcast: Linux ip_mreq_source is {multiaddr, interface, sourceaddr}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 0, "mcast: Linux MCAST_INCLUDE/EXCLUDE are 1/0");
static_assert(IP_ADD_MEMBERSHIP == 35 && MCAST_JOIN_GROUP == 42 && MCAST_LEAVE_GROUP == 45 &&
                  MCAST_JOIN_SOURCE_GROUP == 46 && MCAST_MSFILTER == 48,
              "mcast: unexpected Linux option numbers");
#if defined(__x86_64__) || defined(__aarch64__)
static_assert(sizeof(group_req_type) == 136 && offsetof(group_req_type, gr_group) == 8,
              "mcast: unexpected group_req layout on 64-bit Linux");
static_assert(offsetof(group_filter_type, gf_fmode) == 136 && offsetof(group_filter_type, gf_numsrc) == 140 &&
                  offsetof(group_filter_type, gf_slist) == 144,
              "mcast: unexpected group_filter layout on 64-bit Linux");
#endif
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_SOCKET_TYPES_HPP
