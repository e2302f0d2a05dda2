// Fault injection through the system-call hook on lo (the matrix is in support/fault_matrix.hpp;
// the namespace tests run it again with any() and on a dual-stack socket): for every handle
// operation and set_source_filter, fail each system call it makes in turn (ENOBUFS, ENOMEM,
// EINTR, EBADF), then each call together with every later one.
#include "support/fault_matrix.hpp"

using namespace mcast_test;

TEST_CASE("fault injection: every system call of every operation, four errors each", "[kernel][faults]") {
  run_single_faults(where{});
}

TEST_CASE("fault injection: two faults -- a call and whatever undoes it -- leave nothing the caller cannot remove",
          "[kernel][faults]") {
  run_double_faults(where{});
}
