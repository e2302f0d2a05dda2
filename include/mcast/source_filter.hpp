// mcast/source_filter.hpp -- final-state source filters: the whole include/exclude list at once.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Windows: SIOCSMSFILTER / SIOCGMSFILTER with GROUP_FILTER (Vista+), and for api::ipv4
// SIO_SET_MULTICAST_FILTER / SIO_GET_MULTICAST_FILTER with ip_msfilter -- what the SDK's inline
// setsourcefilter / setipv4sourcefilter wrap. Linux: the MCAST_MSFILTER / IP_MSFILTER socket
// options -- what glibc's setsourcefilter / setipv4sourcefilter do. One system call per set.
#ifndef MCAST_SOURCE_FILTER_HPP
#define MCAST_SOURCE_FILTER_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/rule_table.hpp"
#include "detail/socket_facts.hpp"
#include "option.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <type_traits>
#include <vector>

MCAST_BEGIN_NAMESPACE

/// The filter mode of a membership: INCLUDE only the listed sources, or EXCLUDE the listed ones
/// (an any-source membership is EXCLUDE with what it blocks).
enum class filter_mode { include, exclude };

/// A membership's whole filter, as get_source_filter() reads it back.
struct source_filter {
  /// INCLUDE or EXCLUDE.
  filter_mode mode = filter_mode::include;
  /// The listed sources; sorted when read back from the stack.
  std::vector<source> sources;

  friend bool operator==(const source_filter& a, const source_filter& b) noexcept {
    // (element by element: std::vector's own == would be instantiated in every translation unit)
    if (a.mode != b.mode || a.sources.size() != b.sources.size())
      return false;
    for (std::size_t i = 0; i < a.sources.size(); ++i)
      if (a.sources[i] != b.sources[i])
        return false;
    return true;
  }
  friend bool operator!=(const source_filter& a, const source_filter& b) noexcept { return !(a == b); }
};

namespace detail {

inline constexpr std::size_t group_filter_header = offsetof(group_filter_type, gf_slist);
inline constexpr std::size_t ip_msfilter_header = offsetof(ip_msfilter_type, imsf_slist);

// Bytes for a filter of n sources, or false if it does not fit in the 32-bit count or in the length
// the system call carries (max_option_length) -- checked before anything is allocated.
inline bool filter_bytes(std::size_t n, std::size_t header, std::size_t element, std::size_t& out) noexcept {
  if (n > std::uint32_t(-1) || header > max_option_length || n > (max_option_length - header) / element)
    return false;
  out = header + n * element;
  return true;
}

// A suitably aligned byte buffer: on the stack for small filters, on the heap beyond.
class filter_buffer {
public:
  filter_buffer() noexcept = default;
  filter_buffer(const filter_buffer&) = delete;
  filter_buffer& operator=(const filter_buffer&) = delete;
  ~filter_buffer() { delete[] big_; }

  bool reserve(std::size_t bytes) noexcept {
    size_ = bytes;
    delete[] big_;
    big_ = nullptr;
    if (bytes <= sizeof small_) {
      detail::fill_bytes(small_, 0, sizeof small_);
      return true;
    }
    const std::size_t count = (bytes + sizeof(sockaddr_storage_type) - 1) / sizeof(sockaddr_storage_type);
    big_ = new (std::nothrow) sockaddr_storage_type[count]();
    return big_ != nullptr;
  }
  unsigned char* data() noexcept {
    return big_ ? reinterpret_cast<unsigned char*>(big_) : reinterpret_cast<unsigned char*>(small_);
  }
  std::size_t size() const noexcept { return size_; }

private:
  sockaddr_storage_type small_[10]; // header + 8 sources of GROUP_FILTER
  sockaddr_storage_type* big_ = nullptr;
  std::size_t size_ = 0;
};

inline filter_mode_field_type mode_field(filter_mode m) noexcept {
  return m == filter_mode::include ? mode_include : mode_exclude;
}

template <class Api> constexpr void assert_filter_api() noexcept {
  assert_handle_rule<rule::ipv6_api_no_sources, !std::is_same_v<Api, api::ipv6>>();
}
// Sorts by operator<, in place, O(n log n) whatever the input (a heap sort: the filter lists are
// the only sorting mcast does, and <algorithm> would cost every translation unit its parse).
template <class T> void heap_sort(T* a, std::size_t n) noexcept {
  auto sift_down = [a](std::size_t root, std::size_t end) noexcept {
    for (std::size_t child; (child = 2 * root + 1) < end; root = child) {
      if (child + 1 < end && a[child] < a[child + 1])
        ++child;
      if (!(a[root] < a[child]))
        return;
      const T t = a[root];
      a[root] = a[child];
      a[child] = t;
    }
  };
  for (std::size_t i = n / 2; i-- > 0;)
    sift_down(i, n);
  for (std::size_t end = n; end > 1; --end) {
    const T t = a[0];
    a[0] = a[end - 1];
    a[end - 1] = t;
    sift_down(0, end - 1);
  }
}

// No source listed twice: pairwise for short lists, sorted beyond (bounded work for long ones).
// A template, so that only a translation unit that sets a filter instantiates the sort.
template <class Source = source> bool has_duplicates(const Source* src, std::size_t n, std::error_code& ec) noexcept {
  if (n <= 16) {
    for (std::size_t i = 1; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (src[j] == src[i])
          return true;
    return false;
  }
  try {
    std::vector<address> sorted;
    sorted.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      sorted.push_back(src[i].address());
    heap_sort(sorted.data(), n);
    for (std::size_t i = 1; i < n; ++i)
      if (sorted[i - 1] == sorted[i])
        return true;
    return false;
  } catch (...) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return false;
  }
}

// Validates the sources and builds the kernel structure in `buf`: the count first (it must fit
// the 32-bit field and memory), then each source's family, then duplicates.
template <class Api>
bool build_filter(filter_buffer& buf, const group& g, const network_interface& nic, filter_mode mode, const source* src,
                  std::size_t n, std::error_code& ec) noexcept {
  std::size_t unused = 0;
  if (!filter_bytes(n, group_filter_header, sizeof(sockaddr_storage_type), unused)) {
    ec = make_error_code(errc::limit_exceeded);
    return false;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (src[i].family() != g.family()) {
      ec = make_error_code(errc::family_mismatch);
      return false;
    }
  if (has_duplicates(src, n, ec)) {
    ec = make_error_code(errc::source_already_present);
    return false;
  }
  if (ec)
    return false;
  if constexpr (needs_interface_index) {
    if (nic.is_any()) {
      ec = make_error_code(errc::no_such_interface);
      return false;
    }
  }
  if constexpr (std::is_same_v<Api, api::ipv4>) {
    if (!g.is_v4()) {
      ec = make_error_code(errc::family_mismatch);
      return false;
    }
    in4_addr_type iface{};
    if (!ipv4_interface_field(nic, iface, ec))
      return false;
    std::size_t bytes = 0;
    if (!filter_bytes(n, ip_msfilter_header, sizeof(in4_addr_type), bytes)) {
      ec = make_error_code(errc::limit_exceeded);
      return false;
    }
    if (bytes < sizeof(ip_msfilter_type))
      bytes = sizeof(ip_msfilter_type);
    if (!buf.reserve(bytes)) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return false;
    }
    auto* f = reinterpret_cast<ip_msfilter_type*>(buf.data());
    f->imsf_multiaddr = g.address().to_in_addr();
    f->imsf_interface = iface;
    f->imsf_fmode = static_cast<decltype(f->imsf_fmode)>(mode_field(mode));
    f->imsf_numsrc = static_cast<decltype(f->imsf_numsrc)>(n);
    unsigned char* slist = buf.data() + ip_msfilter_header;
    for (std::size_t i = 0; i < n; ++i) {
      const in4_addr_type a = src[i].address().to_in_addr();
      detail::copy_bytes(slist + i * sizeof a, &a, sizeof a);
    }
  } else {
    assert_filter_api<Api>();
    std::size_t bytes = 0;
    if (!filter_bytes(n, group_filter_header, sizeof(sockaddr_storage_type), bytes)) {
      ec = make_error_code(errc::limit_exceeded);
      return false;
    }
    if (bytes < sizeof(group_filter_type))
      bytes = sizeof(group_filter_type);
    if (!buf.reserve(bytes)) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return false;
    }
    auto* f = reinterpret_cast<group_filter_type*>(buf.data());
    f->gf_interface = static_cast<decltype(f->gf_interface)>(nic.index());
    g.address().fill_sockaddr(f->gf_group);
    f->gf_fmode = static_cast<decltype(f->gf_fmode)>(mode_field(mode));
    f->gf_numsrc = static_cast<decltype(f->gf_numsrc)>(n);
    unsigned char* slist = buf.data() + group_filter_header;
    for (std::size_t i = 0; i < n; ++i) {
      const sockaddr_storage_type ss = src[i].address().to_sockaddr();
      detail::copy_bytes(slist + i * sizeof ss, &ss, sizeof ss);
    }
  }
  return true;
}

// Rewrites the interface field of a filter build_filter made (after any() was resolved).
template <class Api>
bool set_filter_interface(filter_buffer& buf, const network_interface& nic, std::error_code& ec) noexcept {
  if constexpr (std::is_same_v<Api, api::ipv4>) {
    in4_addr_type iface{};
    if (!ipv4_interface_field(nic, iface, ec))
      return false;
    reinterpret_cast<ip_msfilter_type*>(buf.data())->imsf_interface = iface;
  } else {
    reinterpret_cast<group_filter_type*>(buf.data())->gf_interface =
        static_cast<decltype(group_filter_type{}.gf_interface)>(nic.index());
  }
  return true;
}

template <class Api> constexpr filter_struct filter_struct_of() noexcept {
  return std::is_same_v<Api, api::ipv4> ? filter_struct::ip_msfilter : filter_struct::group_filter;
}

// One set call: validation first, then exactly one system call.
// `resolve`: the public call -- the socket's facts are read and any() is resolved first (a
// handle checked its socket at the join, and its interface is resolved already).
template <class Api>
void set_filter(native_handle_type s, const group& g, const network_interface& nic, filter_mode mode, const source* src,
                std::size_t n, std::error_code& ec, bool resolve = false) noexcept {
  detail::clear(ec);
  filter_buffer buf;
  if (!build_filter<Api>(buf, g, nic, mode, src, n, ec))
    return;
  if (resolve && !read_socket_facts(s, g, ec))
    return;
  if constexpr (resolves_any_interface) {
    if (resolve && nic.is_any()) {
      network_interface chosen = nic;
      if (!resolve_interface(g, nic, chosen, ec) || !set_filter_interface<Api>(buf, chosen, ec))
        return;
    }
  }
  if (int r = sys_set_filter(s, filter_struct_of<Api>(), level_of(g), buf.data(), buf.size()); r != 0)
    ec = translate(operation::set_filter, r, mstate::none, g.is_v6());
}

// Reads the filter. The first call offers room for 8 sources; when the kernel reports more, it is
// asked again with room for what it reported (a few times, in case the filter grows meanwhile).
template <class Api>
source_filter get_filter(native_handle_type s, const group& g, const network_interface& nic,
                         std::error_code& ec) noexcept {
  detail::clear(ec);
  source_filter out;
  std::size_t capacity = 8;
  for (int attempt = 0; attempt < 4; ++attempt) {
    filter_buffer buf;
    // Build an empty filter header, then announce `capacity` slots.
    if (!build_filter<Api>(buf, g, nic, filter_mode::include, nullptr, 0, ec))
      return out;
    std::size_t bytes = 0;
    const bool v4api = std::is_same_v<Api, api::ipv4>;
    const std::size_t header = v4api ? ip_msfilter_header : group_filter_header;
    const std::size_t element = v4api ? sizeof(in4_addr_type) : sizeof(sockaddr_storage_type);
    if (!filter_bytes(capacity, header, element, bytes)) {
      ec = make_error_code(errc::limit_exceeded);
      return out;
    }
    filter_buffer big;
    if (!big.reserve(bytes < buf.size() ? buf.size() : bytes)) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return out;
    }
    detail::copy_bytes(big.data(), buf.data(), header);
    std::uint32_t reported = 0;
    filter_mode_field_type fmode{};
    if constexpr (std::is_same_v<Api, api::ipv4>) {
      reinterpret_cast<ip_msfilter_type*>(big.data())->imsf_numsrc = static_cast<std::uint32_t>(capacity);
    } else {
      reinterpret_cast<group_filter_type*>(big.data())->gf_numsrc = static_cast<std::uint32_t>(capacity);
    }
    if (int r = sys_get_filter(s, filter_struct_of<Api>(), level_of(g), big.data(), big.size()); r != 0) {
      ec = translate(operation::get_filter, r);
      return out;
    }
    if constexpr (std::is_same_v<Api, api::ipv4>) {
      const auto* f = reinterpret_cast<const ip_msfilter_type*>(big.data());
      reported = static_cast<std::uint32_t>(f->imsf_numsrc);
      fmode = static_cast<filter_mode_field_type>(f->imsf_fmode);
    } else {
      const auto* f = reinterpret_cast<const group_filter_type*>(big.data());
      reported = static_cast<std::uint32_t>(f->gf_numsrc);
      fmode = static_cast<filter_mode_field_type>(f->gf_fmode);
    }
    if (reported > capacity) {
      capacity = reported;
      continue;
    }
    out.mode = fmode == mode_include ? filter_mode::include : filter_mode::exclude;
    try {
      out.sources.reserve(reported);
    } catch (...) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return out;
    }
    const unsigned char* slist = big.data() + header;
    for (std::uint32_t i = 0; i < reported; ++i) {
      address a;
      if constexpr (std::is_same_v<Api, api::ipv4>) {
        in4_addr_type v{};
        detail::copy_bytes(&v, slist + i * sizeof v, sizeof v);
        a = address(v);
      } else {
        sockaddr_storage_type ss{};
        detail::copy_bytes(&ss, slist + i * sizeof ss, sizeof ss);
        std::error_code ignore;
        a = address::from_sockaddr(ss, ignore);
      }
      if (source_error(a) == errc{})
        out.sources.push_back(value_access::source_of(a));
    }
    heap_sort(out.sources.data(), out.sources.size());
    return out;
  }
  ec = make_error_code(errc::limit_exceeded); // it kept growing faster than we could read it
  return out;
}

// Whether (socket, interface, group) already has a membership: read its filter header. Used on
// Linux only (needs_source_join_probe), before a source-specific join, which Linux would otherwise
// accept on an any-source group; Windows refuses that join itself and is not probed.
enum class membership_probe { none, any, src };

// `raw`: the kernel's refusal when the read failed for another reason than "not joined" (0 otherwise).
inline membership_probe probe_membership(native_handle_type s, const group& g, unsigned index, int& raw) noexcept {
  raw = 0;
  // Only the header: no source is asked for, so no slot is zeroed or handed over.
  alignas(group_filter_type) unsigned char buf[sizeof(group_filter_type)];
  detail::fill_bytes(buf, 0, group_filter_header);
  auto& f = *reinterpret_cast<group_filter_type*>(buf);
  f.gf_interface = static_cast<decltype(f.gf_interface)>(index);
  g.address().fill_sockaddr(f.gf_group);
  f.gf_numsrc = 0;
  int r = sys_get_filter(s, filter_struct::group_filter, level_of(g), buf, group_filter_header);
  if (r == 0)
    return f.gf_fmode == mode_include ? membership_probe::src : membership_probe::any;
  // Read by the rule table without building an error code: "not joined" is the usual answer.
  const rule answered = rule_answered_here(operation::get_filter, raw_code_of(r), mstate::none);
  if ((answered != rule::ok && row_of(answered).code == errc::not_joined) ||
      unambiguous_condition(r) == static_cast<int>(errc::unsupported))
    return membership_probe::none; // not joined; or the stack cannot tell, the join will decide
  raw = r;                         // (the caller translates it as operation::get_filter)
  return membership_probe::none;
}

// A contiguous range of mcast::source (std::vector, std::array, a C array, a span): what the
// filter calls take. Anything else gets one `mcast:` sentence, not the errors of std::data.
template <class Range, class = void> struct is_source_range : std::false_type {};
template <class Range>
struct is_source_range<Range, std::void_t<decltype(std::data(std::declval<const Range&>())),
                                          decltype(std::size(std::declval<const Range&>()))>>
    : std::is_same<std::remove_cv_t<std::remove_pointer_t<decltype(std::data(std::declval<const Range&>()))>>, source> {
};

struct source_span {
  const source* data;
  std::size_t size;
};

template <class Range> source_span sources_of(const Range& r) noexcept {
  static_assert(is_source_range<Range>::value,
                "mcast: the sources of a filter must be a contiguous range of mcast::source "
                "(std::vector<mcast::source>, an array, or a braced list); copy a std::set or list into a vector");
  if constexpr (is_source_range<Range>::value)
    return {std::data(r), static_cast<std::size_t>(std::size(r))};
  else
    return {nullptr, 0};
}
} // namespace detail

/// Replaces the whole filter of a joined group in one system call (SIOCSMSFILTER /
/// SIO_SET_MULTICAST_FILTER on Windows, MCAST_MSFILTER / IP_MSFILTER on Linux). The mode may
/// switch either way. INCLUDE with no sources leaves the group. The group must be joined
/// (errc::not_joined otherwise: a filter call cannot create a membership on Linux). Checked before
/// the call: sources of the group's family, and a socket that can receive the group (an IPv6
/// group on an IPv4 socket, an IPv4 group on an IPV6_V6ONLY one: errc::family_mismatch), no duplicates
/// (errc::source_already_present). More sources than the stack allows: errc::limit_exceeded, and
/// the previous filter is unchanged.
/// @par Platform notes
/// Linux: the socket's family is read first (one more system call), and a group named on
/// network_interface::any() is resolved to the route's interface. More sources than
/// `net.ipv4.igmp_max_msf` (10 by default) or `net.ipv6.mld_max_msf` (64) allow is
/// errc::limit_exceeded, whose message names the setting and its value. macOS and FreeBSD: libc's
/// setsourcefilter / setipv4sourcefilter (those systems declare no `group_filter` / `ip_msfilter`),
/// and any() is errc::no_such_interface. Windows: the IOCTL's WSAENOBUFS is errc::limit_exceeded;
/// MinGW-w64 lacks SIOCSMSFILTER / SIOCGMSFILTER and mcast supplies the SDK's values.
/// @par Final state against one call per source (measured)
/// Replacing an N-source exclude list takes one call here and 2N change by change (unblock the old
/// sources, block the new ones). Measured by the bench on Linux: N = 1, 2 us against 4 us; N = 8,
/// 3 us against 29 us; N = 64, 39 us against 277 us; N = 256, 440 us against 1602 us.
///
/// @par What the network does with the filter
/// With IGMPv3 / MLDv2 (the default) the router filters too: blocked or unincluded sources do not
/// reach the receiver's link. FRR 8.4's pimd, once it holds EXCLUDE {S} for a group as the only
/// report on a link, forwards nothing for that group (measured; a router limitation): the socket's
/// own filter still gives the right delivery, and another member without the block (EXCLUDE {})
/// restores forwarding. On an IGMPv2 / MLDv1 network every call gives the same delivery to the
/// application (the host filters), but the reports carry no source lists, so every source of a
/// joined group crosses the network.
template <class Api = api::protocol_independent, class Socket, class Range, detail::if_api_has_sources<Api> = 0>
void set_source_filter(Socket&& socket, const group& g, const network_interface& nic, filter_mode mode,
                       const Range& sources, std::error_code& ec) noexcept {
  detail::assert_filter_api<Api>();
  const detail::source_span list = detail::sources_of(sources);
  detail::set_filter<Api>(detail::native_of(socket), g, nic, mode, list.data, list.size, ec, true);
}

/// set_source_filter() with the sources listed in place: `set_source_filter(sock, g, nic, mode, {s1}, ec)`.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
void set_source_filter(Socket&& socket, const group& g, const network_interface& nic, filter_mode mode,
                       std::initializer_list<source> sources, std::error_code& ec) noexcept {
  detail::assert_filter_api<Api>();
  detail::set_filter<Api>(detail::native_of(socket), g, nic, mode, sources.begin(), sources.size(), ec, true);
}

/// Replaces the whole filter, as the `std::error_code&` overload does.
/// @throws std::system_error with the same mcast::errc codes (the filter is then unchanged).
///
/// @par Example
/// @code
/// auto m = mcast::join_group(sock, g, nic);
/// mcast::set_source_filter(sock, g, nic, mcast::filter_mode::exclude, std::vector<mcast::source>{s1, s2});
/// @endcode
template <class Api = api::protocol_independent, class Socket, class Range, detail::if_api_has_sources<Api> = 0>
void set_source_filter(Socket&& socket, const group& g, const network_interface& nic, filter_mode mode,
                       const Range& sources) {
  std::error_code ec;
  set_source_filter<Api>(std::forward<Socket>(socket), g, nic, mode, sources, ec);
  detail::throw_if(ec, "mcast::set_source_filter");
}

/// Replaces the whole filter with the sources listed in place.
/// @throws std::system_error with the same mcast::errc codes.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
void set_source_filter(Socket&& socket, const group& g, const network_interface& nic, filter_mode mode,
                       std::initializer_list<source> sources) {
  std::error_code ec;
  set_source_filter<Api>(std::forward<Socket>(socket), g, nic, mode, sources, ec);
  detail::throw_if(ec, "mcast::set_source_filter");
}

/// Reads back the filter the stack holds for (socket, interface, group): SIOCGMSFILTER /
/// SIO_GET_MULTICAST_FILTER on Windows, MCAST_MSFILTER / IP_MSFILTER getsockopt on Linux. Every
/// source is returned (sorted), however many. errc::not_joined when there is no membership;
/// errc::family_mismatch for a group the socket can never receive (as set_source_filter).
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
source_filter get_source_filter(Socket&& socket, const group& g, const network_interface& nic,
                                std::error_code& ec) noexcept {
  detail::assert_filter_api<Api>();
  detail::clear(ec);
  if constexpr (std::is_same_v<Api, api::ipv4>) { // values first, then the socket, then the route
    if (!g.is_v4()) {
      ec = make_error_code(errc::family_mismatch);
      return {};
    }
  }
  if (!detail::read_socket_facts(detail::native_of(socket), g, ec))
    return {};
  if constexpr (detail::resolves_any_interface) {
    if (nic.is_any()) {
      network_interface chosen = nic;
      if (!detail::resolve_interface(g, nic, chosen, ec))
        return {};
      return detail::get_filter<Api>(detail::native_of(socket), g, chosen, ec);
    }
  }
  return detail::get_filter<Api>(detail::native_of(socket), g, nic, ec);
}

/// Reads back the filter, as the `std::error_code&` overload does.
/// @throws std::system_error errc::not_joined, errc::family_mismatch, or the stack's error.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
source_filter get_source_filter(Socket&& socket, const group& g, const network_interface& nic) {
  std::error_code ec;
  source_filter f = get_source_filter<Api>(std::forward<Socket>(socket), g, nic, ec);
  detail::throw_if(ec, "mcast::get_source_filter");
  return f;
}

// Not available through api::ipv6 (rule ipv6_api_no_sources): see the message.
// clang-format off
template <class Api, class... Args, detail::if_api_lacks_sources<Api> = 0> void set_source_filter(Args&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
template <class Api, class Socket, class... Rest, detail::if_api_lacks_sources<Api> = 0> void set_source_filter(Socket&&, const group&, const network_interface&, filter_mode, std::initializer_list<source>, Rest&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
template <class Api, class... Args, detail::if_api_lacks_sources<Api> = 0> source_filter get_source_filter(Args&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
// clang-format on

MCAST_END_NAMESPACE

#endif // MCAST_SOURCE_FILTER_HPP
