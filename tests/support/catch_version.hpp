// A build that pins the Catch2 major version (-DMCAST_CATCH2_MAJOR=2|3) must compile against
// those headers: CATCH_VERSION_MAJOR comes from Catch2 itself, not from which header was found.
#ifndef MCAST_TESTS_SUPPORT_CATCH_VERSION_HPP
#define MCAST_TESTS_SUPPORT_CATCH_VERSION_HPP
#if defined(MCAST_EXPECT_CATCH_MAJOR)
#if !defined(CATCH_VERSION_MAJOR)
#error "Catch2 did not define CATCH_VERSION_MAJOR"
#endif
static_assert(CATCH_VERSION_MAJOR == MCAST_EXPECT_CATCH_MAJOR,
              "the tests were built against a Catch2 major version other than MCAST_CATCH2_MAJOR");
#endif
#endif
