// mcast/mcast.hpp -- everything but the Asio glue (that is <mcast/asio.hpp>).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
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

#endif // MCAST_MCAST_HPP
