// mcast/membership.hpp -- RAII membership handles with typestate.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
//   auto conf  = mcast::join_group(sock, g, nic);            // any_source_membership  MCAST_JOIN_GROUP
//   auto mute  = conf.block(s);                              // blocked_source         MCAST_BLOCK_SOURCE
//   mute.unblock();                                          //                        MCAST_UNBLOCK_SOURCE
//   conf.leave();                                            //                        MCAST_LEAVE_GROUP
//   auto radio = mcast::join_source_group(sock, g, s, nic);  // source_membership      MCAST_JOIN_SOURCE_GROUP
//   auto extra = radio.include(s2);                          // included_source        MCAST_JOIN_SOURCE_GROUP
//   extra.drop();                                            //                        MCAST_LEAVE_SOURCE_GROUP
//   auto f = mcast::join_with_filter(sock, g, nic, mcast::filter_mode::exclude, {s1, s2});
//   f.set(mcast::filter_mode::include, {s3});                // filtered_membership    SIOCSMSFILTER / MCAST_MSFILTER
//
// Rules (the reference below has the details; the rules themselves: detail/rule_table.hpp):
// - Each handle is move-only; a moved-from handle is empty and inert; destructors undo best
//   effort and never throw. leave()/unblock()/drop() on an empty handle do nothing.
// - A child (blocked_source, included_source) undoes itself when destroyed -- unless its
//   membership has left, in which case it makes no system call. Moving the membership keeps its
//   children working. A membership and its children are used from one thread at a time.
// - A handle never owns its socket and must not outlive it: destroy handles before closing it.
// - Operations a state does not allow are compile errors with an `mcast:` sentence.
// - Errors that depend on values are the same mcast::errc on every platform and are found before
//   the system call where the handle can know (the same source twice, a family mismatch).
// - Linux only: every join first reads the socket's IPV6_V6ONLY (a group the socket can never
//   receive is errc::family_mismatch before any change), and afterwards turns IP_MULTICAST_ALL /
//   IPV6_MULTICAST_ALL off (both on a dual-stack socket; idempotent), so the socket receives only
//   what its own memberships admit, as on Windows. Opt out with join_options::keep_multicast_all.
// - Linux only: join_source_group reads the kernel's filter for the group (one getsockopt): if
//   the group is already joined on that socket and interface -- by any handle, any API, or an
//   interface spelled differently -- it fails with errc::already_joined, as Windows does by
//   itself. Linux alone would silently switch an any-source membership to INCLUDE mode.
// - network_interface::any() is resolved to the interface the stack's route picks (Linux; see
//   network_interface.hpp); nic() then reports that interface.
// - A join whose later step fails is left again; if that leave fails too, the handle is returned
//   joined (with the error) so that leave() or its destructor retries. A membership destroyed or
//   assigned over lets go of its children whatever its leave returned.
/// @file
/// @brief The RAII membership handles: join_group(), join_source_group(), join_with_filter().
///
/// Each factory returns a move-only handle that owns one kernel membership and leaves it when it
/// goes; its children (blocked_source, included_source) undo one block or one source join each. Only
/// the operations a state allows exist: the others are deleted, and the compiler's first error shows
/// the declaration whose line carries the rule's `mcast:` sentence.
///
/// @par Linux: IP_MULTICAST_ALL
/// By default Linux delivers a group to every socket bound to the port once any socket on the host
/// joined it. The handles turn `IP_MULTICAST_ALL` / `IPV6_MULTICAST_ALL` off on every join
/// (idempotent; both on a dual-stack IPv6 socket), so a socket receives only what its own memberships
/// admit, as on Windows. It is a setting of the socket: option::ip_multicast_all sets and reads it;
/// join_options::keep_multicast_all leaves it alone for one join, and a later join without it turns
/// it off for the whole socket.
///
/// @par Linux: what each call costs
/// Before a join the handles read the socket's `IPV6_V6ONLY` (one getsockopt, which also tells an
/// IPv4 socket from an IPv6 one): a group the socket can never receive is errc::family_mismatch
/// before anything changes (Linux would accept an IPv4 join on an `IPV6_V6ONLY` socket and never
/// deliver). Before a source-specific join they read the group's filter (one
/// `getsockopt(MCAST_MSFILTER)`) and refuse with errc::already_joined if the socket already has the
/// group on that interface; Linux would silently switch an any-source membership to INCLUDE. A join
/// also reads the socket's `SO_COOKIE`, and every later change compares it first (below). So a join
/// costs 4 system calls (family, cookie, join, `IP_MULTICAST_ALL`; 5 on a dual-stack socket), a
/// source-specific join 5 (6); block, unblock, include, drop, leave and set 2 each. On Windows a
/// join is the family read and the join: Windows refuses by itself what Linux would accept.
///
/// @par Handles and sockets
/// A handle never owns its socket: destroy handles before closing it (declare the socket first). A
/// handle never acts on another socket than the one it joined: on Linux it compares the socket's
/// `SO_COOKIE` (a number the kernel never gives a second socket) before every change and every
/// destructor's undo. If the socket was closed and another took its descriptor's number, the handle
/// leaves the new socket alone and becomes empty (its children inert; leave() reports success, since
/// the membership went with the closed socket; block, include and set report errc::not_joined). A
/// descriptor closed and not reused gives the system's error (EBADF) and changes nothing. Windows,
/// macOS and FreeBSD have no cheap socket identity, so there a handle that outlives its socket may act
/// on whatever socket reuses the number. A membership and its children are used from one thread at a
/// time; distinct handles on distinct sockets are independent.
///
/// @par When a call fails
/// The handles' operations are all-or-nothing: the error is reported and the handle and the kernel
/// are as before. A join whose later step fails (the filter of join_with_filter, `IP_MULTICAST_ALL`)
/// is left again; if that leave fails too, the handle is returned joined with the error, so that its
/// leave() or destructor retries: the kernel never holds a membership no handle owns. An explicit
/// leave(ec) that fails keeps the handle joined, its children still working; a membership destroyed
/// or assigned over is emptied whatever its leave returned, and its children become inert.
///
/// @par Windows
/// A join Windows refuses with WSAEADDRNOTAVAIL or WSAEINVAL where mcast knows of no membership is
/// errc::no_such_interface (an interface whose address is not usable: disconnected, VPN and virtual
/// adapters), never errc::already_joined; Windows answers a second join of the group on the same
/// socket and interface with the same code, and mcast does not probe, so the raw code is kept
/// (system_error_of()). IPv6 sockets are IPv6-only by default there: an IPv4 group on one is
/// errc::family_mismatch before any call (read by `SO_PROTOCOL_INFOW`, then `IPV6_V6ONLY`); turn
/// `IPV6_V6ONLY` off for a dual-stack socket.
///
/// @par Cost
/// A handle keeps its kernel structure for its life (a `GROUP_SOURCE_REQ`, 264 bytes on Linux, so
/// `any_source_membership<>` is 392 bytes): no operation rebuilds it, allocates, or builds a
/// std::error_code unless it failed. `cmake --workflow --preset bench` measures the cycle against
/// hand-written calls.
/// @par Measured
/// From `cmake --workflow --preset bench` on the 2-core development machine (g++ 12 / clang 14,
/// `-O2`; callgrind, user-space instructions per call). A join/block/unblock/leave cycle: 293 (g++)
/// and 267 (clang), against 267 / 167 for a hand-written loop that makes the same six calls and fills
/// its structures each cycle (1.10x / 1.60x; the target is 1.25x), and 108 for the floor (the
/// structures built once). With g++ the ratio went from 3.2x to 1.46x, 1.23x and 1.10x over
/// successive versions; with clang from 2.00x to 1.60x. callgrind counts each iteration of g++'s
/// `rep stos` zeroing as one instruction, where clang zeroes the same bytes with a few 16-byte
/// stores: hence 267 against 167 for the same hand-written loop. What the clang cycle still adds over
/// that loop: the interface and group copied into the handle (for nic() and group()), the check of
/// the family read's answer, the list of blocked sources and the checks of values that are not
/// types; without the interface copy and the list it measured 229 (1.37x). Source-specific join +
/// leave: 272 / 224 against 280 / 202 (0.97x / 1.11x; target 1.5x). An api::ipv4 join + leave
/// against Asio's join_group / leave_group: 153 / 156 against 80 / 173 (1.91x / 0.90x; target 1.25x):
/// Asio makes its two calls and nothing else, and the family read alone takes Asio to 100 with g++,
/// exactly 1.25x of itself, so with g++ no handle that checks the family can meet that target. The
/// whole cycle with the kernel: 1.04x the hand-written one (11120 ns; target 1.05x). No operation
/// allocates. The Linux `SO_COOKIE` check came after that run: one getsockopt of it costs 2.1-2.4 us,
/// about what the family read costs; an api::ipv4 join + leave went from 13.2 to 18.8 us, and a
/// join/block/unblock/leave cycle from 22 to 33 us. Membership changes are rare control-path calls,
/// each of which makes the kernel send a report.
///
/// @par Sizes (Linux x86-64)
/// any_source_membership<> 392 bytes, source_membership<> 416, filtered_membership<> 376,
/// blocked_source<> and included_source<> 48, network_interface 72, group, source and address 20,
/// option::join_group 168, option::block_source 320, option::ip_add_membership 36,
/// option::ip_block_source 60.
#ifndef MCAST_MEMBERSHIP_HPP
#define MCAST_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "any_source_membership.hpp" // join_group: any_source_membership, blocked_source
#include "source_membership.hpp"     // join_source_group: source_membership, included_source
#include "filtered_membership.hpp"   // join_with_filter: filtered_membership

#endif // MCAST_MEMBERSHIP_HPP
