// The documents' relative links resolve: every [text](path) names a file of the repository, and
// every [text](#anchor) / [text](file.md#anchor) a heading of that file.
#include "catch.hpp"

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#if defined(MCAST_SOURCE_DIR)
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces to '-'.
std::string anchor_of(const std::string& heading) {
  std::string out;
  for (char c : heading) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_')
      out += static_cast<char>(std::tolower(u));
    else if (c == ' ')
      out += '-';
  }
  return out;
}

std::set<std::string> anchors_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  bool fence = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0)
      fence = !fence;
    if (fence || line.empty() || line[0] != '#')
      continue;
    const auto start = line.find_first_not_of('#');
    if (start == std::string::npos || line[start] != ' ')
      continue;
    out.insert(anchor_of(line.substr(start + 1)));
  }
  return out;
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

} // namespace

TEST_CASE("the README's and the contributor documents' relative links resolve", "[docs]") {
  const std::string root = std::string(MCAST_SOURCE_DIR) + "/";
  int checked = 0;
  for (const std::string doc : {"README.md", ".github/CONTRIBUTING.md", ".github/SECURITY.md", "examples/README.md"}) {
    const std::string text = read_text(root + doc);
    REQUIRE(!text.empty());
    const std::regex link(R"(\]\(([^)\s]+)\))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 || target.rfind("mailto:", 0) == 0)
        continue;
      INFO(doc << ": " << target);
      const auto hash = target.find('#');
      const std::string file = target.substr(0, hash);
      const std::string path = file.empty() ? root + doc : root + dir_of(doc) + file;
      CHECK(std::ifstream(path).good());
      if (hash != std::string::npos) {
        const std::string anchor = target.substr(hash + 1);
        CHECK(anchors_of(read_text(path)).count(anchor) == 1);
      }
      ++checked;
    }
  }
  CHECK(checked > 15);
}
#endif
