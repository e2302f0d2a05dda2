// Catch2 v2 (Debian's 2.13) or v3 (vcpkg), whichever is installed: tests include only this.
#ifndef MCAST_TESTS_CATCH_HPP
#define MCAST_TESTS_CATCH_HPP
#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_version_macros.hpp>
#define MCAST_CATCH_VERSION 3
#elif __has_include(<catch2/catch.hpp>)
#include <catch2/catch.hpp>
#define MCAST_CATCH_VERSION 2
#else
#error "Catch2 (v2.13 or v3) is required for the tests"
#endif
#include "support/catch_version.hpp"
#endif
