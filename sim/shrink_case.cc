#include "shrink_case.h"

#include <map>

#include "shrink_judge.h"

namespace mcspec::sim {
namespace {

using Kind = TraceStep::Kind;

// specs/README.md's bytes, in a single-quoted YAML string.
std::string Quote(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '$':
        out += "\\$";
        break;
      case '\'':
        out += "''";
        break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          out += "\\x";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "'";
}

// A watcher line as a regex: the eviction's key literal, its timestamp,
// sequence number and ages left open (a real server's differ).
std::string WatchLineRegex(std::string_view line) {
  constexpr std::string_view kEviction = " type=eviction key=";
  const size_t type = line.find(kEviction);
  std::string regex = "ts=\\S+ gid=\\d+ type=eviction key=";
  if (type == std::string_view::npos) return "";
  const size_t begin = type + kEviction.size();
  const size_t end = line.find(' ', begin);
  for (const char c : line.substr(begin, end - begin)) {
    if (std::string_view("\\^$.|?*+()[]{}/'").find(c) != std::string_view::npos) regex += '\\';
    regex.push_back(c);
  }
  return regex + (end == std::string_view::npos ? "\\n" : " .*\\n");
}

std::string YamlText(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'')
      out += "''";
    else if (c == '\n')
      out += ' ';
    else
      out.push_back(c);
  }
  return out + "'";
}

}  // namespace

std::string SpecSectionFor(const std::string& signature) {
  const std::string command = signature.substr(0, signature.find(' '));
  static const std::map<std::string, std::string> kSections = {
      {"get", "Retrieval command"},    {"gets", "Retrieval command"},
      {"set", "Storage commands"},     {"add", "Storage commands"},
      {"replace", "Storage commands"}, {"append", "Storage commands"},
      {"prepend", "Storage commands"}, {"cas", "Storage commands"},
      {"delete", "Deletion"},          {"incr", "Increment/Decrement"},
      {"decr", "Increment/Decrement"}, {"touch", "Touch"},
      {"flush_all", "Other commands"}, {"eviction", "Watchers"}};
  auto it = kSections.find(command);
  return it == kSections.end() ? "Commands" : it->second;
}

bool WriteConformanceCase(const TraceInputs& inputs, const CaseInfo& info, std::string* yaml,
                          std::string* error) {
  const Judgement judgement = JudgeInputs(inputs, false);
  if (judgement.failed) {
    *error = "the shrunk inputs fail without the injected bugs: " + judgement.failure;
    return false;
  }
  std::map<std::string, std::string> udp_names;  // peer -> u<N>
  auto conn_name = [&](const TraceStep& step) {
    if (step.kind != Kind::kDatagram) return "c" + std::to_string(step.conn);
    const std::string& peer = inputs.requests[step.request].peer;
    auto [it, fresh] = udp_names.try_emplace(peer, "u" + std::to_string(udp_names.size() + 1));
    return it->second;
  };
  std::string steps;
  bool advances = false;
  for (size_t i = 0; i < inputs.steps.size(); ++i) {
    const TraceStep& step = inputs.steps[i];
    const StepOutput& out = judgement.outputs[i];
    if (step.kind == Kind::kClock) {
      steps += "      - advance: " + std::to_string(step.seconds) + "s\n";
      advances = true;
    } else if (step.kind == Kind::kPiece || step.kind == Kind::kDatagram) {
      const TraceRequest& request = inputs.requests[step.request];
      size_t offset = 0;
      for (size_t j = 0; j < i; ++j) {
        const TraceStep& before = inputs.steps[j];
        if (before.kind == Kind::kPiece && before.request == step.request) offset += before.size;
      }
      const std::string name = conn_name(step);
      steps += "      - conn: " + name + "\n";
      steps += std::string("        ") + (step.kind == Kind::kDatagram ? "datagram: " : "send: ") +
               Quote(std::string_view(request.bytes).substr(offset, step.size)) + "\n";
      if (!out.bytes.empty()) {
        steps += "        expect: " + Quote(out.bytes) + "\n";
      } else {
        // Nothing to wait for: give a real server time to read it before
        // another connection's bytes.
        for (size_t j = i + 1; j < inputs.steps.size(); ++j) {
          const TraceStep& next = inputs.steps[j];
          if (next.kind != Kind::kPiece && next.kind != Kind::kDatagram) continue;
          if (conn_name(next) != name) steps += "        expect_nothing_for: 20ms\n";
          break;
        }
      }
    } else {
      continue;
    }
    for (const auto& [conn, bytes] : out.watched) {
      size_t pos = 0;
      for (size_t eol; (eol = bytes.find('\n', pos)) != std::string::npos; pos = eol + 1) {
        const std::string regex = WatchLineRegex(std::string_view(bytes).substr(pos, eol - pos));
        if (regex.empty()) {
          *error = "a watcher line that is not an eviction: " + bytes.substr(pos, eol - pos);
          return false;
        }
        steps +=
            "      - conn: c" + std::to_string(conn) + "\n        expect_regex: '" + regex + "'\n";
      }
    }
  }
  std::string flags;
  for (const std::string& flag : inputs.flags) flags += (flags.empty() ? "" : " ") + flag;
  *yaml = "description: " + YamlText("Shrunk by mcsim shrink. " + info.description) + "\n";
  *yaml += "cases:\n  - id: " + info.id + "\n";
  *yaml += "    description: " + YamlText(info.description) + "\n";
  *yaml += "    spec: " + info.spec + "\n";
  *yaml += "    tags: [mcsim, shrunk]\n";
  *yaml += "    settings: " + YamlText(flags) + "\n";
  if (advances) *yaml += "    requires: [clock-control]\n";
  *yaml += "    exclusive: true\n    fresh: true\n    steps:\n" + steps;
  return true;
}

}  // namespace mcspec::sim
