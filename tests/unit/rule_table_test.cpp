// detail/rule_table.hpp: the one rule table and what derives from it -- the handles' deleted
// members carry the table's sentences, and the README's rule table is the table, printed.
#include <mcast/mcast.hpp>

#include "catch.hpp"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

namespace {

// Detection: is h.block(s) / h.include(s) callable?
template <class H, class = void> struct can_block : std::false_type {};
template <class H>
struct can_block<H, std::void_t<decltype(std::declval<H&>().block(std::declval<const mcast::source&>()))>>
    : std::true_type {};
template <class H, class = void> struct can_include : std::false_type {};
template <class H>
struct can_include<H, std::void_t<decltype(std::declval<H&>().include(std::declval<const mcast::source&>()))>>
    : std::true_type {};
template <class H, class = void> struct can_set : std::false_type {};
template <class H>
struct can_set<H, std::void_t<decltype(std::declval<H&>().set(mcast::filter_mode::include,
                                                              std::declval<const std::vector<mcast::source>&>()))>>
    : std::true_type {};

// Detection: are the source factories and filter calls callable through an Api?
template <class Api, class = void> struct can_join_source : std::false_type {};
template <class Api>
struct can_join_source<Api, std::void_t<decltype(mcast::join_source_group<Api>(
                                -1, std::declval<const mcast::group&>(), std::declval<const mcast::source&>(),
                                std::declval<const mcast::network_interface&>()))>> : std::true_type {};
template <class Api, class = void> struct can_join_with_filter : std::false_type {};
template <class Api>
struct can_join_with_filter<
    Api, std::void_t<decltype(mcast::join_with_filter<Api>(
             -1, std::declval<const mcast::group&>(), std::declval<const mcast::network_interface&>(),
             mcast::filter_mode::include, std::declval<const std::vector<mcast::source>&>()))>> : std::true_type {};
template <class Api, class = void> struct can_set_filter : std::false_type {};
template <class Api>
struct can_set_filter<Api, std::void_t<decltype(mcast::set_source_filter<Api>(
                               -1, std::declval<const mcast::group&>(), std::declval<const mcast::network_interface&>(),
                               mcast::filter_mode::include, std::declval<const std::vector<mcast::source>&>()))>>
    : std::true_type {};
template <class Api, class = void> struct can_get_filter : std::false_type {};
template <class Api>
struct can_get_filter<Api,
                      std::void_t<decltype(mcast::get_source_filter<Api>(
                          -1, std::declval<const mcast::group&>(), std::declval<const mcast::network_interface&>()))>>
    : std::true_type {};

} // namespace

// IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options: nothing that needs one is callable
// through it, for traits and concepts too (rule ipv6_api_no_sources).
static_assert(!can_block<mcast::any_source_membership<mcast::api::ipv6>>::value);
static_assert(can_block<mcast::any_source_membership<mcast::api::ipv4>>::value);
static_assert(!can_join_source<mcast::api::ipv6>::value);
static_assert(can_join_source<mcast::api::ipv4>::value && can_join_source<mcast::api::protocol_independent>::value);
static_assert(!can_join_with_filter<mcast::api::ipv6>::value);
static_assert(can_join_with_filter<mcast::api::ipv4>::value);
static_assert(!can_set_filter<mcast::api::ipv6>::value && can_set_filter<mcast::api::protocol_independent>::value);
static_assert(!can_get_filter<mcast::api::ipv6>::value && can_get_filter<mcast::api::ipv4>::value);

// The handle types tell the truth to generic code: what the state forbids is not callable, and
// nothing is copyable.
static_assert(can_block<mcast::any_source_membership<>>::value);
static_assert(!can_block<mcast::source_membership<>>::value);
static_assert(!can_block<mcast::filtered_membership<>>::value);
static_assert(can_include<mcast::source_membership<>>::value);
static_assert(!can_include<mcast::any_source_membership<>>::value);
static_assert(!can_include<mcast::filtered_membership<>>::value);
static_assert(can_set<mcast::filtered_membership<>>::value);
static_assert(!can_set<mcast::any_source_membership<>>::value);
static_assert(!std::is_copy_constructible_v<mcast::any_source_membership<>>);
static_assert(!std::is_copy_constructible_v<mcast::source_membership<mcast::api::ipv4>>);
static_assert(!std::is_copy_constructible_v<mcast::filtered_membership<>>);
static_assert(!std::is_copy_constructible_v<mcast::blocked_source<>>);
static_assert(!std::is_copy_constructible_v<mcast::included_source<>>);
static_assert(!std::is_copy_assignable_v<mcast::any_source_membership<>>);
static_assert(!std::is_copy_assignable_v<mcast::blocked_source<>>);
static_assert(std::is_nothrow_move_assignable_v<mcast::any_source_membership<>>);
static_assert(std::is_nothrow_move_assignable_v<mcast::source_membership<>>);
static_assert(std::is_nothrow_move_assignable_v<mcast::filtered_membership<>>);

TEST_CASE("every rule row has a distinct name and a what", "[rules]") {
  std::set<std::string> names;
  for (const auto& r : mcast::detail::rule_rows) {
    CHECK(names.insert(r.name).second);
    CHECK(std::string(r.what).size() > 10);
    CHECK(mcast::detail::row_of(r.id).name == r.name);
  }
  CHECK(names.size() == mcast::detail::rule_count);
}

namespace {
using mcast::detail::stack_column;
// The rule codes' names a text contains, as rc_* bits: every spelling on every stack, so a name in
// the wrong column's spelling is caught too ("EINVAL" inside "WSAEINVAL" is not counted).
unsigned codes_named(const std::string& text, std::set<std::string>* spellings = nullptr) {
  unsigned found = 0;
  for (unsigned code : {mcast::detail::rc_inval, mcast::detail::rc_addrinuse, mcast::detail::rc_addrnotavail})
    for (auto c : {stack_column::windows_column, stack_column::linux_column}) {
      const std::string name = mcast::detail::code_name(code, c);
      for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
        const bool inside = at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0);
        const auto after = at + name.size();
        const bool longer = after < text.size() && (std::isalnum(static_cast<unsigned char>(text[after])) != 0);
        if (!inside && !longer) {
          found |= code;
          if (spellings != nullptr)
            spellings->insert(name);
        }
      }
    }
  return found;
}
} // namespace

// A cell's text and its codes cannot drift apart: the text is made from the answers, the notes
// name no rule code, and the text names exactly the codes the translation reads, spelt as that
// stack spells them. A sentence that names a Winsock code names one of the row's Windows codes.
TEST_CASE("each cell's text names exactly the codes its column answers with", "[rules]") {
  for (const auto& r : mcast::detail::rule_rows) {
    INFO(r.name);
    for (auto c : {stack_column::windows_column, stack_column::linux_column, stack_column::bsd_column}) {
      const auto& col = mcast::detail::column_in(r, c);
      const std::string text = mcast::detail::column_text(r, c);
      INFO(text);
      for (const char* words : {col.note, col.accepted})
        if (words != nullptr)
          CHECK(codes_named(words) == 0u);
      for (std::size_t i = 0; i < col.count; ++i)
        if (col.list[i].when != nullptr)
          CHECK(codes_named(col.list[i].when) == 0u);
      std::set<std::string> spellings;
      CHECK(codes_named(text, &spellings) == col.codes());
      for (const auto& name : spellings)
        CHECK((name.rfind("WSA", 0) == 0) == (c == stack_column::windows_column));
      CHECK((col.codes() != 0u || col.accepted != nullptr || col.note != nullptr));
    }
    for (const char* sentence : {r.sequence_sentence, r.handle_sentence}) {
      std::set<std::string> spellings;
      const unsigned named = codes_named(sentence, &spellings);
      unsigned winsock = 0;
      for (unsigned code : {mcast::detail::rc_inval, mcast::detail::rc_addrinuse, mcast::detail::rc_addrnotavail})
        if ((named & code) != 0 && spellings.count(mcast::detail::code_name(code, stack_column::windows_column)) != 0)
          winsock |= code;
      INFO(sentence);
      CHECK((winsock & ~r.on_windows.codes()) == 0u);
    }
  }
}

#if defined(MCAST_SOURCE_DIR)
namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The README's table, generated from the rows.
std::string markdown_table() {
  std::ostringstream md;
  md << "| Rule | `mcast::errc` | Windows (Microsoft's table) | Linux (measured) | macOS, FreeBSD (kernel source) |\n";
  md << "|---|---|---|---|---|\n";
  for (const auto& r : mcast::detail::rule_rows) {
    using mcast::detail::column_text;
    using mcast::detail::stack_column;
    md << "| " << r.what << " | `" << mcast::detail::errc_name(r.code) << "` | "
       << column_text(r, stack_column::windows_column) << " | " << column_text(r, stack_column::linux_column) << " | "
       << column_text(r, stack_column::bsd_column) << " |\n";
  }
  return md.str();
}

} // namespace

TEST_CASE("the handles' deleted members carry the rule table's sentences", "[rules]") {
  std::string header;
  for (const char* h : {"any_source_membership.hpp", "source_membership.hpp", "filtered_membership.hpp"}) {
    const std::string text = slurp(std::string(MCAST_SOURCE_DIR) + "/include/mcast/" + h);
    REQUIRE(!text.empty());
    header += text;
  }
  std::set<std::string> table;
  for (const auto& r : mcast::detail::rule_rows)
    if (*r.handle_sentence)
      table.insert(r.handle_sentence);
  std::set<std::string> used;
  std::istringstream in(header);
  std::string line;
  int deleted = 0;
  while (std::getline(in, line)) {
    const auto at = line.find("= delete; // ");
    if (at == std::string::npos)
      continue;
    ++deleted;
    const std::string sentence = line.substr(at + 13);
    INFO(line);
    CHECK(sentence.rfind("mcast: ", 0) == 0);
    if (sentence.find("move-only") != std::string::npos)
      continue; // copying is not an ordering rule
    CHECK(table.count(sentence) == 1);
    used.insert(sentence);
  }
  CHECK(deleted > 10);
  for (const char* id : {"source_join_on_any", "block_on_source", "filtered_block", "filtered_include"})
    for (const auto& r : mcast::detail::rule_rows)
      if (std::string(r.name) == id) {
        INFO(id);
        CHECK(used.count(r.handle_sentence) == 1);
      }
}

TEST_CASE("the README's rule table is the rule table", "[rules]") {
  const std::string readme = slurp(std::string(MCAST_SOURCE_DIR) + "/README.md");
  const std::string begin = "<!-- rule-table:begin (generated from include/mcast/detail/rule_table.hpp; "
                            "tests/unit/rule_table_test.cpp checks it) -->\n";
  const std::string end = "<!-- rule-table:end -->";
  const auto b = readme.find(begin);
  const auto e = readme.find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  const std::string in_readme = readme.substr(b + begin.size(), e - b - begin.size());
  const std::string expected = markdown_table();
  if (in_readme != expected)
    std::printf("README rule table differs; it should read:\n%s", expected.c_str());
  CHECK(in_readme == expected);
}
#endif

// mcast-probe compares each cell of Microsoft's "Multicast Socket Option Behavior" table with
// exactly one code, detail::windows_cell_code: every row of the page, as the page writes it
// (the initial option is the call just before the refused one).
namespace cells {
using mcast::detail::operation;
using mcast::detail::rule;
using mcast::detail::windows_cell_code;
constexpr unsigned inval = mcast::detail::rc_inval, not_avail = mcast::detail::rc_addrnotavail;
static_assert(windows_cell_code(rule::join_twice, operation::join_any) == not_avail);            // ADD, ADD
static_assert(windows_cell_code(rule::source_join_on_any, operation::join_any) == not_avail);    // ADD, ADD_SOURCE
static_assert(windows_cell_code(rule::source_leave_on_any, operation::join_any) == inval);       // ADD, DROP_SOURCE
static_assert(windows_cell_code(rule::unblock_without_block, operation::join_any) == inval);     // ADD, UNBLOCK
static_assert(windows_cell_code(rule::not_joined, operation::leave_group) == inval);             // DROP, anything
static_assert(windows_cell_code(rule::any_join_on_source, operation::join_source) == not_avail); // ADD_SOURCE, ADD
static_assert(windows_cell_code(rule::source_twice, operation::join_source) == not_avail);       // ADD_SOURCE twice
static_assert(windows_cell_code(rule::block_on_source, operation::join_source) == inval);        // ADD_SOURCE, UNBLOCK
static_assert(windows_cell_code(rule::block_on_source, operation::leave_source) == inval);       // DROP_SOURCE, UNBLOCK
static_assert(windows_cell_code(rule::source_absent, operation::leave_source) == not_avail);     // DROP_SOURCE twice
static_assert(windows_cell_code(rule::source_twice, operation::block) == not_avail);             // BLOCK twice
static_assert(windows_cell_code(rule::source_join_on_any, operation::block) == inval);           // BLOCK, ADD_SOURCE
static_assert(windows_cell_code(rule::join_twice, operation::block) == inval);                   // BLOCK, ADD
static_assert(windows_cell_code(rule::unblock_without_block, operation::unblock) == not_avail);  // UNBLOCK twice
static_assert(windows_cell_code(rule::filter_not_joined, operation::other) ==
              mcast::detail::rc_none); // not on the page
} // namespace cells

TEST_CASE("the compile-time translation table is rule_answered for every operation, state and code", "[rules]") {
  using namespace mcast::detail;
  for (int op = 0; op <= static_cast<int>(operation::other); ++op)
    for (mstate st : {mstate::none, mstate::any, mstate::src})
      for (unsigned code : {unsigned(rc_none), unsigned(rc_inval), unsigned(rc_addrinuse), unsigned(rc_addrnotavail)}) {
        CAPTURE(op, static_cast<int>(st), code);
        CHECK(rule_answered_here(static_cast<operation>(op), code, st) ==
              rule_answered(static_cast<operation>(op), code, st, this_stack));
      }
}
