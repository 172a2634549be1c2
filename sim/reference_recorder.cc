#include "reference_recorder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>
#include <tuple>

#include "text_words.h"

namespace mcspec::sim {
namespace {

bool IsStorage(const std::string& f) {
  return f == "set" || f == "add" || f == "replace" || f == "append" || f == "prepend" ||
         f == "cas";
}

std::string RequestBytes(const HistoryEvent& invoke) {
  std::string request = invoke.f + " " + invoke.key;
  if (IsStorage(invoke.f)) {
    const std::string& data = invoke.value.value_or("");
    request += " " + std::to_string(invoke.flags.value_or(0)) + " " +
               std::to_string(invoke.exptime.value_or(0)) + " " + std::to_string(data.size());
    if (invoke.f == "cas") request += " " + std::to_string(invoke.cas.value_or(0));
    return request + "\r\n" + data + "\r\n";
  }
  if (invoke.f == "incr" || invoke.f == "decr") {
    request += " " + std::to_string(invoke.delta.value_or(0));
  } else if (invoke.f == "touch") {
    request += " " + std::to_string(invoke.exptime.value_or(0));
  }
  return request + "\r\n";
}

// The words of a line, however many spaces apart.
std::vector<std::string_view> NonEmptyWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    const size_t end = std::min(line.find(' ', at), line.size());
    if (end > at) words.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// A get/gets reply: "END", or one VALUE block then "END".
bool ParseRetrieval(std::string_view reply, HistoryEvent* completion) {
  if (reply == "END\r\n") {
    completion->result = "MISS";
    return true;
  }
  const size_t line_end = reply.find("\r\n");
  if (line_end == std::string_view::npos) return false;
  const auto words = NonEmptyWords(reply.substr(0, line_end));
  uint32_t flags = 0;
  size_t bytes = 0;
  if (words.size() < 4 || words[0] != "VALUE" || !ParseNumber(words[2], &flags) ||
      !ParseNumber(words[3], &bytes)) {
    return false;
  }
  if (words.size() == 5) {
    uint64_t unique = 0;
    if (!ParseNumber(words[4], &unique)) return false;
    completion->cas = unique;
  }
  const size_t data_at = line_end + 2;
  if (reply.size() != data_at + bytes + 7 || reply.substr(data_at + bytes) != "\r\nEND\r\n") {
    return false;
  }
  completion->result = "HIT";
  completion->value = std::string(reply.substr(data_at, bytes));
  completion->flags = flags;
  return true;
}

bool ParseReply(const std::string& f, std::string_view reply, HistoryEvent* completion) {
  if (f == "get" || f == "gets") return ParseRetrieval(reply, completion);
  if (!reply.ends_with("\r\n")) return false;
  const std::string_view line = reply.substr(0, reply.size() - 2);
  if (f == "incr" || f == "decr") {
    if (line == "CLIENT_ERROR cannot increment or decrement non-numeric value") {
      completion->result = "NON_NUMERIC";
      return true;
    }
    uint64_t number = 0;
    if (ParseNumber(line, &number)) {
      completion->result = "NUMBER";
      completion->number = number;
      return true;
    }
  }
  static constexpr std::array<std::string_view, 6> kWords = {"STORED",    "NOT_STORED", "EXISTS",
                                                             "NOT_FOUND", "DELETED",    "TOUCHED"};
  if (std::find(kWords.begin(), kWords.end(), line) == kWords.end()) return false;
  completion->result = std::string(line);
  return true;
}

}  // namespace

ReferenceRecorder::ReferenceRecorder(const ref::Settings& settings) : server_(settings) {}

HistoryEvent ReferenceRecorder::Execute(const HistoryEvent& invoke) {
  auto& session = sessions_[invoke.process];
  if (!session) session = std::make_unique<ref::Session>(server_);
  std::string reply;
  session->Receive(RequestBytes(invoke), &reply);
  HistoryEvent completion;
  completion.type = EventType::kOk;
  completion.process = invoke.process;
  completion.f = invoke.f;
  completion.key = invoke.key;
  if (!ParseReply(invoke.f, reply, &completion)) {
    completion = HistoryEvent{};
    completion.type = EventType::kFail;
    completion.process = invoke.process;
    completion.f = invoke.f;
    completion.key = invoke.key;
    completion.error = reply;
  }
  return completion;
}

std::vector<HistoryEvent> Interleave(const std::vector<SequentialOperation>& operations,
                                     const RandomBelow& below) {
  // Operation i runs at moment kStep * (i + 1); a process's consecutive
  // operations a, b are split at a random moment between theirs: a completes
  // before it, b is invoked at or after it.
  constexpr int64_t kStep = 1000;
  constexpr int64_t kEdgeSpread = 8 * kStep;
  const size_t n = operations.size();
  std::vector<int64_t> invoke_time(n), complete_time(n);
  std::map<uint64_t, size_t> last_of_process;
  const auto moment = [&](size_t i) { return kStep * static_cast<int64_t>(i + 1); };
  const auto draw = [&](int64_t span) { return static_cast<int64_t>(below(span)); };
  for (size_t i = 0; i < n; ++i) {
    auto [it, first] = last_of_process.emplace(operations[i].invoke.process, i);
    if (first) {
      const int64_t earliest = std::max<int64_t>(0, moment(i) - kEdgeSpread);
      invoke_time[i] = earliest + draw(moment(i) - earliest + 1);
      continue;
    }
    const size_t previous = it->second;
    it->second = i;
    const int64_t split = moment(previous) + 1 + draw(moment(i) - moment(previous) - 1);
    complete_time[previous] = moment(previous) + draw(split - moment(previous));
    invoke_time[i] = split + draw(moment(i) - split + 1);
  }
  for (const auto& [process, last] : last_of_process) {
    complete_time[last] = moment(last) + draw(kEdgeSpread);
  }

  std::vector<std::tuple<int64_t, size_t, bool>> order;  // time, operation, is completion
  for (size_t i = 0; i < n; ++i) {
    order.emplace_back(invoke_time[i], i, false);
    order.emplace_back(complete_time[i], i, true);
  }
  std::sort(order.begin(), order.end());
  std::vector<HistoryEvent> events;
  events.reserve(order.size());
  for (const auto& [time, i, completion] : order) {
    HistoryEvent event = completion ? operations[i].completion : operations[i].invoke;
    event.time = time;
    events.push_back(std::move(event));
  }
  return events;
}

std::vector<SequentialOperation> RunWorkload(const Workload& workload, const RandomBelow& below) {
  struct Command {
    const char* f;
    uint32_t weight;
  };
  static constexpr std::array<Command, 12> kMix = {{{"get", 25},
                                                    {"gets", 15},
                                                    {"set", 12},
                                                    {"add", 5},
                                                    {"replace", 5},
                                                    {"append", 5},
                                                    {"prepend", 3},
                                                    {"cas", 10},
                                                    {"delete", 5},
                                                    {"incr", 6},
                                                    {"decr", 5},
                                                    {"touch", 4}}};
  static constexpr std::array<const char*, 12> kValues = {
      "0", "1", "9", "10", "99", "100", "18446744073709551615", " 7", "7 ", "", "abc", "x y"};
  uint32_t total_weight = 0;
  for (const Command& command : kMix) total_weight += command.weight;

  ReferenceRecorder recorder(ref::Settings{});
  struct Client {
    uint64_t process;
    std::map<std::string, uint64_t> seen_unique;  // by key, from its gets
  };
  std::vector<Client> clients;
  for (size_t c = 0; c < workload.clients; ++c) clients.push_back(Client{c, {}});
  uint64_t next_process = workload.clients;

  std::vector<SequentialOperation> run;
  run.reserve(workload.operations);
  for (size_t i = 0; i < workload.operations; ++i) {
    Client& client = clients[below(clients.size())];
    HistoryEvent invoke;
    invoke.type = EventType::kInvoke;
    invoke.process = client.process;
    invoke.key = "key:" + std::to_string(below(workload.keys));
    uint64_t pick = below(total_weight);
    for (const Command& command : kMix) {
      if (pick < command.weight) {
        invoke.f = command.f;
        break;
      }
      pick -= command.weight;
    }
    if (IsStorage(invoke.f)) {
      invoke.value = below(4) == 0 ? "v" + std::to_string(i) : kValues[below(kValues.size())];
      invoke.flags = below(3) == 0 ? static_cast<uint32_t>(below(1000)) : 0;
      const uint64_t expiry = below(20);
      invoke.exptime = expiry == 0 ? -1 : expiry == 1 ? 100 : 0;
    }
    if (invoke.f == "cas") {
      auto seen = client.seen_unique.find(invoke.key);
      invoke.cas = seen != client.seen_unique.end() && below(4) != 0 ? seen->second : below(50);
    }
    if (invoke.f == "incr" || invoke.f == "decr") {
      invoke.delta = below(10) == 0 ? ~uint64_t{0} - below(3) : below(120);
    }
    if (invoke.f == "touch") invoke.exptime = below(4) == 0 ? 100 : 0;

    HistoryEvent completion;
    if (below(1000) < workload.fail_per_mille) {
      completion.type = EventType::kFail;
      completion.process = invoke.process;
      completion.f = invoke.f;
      completion.key = invoke.key;
      completion.error = "refused before sending";
    } else {
      completion = recorder.Execute(invoke);
      if (completion.cas) client.seen_unique[invoke.key] = *completion.cas;
      if (below(1000) < workload.info_per_mille) {
        completion = HistoryEvent{};
        completion.type = EventType::kInfo;
        completion.process = invoke.process;
        completion.f = invoke.f;
        completion.key = invoke.key;
        completion.error = "connection lost";
        client.process = next_process++;
        client.seen_unique.clear();
      }
    }
    run.push_back(SequentialOperation{std::move(invoke), std::move(completion)});
  }
  return run;
}

}  // namespace mcspec::sim
