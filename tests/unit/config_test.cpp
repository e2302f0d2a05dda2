// config.hpp: the version is defined once and is what CMake reads.
#include <mcast/config.hpp>

#include "catch.hpp"

TEST_CASE("version macros agree", "[config]") {
  CHECK(MCAST_VERSION == MCAST_VERSION_MAJOR * 10000 + MCAST_VERSION_MINOR * 100 + MCAST_VERSION_PATCH);
  CHECK(MCAST_VERSION_MAJOR == 0);
  CHECK(MCAST_VERSION_MINOR == 1);
}

#include <mcast/address.hpp>
#include <mcast/winsock_session.hpp>

TEST_CASE("winsock_session starts and stops Winsock (nothing on POSIX), and nests", "[config]") {
  mcast::winsock_session outer;
  {
    mcast::winsock_session inner; // WSAStartup calls are counted: nesting is fine
  }
  CHECK(mcast::make_address("127.0.0.1").is_loopback());
}
