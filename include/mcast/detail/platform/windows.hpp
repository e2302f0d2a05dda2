// mcast/detail/platform/windows.hpp -- Windows (Winsock 2, Vista or later).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Winsock's names and calls: GROUP_REQ / GROUP_FILTER, the final-state IOCTLs (WSAIoctl),
// WSARecvMsg, WSAPoll, GetAdaptersAddresses (interfaces with their FriendlyName), and the
// numbers Winsock answers with. MinGW-w64 builds and runs it under Wine; clang's MSVC mode checks
// it against the real SDK and STL (cmake/msvc-check.sh).
#ifndef MCAST_DETAIL_PLATFORM_WINDOWS_HPP
#define MCAST_DETAIL_PLATFORM_WINDOWS_HPP

#if defined(_MSC_VER)
#pragma once
#endif

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

#include "compiler.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr bool is_windows = true;
inline constexpr bool is_linux = false;
inline constexpr bool is_bsd = false;
inline constexpr bool is_macos = false;

#if defined(_MSC_VER) && !defined(__clang__)
// ---- pointer slots read and filled atomically (compiler.hpp has them for GCC and clang) --------
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
#endif

// ---- handles and structures -------------------------------------------------------------------
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

} // namespace detail
MCAST_END_NAMESPACE

#include "common.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr int ipv6_add_membership_name = IPV6_ADD_MEMBERSHIP;
inline constexpr int ipv6_drop_membership_name = IPV6_DROP_MEMBERSHIP;

inline constexpr bool has_multicast_all = false; // (Linux's IP_MULTICAST_ALL)
inline constexpr int ip_multicast_all = -1;
inline constexpr int ipv6_multicast_all = -1;

inline constexpr platform_family this_family = platform_family::windows_family;
static_assert(sizeof(DWORD) == sizeof(std::uint32_t), "mcast: a DWORD option field is 4 bytes");
// IP_MULTICAST_IF: an in_addr, the interface's address or the 0.0.0.index form.
using ip_multicast_if_type = in_addr_multicast_if;
inline constexpr bool ip_multicast_if_by_index = false;
// Packet info: IP_PKTINFO; the IPv6 receive option is named IPV6_PKTINFO.
inline constexpr bool has_ip_pktinfo = true;
inline constexpr int ip_pktinfo = IP_PKTINFO;
inline constexpr int ipv6_recvpktinfo = IPV6_PKTINFO;
constexpr int ipv6_pktinfo_message() noexcept { return IPV6_PKTINFO; }

// IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP: an ip_mreq (the interface by address, or 0.0.0.index).
using ip_membership_req_type = ip_mreq_type;
inline constexpr bool ipv4_membership_by_index = false;

inline constexpr int so_reuseport = -1;          // SO_REUSEADDR alone shares a port
inline constexpr bool has_socket_cookie = false; // (Linux's SO_COOKIE)
inline constexpr int so_cookie = -1;
// Windows has receive timestamps only through the SIO_TIMESTAMPING ioctl, in
// QueryPerformanceCounter ticks rather than the wall clock: not offered. No drop counts.
inline constexpr bool has_receive_timestamp = false;
inline constexpr int so_receive_timestamp = -1;
inline constexpr bool has_receive_drops = false;
inline constexpr int so_rxq_ovfl = -1;

// ---- the error numbers the library translates -------------------------------------------------
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

// ---- Winsock start-up (used only by mcast::winsock_session, never by the library itself) -----
inline int network_startup() noexcept {
  WSADATA data;
  return ::WSAStartup(MAKEWORD(2, 2), &data);
}
inline void network_cleanup() noexcept { ::WSACleanup(); }

// ---- raw calls (the hook in system.hpp wraps these) ------------------------------------------
// Each returns 0 on success and the platform's error number otherwise.
MCAST_DETAIL_ALWAYS_INLINE int raw_setsockopt(native_handle_type s, int level, int name, const void* data,
                                              std::size_t size) noexcept {
  int r = ::setsockopt(s, level, name, static_cast<const char*>(data), static_cast<int>(size));
  return r == 0 ? 0 : last_error();
}

MCAST_DETAIL_ALWAYS_INLINE int raw_getsockopt(native_handle_type s, int level, int name, void* data,
                                              std::size_t& size) noexcept {
  socklen_type len = static_cast<socklen_type>(size);
  if (::getsockopt(s, level, name, static_cast<char*>(data), &len) != 0)
    return last_error();
  size = static_cast<std::size_t>(len);
  return 0;
}

// ---- the final-state filter: the IOCTLs, through WSAIoctl --------------------------------------
inline int raw_set_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  (void)level;
  if (size > 0xffffffffu) // a DWORD carries the size: as the SDK's setsourcefilter, refuse it
    return WSAENOBUFS;
  DWORD returned = 0;
  DWORD code = kind == filter_struct::group_filter ? static_cast<DWORD>(SIOCSMSFILTER)
                                                   : static_cast<DWORD>(SIO_SET_MULTICAST_FILTER);
  int r = ::WSAIoctl(s, code, buf, static_cast<DWORD>(size), nullptr, 0, &returned, nullptr, nullptr);
  return r == 0 ? 0 : last_error();
}

inline int raw_get_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  (void)level;
  if (size > 0xffffffffu)
    return WSAENOBUFS;
  DWORD returned = 0;
  DWORD code = kind == filter_struct::group_filter ? static_cast<DWORD>(SIOCGMSFILTER)
                                                   : static_cast<DWORD>(SIO_GET_MULTICAST_FILTER);
  int r =
      ::WSAIoctl(s, code, buf, static_cast<DWORD>(size), buf, static_cast<DWORD>(size), &returned, nullptr, nullptr);
  return r == 0 ? 0 : last_error();
}

// No route lookup (only Linux resolves any() itself: see resolves_any_interface), no limit settings.
inline int raw_route_interface(int, const void*, unsigned&, bool& answered) noexcept {
  answered = false;
  return WSAEOPNOTSUPP;
}
inline long read_limit_setting(const limit_setting&) noexcept { return -1; }

// `out` must hold 46 characters (INET6_ADDRSTRLEN).
inline bool format_address(int family, const void* addr, char* out, std::size_t size) noexcept {
  return ::inet_ntop(family, const_cast<void*>(addr), out, size) != nullptr;
}

// Writes the name (NUL-terminated) into `out`, which holds interface_name_max bytes.
inline bool interface_name_from_index(unsigned index, char* out) noexcept {
  char buf[IF_MAX_STRING_SIZE + 1] = {};
  if (::if_indextoname(static_cast<NET_IFINDEX>(index), buf) == nullptr)
    return false;
  copy_name(out, buf);
  return true;
}

// The socket's address family, bound or not (getsockname refuses an unbound socket here).
inline int raw_socket_family(native_handle_type s, int& family) noexcept {
  WSAPROTOCOL_INFOW info{};
  int len = sizeof info;
  if (::getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &len) != 0)
    return last_error();
  family = info.iAddressFamily;
  return 0;
}

// ---- receiving and sending ----------------------------------------------------------------------
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
// How many ICMP error reports (WSAECONNRESET: port unreachable for an earlier send; WSAENETRESET:
// TTL expired) one receive skips on Windows before it reports one: a UDP receive loop must not end
// because a datagram this socket sent earlier was refused somewhere (Microsoft's WSARecvMsg and
// SIO_UDP_CONNRESET pages). Each report is consumed by the call that returns it.
inline constexpr int icmp_reports_skipped = 64;
inline int raw_receive(native_handle_type s, void* buf, std::size_t size, bool dont_wait, received_info& out) noexcept {
  alignas(8) unsigned char control[receive_control_size];
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
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == ipv6_pktinfo_message()) {
      read_ipv6_pktinfo(d, out);
    }
  }
  return 0;
}

inline int raw_send_to(native_handle_type s, const sockaddr_storage_type& to, const void* data,
                       std::size_t size) noexcept {
  const int r = ::sendto(s, static_cast<const char*>(data), static_cast<int>(size > 0x7fffffffu ? 0x7fffffffu : size),
                         0, reinterpret_cast<const sockaddr_type*>(&to), sockaddr_length(to));
  return r < 0 ? last_error() : 0;
}

inline constexpr int would_block_error() noexcept { return WSAEWOULDBLOCK; }

// Whether a datagram is queued now (WSAPoll, no wait): Winsock has no per-call don't-wait (see
// receive_needs_non_blocking_socket), so the batch asks before each receive after the first.
inline bool readable_now(native_handle_type s) noexcept {
  WSAPOLLFD p{};
  p.fd = s;
  p.events = POLLRDNORM;
  return ::WSAPoll(&p, 1, 0) > 0 && (p.revents & POLLRDNORM) != 0;
}

// Batches by one call per datagram: WSARecvMsg on a blocking socket cannot be told not to wait,
// so each receive after the first asks readable_now first.
template <class Buffer, class OnDatagram>
int raw_receive_batch(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                      OnDatagram&& on) noexcept {
  return receive_one_by_one(s, bufs, n, wait_first, got, on, readable_now, WSAEWOULDBLOCK);
}
template <class Buffer>
int raw_send_batch(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                   std::size_t& sent) noexcept {
  return send_one_by_one(s, to, bufs, n, sent);
}

// ---- the host's interfaces --------------------------------------------------------------------
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

template <class OnInterface, class OnAddress>
int raw_list_interfaces(OnInterface&& on_interface, OnAddress&& on_address) noexcept {
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
}

template <class Fn> bool for_each_interface_address(int family, Fn&& fn) noexcept {
  (void)family;
  bool stop = false;
  return raw_list_interfaces([](const raw_interface&) noexcept {},
                             [&](unsigned index, int family, const void* addr) noexcept {
                               if (!stop)
                                 stop = fn(index, family, addr);
                             }) == 0;
}

// ---- layout pins (checked against the SDK's and MinGW's headers by the build itself) ----------
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

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_WINDOWS_HPP
