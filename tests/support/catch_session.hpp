// Catch2 with a main of our own (v2 or v3): for test programs that must act before Catch2 runs.
#ifndef MCAST_TESTS_SUPPORT_CATCH_SESSION_HPP
#define MCAST_TESTS_SUPPORT_CATCH_SESSION_HPP
#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_session.hpp>
#include <catch2/catch_version_macros.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif
#include "catch_version.hpp"
#endif
