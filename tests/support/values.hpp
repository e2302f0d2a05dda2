// Values of both families that tests combine into misuse (a group of one family with a source or
// an option of the other), on any(), so that nothing reaches an interface.
#ifndef MCAST_TESTS_SUPPORT_VALUES_HPP
#define MCAST_TESTS_SUPPORT_VALUES_HPP

#include <mcast/address.hpp>
#include <mcast/network_interface.hpp>

namespace mcast_test {

struct mixed_values {
  mcast::network_interface nic = mcast::network_interface::any();
  mcast::group g4 = mcast::make_group("232.1.2.3");
  mcast::group g6 = mcast::make_group("ff3e::1");
  mcast::source s4 = mcast::make_source("192.0.2.1");
  mcast::source s6 = mcast::make_source("2001:db8::1");
};

} // namespace mcast_test

#endif // MCAST_TESTS_SUPPORT_VALUES_HPP
