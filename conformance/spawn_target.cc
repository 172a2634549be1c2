#include "spawn_target.h"

#include <chrono>
#include <thread>

#include "settings.h"
#include "testing/memcached_oracle.h"

namespace mcspec::conformance {
namespace {

constexpr std::chrono::seconds kStartTimeout(10);

}  // namespace

bool SplitCommandLine(const std::string& command, std::vector<std::string>* words) {
  words->clear();
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (const char c : command) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words->push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return false;
  if (in_word) words->push_back(std::move(word));
  return true;
}

std::unique_ptr<SpawnTarget> SpawnTarget::Create(const std::string& command,
                                                 std::vector<std::string> base_flags,
                                                 ClockMode clock, std::string* error) {
  std::vector<std::string> words;
  if (!SplitCommandLine(command, &words) || words.empty()) {
    *error = "--spawn needs a command line, not `" + command + "`";
    return nullptr;
  }
  bool has_port = false;
  for (const std::string& word : words) has_port |= word.find("{port}") != std::string::npos;
  if (!has_port) {
    *error = "the --spawn command must say where the port goes: {port}";
    return nullptr;
  }
  return std::unique_ptr<SpawnTarget>(
      new SpawnTarget(command, std::move(words), std::move(base_flags), clock));
}

std::string SpawnTarget::name() const {
  std::string name = "spawn `" + command_ + "`";
  for (const std::string& flag : base_flags_) name += " " + flag;
  return name;
}

bool SpawnTarget::EnsureServer(const std::vector<std::string>& flags, bool udp,
                               std::string* error) {
  if (process_ && process_->Running() && flags == running_flags_ && udp == running_udp_) {
    return true;
  }
  // The free port may be taken by someone else before the server binds it.
  constexpr int kAttempts = 3;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (Start(flags, udp, error)) return true;
  }
  return false;
}

bool SpawnTarget::Start(const std::vector<std::string>& flags, bool udp, std::string* error) {
  server_.reset();
  process_.reset();
  const std::string port = std::to_string(testing::FreeLoopbackPort());
  std::vector<std::string> argv;
  for (std::string word : words_) {
    for (size_t at = word.find("{port}"); at != std::string::npos; at = word.find("{port}")) {
      word.replace(at, 6, port);
    }
    argv.push_back(std::move(word));
  }
  argv.insert(argv.end(), flags.begin(), flags.end());
  if (udp) {
    argv.push_back("-U");
    argv.push_back(port);
  }
  process_ = std::make_unique<testing::ChildProcess>(argv, false);
  running_flags_ = flags;
  running_udp_ = udp;
  cases_served_ = 0;
  server_ = NetworkTarget::Create("127.0.0.1:" + port, clock_, error);
  // A server that requires authentication (-Y) is checked with the first
  // user of its file.
  const ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
  if (!parsed.settings.auth_entries.empty()) {
    server_->set_credentials(parsed.settings.auth_entries[0].first,
                             parsed.settings.auth_entries[0].second);
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (true) {
    std::string connect_error;
    if (server_->Connect(&connect_error)) {
      // Probes the new process, which AdvanceClock relies on (debugtime).
      server_->capabilities();
      return true;
    }
    if (!process_->Running()) {
      *error = "the spawned server exited: " + command_;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      *error = "the spawned server did not listen within 10 s: " + connect_error;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_.reset();
  process_.reset();
  return false;
}

TargetCapabilities SpawnTarget::capabilities() {
  if (!capabilities_) {
    std::string error;
    if (!server_ && !EnsureServer(base_flags_, false, &error)) return {};
    capabilities_ = server_->capabilities();
    capabilities_->udp = true;  // it starts a server with -U for the cases that need one
  }
  return *capabilities_;
}

bool SpawnTarget::BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) {
  if (needs.fresh && cases_served_ > 0) {  // a restart gives an empty server
    server_.reset();
    process_.reset();
  }
  if (!EnsureServer(needs.settings.value_or(base_flags_), needs.udp, error)) return false;
  cases_served_++;
  CaseNeeds on_running_server = needs;
  on_running_server.fresh = false;  // it is now
  return server_->BeginCase(on_running_server, skip_reason, error);
}

std::unique_ptr<Connection> SpawnTarget::Connect(std::string* error) {
  if (!server_) {
    *error = "no server is running";
    return nullptr;
  }
  return server_->Connect(error);
}

std::unique_ptr<Connection> SpawnTarget::ConnectDatagram(std::string* error) {
  if (!server_) {
    *error = "no server is running";
    return nullptr;
  }
  return server_->ConnectDatagram(error);
}

Target::ClockMove SpawnTarget::AdvanceClock(int64_t seconds, std::string* error) {
  if (!server_) {
    *error = "no server is running";
    return ClockMove::kFailed;
  }
  return server_->AdvanceClock(seconds, error);
}

}  // namespace mcspec::conformance
