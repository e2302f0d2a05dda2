// address.hpp: parsing, formatting, conversions, and the group/source rules.
#include <mcast/address.hpp>

#include "catch.hpp"
#include "support/platform.hpp"

#include <set>
#include <string_view>
#include <unordered_set>

TEST_CASE("make_address parses and formats IPv4 and IPv6", "[address]") {
  CHECK(mcast::make_address("192.0.2.7").to_string() == "192.0.2.7");
  CHECK(mcast::make_address("192.0.2.7").is_v4());
  CHECK(mcast::make_address("2001:db8::7").to_string() == "2001:db8::7");
  CHECK(mcast::make_address("2001:DB8:0:0::7").to_string() == "2001:db8::7");
  CHECK(mcast::make_address("::ffff:192.0.2.1").is_v6());
  CHECK(mcast::make_address("ff02::1").is_multicast());
  CHECK(mcast::make_address("224.0.0.1").is_multicast());
  CHECK(!mcast::make_address("223.255.255.255").is_multicast());
  CHECK(mcast::make_address("239.255.255.255").is_multicast());
  CHECK(!mcast::make_address("240.0.0.1").is_multicast());
  CHECK(mcast::make_address("0.0.0.0").is_unspecified());
  CHECK(mcast::make_address("::").is_unspecified());
  CHECK(mcast::make_address("127.0.0.3").is_loopback());
  CHECK(mcast::make_address("::1").is_loopback());
}

TEST_CASE("malformed addresses get errc::invalid_address", "[address][errors]") {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "239.1.2.3 ", " 239.1.2.3", "abc", "1.2.3.4/24",
                          "ff15::1%lo", "[::1]", "::1::2", "239.1.2.3:80", "0x7f.1.1.1"}) {
    std::error_code ec;
    (void)mcast::make_address(bad, ec);
    INFO(bad);
    CHECK(ec == mcast::errc::invalid_address);
    CHECK_THROWS_AS(mcast::make_address(bad), std::system_error);
  }
  std::error_code ec;
  (void)mcast::make_address(std::string_view("1.2.3.4\0", 8), ec);
  CHECK(ec == mcast::errc::invalid_address);
  (void)mcast::make_address(std::string(200, '1'), ec);
  CHECK(ec == mcast::errc::invalid_address);
}

TEST_CASE("groups are multicast only", "[address][errors]") {
  CHECK(mcast::make_group("239.1.2.3").to_string() == "239.1.2.3");
  CHECK(mcast::make_group("ff3e::1234").is_v6());
  std::error_code ec;
  CHECK(!mcast::make_group("192.0.2.1", ec));
  CHECK(ec == mcast::errc::not_multicast);
  CHECK(!mcast::make_group("2001:db8::1", ec));
  CHECK(ec == mcast::errc::not_multicast);
  CHECK(!mcast::make_group("nonsense", ec));
  CHECK(ec == mcast::errc::invalid_address);
  CHECK(mcast::make_group("232.1.1.1", ec));
  CHECK(!ec);
  CHECK_THROWS_AS(mcast::make_group("10.0.0.1"), std::system_error);
}

TEST_CASE("sources are specified unicast addresses", "[address][errors]") {
  CHECK(mcast::make_source("127.0.0.2").to_string() == "127.0.0.2");
  std::error_code ec;
  for (const char* bad : {"239.1.2.3", "ff02::1", "0.0.0.0", "::", "255.255.255.255"}) {
    INFO(bad);
    CHECK(!mcast::make_source(bad, ec));
    CHECK(ec == mcast::errc::not_unicast);
  }
  CHECK(!mcast::make_source("1.2.3", ec));
  CHECK(ec == mcast::errc::invalid_address);
}

TEST_CASE("an IPv4-mapped IPv6 address is no source: family_mismatch, whatever IPv4 address it maps",
          "[address][errors]") {
  std::error_code ec;
  for (const char* mapped : {"::ffff:0.0.0.0", "::ffff:255.255.255.255", "::ffff:127.0.0.2", "::ffff:192.0.2.7"}) {
    INFO(mapped);
    CHECK(mcast::make_address(mapped).is_v4_mapped());
    CHECK(!mcast::make_source(mapped, ec));
    CHECK(ec == mcast::errc::family_mismatch);
  }
  CHECK(!mcast::make_address("::1").is_v4_mapped());
  CHECK(!mcast::make_address("127.0.0.2").is_v4_mapped());
  CHECK(!mcast::make_address("::fffe:7f00:2").is_v4_mapped());
  CHECK(mcast::make_source("2001:db8::ffff:7f00:2", ec)); // ::ffff at the end is an ordinary address
  CHECK(!ec);
  CHECK(!mcast::make_group("::ffff:239.1.2.3", ec)); // not ff00::/8
  CHECK(ec == mcast::errc::not_multicast);
}

// The throwing forms and the noexcept forms are written apart (the noexcept ones are templates
// that return std::optional): each text, and each address it parses to, gets the same answer from
// both -- the value, or the exception carrying exactly the code the noexcept form reports.
// Either form by its arguments: (in) throws, (in, ec) does not.
const auto group_maker = [](const auto& in, auto&... ec) { return mcast::make_group(in, ec...); };
const auto source_maker = [](const auto& in, auto&... ec) { return mcast::make_source(in, ec...); };

template <class Maker, class In> void check_forms_agree(const char* what, Maker make, const In& in, const char* text) {
  INFO(what << " of " << text);
  std::error_code ec;
  const auto value = make(in, ec);
  try {
    const auto thrown = make(in);
    CHECK(!ec);
    REQUIRE(value);
    CHECK(thrown == *value);
  } catch (const std::system_error& e) {
    CHECK(ec);
    CHECK(!value);
    CHECK(e.code() == ec);
  }
}

TEST_CASE("make_group and make_source: the throwing forms throw what the noexcept forms report", "[address][errors]") {
  for (const char* text : {"239.1.2.3", "232.1.1.1", "ff3e::1234", "192.0.2.1", "2001:db8::1", "127.0.0.2", "0.0.0.0",
                           "::", "255.255.255.255", "::ffff:192.0.2.7", "::ffff:239.1.2.3", "1.2.3", "nonsense"}) {
    const std::string_view in = text;
    check_forms_agree("make_group", group_maker, in, text);
    check_forms_agree("make_source", source_maker, in, text);
    std::error_code parse;
    const mcast::address a = mcast::make_address(text, parse);
    if (!parse) { // the address forms too
      check_forms_agree("make_group(address)", group_maker, a, text);
      check_forms_agree("make_source(address)", source_maker, a, text);
    }
  }
}

TEST_CASE("addresses convert to and from the platform types", "[address]") {
  const auto a = mcast::make_address("192.0.2.7");
  const in_addr raw = a.to_in_addr();
  CHECK(std::memcmp(&raw, a.data(), 4) == 0);
  CHECK(mcast::address(raw) == a);
  const auto b = mcast::make_address("2001:db8::7");
  const in6_addr raw6 = b.to_in6_addr();
  CHECK(mcast::address(raw6) == b);
  const sockaddr_storage ss = b.to_sockaddr(4242);
  CHECK(ss.ss_family == AF_INET6);
  sockaddr_in6 sin6;
  std::memcpy(&sin6, &ss, sizeof sin6);
  CHECK(ntohs(sin6.sin6_port) == 4242);
  CHECK(mcast::address::from_sockaddr(ss) == b);
  CHECK(mcast::address::from_sockaddr(a.to_sockaddr()) == a);
  sockaddr_storage junk{};
  junk.ss_family = AF_UNSPEC;
  std::error_code ec;
  (void)mcast::address::from_sockaddr(junk, ec);
  CHECK(ec == mcast::errc::family_mismatch);
}

TEST_CASE("addresses, groups and sources are ordered and hashable values", "[address]") {
  const auto a = mcast::make_address("10.0.0.1");
  const auto b = mcast::make_address("10.0.0.2");
  const auto c = mcast::make_address("::1");
  CHECK(a < b);
  CHECK(b < c); // IPv4 before IPv6
  CHECK(a != b);
  CHECK(a == mcast::make_address("10.0.0.1"));
  std::set<mcast::group> groups{mcast::make_group("239.0.0.2"), mcast::make_group("239.0.0.1"),
                                mcast::make_group("239.0.0.1")};
  CHECK(groups.size() == 2);
  std::unordered_set<mcast::source> sources{mcast::make_source("10.0.0.1"), mcast::make_source("10.0.0.1"),
                                            mcast::make_source("::2")};
  CHECK(sources.size() == 2);
  CHECK(std::hash<mcast::address>()(a) == std::hash<mcast::address>()(mcast::make_address("10.0.0.1")));
}
