// The fault-injection matrix (support/fault_matrix.hpp) again in the test namespace, where
// any() leads to lo: with network_interface::any() (the route lookup is one more call that can
// fail), and on a dual-stack IPv6 socket joining IPv4 groups.
#include "support/fault_matrix.hpp"

using namespace mcast_test;

TEST_CASE("fault injection with any(): single and double faults", "[netns][faults][any]") {
  where w;
  w.nic = mcast::network_interface::any();
  run_single_faults(w);
  run_double_faults(w);
}

TEST_CASE("fault injection on a dual-stack socket: single and double faults", "[netns][faults][dual-stack]") {
  where w;
  w.dual_stack = true;
  run_single_faults(w);
  run_double_faults(w);
}
