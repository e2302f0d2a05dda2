// The Conan package's consumer: parses a group, checks a rule at compile time, and with Asio
// converts the group to an Asio address; prints the language standard it was built with.
#include <mcast/mcast.hpp>
#if defined(MCAST_TEST_ASIO)
#include <mcast/asio.hpp>
#include <asio.hpp>
#endif

#include <cstdio>

int main() {
  const auto g = mcast::make_group("239.1.2.3");
  static_assert(mcast::is_valid_sequence<mcast::option::join_group, mcast::option::block_source>);
#if defined(MCAST_TEST_ASIO)
  if (mcast::to_asio(g) != asio::ip::make_address("239.1.2.3"))
    return 1;
  std::printf("mcast test_package OK (with Asio %d), __cplusplus %ld\n", ASIO_VERSION, static_cast<long>(__cplusplus));
#else
  (void)g;
  std::printf("mcast test_package OK, __cplusplus %ld\n", static_cast<long>(__cplusplus));
#endif
  return 0;
}
