// mcast/network_interface.hpp -- the interface a membership is made on, resolved once.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_NETWORK_INTERFACE_HPP
#define MCAST_NETWORK_INTERFACE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "address.hpp"
#include "detail/platform/system.hpp"

#include <array>
#include <new>
#include <string>
#include <string_view>
#include <utility>

MCAST_BEGIN_NAMESPACE

class network_interface;
namespace detail {
inline bool resolve_interface(const group&, const network_interface&, network_interface&, std::error_code&) noexcept;
inline network_interface interface_from_parts(unsigned index, const char* name, const address* ipv4,
                                              bool ipv4_shared) noexcept;
} // namespace detail

/// A network interface, resolved when it is made: its index (what GROUP_REQ, GROUP_SOURCE_REQ,
/// GROUP_FILTER and ipv6_mreq carry), its name, and its first IPv4 address (what ip_mreq,
/// ip_mreq_source and ip_msfilter carry; on POSIX they cannot name an interface by index, on
/// Windows an interface without an IPv4 address is named in the 0.0.0.index form instead).
///
/// `any()` lets the stack choose (index 0, address 0.0.0.0). The kernel resolves any() to a real
/// interface -- the one its route to the group goes through -- so a membership made on any() and
/// one made on that interface by index are the same membership. The handles, the filter calls and
/// apply_sequence resolve any() the same way themselves where the stack would not (Linux: one
/// route lookup over rtnetlink when any() is named), so every rule and every call behaves exactly
/// as with that interface; a handle's nic() then reports the interface the stack chose.
///
/// Value type: copyable, compared and hashed by index. (It is not called `interface`: Windows
/// headers define that word as a macro.)
/// @par any() on Linux
/// mcast asks the kernel's route to the group itself (one rtnetlink `RTM_GETROUTE`, then the
/// interface's name and addresses) wherever any() is given to a handle factory, a filter call or
/// apply_sequence: Linux stores a membership made on interface 0 under the interface it picked and
/// compares indexes literally in its filter calls and IPv6's source calls. It asks as the kernel's
/// join does, for uid 0 (`RTA_UID` 0; in a user namespace that namespace's uid 0), so a uid routing
/// rule (`ip rule add uidrange ...`) cannot send a non-root program's any() where its join does not
/// go. No route to the group, or a `prohibit`, `blackhole` or `unreachable` one, is
/// errc::no_such_interface, as the join itself would fail (ENODEV); system_error_of() gives the
/// lookup's own answer (ENETUNREACH, EACCES, EINVAL, EHOSTUNREACH). On a host with a default route
/// the interface picked is usually not loopback.
///
/// @par any() on macOS and FreeBSD
/// Their kernels refuse interface 0 in every MCAST_* call and in the filter calls (EADDRNOTAVAIL), so
/// any() given to a protocol-independent handle or a filter call is errc::no_such_interface before
/// any system call: name the interface. The api::ipv4 and api::ipv6 joins still take any() (the
/// kernel picks by route). Windows resolves any() itself.
///
/// @par Interfaces named by address (IP_* options)
/// MCAST_* and ipv6_mreq carry the index. On POSIX the IP_* structures carry the IPv4 address (an
/// interface without one is errc::no_ipv4_address); on Windows they carry it too, or the `0.0.0.index`
/// form for an interface without one (an index above 24 bits cannot be written so:
/// errc::no_ipv4_address). An IPv4 address that another interface holds too names neither for sure
/// (ipv4_address_shared() tells). There, on Linux, an api::ipv4 join and leave go by index instead
/// (`ip_mreqn`, which IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP accept), so the membership lands on the
/// interface nic() names; the source calls (`ip_mreq_source`: block, join_source_group,
/// join_with_filter, the `option::ip_*_source` types, the by-address `option::ip_add_membership`)
/// have no by-index form and are refused with errc::ambiguous_interface before any system call. Use
/// the protocol-independent API there. Windows uses the `0.0.0.index` form for such an interface.
///
/// @par Names
/// from_name() refuses a Linux address label (`lo:0`): it names an address, not an interface
/// (list_interfaces() lists that address with its interface). On Windows it takes the NDIS name
/// (`ethernet_32768`) and the FriendlyName users see (`"Ethernet"`, `"Wi-Fi"`, UTF-8);
/// list_interfaces() reports both (`name`, `display_name`).
///
/// @par Example
/// @code
/// auto nic = mcast::network_interface::from_name("eth0"); // or from_index(2), from_address(...)
/// auto m = mcast::join_group(sock, g, nic);               // GROUP_REQ.gr_interface = nic.index()
/// @endcode
class network_interface {
public:
  /// The stack's choice (index 0).
  static network_interface any() noexcept { return network_interface(); }

  /// errc::no_such_interface when no interface has this index (0 is any()).
  static network_interface from_index(unsigned index, std::error_code& ec) noexcept {
    ec.clear();
    if (index == 0)
      return any();
    char name[detail::interface_name_max] = {};
    if (!detail::interface_name_from_index(index, name)) {
      ec = make_error_code(errc::no_such_interface);
      return any();
    }
    network_interface nic;
    nic.index_ = index;
    nic.set_name(name);
    nic.has_ipv4_ = false;
    nic.find_ipv4_address();
    if (nic.has_ipv4_)
      nic.ipv4_shared_ = held_elsewhere(index, nic.ipv4_);
    return nic;
  }
  /// The interface with this index.
  /// @throws std::system_error errc::no_such_interface.
  static network_interface from_index(unsigned index) {
    std::error_code ec;
    network_interface nic = from_index(index, ec);
    detail::throw_if(ec, "mcast::network_interface::from_index");
    return nic;
  }

  /// By name ("lo", "eth0"; on Windows the NDIS name, e.g. "ethernet_32769", or the adapter's
  /// FriendlyName that users see, e.g. "Ethernet" or "Wi-Fi", in UTF-8); a decimal number is taken
  /// as an index. errc::no_such_interface when there is none, and for a Linux address label such
  /// as "lo:0" (it names an address of lo, not an interface). name() is the interface's own name
  /// (Windows: the NDIS one) whichever was given.
  static network_interface from_name(std::string_view name, std::error_code& ec) noexcept {
    ec.clear();
    char buf[detail::interface_name_max];
    if (name.empty() || name.size() >= sizeof buf || name.find('\0') != std::string_view::npos) {
      ec = make_error_code(errc::no_such_interface);
      return any();
    }
    if (name.find_first_not_of("0123456789") == std::string_view::npos && name.size() <= 9) {
      unsigned index = 0;
      for (char c : name)
        index = index * 10 + static_cast<unsigned>(c - '0');
      if (index == 0) {
        ec = make_error_code(errc::no_such_interface);
        return any();
      }
      return from_index(index, ec);
    }
    detail::copy_bytes(buf, name.data(), name.size());
    buf[name.size()] = '\0';
    bool display = false; // named by what users see (Windows' FriendlyName), not the interface's name
    unsigned index = detail::interface_index_from_name(buf, display);
    if (index == 0) {
      ec = make_error_code(errc::no_such_interface);
      return any();
    }
    network_interface nic = from_index(index, ec);
    if (!ec && !display && nic.name() != name) {
      // Linux resolves an address label ("eth0:1") to its interface; a label names an address,
      // not an interface, so it is refused rather than silently taken for another name.
      ec = make_error_code(errc::no_such_interface);
      return any();
    }
    return nic;
  }
  /// The interface with this name (`if_nametoindex`; Windows also the FriendlyName).
  /// @throws std::system_error errc::no_such_interface (an address label too).
  static network_interface from_name(std::string_view name) {
    std::error_code ec;
    network_interface nic = from_name(name, ec);
    detail::throw_if(ec, "mcast::network_interface::from_name");
    return nic;
  }

  /// The interface that has this unicast address. The unspecified address (0.0.0.0, ::) is
  /// any(). errc::no_such_interface when no interface has it.
  static network_interface from_address(const address& a, std::error_code& ec) noexcept {
    ec.clear();
    if (a.is_unspecified())
      return any();
    if (a.is_multicast()) {
      ec = make_error_code(errc::not_unicast);
      return any();
    }
    unsigned found = 0;
    const int fam = a.is_v4() ? detail::af_inet : detail::af_inet6;
    bool ok = detail::for_each_interface_address(fam, [&](unsigned index, int f, const void* bytes) {
      if (f == fam && detail::compare_bytes(bytes, a.data(), a.size()) == 0) {
        found = index;
        return true;
      }
      return false;
    });
    if (!ok || found == 0) {
      ec = make_error_code(errc::no_such_interface);
      return any();
    }
    network_interface nic = from_index(found, ec);
    if (!ec && a.is_v4()) {
      nic.ipv4_ = a; // the address the user named, even if the interface has several
      nic.has_ipv4_ = true;
      nic.ipv4_shared_ = held_elsewhere(found, a);
    }
    return nic;
  }
  /// The interface that holds the address `a`.
  /// @throws std::system_error errc::no_such_interface.
  static network_interface from_address(const address& a) {
    std::error_code ec;
    network_interface nic = from_address(a, ec);
    detail::throw_if(ec, "mcast::network_interface::from_address");
    return nic;
  }

  /// 0 for any().
  unsigned index() const noexcept { return index_; }
  /// True for any(): the stack chooses.
  bool is_any() const noexcept { return index_ == 0; }
  /// Empty for any().
  std::string_view name() const noexcept {
    return long_name_ ? std::string_view(long_name_) : std::string_view(short_name_.data());
  }
  /// True when the interface had an IPv4 address when it was resolved (any() counts as having
  /// 0.0.0.0).
  bool has_ipv4_address() const noexcept { return has_ipv4_; }
  /// True when another interface holds ipv4_address() too: that address names no one interface
  /// (the IP_* options that name an interface by address refuse it: errc::ambiguous_interface).
  bool ipv4_address_shared() const noexcept { return ipv4_shared_; }
  /// Its first IPv4 address (or the one it was made from); 0.0.0.0 for any() or when it has none.
  const address& ipv4_address() const noexcept { return ipv4_; }
  /// The name, or "any".
  std::string to_string() const {
    const std::string_view n = is_any() ? std::string_view("any", 3) : name();
    return std::string(n.data(), n.size());
  }

  friend bool operator==(const network_interface& a, const network_interface& b) noexcept {
    return a.index_ == b.index_;
  }
  friend bool operator!=(const network_interface& a, const network_interface& b) noexcept {
    return a.index_ != b.index_;
  }
  friend bool operator<(const network_interface& a, const network_interface& b) noexcept { return a.index_ < b.index_; }
  /// A hash of the index (what std::hash<network_interface> returns).
  std::size_t hash() const noexcept { return std::hash<unsigned>()(index_); }

  /// Copies the index, name and IPv4 address; no system call.
  network_interface(const network_interface& o) noexcept
      : index_(o.index_), short_name_(o.short_name_), ipv4_(o.ipv4_), has_ipv4_(o.has_ipv4_),
        ipv4_shared_(o.ipv4_shared_) {
    if (o.long_name_)
      set_name(o.long_name_);
  }
  /// Moves; `o` keeps its index.
  network_interface(network_interface&& o) noexcept
      : index_(o.index_), short_name_(o.short_name_), long_name_(std::exchange(o.long_name_, nullptr)), ipv4_(o.ipv4_),
        has_ipv4_(o.has_ipv4_), ipv4_shared_(o.ipv4_shared_) {}
  /// Copies the index, name and IPv4 address; no system call.
  network_interface& operator=(const network_interface& o) noexcept {
    if (this != &o) {
      index_ = o.index_;
      ipv4_ = o.ipv4_;
      has_ipv4_ = o.has_ipv4_;
      ipv4_shared_ = o.ipv4_shared_;
      if (o.long_name_) {
        set_name(o.long_name_);
      } else { // the short name as it is: no string copy
        delete[] long_name_;
        long_name_ = nullptr;
        short_name_ = o.short_name_;
      }
    }
    return *this;
  }
  /// Moves; `o` keeps its index.
  network_interface& operator=(network_interface&& o) noexcept {
    if (this != &o) {
      index_ = o.index_;
      ipv4_ = o.ipv4_;
      has_ipv4_ = o.has_ipv4_;
      ipv4_shared_ = o.ipv4_shared_;
      short_name_ = o.short_name_;
      delete[] long_name_;
      long_name_ = std::exchange(o.long_name_, nullptr);
    }
    return *this;
  }
  ~network_interface() { delete[] long_name_; }

private:
  network_interface() noexcept = default;
  friend bool detail::resolve_interface(const group&, const network_interface&, network_interface&,
                                        std::error_code&) noexcept;
  friend network_interface detail::interface_from_parts(unsigned, const char*, const address*, bool) noexcept;

  // True when an interface other than `index` holds the IPv4 address `a` too.
  static bool held_elsewhere(unsigned index, const address& a) noexcept {
    bool other = false;
    detail::for_each_interface_address(detail::af_inet, [&](unsigned i, int f, const void* bytes) {
      if (i == index || f != detail::af_inet || detail::compare_bytes(bytes, a.data(), 4) != 0)
        return false;
      other = true;
      return true;
    });
    return other;
  }

  void find_ipv4_address() noexcept {
    const unsigned want = index_;
    detail::for_each_interface_address(detail::af_inet, [&](unsigned index, int f, const void* bytes) {
      if (index != want || f != detail::af_inet)
        return false;
      detail::in4_addr_type a{};
      detail::copy_bytes(&a, bytes, 4);
      ipv4_ = address(a);
      has_ipv4_ = true;
      return true;
    });
  }

  unsigned index_ = 0;
  // The name inline when short (every Linux/BSD name: IFNAMSIZ is 16), so that copying an
  // interface -- every handle holds one -- costs no allocation and no string copy; a longer
  // (Windows) name lives on the heap.
  void set_name(const char* n) noexcept {
    const std::size_t len = detail::text_length(n);
    delete[] long_name_;
    long_name_ = nullptr;
    short_name_[0] = '\0';
    if (len < short_name_.size())
      detail::copy_bytes(short_name_.data(), n, len + 1);
    else if ((long_name_ = new (std::nothrow) char[len + 1]) != nullptr)
      detail::copy_bytes(long_name_, n, len + 1);
  }
  std::array<char, 32> short_name_{};
  char* long_name_ = nullptr;
  address ipv4_;
  bool has_ipv4_ = true; // any(): 0.0.0.0 is a valid IPv4 interface field
  bool ipv4_shared_ = false;
};

namespace detail {

// any() as the stack resolves it for `g` (see the class comment); other interfaces, and any()
// where the stack needs no help, unchanged. errc::no_such_interface whenever the lookup is
// refused -- no route, or a prohibit, blackhole or unreachable one: the join itself would fail
// with ENODEV for each (detail::route_refused, the lookup's answer kept as the raw code).
inline bool resolve_interface(const group& g, const network_interface& nic, network_interface& out,
                              std::error_code& ec) noexcept {
  bool named = true; // (not `!constant || call`: cl.exe's C4127)
  if constexpr (detail::resolves_any_interface)
    named = !nic.is_any();
  if (named) {
    if (&out != &nic && out.index() != nic.index()) // (a handle passes the interface it holds already)
      out = nic;
    return true;
  }
  unsigned index = 0;
  bool answered = false;
  if (int r = detail::sys_route_interface(g.is_v4() ? detail::af_inet : detail::af_inet6, g.address().data(), index,
                                          answered);
      r != 0) {
    ec = answered ? detail::route_refused(r) : detail::system_error(r);
    return false;
  }
  out = network_interface::from_index(index, ec);
  if (ec)
    return false;
  if (!out.has_ipv4_) { // the IPv4-only options name it as the stack would: 0.0.0.0, same route
    out.ipv4_ = address();
    out.has_ipv4_ = true;
  }
  return true;
}

// An interface whose facts were read already (list_interfaces reads every interface's at once):
// the same value from_index() makes, without asking the system again. `ipv4`: its first IPv4
// address, or null.
inline network_interface interface_from_parts(unsigned index, const char* name, const address* ipv4,
                                              bool ipv4_shared) noexcept {
  network_interface nic;
  nic.index_ = index;
  nic.set_name(name);
  nic.has_ipv4_ = ipv4 != nullptr;
  if (ipv4 != nullptr)
    nic.ipv4_ = *ipv4;
  nic.ipv4_shared_ = ipv4 != nullptr && ipv4_shared;
  return nic;
}

// The 0.0.0.index form of an interface (Windows, ip_mreq_source docs): 24 bits of index. A larger
// index is refused rather than truncated to another interface's.
inline bool index_form(unsigned index, in4_addr_type& out) noexcept {
  if (index > 0x00ffffffu)
    return false;
  const std::uint32_t v = host_to_net32(index);
  detail::copy_bytes(&out, &v, 4);
  return true;
}

// The imr_interface / imsf_interface field of the IPv4-only structures: 0.0.0.0 for any(); the
// interface's IPv4 address when it has one (valid everywhere); otherwise, on Windows only, the
// 0.0.0.index form (ip_mreq_source docs) -- POSIX cannot name an interface by index here.
inline errc ipv4_interface_field(const network_interface& nic, in4_addr_type& out) noexcept {
  out = in4_addr_type{};
  if (nic.is_any())
    return errc{};
  if (nic.has_ipv4_address() && !nic.ipv4_address_shared()) {
    out = nic.ipv4_address().to_in_addr();
    return errc{};
  }
  // No address, or one another interface holds too (the kernel would resolve it to either).
  const errc none = nic.has_ipv4_address() ? errc::ambiguous_interface : errc::no_ipv4_address;
  if constexpr (ipv4_interface_by_index)
    return index_form(nic.index(), out) ? errc{} : none;
  else
    return none;
}
inline bool ipv4_interface_field(const network_interface& nic, in4_addr_type& out, std::error_code& ec) noexcept {
  if (const errc e = ipv4_interface_field(nic, out); e != errc{}) {
    ec = make_error_code(e);
    return false;
  }
  clear(ec);
  return true;
}

} // namespace detail

MCAST_END_NAMESPACE

/// Hashes an mcast::network_interface by index, so that it can key an unordered container.
template <> struct std::hash<mcast::network_interface> {
  /// Returns `n.hash()`.
  std::size_t operator()(const mcast::network_interface& n) const noexcept { return n.hash(); }
};

#endif // MCAST_NETWORK_INTERFACE_HPP
