// error.hpp: errc conditions, the mcast category, and the one translation of system errors.
#include <mcast/error.hpp>

#include "catch.hpp"

using mcast::errc;
using mcast::detail::operation;
namespace se = mcast::detail::sys_errc;

TEST_CASE("errc compares with codes the library makes", "[error]") {
  std::error_code ec = mcast::make_error_code(errc::already_joined);
  CHECK(ec == errc::already_joined);
  CHECK(ec != errc::not_joined);
  CHECK(ec.category() == mcast::error_category());
  CHECK(std::string(ec.category().name()) == "mcast");
  CHECK(ec.message() == "the group is already joined on this socket and interface");
  CHECK(!mcast::system_error_of(ec)); // found before any system call
}

TEST_CASE("a translated kernel refusal keeps the raw system code", "[error]") {
  std::error_code ec = mcast::detail::translate(operation::join_any, se::addr_in_use);
  CHECK(ec == errc::already_joined);
  CHECK(mcast::system_error_of(ec) == std::error_code(se::addr_in_use, std::system_category()));
  CHECK(ec.message().find("system error") != std::string::npos);
}

TEST_CASE("the same misuse gives one errc whatever the platform's number", "[error]") {
  // Duplicate join: Linux EADDRINUSE, Windows WSAEADDRNOTAVAIL.
  CHECK(mcast::detail::translate(operation::join_any, se::addr_in_use) == errc::already_joined);
  CHECK(mcast::detail::translate(operation::join_any, se::addr_not_avail) == errc::already_joined);
  // Leave of a group not joined: Linux EADDRNOTAVAIL, Windows WSAEINVAL.
  CHECK(mcast::detail::translate(operation::leave_group, se::addr_not_avail) == errc::not_joined);
  CHECK(mcast::detail::translate(operation::leave_group, se::invalid) == errc::not_joined);
  // Same source twice / source not there.
  CHECK(mcast::detail::translate(operation::block, se::addr_not_avail) == errc::source_already_present);
  CHECK(mcast::detail::translate(operation::join_source, se::addr_not_avail) == errc::source_already_present);
  CHECK(mcast::detail::translate(operation::unblock, se::addr_not_avail) == errc::source_not_present);
  CHECK(mcast::detail::translate(operation::unblock, se::invalid) == errc::source_not_present);
  CHECK(mcast::detail::translate(operation::leave_source, se::addr_not_avail) == errc::source_not_present);
  CHECK(mcast::detail::translate(operation::block, se::invalid) == errc::wrong_mode);
  // Limits and missing support mean the same for every operation.
  for (operation op : {operation::join_any, operation::block, operation::join_source, operation::set_filter}) {
    CHECK(mcast::detail::translate(op, se::no_buffers) == errc::limit_exceeded);
    CHECK(mcast::detail::translate(op, se::no_memory) == errc::limit_exceeded);
    CHECK(mcast::detail::translate(op, se::no_protocol_option) == errc::unsupported);
    CHECK(mcast::detail::translate(op, se::not_supported) == errc::unsupported);
  }
  // Anything else stays the system's code.
  std::error_code other = mcast::detail::translate(operation::join_any, se::bad_handle);
  CHECK(other.category() == std::system_category());
  CHECK(other.value() == se::bad_handle);
}

TEST_CASE("raw system codes compare equal to the condition they unambiguously mean", "[error]") {
  CHECK(std::error_code(se::no_buffers, std::system_category()) == errc::limit_exceeded);
  CHECK(std::error_code(se::no_protocol_option, std::system_category()) == errc::unsupported);
  CHECK(std::error_code(se::not_supported, std::system_category()) == errc::unsupported);
  CHECK(std::error_code(se::no_device, std::system_category()) == errc::no_such_interface);
  // Ambiguous numbers are not guessed: EADDRNOTAVAIL means different things per operation.
  CHECK(std::error_code(se::addr_not_avail, std::system_category()) != errc::already_joined);
  CHECK(std::error_code(se::addr_not_avail, std::system_category()) != errc::source_not_present);
  CHECK(std::error_code() != errc::limit_exceeded);
}

TEST_CASE("every errc has a message", "[error]") {
  for (int e = static_cast<int>(errc::invalid_address); e <= static_cast<int>(errc::still_joined); ++e) {
    const std::string m = mcast::make_error_code(static_cast<errc>(e)).message();
    CHECK(!m.empty());
    CHECK(m != "unknown mcast error");
  }
}
