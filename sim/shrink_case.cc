#include "shrink_case.h"

#include <map>
#include <set>

#include "bytes.h"
#include "shrink_judge.h"

namespace mcspec::sim {
namespace {

using Kind = TraceStep::Kind;

constexpr char kHex[] = "0123456789abcdef";

// specs/README.md's bytes, inside a single-quoted YAML string (where a
// quote is doubled).
std::string QuoteBody(std::string_view bytes) {
  std::string out;
  for (const char c : conformance::EncodeEscapes(bytes, "$")) {
    if (c == '\'') out.push_back(c);
    out.push_back(c);
  }
  return out;
}

std::string Quote(std::string_view bytes) {
  return "'" + QuoteBody(bytes) + "'";
}

// Literal bytes in an ECMAScript regex: letters, digits and spaces as they
// are, \r and \n, anything else \xNN.
std::string RegexLiteral(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') {
      out.push_back(c);
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

// Where a gets reply shows `key`'s unique: its offset and length in `reply`
// (npos when it does not).
std::pair<size_t, size_t> UniqueIn(std::string_view reply, std::string_view key) {
  size_t pos = 0;
  while (reply.substr(pos).starts_with("VALUE ")) {
    const size_t eol = reply.find("\r\n", pos);
    if (eol == std::string_view::npos) break;
    const std::string_view line = reply.substr(pos, eol - pos);
    // VALUE <key> <flags> <bytes> <cas>
    const size_t cas = line.rfind(' ') + 1;
    const size_t length_begin = line.rfind(' ', cas - 2) + 1;
    const std::string length(line.substr(length_begin, cas - 1 - length_begin));
    if (line.substr(6, key.size() + 1) == std::string(key) + " ") {
      return {pos + cas, line.size() - cas};
    }
    pos = eol + 2 + std::stoull(length) + 2;
  }
  return {std::string_view::npos, 0};
}

// A cas's first piece, quoted, its unique (the command line's sixth word) as
// ${name}; empty when the piece does not hold the whole command line (the
// judge then sent the unique as written).
std::string WithPlaceholder(std::string_view sent, const std::string& name) {
  const size_t eol = sent.find("\r\n");
  if (eol == std::string_view::npos) return "";
  size_t begin = 0;
  for (int word = 0; word < 5; ++word) {
    begin = sent.find(' ', begin);
    if (begin >= eol) return "";
    ++begin;
  }
  const size_t end = std::min(sent.find(' ', begin), eol);
  return "'" + QuoteBody(sent.substr(0, begin)) + "${" + name + "}" + QuoteBody(sent.substr(end)) +
         "'";
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
  // Uniques captured from gets replies for the cas that send them:
  // (gets request, key) -> the capture's name.
  std::map<std::pair<size_t, std::string>, std::string> captures;
  std::map<size_t, std::string> cas_placeholder;  // cas request -> capture
  for (size_t r = 0; r < inputs.requests.size(); ++r) {
    const TraceRequest& request = inputs.requests[r];
    if (request.cas_source == TraceRequest::kNoSource) continue;
    const auto shown = judgement.uniques_shown.find(request.cas_source);
    const size_t key_begin = request.bytes.find(' ') + 1;
    const std::string key =
        request.bytes.substr(key_begin, request.bytes.find(' ', key_begin) - key_begin);
    if (shown == judgement.uniques_shown.end() || shown->second.count(key) == 0) continue;
    auto [it, fresh] = captures.try_emplace({request.cas_source, key},
                                            "unique" + std::to_string(captures.size() + 1));
    cas_placeholder[r] = it->second;
  }
  std::set<std::string> captured;                // captures written so far
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
      const std::string name = conn_name(step);
      steps += "      - conn: " + name + "\n";
      steps += std::string("        ") + (step.kind == Kind::kDatagram ? "datagram: " : "send: ");
      auto placeholder = cas_placeholder.find(step.request);
      std::string sent;
      if (placeholder != cas_placeholder.end() && captured.count(placeholder->second) != 0) {
        sent = WithPlaceholder(out.sent, placeholder->second);
      }
      steps += (sent.empty() ? Quote(out.sent) : sent) + "\n";
      // The uniques later cas send are captured from the reply's VALUE lines.
      std::string_view reply = out.bytes;
      for (const auto& [source, capture] : captures) {
        if (source.first != step.request) continue;
        const auto [at, length] = UniqueIn(reply, source.second);
        if (at == std::string_view::npos) continue;
        const size_t line_begin = reply.rfind("VALUE ", at);
        const size_t line_end = reply.find("\r\n", at) + 2;
        if (line_begin > 0) {
          steps += "        expect: " + Quote(reply.substr(0, line_begin)) +
                   "\n      - conn: " + name + "\n";
        }
        steps += "        expect_regex: '" +
                 RegexLiteral(reply.substr(line_begin, at - line_begin)) + "(?<" + capture +
                 ">\\d+)" + RegexLiteral(reply.substr(at + length, line_end - at - length)) + "'\n";
        reply.remove_prefix(line_end);
        captured.insert(capture);
        if (!reply.empty()) steps += "      - conn: " + name + "\n";
      }
      if (!reply.empty()) {
        steps += "        expect: " + Quote(reply) + "\n";
      } else if (out.bytes.empty()) {
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
