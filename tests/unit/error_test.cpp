// error.hpp: errc conditions and the mcast categories; the translation of system errors through
// the rule table (detail/rule_table.hpp).
#include <mcast/detail/rule_table.hpp>

#include "catch.hpp"

using mcast::errc;
using mcast::detail::operation;
namespace se = mcast::detail::sys_errc;

// A failed check names the errc ("already_joined"), not its number.
namespace Catch {
template <> struct StringMaker<mcast::errc> {
  static std::string convert(mcast::errc e) { return e == errc{} ? "errc{}" : mcast::detail::errc_name(e); }
};
} // namespace Catch

TEST_CASE("errc compares with codes the library makes", "[error]") {
  std::error_code ec = mcast::make_error_code(errc::already_joined);
  CHECK(ec == errc::already_joined);
  CHECK(ec != errc::not_joined);
  CHECK(ec.category() == mcast::error_category());
  CHECK(std::string(ec.category().name()) == "mcast");
  CHECK(ec.message() == "the group is already joined on this socket and interface");
  CHECK(!mcast::system_error_of(ec)); // found before any system call
}

using mcast::detail::mstate;

TEST_CASE("a translated kernel refusal keeps the raw system code as its value", "[error]") {
  std::error_code ec = mcast::detail::translate(operation::join_any, se::addr_in_use, mstate::any);
  CHECK(ec == errc::already_joined);
  CHECK(ec.value() == se::addr_in_use); // the raw number, never packed with the errc
  CHECK(std::string(ec.category().name()) == "mcast.system");
  CHECK(mcast::system_error_of(ec) == std::error_code(se::addr_in_use, std::system_category()));
  CHECK(ec.message().find("already joined") != std::string::npos);
  CHECK(ec.message().find("system error") != std::string::npos);
  CHECK(ec != errc::not_joined);
  // A code mcast made itself has the errc as its value and no system error behind it.
  const std::error_code own = mcast::make_error_code(errc::not_joined);
  CHECK(own.value() == static_cast<int>(errc::not_joined));
  CHECK(!mcast::system_error_of(own));
}

// One row per (operation, raw code by its meaning, what the caller knows of the membership): the
// errc in Linux's column (measured), in Windows' (Microsoft's table) and in the BSDs' (their
// kernels' source). Where one raw code answers several rows the caller's state decides.
struct translation_case {
  operation op;
  unsigned code; // rc_*: the raw code's meaning (the numbers differ per system)
  mstate state;
  errc linux_errc; // errc{}: stays a system code
  errc windows_errc;
  errc bsd_errc;
};

// Each system's own error numbers, written here independently of error.hpp's numbers_of (whose
// row for the platform being compiled is pinned to its headers by a static_assert; MinGW and
// cmake/cross-check.sh compile it for Windows, macOS and FreeBSD).
struct system_numbers {
  mcast::detail::os system;
  const char* name;
  int inval, addrinuse, addrnotavail, nobufs, nomem, noprotoopt, opnotsupp, nodev;
};
using mcast::detail::os;
constexpr system_numbers systems[] = {
    {os::windows, "Windows", 10022, 10048, 10049, 10055, 8, 10042, 10045, -1}, // WSAE*, ERROR_NOT_ENOUGH_MEMORY
    {os::linux_kernel, "Linux", 22, 98, 99, 105, 12, 92, 95, 19},
    {os::macos, "macOS", 22, 48, 49, 55, 12, 42, 102, 19},
    {os::freebsd, "FreeBSD", 22, 48, 49, 55, 12, 42, 45, 19},
};

namespace {
int raw_of(unsigned code, const system_numbers& n) {
  return code == mcast::detail::rc_inval ? n.inval : code == mcast::detail::rc_addrinuse ? n.addrinuse : n.addrnotavail;
}
errc expected_on(const translation_case& c, os system) {
  return system == os::windows ? c.windows_errc : system == os::linux_kernel ? c.linux_errc : c.bsd_errc;
}
} // namespace

TEST_CASE("every system's column translates its own raw numbers, on every platform", "[error][rules]") {
  using namespace mcast::detail;
  const translation_case cases[] = {
      // a join the caller knows as the first: Linux's EADDRINUSE is a second join (someone else's);
      // Windows' WSAEADDRNOTAVAIL / WSAEINVAL is an interface that cannot take it (a disconnected
      // or virtual adapter) -- never already_joined; Wine answers a second join WSAEADDRINUSE
      {operation::join_any, rc_addrinuse, mstate::none, errc::already_joined, errc::already_joined,
       errc::already_joined},
      {operation::join_any, rc_addrnotavail, mstate::none, errc{}, errc::no_such_interface, errc::no_such_interface},
      {operation::join_any, rc_inval, mstate::none, errc{}, errc::no_such_interface, errc::already_joined},
      {operation::join_source, rc_addrnotavail, mstate::none, errc::source_already_present, errc::no_such_interface,
       errc::no_such_interface},
      {operation::join_source, rc_inval, mstate::none, errc::already_joined, errc::no_such_interface,
       errc::already_joined},
      // a join where the caller knows the membership (apply_sequence): a second join
      {operation::join_any, rc_addrnotavail, mstate::any, errc{}, errc::already_joined, errc{}},
      {operation::join_any, rc_inval, mstate::any, errc{}, errc::already_joined, errc::already_joined},
      {operation::join_source, rc_addrnotavail, mstate::any, errc::source_already_present, errc::already_joined,
       errc::source_already_present},
      {operation::join_any, rc_addrnotavail, mstate::src, errc{}, errc::already_joined, errc{}},
      // include() of a source already included
      {operation::join_source, rc_addrnotavail, mstate::src, errc::source_already_present, errc::source_already_present,
       errc::source_already_present},
      // leave of a group that is gone
      {operation::leave_group, rc_addrnotavail, mstate::any, errc::not_joined, errc{}, errc::not_joined},
      {operation::leave_group, rc_inval, mstate::any, errc::not_joined, errc::not_joined, errc{}},
      // block: twice (ADDRNOTAVAIL); on a group that is gone (INVAL on a handle that is any-source)
      {operation::block, rc_addrnotavail, mstate::any, errc::source_already_present, errc::source_already_present,
       errc::source_already_present},
      {operation::block, rc_inval, mstate::any, errc::not_joined, errc::not_joined, errc::wrong_mode},
      {operation::block, rc_inval, mstate::src, errc::wrong_mode, errc::wrong_mode, errc::wrong_mode},
      {operation::block, rc_inval, mstate::none, errc::not_joined, errc::not_joined, errc::wrong_mode},
      // unblock of a source that is not blocked; on a source-specific membership
      {operation::unblock, rc_addrnotavail, mstate::any, errc::source_not_present, errc::source_not_present,
       errc::source_not_present},
      {operation::unblock, rc_inval, mstate::any, errc::not_joined, errc::source_not_present, errc::wrong_mode},
      {operation::unblock, rc_inval, mstate::src, errc::wrong_mode, errc::wrong_mode, errc::wrong_mode},
      // source leave: not included; on an any-source membership; once the group is gone
      {operation::leave_source, rc_addrnotavail, mstate::src, errc::source_not_present, errc::source_not_present,
       errc::source_not_present},
      {operation::leave_source, rc_inval, mstate::any, errc::wrong_mode, errc::wrong_mode, errc{}},
      {operation::leave_source, rc_inval, mstate::src, errc::not_joined, errc::not_joined, errc{}},
      // filter calls on a group not joined: Linux measured; Windows not documented (raw kept)
      {operation::get_filter, rc_addrnotavail, mstate::none, errc::not_joined, errc{}, errc::not_joined},
      {operation::set_filter, rc_inval, mstate::none, errc::not_joined, errc{}, errc{}},
  };
  for (const auto& n : systems) {
    INFO(n.name);
    for (const auto& c : cases) {
      INFO("operation " << static_cast<int>(c.op) << ", code " << c.code << ", state " << static_cast<int>(c.state));
      CHECK(meaning_on(n.system, c.op, c.state, raw_of(c.code, n)) == expected_on(c, n.system));
    }
    // Limits and missing support mean the same for every operation.
    for (operation op : {operation::join_any, operation::block, operation::join_source, operation::set_filter}) {
      CHECK(meaning_on(n.system, op, mstate::any, n.nobufs) == errc::limit_exceeded);
      CHECK(meaning_on(n.system, op, mstate::any, n.nomem) == errc::limit_exceeded);
      CHECK(meaning_on(n.system, op, mstate::any, n.noprotoopt) == errc::unsupported);
      CHECK(meaning_on(n.system, op, mstate::any, n.opnotsupp) == errc::unsupported);
      if (n.nodev != -1)
        CHECK(meaning_on(n.system, op, mstate::any, n.nodev) == errc::no_such_interface);
    }
    // Another system's number means nothing here (Linux's EADDRINUSE is not a Winsock code).
    for (const auto& other : systems)
      if (other.addrinuse != n.addrinuse)
        CHECK(meaning_on(n.system, operation::join_any, mstate::any, other.addrinuse) == errc{});
  }
  // This platform's translate() reads its own system's numbers and column.
  const system_numbers* here = nullptr;
  for (const auto& n : systems)
    if (n.system == this_os)
      here = &n;
  REQUIRE(here != nullptr);
  CHECK(here->inval == se::invalid);
  CHECK(here->addrinuse == se::addr_in_use);
  CHECK(here->addrnotavail == se::addr_not_avail);
  for (const auto& c : cases) {
    const errc want = expected_on(c, this_os);
    const int raw = raw_of(c.code, *here);
    const std::error_code ec = translate(c.op, raw, c.state);
    if (want == errc{}) {
      CHECK(ec.category() == std::system_category());
    } else {
      CHECK(ec == want);
      CHECK(mcast::system_error_of(ec).value() == raw);
    }
  }
  for (operation op : {operation::join_any, operation::block, operation::join_source, operation::set_filter}) {
    CHECK(mcast::detail::translate(op, se::no_buffers) == errc::limit_exceeded);
    CHECK(mcast::detail::translate(op, se::no_protocol_option) == errc::unsupported);
  }
  // Anything else stays the system's code.
  std::error_code other = mcast::detail::translate(operation::join_any, se::bad_handle);
  CHECK(other.category() == std::system_category());
  CHECK(other.value() == se::bad_handle);
}

TEST_CASE("every rule row has an errc, every column, and a sentence where it is a compile-time rule",
          "[error][rules]") {
  for (const auto& r : mcast::detail::rule_rows) {
    INFO(r.name);
    CHECK(r.code != errc{});
    using mcast::detail::stack_column;
    for (auto c : {stack_column::windows_column, stack_column::linux_column, stack_column::bsd_column})
      CHECK(mcast::detail::column_text(r, c).size() > 0);
    for (const char* sentence : {r.sequence_sentence, r.handle_sentence})
      if (*sentence)
        CHECK(std::string(sentence).rfind("mcast: ", 0) == 0);
  }
}

TEST_CASE("raw system codes compare equal to the condition they unambiguously mean", "[error]") {
  CHECK(std::error_code(se::no_buffers, std::system_category()) == errc::limit_exceeded);
  CHECK(std::error_code(se::no_protocol_option, std::system_category()) == errc::unsupported);
  CHECK(std::error_code(se::not_supported, std::system_category()) == errc::unsupported);
#if defined(_WIN32)
  // Winsock has no "no such interface" code; WSAENETDOWN means the network is down.
  CHECK(std::error_code(WSAENETDOWN, std::system_category()) != errc::no_such_interface);
#else
  CHECK(std::error_code(se::no_device, std::system_category()) == errc::no_such_interface);
#endif
  // Ambiguous numbers are not guessed: EADDRNOTAVAIL means different things per operation.
  CHECK(std::error_code(se::addr_not_avail, std::system_category()) != errc::already_joined);
  CHECK(std::error_code(se::addr_not_avail, std::system_category()) != errc::source_not_present);
  CHECK(std::error_code() != errc::limit_exceeded);
}

TEST_CASE("every errc has a message", "[error]") {
  for (int e = static_cast<int>(errc::invalid_address); e <= mcast::detail::errc_count; ++e) {
    const std::string m = mcast::make_error_code(static_cast<errc>(e)).message();
    CHECK(!m.empty());
    CHECK(m != "unknown mcast error");
  }
}

namespace {
// A category that carries the system's numbers, as Asio's "asio.system" does.
class foreign_category final : public std::error_category {
public:
  const char* name() const noexcept override { return "foreign.system"; }
  std::string message(int) const override { return "foreign"; }
};
} // namespace

TEST_CASE("a registered foreign system category compares like the system's, by identity", "[error]") {
  static const foreign_category foreign;
  const std::error_code ec(se::no_buffers, foreign);
  CHECK(ec != errc::limit_exceeded); // unknown categories are never guessed at
  mcast::detail::register_system_category(foreign);
  CHECK(ec == errc::limit_exceeded);
  CHECK(std::error_code(se::addr_in_use, foreign) != errc::already_joined); // still only the unambiguous codes
}

// A limit the kernel answered: the same condition and raw code whatever the limit, a message that
// names the setting by the operation (a join that makes a group: groups; the rest: sources) and
// the group's family -- on Linux, which has such settings; elsewhere the plain message.
TEST_CASE("limit_exceeded names the setting that bounds the call", "[error]") {
  using mcast::detail::mstate;
  using mcast::detail::translate;
  struct row {
    operation op;
    mstate state;
    bool v6;
    const char* names;
    const char* not_named;
  };
  const row rows[] = {
      {operation::join_any, mstate::none, false, "net.ipv4.igmp_max_memberships", "msf"},
      {operation::join_source, mstate::none, false, "net.ipv4.igmp_max_memberships", "msf"},
      {operation::join_source, mstate::src, false, "net.ipv4.igmp_max_msf", "igmp_max_memberships"},
      {operation::block, mstate::any, false, "net.ipv4.igmp_max_msf", "igmp_max_memberships"},
      {operation::set_filter, mstate::none, false, "net.ipv4.igmp_max_msf", "igmp_max_memberships"},
      {operation::join_any, mstate::none, true, "net.core.optmem_max", "igmp"},
      {operation::block, mstate::any, true, "net.ipv6.mld_max_msf", "igmp"},
      {operation::set_filter, mstate::none, true, "net.ipv6.mld_max_msf", "igmp"},
  };
  for (const row& r : rows) {
    const std::error_code ec = translate(r.op, se::no_buffers, r.state, r.v6);
    INFO(ec.message());
    CHECK(ec == errc::limit_exceeded);
    CHECK(ec.value() == se::no_buffers);
    CHECK(mcast::system_error_of(ec) == std::error_code(se::no_buffers, std::system_category()));
    CHECK(std::string(ec.category().name()) == "mcast.system");
    CHECK(ec.message().rfind("too many groups or sources for this socket (system error ", 0) == 0);
    if constexpr (mcast::detail::names_limit_settings) {
      CHECK(ec.message().find(r.names) != std::string::npos);
      CHECK(ec.message().find(r.not_named) == std::string::npos);
      CHECK(ec.message().find("net.core.optmem_max") != std::string::npos);
    }
  }
  // Other operations keep the plain limit_exceeded.
  const std::error_code leave = translate(operation::leave_group, se::no_buffers);
  CHECK(leave == errc::limit_exceeded);
  CHECK(leave.message().find("net.") == std::string::npos);
}
