// mcast/detail/platform/change_source_windows.hpp -- the keeper's change source on Windows.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// IP Helper's notifications (NotifyIpInterfaceChange, NotifyUnicastIpAddressChange,
// NotifyRouteChange2, all AF_UNSPEC) call back on a system thread. The callbacks only append a
// small record to a fixed ring under a mutex (no allocation, no other IP Helper call: the
// documentation forbids cancelling from inside one) and, when the ring was empty, send one byte
// on a loopback UDP pair. The pair's receiving end is what the keeper hands out as its
// native_handle(): a SOCKET that select / WSAPoll / Asio wait on as on Linux. read_changes() on
// the user's thread drains the bytes, takes the ring, and asks the system about each interface
// (present? up? its name) itself, so a late or merged notification still yields the truth.
// Closing cancels the notifications first (CancelMibChangeNotify2 waits for a running callback)
// and only then frees the object they point to.
// Included by change_source.hpp only.
#ifndef MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_WINDOWS_HPP
#define MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_WINDOWS_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "platform.hpp"

#include <cstddef>
#include <initializer_list>
#include <mutex>
#include <new>

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr bool has_change_source = true;

// What the callbacks share with the user's thread. Heap-allocated once per keeper: its address is
// the notifications' context and must not move.
struct change_watcher {
  // What a callback saw; the user's thread turns it into change_records.
  struct note {
    change_record::kind_type kind = change_record::route;
    unsigned index = 0;
    int family = 0;
    unsigned char bytes[16] = {};
  };
  static constexpr std::size_t capacity = 256; // a storm beyond this is an overflow: look at everything

  std::mutex m;
  note ring[capacity];
  std::size_t head = 0, count = 0;
  bool overflowed = false;
  bool woken = false; // a byte is on its way for what the ring holds
  SOCKET wake_send = INVALID_SOCKET;
  SOCKET wake_receive = INVALID_SOCKET;
  HANDLE interfaces = nullptr, addresses = nullptr, routes = nullptr;
  // The names of the interfaces seen, by index, so that a deleted one is reported by name (the
  // system no longer knows it then). The user's thread only.
  struct known {
    unsigned index = 0;
    char name[sizeof(change_record{}.name)] = {};
  };
  static constexpr std::size_t known_max = 64;
  known names[known_max];
  std::size_t names_next = 0;

  void push(const note& n) noexcept {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(m);
      if (count == capacity)
        overflowed = true;
      else
        ring[(head + count++) % capacity] = n;
      wake = !woken;
      woken = true;
    }
    if (wake) {
      const char byte = 1;
      (void)::send(wake_send, &byte, 1, 0);
    }
  }
  void remember(unsigned index, const char* name) noexcept {
    for (auto& k : names)
      if (k.index == index) {
        copy_short_name(k.name, name);
        return;
      }
    known& k = names[names_next++ % known_max]; // the oldest goes first
    k.index = index;
    copy_short_name(k.name, name);
  }
  const char* remembered(unsigned index) const noexcept {
    for (const auto& k : names)
      if (k.index == index)
        return k.name;
    return "";
  }
  static void copy_short_name(char* out, const char* name) noexcept {
    std::size_t n = 0;
    while (name[n] != '\0' && n + 1 < sizeof(known{}.name))
      ++n;
    detail::copy_bytes(out, name, n);
    out[n] = '\0';
  }
};

// What a keeper holds: the socket to wait on, and the watcher behind it.
struct change_source {
  native_handle_type handle = invalid_native_handle;
  change_watcher* watcher = nullptr;
};

// The three callbacks (WINAPI: their types are IP Helper's).
inline void WINAPI on_interface_change(void* context, MIB_IPINTERFACE_ROW* row, MIB_NOTIFICATION_TYPE type) {
  if (row == nullptr || type == MibInitialNotification)
    return;
  change_watcher::note n;
  n.kind = change_record::link_new; // present or gone: read_changes asks the system
  n.index = static_cast<unsigned>(row->InterfaceIndex);
  static_cast<change_watcher*>(context)->push(n);
}
inline void WINAPI on_address_change(void* context, MIB_UNICASTIPADDRESS_ROW* row, MIB_NOTIFICATION_TYPE type) {
  if (row == nullptr || type == MibInitialNotification)
    return;
  change_watcher::note n;
  n.kind = type == MibDeleteInstance ? change_record::address_gone : change_record::address_new;
  n.index = static_cast<unsigned>(row->InterfaceIndex);
  n.family = row->Address.si_family;
  if (n.family == AF_INET)
    detail::copy_bytes(n.bytes, &row->Address.Ipv4.sin_addr, 4);
  else if (n.family == AF_INET6)
    detail::copy_bytes(n.bytes, &row->Address.Ipv6.sin6_addr, 16);
  else
    return;
  static_cast<change_watcher*>(context)->push(n);
}
inline void WINAPI on_route_change(void* context, MIB_IPFORWARD_ROW2*, MIB_NOTIFICATION_TYPE type) {
  if (type == MibInitialNotification)
    return;
  static_cast<change_watcher*>(context)->push(change_watcher::note{});
}

// Cancels what was registered (waiting for running callbacks), then closes and frees the rest.
inline void close_change_source(change_source& cs) noexcept {
  change_watcher* w = cs.watcher;
  if (w == nullptr)
    return;
  for (HANDLE* h : {&w->interfaces, &w->addresses, &w->routes})
    if (*h != nullptr) {
      (void)::CancelMibChangeNotify2(*h);
      *h = nullptr;
    }
  for (SOCKET s : {w->wake_send, w->wake_receive})
    if (s != INVALID_SOCKET)
      (void)::closesocket(s);
  delete w;
  cs = change_source{};
}

// The loopback pair: `receive` bound to 127.0.0.1 and connected to `send` (it takes bytes from
// nothing else), non-blocking; `send` connected to it. 0 or the system's error.
inline int open_wake_pair(change_watcher& w) noexcept {
  w.wake_receive = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  w.wake_send = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (w.wake_receive == INVALID_SOCKET || w.wake_send == INVALID_SOCKET)
    return ::WSAGetLastError();
  sockaddr_in loopback{};
  loopback.sin_family = AF_INET;
  loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sockaddr_in receive_at{}, send_from{};
  int len = sizeof receive_at, len2 = sizeof send_from;
  u_long nonblocking = 1;
  if (::bind(w.wake_receive, reinterpret_cast<const sockaddr*>(&loopback), sizeof loopback) != 0 ||
      ::getsockname(w.wake_receive, reinterpret_cast<sockaddr*>(&receive_at), &len) != 0 ||
      ::connect(w.wake_send, reinterpret_cast<const sockaddr*>(&receive_at), sizeof receive_at) != 0 ||
      ::getsockname(w.wake_send, reinterpret_cast<sockaddr*>(&send_from), &len2) != 0 ||
      ::connect(w.wake_receive, reinterpret_cast<const sockaddr*>(&send_from), sizeof send_from) != 0 ||
      ::ioctlsocket(w.wake_receive, FIONBIO, &nonblocking) != 0)
    return ::WSAGetLastError();
  return 0;
}

// Opens the change source: 0 and `cs`, or an error number with nothing left open. A notification
// the system does not offer (ERROR_NOT_SUPPORTED) is left out and the others still serve; none of
// the three is WSAEOPNOTSUPP (errc::unsupported).
inline int open_change_source(change_source& cs) noexcept {
  cs = change_source{};
  auto* w = new (std::nothrow) change_watcher;
  if (w == nullptr)
    return ERROR_NOT_ENOUGH_MEMORY;
  cs.watcher = w;
  int r = open_wake_pair(*w);
  if (r == 0) {
    // The names known now, so that an interface deleted before it changed is reported by name.
    (void)for_each_adapter([&](const IP_ADAPTER_ADDRESSES& a) noexcept {
      char name[interface_name_max];
      const unsigned index = adapter_index(a);
      if (interface_name_from_index(index, name))
        w->remember(index, name);
    });
    unsigned offered = 0;
    const DWORD answers[] = {::NotifyIpInterfaceChange(AF_UNSPEC, on_interface_change, w, FALSE, &w->interfaces),
                             ::NotifyUnicastIpAddressChange(AF_UNSPEC, on_address_change, w, FALSE, &w->addresses),
                             ::NotifyRouteChange2(AF_UNSPEC, on_route_change, w, FALSE, &w->routes)};
    for (DWORD a : answers)
      if (a == NO_ERROR)
        ++offered;
      else if (a != ERROR_NOT_SUPPORTED && r == 0)
        r = static_cast<int>(a);
    if (r == 0 && offered == 0)
      r = WSAEOPNOTSUPP;
  }
  if (r != 0) {
    close_change_source(cs);
    return r;
  }
  cs.handle = w->wake_receive;
  return 0;
}

// One interface as the system sees it now: link_new (present; up = operationally up) or
// link_gone, with its name (remembered for a deleted one).
inline change_record link_now(change_watcher& w, unsigned index) noexcept {
  change_record r;
  r.index = index;
  MIB_IF_ROW2 row{};
  row.InterfaceIndex = static_cast<NET_IFINDEX>(index);
  char name[interface_name_max];
  if (::GetIfEntry2(&row) == NO_ERROR && interface_name_from_index(index, name)) {
    r.kind = change_record::link_new;
    r.up = row.OperStatus == IfOperStatusUp;
    w.remember(index, name);
  } else {
    r.kind = change_record::link_gone;
  }
  change_watcher::copy_short_name(r.name, w.remembered(index));
  return r;
}

// Reads what the callbacks queued, calling on_record(const change_record&) for each; 0, or an
// error number. A ring that overflowed comes as an `overflow` record.
template <class OnRecord> int read_changes(change_source& cs, OnRecord&& on_record) noexcept {
  change_watcher* w = cs.watcher;
  if (w == nullptr)
    return WSAENOTSOCK;
  // The bytes first, then the ring: a byte sent after this drain is for a note still to come.
  char bytes[64];
  for (int rounds = 0; rounds < 1024; ++rounds)
    if (::recv(w->wake_receive, bytes, sizeof bytes, 0) <= 0)
      break; // WSAEWOULDBLOCK: drained
  change_watcher::note taken[change_watcher::capacity];
  std::size_t n = 0;
  bool overflowed = false;
  {
    std::lock_guard<std::mutex> lock(w->m);
    for (; n < w->count; ++n)
      taken[n] = w->ring[(w->head + n) % change_watcher::capacity];
    w->head = 0;
    w->count = 0;
    overflowed = w->overflowed;
    w->overflowed = false;
    w->woken = false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const change_watcher::note& t = taken[i];
    if (t.kind == change_record::link_new) {
      on_record(link_now(*w, t.index));
      continue;
    }
    change_record r;
    r.kind = t.kind;
    r.index = t.index;
    r.family = t.family;
    detail::copy_bytes(r.bytes, t.bytes, sizeof r.bytes);
    on_record(r);
  }
  if (overflowed) {
    change_record r;
    r.kind = change_record::overflow;
    on_record(r);
  }
  return 0;
}

// Every interface as a link_new record (after an overflow): the adapters list_interfaces() shows.
template <class OnRecord> int read_all_links(OnRecord&& on_record) noexcept {
  return for_each_adapter([&](const IP_ADAPTER_ADDRESSES& a) noexcept {
    change_record r;
    char name[interface_name_max];
    r.kind = change_record::link_new;
    r.index = adapter_index(a);
    r.up = a.OperStatus == IfOperStatusUp;
    if (!interface_name_from_index(r.index, name))
      return; // gone meanwhile
    change_watcher::copy_short_name(r.name, name);
    on_record(r);
  });
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_WINDOWS_HPP
