// mcast/mcast.hpp -- everything but the Asio glue (that is <mcast/asio.hpp>).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
/// @file
/// @brief The whole library but the Asio glue (that is mcast/asio.hpp).
///
/// @par Compile cost (measured)
/// `-fsyntax-only`, CPU time, median of 9 runs, g++ 12: this header 0.602 s against 0.496 s for the
/// platform's socket headers plus the standard headers mcast's API needs (1.21x; the target is 1.3x;
/// 1.19x and 1.26x in the runs before, 1.43x and 1.72x in earlier versions; g++'s own instruction
/// count, which does not vary between runs: 1.28x). For reference `<asio.hpp>` took 1.855 s and
/// `<fmt/core.h>` 0.356 s. The umbrella then pulled no `<algorithm>`, `<iterator>`, `<limits>`,
/// `<atomic>`, `<cstring>`, `<unistd.h>` or `<linux/rtnetlink.h>` (the Linux route lookup declares
/// the few netlink pieces it uses; a test compares them with that header), and instantiates no
/// standard template a translation unit does not use (the noexcept make_group / make_source, the
/// datagram, the interface list and the filter sort are templates for that reason). Since that
/// run two headers came in: `<chrono>` for datagram::timestamp and `<algorithm>` for the interface
/// list's sort (about 0.06 s and 0.03 s alone). On 2026-12-05 the bench measured 0.516 s against
/// 0.307 s (1.68x) and, in a later run, 2.52x; by hand, median of 9: 0.45 s against 0.27 s (1.67x).
/// Over the 1.3x target either way.
#ifndef MCAST_MCAST_HPP
#define MCAST_MCAST_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "config.hpp"            // version, namespaces, MCAST_SYSCALL_HOOK
#include "error.hpp"             // mcast::errc, error_category(), system_error_of()
#include "address.hpp"           // address, group, source; make_address/make_group/make_source
#include "network_interface.hpp" // network_interface: any(), from_index/name/address
#include "option.hpp"            // option::* (the fourteen socket options), set_option
#include "socket_options.hpp"    // option::ip_multicast_if/ttl/loop/all, ip_pktinfo...; get_option
#include "receive.hpp"           // bind_receiver, receive, datagram (source, group, interface)
#include "batch.hpp"             // receive_batch, send_batch (recvmmsg / sendmmsg, a loop elsewhere)
#include "interfaces.hpp"        // list_interfaces, interface_info
#include "source_filter.hpp"     // filter_mode, source_filter, set/get_source_filter
#include "ordering.hpp"          // the rule table, is_valid_sequence, apply_sequence
#include "membership.hpp"        // RAII handles: join_group, join_source_group, join_with_filter
                                 //  (any_source_membership.hpp, source_membership.hpp, filtered_membership.hpp)
#include "winsock_session.hpp"   // WSAStartup/WSACleanup as RAII, for programs without Asio
// Opt-in, like asio.hpp: keeper.hpp (memberships that follow the network; it needs <functional>,
// <mutex> and <memory>, which doubled this header's compile cost in the bench).

#endif // MCAST_MCAST_HPP
