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
// Rules (the README, "Platform notes"; the rules themselves: detail/rule_table.hpp):
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
#ifndef MCAST_MEMBERSHIP_HPP
#define MCAST_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "any_source_membership.hpp" // join_group: any_source_membership, blocked_source
#include "source_membership.hpp"     // join_source_group: source_membership, included_source
#include "filtered_membership.hpp"   // join_with_filter: filtered_membership

#endif // MCAST_MEMBERSHIP_HPP
