// config.hpp: the version is defined once and is what CMake reads.
#include <mcast/config.hpp>

#include "catch.hpp"

TEST_CASE("version macros agree", "[config]") {
  CHECK(MCAST_VERSION == MCAST_VERSION_MAJOR * 10000 + MCAST_VERSION_MINOR * 100 + MCAST_VERSION_PATCH);
  CHECK(MCAST_VERSION_MAJOR == 0);
  CHECK(MCAST_VERSION_MINOR == 1);
}
