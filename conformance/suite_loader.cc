#include "suite_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>

#include "settings.h"

namespace mcspec::conformance {
namespace {

// The section titles of memcached 1.6.18's doc/protocol.txt, in its order,
// but the introduction ("Protocol").
constexpr std::string_view kProtocolSections[] = {
    "Keys",
    "Commands",
    "Meta Commands",
    "Expiration times",
    "Error strings",
    "Authentication",
    "Storage commands",
    "Retrieval command",
    "Deletion",
    "Increment/Decrement",
    "Touch",
    "Get And Touch",
    "Meta Debug",
    "Meta Get",
    "Meta Set",
    "Meta Delete",
    "Meta Arithmetic",
    "Meta No-Op",
    "Slabs Reassign",
    "Slabs Automove",
    "LRU Tuning",
    "LRU_Crawler",
    "Watchers",
    "Statistics",
    "General-purpose statistics",
    "Settings statistics",
    "Item statistics",
    "Item size statistics",
    "Slab statistics",
    "Connection statistics",
    "TLS statistics",
    "Other commands",
    "Security restrictions",
    "UDP protocol",
};

// Commands whose effect reaches beyond the case's own keys; a case that sends
// one needs the server to itself (`exclusive: true`).
constexpr std::string_view kServerWideCommands[] = {
    "flush_all",   "stats reset", "stats detail", "verbosity", "cache_memlimit", "lru ",
    "lru_crawler", "slabs",       "watch",        "shutdown",  "debugtime",
};

struct Capabilities {
  std::string_view name;
  Capability capability;
};
constexpr Capabilities kCapabilities[] = {
    {"clock-control", Capability::kClockControl},
    {"meta", Capability::kMeta},
    {"ext", Capability::kExt},
    {"udp", Capability::kUdp},
};

class Invalid {
 public:
  Invalid(int line, std::string reason) : line(line), reason(std::move(reason)) {}
  int line;
  std::string reason;
};

int LineOf(const YAML::Node& node) {
  return node.Mark().line + 1;
}

bool IsIdentifier(std::string_view text, bool allow_dash) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    (allow_dash && (c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

class FileLoader {
 public:
  FileLoader(const std::string& file, std::string_view text) : file_(file), text_(text) {
    stem_ = std::filesystem::path(file).stem().string();
  }

  void Load(LoadResult* result) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::ParserException& e) {
      result->errors.push_back({file_, e.mark.line + 1, "YAML: " + e.msg});
      return;
    }
    try {
      if (!root.IsMap()) throw Invalid(1, "a suite is a mapping with `cases` (and `defaults`)");
      CheckKeys(root, {"description", "defaults", "cases"});
      if (root["defaults"]) ReadDefaults(root["defaults"]);
      const YAML::Node cases = root["cases"];
      if (!cases || !cases.IsSequence() || cases.size() == 0) {
        throw Invalid(LineOf(root), "`cases` must be a non-empty list");
      }
      std::vector<TestCase> loaded;
      for (const YAML::Node& node : cases) loaded.push_back(ReadCase(node));
      for (TestCase& test : loaded) result->cases.push_back(std::move(test));
    } catch (const Invalid& e) {
      result->errors.push_back({file_, e.line, e.reason});
    }
  }

 private:
  struct Defaults {
    std::string spec;
    std::vector<std::string> tags;
    std::vector<Capability> requires_capabilities;
    std::optional<std::vector<std::string>> settings;
    bool exclusive = false;
    bool fresh = false;
  };

  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (const std::string_view name : allowed)
          list.append(list.empty() ? "" : ", ").append(name);
        throw Invalid(LineOf(entry.first), std::string("unknown key `")
                                               .append(key)
                                               .append("` (allowed: ")
                                               .append(list)
                                               .append(")"));
      }
      if (!seen.insert(key).second)
        throw Invalid(LineOf(entry.first), "duplicate key `" + key + "`");
    }
  }

  std::string Scalar(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) throw Invalid(LineOf(node), std::string(what) + " must be a scalar");
    return node.Scalar();
  }

  // Byte strings carry mcconform's escapes, so YAML must not read escapes
  // first: double-quoted scalars are refused.
  std::string ByteText(const YAML::Node& node, std::string_view what) {
    std::string text = Scalar(node, what);
    const size_t pos = node.Mark().pos;
    if (pos < text_.size() && text_[pos] == '"') {
      throw Invalid(LineOf(node), std::string(what) +
                                      ": write it plain or in single quotes; double quotes "
                                      "would make YAML decode the escapes mcconform decodes");
    }
    return text;
  }

  bool Bool(const YAML::Node& node, std::string_view what) {
    const std::string text = Scalar(node, what);
    if (text == "true") return true;
    if (text == "false") return false;
    throw Invalid(LineOf(node), std::string(what) + " must be true or false");
  }

  std::string Spec(const YAML::Node& node) {
    std::string spec = Scalar(node, "spec");
    for (const std::string_view section : kProtocolSections) {
      if (spec == section) return spec;
    }
    throw Invalid(LineOf(node), "spec `" + spec +
                                    "` is not a section title of memcached 1.6.18's protocol.txt "
                                    "(see specs/README.md)");
  }

  std::vector<std::string> Tags(const YAML::Node& node) {
    if (!node.IsSequence()) throw Invalid(LineOf(node), "tags must be a list");
    std::vector<std::string> tags;
    for (const YAML::Node& tag : node) {
      const std::string name = Scalar(tag, "a tag");
      if (!IsIdentifier(name, true)) {
        throw Invalid(LineOf(tag), "tag `" + name + "`: use a-z, 0-9, _, - and .");
      }
      tags.push_back(name);
    }
    return tags;
  }

  std::vector<Capability> Requires(const YAML::Node& node) {
    if (!node.IsSequence()) throw Invalid(LineOf(node), "requires must be a list");
    std::vector<Capability> capabilities;
    for (const YAML::Node& item : node) {
      const std::string name = Scalar(item, "a capability");
      const auto* found = std::find_if(std::begin(kCapabilities), std::end(kCapabilities),
                                       [&](const Capabilities& c) { return c.name == name; });
      if (found == std::end(kCapabilities)) {
        throw Invalid(LineOf(item),
                      "unknown capability `" + name + "` (known: clock-control, meta, ext, udp)");
      }
      capabilities.push_back(found->capability);
    }
    return capabilities;
  }

  std::vector<std::string> Settings(const YAML::Node& node) {
    std::istringstream words(Scalar(node, "settings"));
    std::vector<std::string> flags;
    for (std::string word; words >> word;) {
      // ${dir}: the suite file's directory, for files the flags name (-Y).
      for (size_t at = word.find("${dir}"); at != std::string::npos; at = word.find("${dir}")) {
        word.replace(at, 6, std::filesystem::absolute(file_).parent_path().string());
      }
      flags.push_back(word);
    }
    const ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
    if (!parsed.error.empty()) {
      std::string message = parsed.error;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      throw Invalid(LineOf(node), "settings refused: " + message);
    }
    return flags;
  }

  void ReadDefaults(const YAML::Node& node) {
    if (!node.IsMap()) throw Invalid(LineOf(node), "defaults must be a mapping");
    CheckKeys(node, {"spec", "tags", "requires", "settings", "exclusive", "fresh"});
    if (node["spec"]) defaults_.spec = Spec(node["spec"]);
    if (node["tags"]) defaults_.tags = Tags(node["tags"]);
    if (node["requires"]) defaults_.requires_capabilities = Requires(node["requires"]);
    if (node["settings"]) defaults_.settings = Settings(node["settings"]);
    if (node["exclusive"]) defaults_.exclusive = Bool(node["exclusive"], "exclusive");
    if (node["fresh"]) defaults_.fresh = Bool(node["fresh"], "fresh");
  }

  TestCase ReadCase(const YAML::Node& node) {
    if (!node.IsMap()) throw Invalid(LineOf(node), "a case must be a mapping");
    CheckKeys(node, {"id", "description", "spec", "tags", "requires", "settings", "exclusive",
                     "fresh", "steps"});
    TestCase test;
    test.file = file_;
    test.line = LineOf(node);
    if (!node["id"]) throw Invalid(test.line, "a case needs an `id`");
    const std::string id = Scalar(node["id"], "id");
    if (!IsIdentifier(id, true)) {
      throw Invalid(LineOf(node["id"]), "id `" + id + "`: use a-z, 0-9, _, - and .");
    }
    test.id = stem_ + "/" + id;
    if (!ids_.insert(id).second) throw Invalid(LineOf(node["id"]), "duplicate id `" + id + "`");
    test.spec = node["spec"] ? Spec(node["spec"]) : defaults_.spec;
    if (test.spec.empty()) throw Invalid(test.line, "case `" + id + "` needs a `spec`");
    test.tags = defaults_.tags;
    if (node["tags"]) {
      for (std::string& tag : Tags(node["tags"])) test.tags.push_back(std::move(tag));
    }
    std::sort(test.tags.begin(), test.tags.end());
    test.tags.erase(std::unique(test.tags.begin(), test.tags.end()), test.tags.end());
    test.requires_capabilities = defaults_.requires_capabilities;
    if (node["requires"]) {
      for (Capability c : Requires(node["requires"])) test.requires_capabilities.push_back(c);
    }
    std::sort(test.requires_capabilities.begin(), test.requires_capabilities.end());
    test.requires_capabilities.erase(
        std::unique(test.requires_capabilities.begin(), test.requires_capabilities.end()),
        test.requires_capabilities.end());
    test.settings = node["settings"] ? Settings(node["settings"]) : defaults_.settings;
    test.exclusive = node["exclusive"] ? Bool(node["exclusive"], "exclusive") : defaults_.exclusive;
    test.fresh = node["fresh"] ? Bool(node["fresh"], "fresh") : defaults_.fresh;
    if (node["description"]) Scalar(node["description"], "description");

    const YAML::Node steps = node["steps"];
    if (!steps || !steps.IsSequence() || steps.size() == 0) {
      throw Invalid(test.line, "case `" + id + "` needs a non-empty list of `steps`");
    }
    std::set<std::string, std::less<>> variables = {"ns"};
    std::set<std::string> snapshots;
    std::map<std::string, bool> datagram_conns;  // each conn's transport, set by its first step
    for (const YAML::Node& step_node : steps) {
      test.steps.push_back(ReadStep(step_node, test, &variables, &snapshots, &datagram_conns));
    }
    for (const auto& [conn, datagrams] : datagram_conns) {
      if (datagrams && !Requires(test, Capability::kUdp)) {
        test.requires_capabilities.push_back(Capability::kUdp);
        std::sort(test.requires_capabilities.begin(), test.requires_capabilities.end());
      }
    }
    return test;
  }

  void CheckVariables(const ByteTemplate& bytes, const std::set<std::string, std::less<>>& known,
                      int line) {
    for (const std::string& name : bytes.VariableNames()) {
      if (!known.contains(name)) {
        throw Invalid(line,
                      "${" + name + "} is neither ns nor captured by an earlier expect_regex");
      }
    }
  }

  ByteTemplate Bytes(const YAML::Node& node, std::string_view what,
                     const std::set<std::string, std::less<>>& variables, bool wildcard_ok) {
    ByteTemplate bytes;
    std::string error;
    if (!ByteTemplate::Parse(ByteText(node, what), &bytes, &error)) {
      throw Invalid(LineOf(node), std::string(what) + ": " + error);
    }
    CheckVariables(bytes, variables, LineOf(node));
    if (bytes.has_wildcard()) {
      if (!wildcard_ok) throw Invalid(LineOf(node), std::string(what) + " cannot hold ${_}");
      CheckWildcardsAreTokens(bytes, LineOf(node), what);
    }
    return bytes;
  }

  void CheckWildcardsAreTokens(const ByteTemplate& bytes, int line, std::string_view what) {
    const auto& pieces = bytes.pieces();
    auto is_separator = [](char c) { return c == ' ' || c == '\r' || c == '\n'; };
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (pieces[i].kind != ByteTemplate::Piece::Kind::kWildcard) continue;
      const bool before_ok = i == 0 || (pieces[i - 1].kind == ByteTemplate::Piece::Kind::kLiteral &&
                                        is_separator(pieces[i - 1].text.back()));
      const bool after_ok =
          i + 1 == pieces.size() || (pieces[i + 1].kind == ByteTemplate::Piece::Kind::kLiteral &&
                                     is_separator(pieces[i + 1].text.front()));
      if (!before_ok || !after_ok) {
        throw Invalid(
            line, std::string(what) + ": ${_} must be a whole token (between spaces or line ends)");
      }
    }
  }

  std::chrono::milliseconds Duration(const YAML::Node& node, std::string_view what) {
    const std::string text = Scalar(node, what);
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    const std::string unit = text.substr(digits);
    if (digits == 0 || digits > 6 || (unit != "ms" && unit != "s" && unit != "m")) {
      throw Invalid(LineOf(node), std::string(what) + " `" + text +
                                      "`: write a whole number with ms, s or m (50ms, 30s, 2m)");
    }
    const int64_t n = std::stoll(text.substr(0, digits));
    return std::chrono::milliseconds(unit == "ms" ? n : unit == "s" ? n * 1000 : n * 60000);
  }

  void CheckServerWide(const ByteTemplate& send, const TestCase& test, int line) {
    if (test.exclusive) return;
    std::string text;
    for (const auto& piece : send.pieces()) {
      if (piece.kind == ByteTemplate::Piece::Kind::kLiteral) text += piece.text;
    }
    std::istringstream lines(text);
    for (std::string request; std::getline(lines, request);) {
      for (const std::string_view command : kServerWideCommands) {
        if (request.starts_with(command)) {
          std::string reason(command);
          reason += " reaches beyond the case's keys: the case needs `exclusive: true`";
          throw Invalid(line, reason);
        }
      }
    }
  }

  bool Requires(const TestCase& test, Capability capability) {
    return std::find(test.requires_capabilities.begin(), test.requires_capabilities.end(),
                     capability) != test.requires_capabilities.end();
  }

  Step ReadStep(const YAML::Node& node, const TestCase& test,
                std::set<std::string, std::less<>>* variables, std::set<std::string>* snapshots,
                std::map<std::string, bool>* datagram_conns) {
    if (!node.IsMap()) throw Invalid(LineOf(node), "a step must be a mapping");
    CheckKeys(node,
              {"conn", "send", "datagram", "expect", "expect_any_of", "expect_regex",
               "expect_nothing_for", "expect_closed", "advance", "stats_snapshot", "stats_delta"});
    Step step;
    step.line = LineOf(node);
    if (node["conn"]) {
      step.conn = Scalar(node["conn"], "conn");
      if (!IsIdentifier(step.conn, false)) {
        throw Invalid(LineOf(node["conn"]), "conn `" + step.conn + "`: use a-z, 0-9 and _");
      }
    }
    if (node["send"] && node["datagram"]) {
      throw Invalid(LineOf(node["datagram"]), "a step has `send` or `datagram`, not both");
    }
    step.datagram = static_cast<bool>(node["datagram"]);
    const char* send_key = step.datagram ? "datagram" : "send";
    if (node[send_key]) {
      step.send = Bytes(node[send_key], send_key, *variables, false);
      CheckServerWide(*step.send, test, LineOf(node[send_key]));
    }
    // A connection is a UDP socket when its first step sends a datagram.
    const bool datagrams = datagram_conns->emplace(step.conn, step.datagram).first->second;
    if (step.send && datagrams != step.datagram) {
      throw Invalid(step.line,
                    "conn `" + step.conn + "` is " +
                        (datagrams ? "a UDP socket: use `datagram`, not `send`"
                                   : "a TCP connection: `datagram` needs a conn of its own"));
    }
    int actions = 0;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (key == "conn" || key == "send" || key == "datagram") continue;
      if (++actions > 1) {
        throw Invalid(LineOf(entry.first), "a step has at most one expectation or action");
      }
      const YAML::Node value = entry.second;
      if (key == "expect") {
        step.action = ExpectExact{{Bytes(value, "expect", *variables, true)}};
      } else if (key == "expect_any_of") {
        if (!value.IsSequence() || value.size() < 2) {
          throw Invalid(LineOf(value), "expect_any_of must list at least two outcomes");
        }
        ExpectExact any;
        for (const YAML::Node& item : value) {
          any.alternatives.push_back(Bytes(item, "expect_any_of", *variables, true));
        }
        step.action = std::move(any);
      } else if (key == "expect_regex") {
        ExpectRegex regex;
        std::string error;
        if (!RegexExpectation::Parse(ByteText(value, "expect_regex"), &regex.regex, &error)) {
          throw Invalid(LineOf(value), "expect_regex: " + error);
        }
        CheckVariables(regex.regex.pattern(), *variables, LineOf(value));
        for (const std::string& name : regex.regex.capture_names()) variables->insert(name);
        step.action = std::move(regex);
      } else if (key == "expect_nothing_for") {
        const auto duration = Duration(value, "expect_nothing_for");
        if (duration > std::chrono::seconds(10)) {
          throw Invalid(LineOf(value), "expect_nothing_for is at most 10s");
        }
        step.action = ExpectNothing{duration};
      } else if (key == "expect_closed") {
        if (!Bool(value, "expect_closed"))
          throw Invalid(LineOf(value), "expect_closed: write true");
        step.action = ExpectClosed{};
      } else if (key == "advance") {
        const auto duration = Duration(value, "advance");
        if (duration.count() % 1000 != 0 || duration.count() == 0) {
          throw Invalid(LineOf(value), "advance moves the clock by whole seconds (at least 1s)");
        }
        if (!Requires(test, Capability::kClockControl)) {
          throw Invalid(LineOf(value), "advance needs `requires: [clock-control]`");
        }
        step.action = Advance{duration.count() / 1000};
      } else if (key == "stats_snapshot") {
        const std::string name = Scalar(value, "stats_snapshot");
        if (!IsIdentifier(name, false))
          throw Invalid(LineOf(value), "stats_snapshot: a name of a-z, 0-9 and _");
        snapshots->insert(name);
        step.action = StatsSnapshot{name};
      } else if (key == "stats_delta") {
        step.action = ReadStatsDelta(value, test, *snapshots);
      }
    }
    if (!step.send && actions == 0) throw Invalid(step.line, "a step needs `send` or an action");
    const bool takes_send = std::holds_alternative<std::monostate>(step.action) ||
                            std::holds_alternative<ExpectExact>(step.action) ||
                            std::holds_alternative<ExpectRegex>(step.action) ||
                            std::holds_alternative<ExpectNothing>(step.action) ||
                            std::holds_alternative<ExpectClosed>(step.action);
    if (step.send && !takes_send) {
      throw Invalid(step.line, "advance, stats_snapshot and stats_delta are steps of their own");
    }
    const bool needs_stream = std::holds_alternative<ExpectClosed>(step.action) ||
                              std::holds_alternative<StatsSnapshot>(step.action) ||
                              std::holds_alternative<StatsDelta>(step.action);
    if (datagrams && needs_stream) {
      throw Invalid(step.line, "conn `" + step.conn +
                                   "` is a UDP socket: expect_closed, stats_snapshot and "
                                   "stats_delta need a TCP connection");
    }
    return step;
  }

  StatsDelta ReadStatsDelta(const YAML::Node& node, const TestCase& test,
                            const std::set<std::string>& snapshots) {
    if (!node.IsMap() || !node["since"]) {
      throw Invalid(LineOf(node), "stats_delta is a mapping: {since: SNAPSHOT, STAT: N, ...}");
    }
    if (!test.exclusive) {
      throw Invalid(LineOf(node),
                    "stats_delta reads server-wide counters: the case needs "
                    "`exclusive: true`");
    }
    StatsDelta delta;
    delta.since = Scalar(node["since"], "since");
    if (!snapshots.contains(delta.since)) {
      throw Invalid(LineOf(node["since"]), "no earlier stats_snapshot named `" + delta.since + "`");
    }
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar();
      if (name == "since") continue;
      const std::string value = Scalar(entry.second, name);
      try {
        size_t used = 0;
        const int64_t n = std::stoll(value, &used);
        if (used != value.size()) throw std::invalid_argument(value);
        delta.changes.emplace_back(name, n);
      } catch (const std::exception&) {
        throw Invalid(LineOf(entry.second), "stats_delta: `" + name + "` needs an integer");
      }
    }
    if (delta.changes.empty()) throw Invalid(LineOf(node), "stats_delta names no counter");
    return delta;
  }

  std::string file_;
  std::string_view text_;
  std::string stem_;
  Defaults defaults_;
  std::set<std::string> ids_;
};

}  // namespace

std::string LoadError::ToString() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
}

std::span<const std::string_view> ProtocolSections() {
  return kProtocolSections;
}

const char* CapabilityName(Capability capability) {
  for (const Capabilities& c : kCapabilities) {
    if (c.capability == capability) return c.name.data();
  }
  return "?";
}

void LoadSuiteText(const std::string& file, std::string_view text, LoadResult* result) {
  FileLoader(file, text).Load(result);
}

LoadResult LoadSuites(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  LoadResult result;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
          found.push_back(entry.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      result.errors.push_back({path, 0, "no such file or directory"});
    }
  }
  std::map<std::string, std::string> first_file;  // case id -> file:line
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const size_t before = result.cases.size();
    LoadSuiteText(file, text.str(), &result);
    for (size_t i = before; i < result.cases.size(); ++i) {
      const TestCase& test = result.cases[i];
      const std::string where = test.file + ":" + std::to_string(test.line);
      const auto [it, inserted] = first_file.emplace(test.id, where);
      if (!inserted) {
        result.errors.push_back(
            {test.file, test.line, "case id `" + test.id + "` is also at " + it->second});
      }
    }
  }
  return result;
}

}  // namespace mcspec::conformance
