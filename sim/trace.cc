#include "trace.h"

#include <charconv>
#include <map>
#include <memory>

#include "bytes.h"
#include "server.h"
#include "session.h"
#include "settings.h"
#include "text_words.h"
#include "udp_connection.h"

namespace mcspec::sim {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    std::string_view word = Word(&text);
    if (!word.empty()) words.emplace_back(word);
  }
  return words;
}

}  // namespace

bool UnescapeBytes(std::string_view text, std::string* bytes) {
  bytes->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      bytes->push_back(text[i]);
      continue;
    }
    if (++i >= text.size()) return false;
    switch (text[i]) {
      case '\\':
        bytes->push_back('\\');
        break;
      case 'r':
        bytes->push_back('\r');
        break;
      case 'n':
        bytes->push_back('\n');
        break;
      case 't':
        bytes->push_back('\t');
        break;
      case 'x': {
        if (i + 2 >= text.size()) return false;
        const int hi = HexDigit(text[i + 1]);
        const int lo = HexDigit(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        bytes->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

void TraceWriter::Header(std::string_view command, const std::vector<std::string>& flags,
                         const std::vector<std::string>& bugs) {
  out_ << "mcsim-trace 1\ncommand " << command << "\nflags";
  for (const std::string& flag : flags) out_ << ' ' << flag;
  out_ << '\n';
  for (const std::string& bug : bugs) out_ << "bug " << bug << '\n';
}

void TraceWriter::Open(int64_t time, uint32_t conn) {
  out_ << time << " open " << conn << '\n';
}

void TraceWriter::Output(uint32_t conn, std::string_view output) {
  if (!output.empty())
    out_ << "- out " << conn << ' ' << conformance::EncodeEscapes(output) << '\n';
}

void TraceWriter::In(int64_t time, uint32_t conn, std::string_view bytes, std::string_view output) {
  out_ << time << " in " << conn << ' ' << conformance::EncodeEscapes(bytes) << '\n';
  Output(conn, output);
}

void TraceWriter::Poll(int64_t time, uint32_t conn, std::string_view output) {
  out_ << time << " poll " << conn << '\n';
  Output(conn, output);
}

void TraceWriter::Clock(int64_t time, int64_t seconds) {
  out_ << time << " clock " << seconds << '\n';
}

void TraceWriter::Close(int64_t time, uint32_t conn) {
  out_ << time << " close " << conn << '\n';
}

void TraceWriter::RequestEnd(int64_t time, uint32_t conn, uint64_t id, bool header) {
  out_ << time << (header ? " header " : " request ") << conn << ' ' << id << '\n';
}

void TraceWriter::OpenUdp(int64_t time, uint32_t conn) {
  out_ << time << " udp-open " << conn << '\n';
}

void TraceWriter::Datagram(int64_t time, uint32_t conn, std::string_view peer,
                           std::string_view bytes, const std::vector<std::string>& replies) {
  out_ << time << " udp " << conn << ' ' << peer << ' ' << conformance::EncodeEscapes(bytes)
       << '\n';
  Output(conn, JoinDatagrams(replies));
}

std::string JoinDatagrams(const std::vector<std::string>& datagrams) {
  std::string joined;
  for (const std::string& datagram : datagrams) {
    joined += std::to_string(datagram.size());
    joined += ':';
    joined += datagram;
  }
  return joined;
}

ReplayResult Replay(std::istream& in) {
  ReplayResult result;
  std::string line;
  uint64_t line_number = 0;
  auto fail = [&](const std::string& why) {
    result.error = "line " + std::to_string(line_number) + ": " + why;
    return result;
  };
  std::vector<std::string> flags;
  std::vector<std::string> bugs;
  // The header, up to the first timed record.
  std::streampos records_start = in.tellg();
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view rest = line;
    const std::string_view word = Word(&rest);
    if (line_number == 1) {
      if (line != "mcsim-trace 1") return fail("not an mcsim trace (version 1)");
    } else if (word == "command") {
      result.command = rest;
    } else if (word == "flags") {
      flags = SplitWords(rest);
    } else if (word == "bug") {
      bugs.emplace_back(rest);
    } else {
      --line_number;
      break;
    }
    records_start = in.tellg();
  }
  in.clear();
  in.seekg(records_start);

  ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
  if (!parsed.error.empty()) return fail("server flags: " + parsed.error);
  for (const std::string& bug : bugs) {
    if (!parsed.settings.injected_bugs.Enable(bug)) return fail("unknown injected bug " + bug);
  }
  ref::Server server(parsed.settings);
  std::map<uint32_t, std::unique_ptr<ref::Session>> sessions;
  std::map<uint32_t, std::unique_ptr<ref::UdpConnection>> udp_sockets;
  std::vector<std::string> replies;
  std::string output;
  std::string bytes;
  bool expect_output = false;  // `output` waits to be compared with an `out` record
  uint32_t output_conn = 0;
  auto compare_pending = [&](const std::string* recorded) -> bool {
    if (!expect_output) return true;
    expect_output = false;
    const std::string_view expected = recorded == nullptr ? std::string_view() : *recorded;
    if (output == expected) return true;
    result.error = "line " + std::to_string(line_number) + ": connection " +
                   std::to_string(output_conn) + " sent [" +
                   conformance::EncodeEscapes(output).substr(0, 300) + "] where the trace has [" +
                   conformance::EncodeEscapes(expected).substr(0, 300) + "]";
    return false;
  };
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view rest = line;
    const std::string_view time = Word(&rest);
    const std::string_view kind = Word(&rest);
    if (time == "-" && kind == "out") {
      uint32_t conn = 0;
      if (!ParseNumber(Word(&rest), &conn)) return fail("bad connection number");
      if (!UnescapeBytes(rest, &bytes)) return fail("bad escape");
      if (!expect_output || conn != output_conn) return fail("output with no input before it");
      if (!compare_pending(&bytes)) return result;
      continue;
    }
    if (!compare_pending(nullptr)) return result;
    int64_t at = 0;
    if (!ParseNumber(time, &at)) return fail("bad time");
    if (kind == "request" || kind == "header") continue;
    if (kind == "clock") {
      int64_t seconds = 0;
      if (!ParseNumber(rest, &seconds)) return fail("bad clock jump");
      server.AdvanceClock(seconds);
      continue;
    }
    uint32_t conn = 0;
    if (!ParseNumber(Word(&rest), &conn)) return fail("bad connection number");
    if (kind == "open") {
      sessions[conn] = std::make_unique<ref::Session>(server);
      continue;
    }
    if (kind == "udp-open") {
      udp_sockets[conn] = std::make_unique<ref::UdpConnection>(server, 0, "udp:127.0.0.1:11211");
      continue;
    }
    if (kind == "udp") {
      auto udp = udp_sockets.find(conn);
      if (udp == udp_sockets.end()) return fail("no UDP socket " + std::to_string(conn));
      const std::string peer(Word(&rest));
      if (!UnescapeBytes(rest, &bytes)) return fail("bad escape");
      replies.clear();
      udp->second->Receive(bytes, peer, &replies);
      output = JoinDatagrams(replies);
      result.inputs++;
      result.bytes_out += output.size();
      expect_output = true;
      output_conn = conn;
      continue;
    }
    auto it = sessions.find(conn);
    if (it == sessions.end()) return fail("connection " + std::to_string(conn) + " is not open");
    if (kind == "close") {
      sessions.erase(it);
      continue;
    }
    output.clear();
    if (kind == "in") {
      if (!UnescapeBytes(rest, &bytes)) return fail("bad escape");
      it->second->Receive(bytes, &output);
    } else if (kind == "poll") {
      it->second->Poll(&output);
    } else {
      return fail("unknown record " + std::string(kind));
    }
    result.inputs++;
    result.bytes_out += output.size();
    expect_output = true;
    output_conn = conn;
  }
  if (!compare_pending(nullptr)) return result;
  result.identical = true;
  return result;
}

}  // namespace mcspec::sim
