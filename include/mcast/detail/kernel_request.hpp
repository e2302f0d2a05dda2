// mcast/detail/kernel_request.hpp -- the kernel structures a membership handle keeps for its life.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// A join fills them once; block, unblock, include and drop rewrite only the source's bytes, and
// leave reuses the join's. MCAST_*: one GROUP_SOURCE_REQ (zeroed whole at the join, then filled
// field by field), whose first bytes are the GROUP_REQ of the join and the leave. IP_*: an
// ip_mreq; each source call builds its ip_mreq_source from it. IPV6_*: an ipv6_mreq. The last two
// have no padding, so writing every field leaves no byte uninitialised. The values were checked
// before the join (request_error in option.hpp, the same check the option types make).
#ifndef MCAST_DETAIL_KERNEL_REQUEST_HPP
#define MCAST_DETAIL_KERNEL_REQUEST_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../option.hpp"
#include "rule_table.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

MCAST_BEGIN_NAMESPACE
namespace detail {

template <class Api> struct kernel_request;

template <> struct kernel_request<api::protocol_independent> {
  static_assert(offsetof(group_req_type, gr_interface) == offsetof(group_source_req_type, gsr_interface) &&
                    offsetof(group_req_type, gr_group) == offsetof(group_source_req_type, gsr_group) &&
                    sizeof(group_req_type) <= offsetof(group_source_req_type, gsr_source),
                "mcast: GROUP_REQ is not the prefix of GROUP_SOURCE_REQ on this platform");
  static constexpr std::size_t source_at = offsetof(group_source_req_type, gsr_source);
  static_assert(source_at + sizeof(sockaddr_storage_type) == sizeof(group_source_req_type),
                "mcast: GROUP_SOURCE_REQ has bytes after gsr_source on this platform; zero them in fill()");
  static constexpr option_id join_any = option_id::mcast_join_group, leave = option_id::mcast_leave_group,
                             join_source = option_id::mcast_join_source_group,
                             leave_source = option_id::mcast_leave_source_group, block = option_id::mcast_block_source,
                             unblock = option_id::mcast_unblock_source;

  MCAST_DETAIL_ALWAYS_INLINE void fill(const group& g, const network_interface& nic) noexcept {
    // Every byte is zeroed (none reaches the kernel uninitialised), in two parts with the group's
    // fields written between them: clang stores up to 256 bytes inline and calls memset for more
    // (GROUP_SOURCE_REQ is 264), a call that costs more than the stores -- and it would merge two
    // adjacent zeroings back into one. (g++ pays one more `rep stos` set-up; measured.)
    detail::fill_bytes(&req_, 0, source_at);
    req_.gsr_interface = static_cast<decltype(req_.gsr_interface)>(nic.index());
    g.address().fill_sockaddr(req_.gsr_group);
    detail::fill_bytes(&req_.gsr_source, 0, sizeof req_.gsr_source);
    level_ = level_of(g);
  }
  MCAST_DETAIL_ALWAYS_INLINE int group_call(native_handle_type s, option_id id) const noexcept {
    return sys_setsockopt(s, level_, option_name(id), &req_, sizeof(group_req_type));
  }
  // The source's family is the group's (checked by the caller), so the same bytes are rewritten.
  MCAST_DETAIL_ALWAYS_INLINE int source_call(native_handle_type s, option_id id, const source& src) noexcept {
    src.address().fill_sockaddr(req_.gsr_source);
    return sys_setsockopt(s, level_, option_name(id), &req_, sizeof req_);
  }

  errc source_error() const noexcept { return errc{}; }

private:
  group_source_req_type req_;
  int level_ = 0;
};

template <> struct kernel_request<api::ipv4> {
  static constexpr option_id join_any = option_id::ip_add_membership, leave = option_id::ip_drop_membership,
                             join_source = option_id::ip_add_source_membership,
                             leave_source = option_id::ip_drop_source_membership, block = option_id::ip_block_source,
                             unblock = option_id::ip_unblock_source;

  // Every field is written (no padding in these structures), so nothing needs zeroing. The join
  // and the leave name the interface by index where the stack allows it (Linux ip_mreqn), else
  // by address; the source calls always by address (ip_mreq_source), filled per call. An address
  // another interface holds too cannot name the interface: source_error() says so, and the
  // source calls are refused before they are made.
  MCAST_DETAIL_ALWAYS_INLINE void fill(const group& g, const network_interface& nic) noexcept {
    static_assert(sizeof(ip_membership_req_type) == (ipv4_membership_by_index ? 12 : 8) &&
                      sizeof(ip_mreq_source_type) == 12,
                  "mcast: ip_mreq(n) / ip_mreq_source have padding on this platform; zero them in fill()");
    in4_addr_type iface{};
    source_error_ = ipv4_interface_field(nic, iface); // (the join's own checks ran before)
    iface_ = iface;
    fill_ip_membership(group_, g.address().to_in_addr(), iface, nic.index());
  }
  MCAST_DETAIL_ALWAYS_INLINE int group_call(native_handle_type s, option_id id) const noexcept {
    return sys_setsockopt(s, level_ip, option_name(id), &group_, sizeof group_);
  }
  MCAST_DETAIL_ALWAYS_INLINE int source_call(native_handle_type s, option_id id, const source& src) noexcept {
    ip_mreq_source_type req;
    req.imr_multiaddr = group_.imr_multiaddr;
    req.imr_interface = iface_;
    req.imr_sourceaddr = src.address().to_in_addr();
    return sys_setsockopt(s, level_ip, option_name(id), &req, sizeof req);
  }
  errc source_error() const noexcept { return source_error_; }

private:
  ip_membership_req_type group_;
  in4_addr_type iface_;
  errc source_error_ = errc{};
};

template <> struct kernel_request<api::ipv6> {
  static constexpr option_id join_any = option_id::ipv6_add_membership, leave = option_id::ipv6_drop_membership;

  MCAST_DETAIL_ALWAYS_INLINE void fill(const group& g, const network_interface& nic) noexcept {
    static_assert(sizeof(ipv6_mreq_type) == 20, "mcast: ipv6_mreq has padding on this platform; zero it in fill()");
    req_.ipv6mr_multiaddr = g.address().to_in6_addr();
    req_.ipv6mr_interface = static_cast<decltype(req_.ipv6mr_interface)>(nic.index());
  }
  MCAST_DETAIL_ALWAYS_INLINE int group_call(native_handle_type s, option_id id) const noexcept {
    return sys_setsockopt(s, level_ipv6, option_name(id), &req_, sizeof req_);
  }

  errc source_error() const noexcept { return errc{}; }

private:
  ipv6_mreq_type req_;
};

// What a handle operation reports, built into a std::error_code only when something failed (the
// success path of every handle operation makes none). Two plain integers, eight bytes, that every
// compiler keeps in one register; `failed` is one comparison. (With three byte fields and a
// padding byte, clang assembled the value byte by byte on every handle call: measured in the
// bench's join/leave cycle, which this layout keeps at the hand-written calls' cost.)
//
// The layout, the one place it is written:
//   raw  > 0: the kernel's refusal (the system's error number)
//        < 0: minus the errc the library found itself (then `how` is not read)
//        = 0: no failure
//   how  byte 0: the operation asked (rule table: how an ambiguous code is read), or, for
//                kind::meaning, the errc a helper decided already
//        byte 1: the membership's state (mstate) when the call was made
//        byte 2: kind -- translate (by the rule table), system / generic (passed on in that
//                category), meaning (byte 0 is the errc)
//        byte 3: bit 0 set for a call on an IPv6 group (the limit setting named differs)
struct failure {
  enum class kind : unsigned char { translate, system, generic, meaning };
  int raw = 0;
  std::uint32_t how = 0;

  static constexpr std::uint32_t pack(operation op, mstate state, kind as) noexcept {
    return static_cast<std::uint32_t>(op) | static_cast<std::uint32_t>(state) << 8 |
           static_cast<std::uint32_t>(as) << 16;
  }
  explicit operator bool() const noexcept { return raw != 0; }
  std::error_code code() const noexcept {
    if (raw < 0)
      return make_error_code(static_cast<errc>(-raw));
    switch (static_cast<kind>(how >> 16 & 0xff)) {
    case kind::system: return system_error(raw);
    case kind::generic: return std::error_code(raw, std::generic_category());
    case kind::meaning: return translated(static_cast<errc>(how & 0xff), raw);
    case kind::translate: break;
    }
    return translate(static_cast<operation>(how & 0xff), raw, static_cast<mstate>(how >> 8 & 0xff),
                     (how >> 24 & 1) != 0);
  }
};
static_assert(sizeof(failure) == 8, "mcast: detail::failure is meant to fit one register");
MCAST_DETAIL_ALWAYS_INLINE failure refused(errc e) noexcept {
  return failure{-static_cast<int>(e), failure::pack(operation::other, mstate::none, failure::kind::translate)};
}
MCAST_DETAIL_ALWAYS_INLINE failure kernel_refused(int raw, operation op, mstate state) noexcept {
  return failure{raw, failure::pack(op, state, failure::kind::translate)};
}
// The same for a call on a group of family `f`: the top byte's low bit says IPv6 (the setting a
// limit_exceeded names depends on it).
MCAST_DETAIL_ALWAYS_INLINE failure kernel_refused(int raw, operation op, mstate state, const group& g) noexcept {
  return failure{raw, failure::pack(op, state, failure::kind::translate) | (g.is_v6() ? 1u << 24 : 0u)};
}
// An error code a helper already made (the any() resolution, the filter's checks: mcast's own
// errc, a system error, or std::errc::not_enough_memory), passed on as it was.
inline failure passed_on(const std::error_code& ec) noexcept {
  if (ec.category() == error_category())
    return refused(static_cast<errc>(ec.value()));
  if (const errc meaning = translated_meaning(ec.category()); meaning != errc{})
    return failure{ec.value(), static_cast<std::uint32_t>(meaning) | static_cast<std::uint32_t>(failure::kind::meaning)
                                                                         << 16};
  const bool generic = ec.category() == std::generic_category();
  return failure{ec.value(), failure::pack(operation::other, mstate::none,
                                           generic ? failure::kind::generic : failure::kind::system)};
}

inline void report(const failure& f, std::error_code& ec) noexcept {
  if (f)
    ec = f.code();
  else
    clear(ec);
}
inline void throw_if(const failure& f, const char* what) {
  if (f)
    throw_error(f.code(), what);
}

// The two error forms of every public factory (join_group, join_source_group, join_with_filter),
// written once: `Make` is the factory's detail::*_impl, which makes the handle (an empty one on
// failure) and fills in the failure passed last; made() reports it in `ec`, made_or_throw() throws
// it as std::system_error naming `what`. (`Make` is a function, not a lambda: a lambda holding the
// whole force-inlined join was not inlined itself, and cost 12-41% of the bench's join cycle. The
// return type is spelled, not deduced: with a deduced one clang 14 returned the handle by a copy,
// +95 instructions in the cycle.)
template <auto Make, class... Args> using made_t = decltype(Make(std::declval<Args>()..., std::declval<failure&>()));
template <auto Make, class... Args>
MCAST_DETAIL_ALWAYS_INLINE made_t<Make, Args...> made(std::error_code& ec, Args&&... args) noexcept {
  failure f;
  made_t<Make, Args...> handle = Make(std::forward<Args>(args)..., f);
  report(f, ec);
  return handle;
}
template <auto Make, class... Args>
MCAST_DETAIL_ALWAYS_INLINE made_t<Make, Args...> made_or_throw(const char* what, Args&&... args) {
  failure f;
  made_t<Make, Args...> handle = Make(std::forward<Args>(args)..., f);
  throw_if(f, what);
  return handle;
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_KERNEL_REQUEST_HPP
