// mcast/winsock_session.hpp -- WSAStartup / WSACleanup as an RAII object, for programs without Asio.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_WINSOCK_SESSION_HPP
#define MCAST_WINSOCK_SESSION_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "error.hpp"

MCAST_BEGIN_NAMESPACE

/// Keeps Winsock 2.2 started while it lives (WSAStartup / WSACleanup). mcast never starts Winsock
/// itself: a library must not, since the application decides. Asio programs do not need this
/// (Asio starts Winsock). On POSIX it does nothing. Declare it before any socket.
class winsock_session {
public:
  /// Throws std::system_error if WSAStartup fails.
  winsock_session() {
    if (int e = detail::network_startup(); e != 0)
      detail::throw_error(detail::system_error(e), "WSAStartup");
  }
  winsock_session(const winsock_session&) = delete;
  winsock_session& operator=(const winsock_session&) = delete;
  ~winsock_session() { detail::network_cleanup(); }
};

MCAST_END_NAMESPACE

#endif // MCAST_WINSOCK_SESSION_HPP
