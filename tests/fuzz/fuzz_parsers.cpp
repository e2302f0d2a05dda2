// libFuzzer target: the address, group, source and interface-name parsers, and the keeper's BSD
// routing-message parser with both kernels' layouts.
// Properties: no crash or sanitizer report on any input; anything accepted round-trips through
// to_string(); a group is always multicast, a source never; the throwing and noexcept forms agree;
// a routing message's interface name is NUL-terminated.
#include <mcast/keeper.hpp>
#include <mcast/mcast.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::error_code ec;
  const mcast::address a = mcast::make_address(text, ec);
  if (!ec) {
    std::error_code again;
    if (mcast::make_address(a.to_string(), again) != a || again)
      std::abort(); // formatting and parsing disagree
  }
  auto g = mcast::make_group(text, ec);
  if (g && !g->address().is_multicast())
    std::abort();
  if (!g && !ec)
    std::abort();
  auto s = mcast::make_source(text, ec);
  if (s && (s->address().is_multicast() || s->address().is_unspecified()))
    std::abort();
  try {
    (void)mcast::make_source(text);
    if (!s)
      std::abort(); // the throwing form accepted what the noexcept form refused
  } catch (const std::system_error&) {
    if (s)
      std::abort();
  }
  if (size < 64) {
    auto nic = mcast::network_interface::from_name(text, ec);
    if (ec && !nic.is_any())
      std::abort();
  }
  for (const auto* layout : {&mcast::detail::macos_route_layout, &mcast::detail::freebsd_route_layout}) {
    mcast::detail::change_record r;
    if (mcast::detail::parse_route_message(*layout, data, size, r) == mcast::detail::route_message_kind::record &&
        std::memchr(r.name, 0, sizeof r.name) == nullptr)
      std::abort();
  }
  return 0;
}
