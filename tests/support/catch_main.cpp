// Catch2's main, compiled once (cross builds, where the installed Catch2WithMain is native code).
#define CATCH_CONFIG_MAIN
#include "../catch.hpp"
