#include "check_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "history.h"
#include "history_html.h"
#include "linearizability.h"

namespace mcspec::sim {
namespace {

constexpr std::string_view kUsage =
    "usage: mcsim check FILE [--html OUT] [--evictions|--no-evictions] [--budget N]\n"
    "                  [--no-connection-order]\n"
    "  FILE             a history: JSON lines of invoke/ok/fail/info events\n"
    "  --html OUT       on failure, also draw the failing keys as a page in OUT\n"
    "  --evictions      any item may vanish at any time (a server that evicts)\n"
    "  --no-evictions   only items written with an exptime may vanish (default)\n"
    "  --budget N       search steps allowed per key, 0 for no bound (default 5000000)\n"
    "  --no-connection-order\n"
    "                   requests pipelined on one connection may take effect in any\n"
    "                   order (by default, where the history records connections,\n"
    "                   they take effect in the order sent, as memcached runs them)\n"
    "exit status: 0 linearizable, 1 not linearizable, 2 bad usage or input, 3 unknown\n";

constexpr size_t kFailuresPrinted = 5;

struct Arguments {
  std::string file;
  std::optional<std::string> html;
  CheckOptions options;
};

bool ParseArguments(const std::vector<std::string>& args, Arguments* parsed, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto value = [&](const char* name) -> const std::string* {
      if (i + 1 >= args.size()) {
        *error = std::string(name) + " needs a value";
        return nullptr;
      }
      return &args[++i];
    };
    if (arg == "--html") {
      const std::string* out = value("--html");
      if (out == nullptr) return false;
      parsed->html = *out;
    } else if (arg == "--evictions") {
      parsed->options.model.evictions = true;
    } else if (arg == "--no-evictions") {
      parsed->options.model.evictions = false;
    } else if (arg == "--no-connection-order") {
      parsed->options.connection_order = false;
    } else if (arg == "--budget") {
      const std::string* text = value("--budget");
      if (text == nullptr) return false;
      const auto [end, ec] =
          std::from_chars(text->data(), text->data() + text->size(), parsed->options.step_budget);
      if (ec != std::errc() || end != text->data() + text->size()) {
        *error = "--budget wants a number of steps, not \"" + *text + "\"";
        return false;
      }
    } else if (arg.starts_with("--")) {
      *error = "unknown option " + arg;
      return false;
    } else if (!parsed->file.empty()) {
      *error = "one history file at a time";
      return false;
    } else {
      parsed->file = arg;
    }
  }
  if (parsed->file.empty()) {
    *error = "no history file given";
    return false;
  }
  return true;
}

std::string Milliseconds(std::chrono::steady_clock::duration duration) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f ms",
                std::chrono::duration<double, std::milli>(duration).count());
  return text;
}

// Operations that name no single key, before the per-key search. `bad` (a
// malformed request, which never takes effect) is taken out. What a
// flush_all did is in the history's `flush` operations when the recorder
// knew it (mcsim's simulated runs): the requests are then taken out too.
// Otherwise a flush_all without a delay hides every item at a point between
// its invoke and its completion, and becomes such a `flush` itself; one with
// a delay acts when the server's clock gets there, which the history does
// not pin down, so it is allowed for, like a store refused for memory
// (memcached then unlinks the old value), by letting any item vanish at any
// time, as evictions do. `file_event[i]` gets the number in the file of kept
// event i.
bool TakeOutServerWide(std::vector<HistoryEvent>* events, CheckOptions* options,
                       std::vector<std::string>* notes, std::vector<size_t>* file_event,
                       std::string* error) {
  const std::string_view flush = OpName(OpKind::kFlush);
  const std::string_view flush_all = OpName(OpKind::kFlushAll);
  const bool flushes_recorded = std::any_of(events->begin(), events->end(),
                                            [&](const HistoryEvent& e) { return e.f == flush; });
  // Kept events move down in place (no second copy of a large history).
  size_t kept = 0;
  file_event->clear();
  bool delayed_flush = false;
  bool refused_for_memory = false;
  std::set<uint64_t> flushing_now;  // processes whose flush_all became a flush
  for (size_t i = 0; i < events->size(); ++i) {
    HistoryEvent& event = (*events)[i];
    if (event.f == "bad") {
      if (event.type == EventType::kOk) {
        *error = "event " + std::to_string(i + 1) + ": a bad request completed ok";
        return false;
      }
      continue;
    }
    if (event.f == flush_all) {
      if (flushes_recorded) continue;
      if (event.type == EventType::kInvoke) {
        if (event.exptime.value_or(0) > 0) {
          delayed_flush = true;
          continue;
        }
        flushing_now.insert(event.process);
      } else if (flushing_now.erase(event.process) == 0) {
        continue;  // a delayed flush_all's completion
      }
      event.f = flush;
      event.exptime.reset();
      if (event.type == EventType::kOk) event.result = "FLUSHED";
    }
    if (event.type == EventType::kFail && event.error.starts_with("SERVER_ERROR out of memory")) {
      refused_for_memory = true;
    }
    if (kept != i) (*events)[kept] = std::move(event);
    ++kept;
    file_event->push_back(i + 1);
  }
  events->resize(kept);
  if ((delayed_flush || refused_for_memory) && !options->model.evictions) {
    options->model.evictions = true;
    notes->push_back(delayed_flush ? "flush_all with a delay in the history, and not when it took "
                                     "effect: any item may vanish"
                                   : "stores refused for memory: any item may vanish");
  }
  return true;
}

// Every key's operations get the flushes (which name no key) that can
// matter to them: those between the key's first invoke and its last
// completion, and the last one before, if it began a second of hidden
// stores. Operations stay in invoke order.
void GiveFlushesToKeys(std::vector<HistoryOperation>* operations) {
  std::vector<HistoryOperation> flushes;
  std::map<std::string, std::pair<size_t, size_t>> spans;  // first invoke, last event
  size_t kept = 0;
  for (size_t i = 0; i < operations->size(); ++i) {
    HistoryOperation& op = (*operations)[i];
    if (op.operation.command == OpKind::kFlush) {
      flushes.push_back(std::move(op));
      continue;
    }
    // Never completed or of unknown outcome: it may take effect any time.
    const bool open = op.complete_event == 0 || (op.completion == EventType::kInfo && !op.settled);
    const size_t last = open ? ~size_t{0} : op.complete_event;
    auto [span, fresh] = spans.try_emplace(op.key, op.invoke_event, last);
    if (!fresh) span->second.second = std::max(span->second.second, last);
    if (kept != i) (*operations)[kept] = std::move(op);
    ++kept;
  }
  operations->resize(kept);
  if (flushes.empty()) return;
  for (const auto& [key, span] : spans) {
    const size_t first = span.first;
    const size_t last = span.second;
    // Flushes are in invoke order; the first one invoked after the key's first invoke.
    auto from =
        std::partition_point(flushes.begin(), flushes.end(),
                             [first](const HistoryOperation& f) { return f.invoke_event < first; });
    if (from != flushes.begin() && std::prev(from)->operation.outcome == KeyOutcome::kFlushing) {
      --from;
    }
    for (auto it = from; it != flushes.end() && it->invoke_event < last; ++it) {
      operations->push_back(*it);
      operations->back().key = key;
    }
  }
  std::stable_sort(operations->begin(), operations->end(),
                   [](const HistoryOperation& a, const HistoryOperation& b) {
                     return a.invoke_event < b.invoke_event;
                   });
}

// Server-wide operations out, invokes paired with completions, numbered as
// in the file, flushes given to the keys.
bool PrepareOperations(std::vector<HistoryEvent>* events, CheckOptions* options,
                       std::vector<std::string>* notes, std::vector<HistoryOperation>* operations,
                       std::string* error) {
  std::vector<size_t> file_event;
  if (!TakeOutServerWide(events, options, notes, &file_event, error) ||
      !CollectOperations(*events, operations, error)) {
    return false;
  }
  for (HistoryOperation& op : *operations) {
    op.invoke_event = file_event[op.invoke_event - 1];
    if (op.complete_event != 0) op.complete_event = file_event[op.complete_event - 1];
  }
  GiveFlushesToKeys(operations);
  return true;
}

std::string Explain(const CheckResult& result) {
  std::string text;
  for (size_t i = 0; i < result.failures.size() && i < kFailuresPrinted; ++i) {
    text += "\n" + result.failures[i].explanation;
  }
  if (result.failures.size() > kFailuresPrinted) {
    text += "\n(" + std::to_string(result.failures.size() - kFailuresPrinted) +
            " more key(s) not shown)\n";
  }
  return text;
}

}  // namespace

int CheckRecordedHistory(const std::string& history, std::string* summary, std::string* details) {
  const auto started = std::chrono::steady_clock::now();
  std::istringstream in(history);
  HistoryReadResult read = ReadHistory(in);
  CheckOptions options;
  std::vector<std::string> notes;
  std::vector<HistoryOperation> operations;
  std::string error;
  if (!read.error.empty() ||
      !PrepareOperations(&read.events, &options, &notes, &operations, &error)) {
    *summary = "bad history: " + (read.error.empty() ? error : read.error);
    details->clear();
    return 2;
  }
  const CheckResult result = CheckOperations(operations, options);
  const std::string figures = std::to_string(operations.size()) + " operations, " +
                              std::to_string(result.steps) + " search steps, " +
                              Milliseconds(std::chrono::steady_clock::now() - started);
  details->clear();
  for (const std::string& note : notes) *details += "note: " + note + "\n";
  switch (result.verdict) {
    case Verdict::kLinearizable:
      *summary = "linearizable: " + figures;
      return 0;
    case Verdict::kUnknown:
      *summary = "UNKNOWN: " + figures + "; the step budget ran out on " +
                 std::to_string(result.unknown.size()) + " key(s), first " +
                 QuoteBytes(result.unknown.front(), 250);
      return 3;
    case Verdict::kNotLinearizable:
      break;
  }
  *summary = "NOT linearizable: " + figures + "; " + std::to_string(result.failures.size()) +
             " key(s) have no linearization";
  *details += Explain(result);
  return 1;
}

int RunCheckCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Arguments arguments;
  std::string error;
  if (!ParseArguments(args, &arguments, &error)) {
    err << "mcsim check: " << error << "\n" << kUsage;
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  std::ifstream in(arguments.file, std::ios::binary);
  if (!in) {
    err << "mcsim check: cannot open " << arguments.file << "\n";
    return 2;
  }
  HistoryReadResult read = ReadHistory(in);
  if (!read.error.empty()) {
    err << "mcsim check: " << arguments.file << ": " << read.error << "\n";
    return 2;
  }
  const size_t events_read = read.events.size();
  std::vector<std::string> notes;
  std::vector<HistoryOperation> operations;
  if (!PrepareOperations(&read.events, &arguments.options, &notes, &operations, &error)) {
    err << "mcsim check: " << arguments.file << ": " << error << "\n";
    return 2;
  }
  const auto collected = std::chrono::steady_clock::now();
  const CheckResult result = CheckOperations(operations, arguments.options);
  const auto checked = std::chrono::steady_clock::now();

  size_t completed[4] = {};
  std::set<uint64_t> processes;
  for (const HistoryOperation& op : operations) {
    ++completed[static_cast<int>(op.completion)];
    processes.insert(op.process);
  }
  out << "history: " << arguments.file << "\n";
  out << "events: " << events_read << ", operations: " << operations.size() << " (ok "
      << completed[static_cast<int>(EventType::kOk)] << ", fail "
      << completed[static_cast<int>(EventType::kFail)] << ", info or pending "
      << completed[static_cast<int>(EventType::kInfo)] << "), keys: " << result.keys
      << ", processes: " << processes.size() << "\n";
  out << "model: " << (arguments.options.model.evictions ? "evictions allowed" : "no evictions")
      << ", step budget per key: " << arguments.options.step_budget
      << (arguments.options.connection_order ? "" : ", connections unordered") << "\n";
  for (const std::string& note : notes) out << "note: " << note << "\n";
  out << "search steps: " << result.steps << ", time: read " << Milliseconds(collected - started)
      << ", check " << Milliseconds(checked - collected) << "\n";

  switch (result.verdict) {
    case Verdict::kLinearizable:
      out << "result: linearizable\n";
      if (arguments.html) out << "(linearizable: no page written to " << *arguments.html << ")\n";
      return 0;
    case Verdict::kUnknown:
      out << "result: unknown: the step budget ran out on " << result.unknown.size()
          << " key(s), first " << QuoteBytes(result.unknown.front(), 250) << "\n";
      return 3;
    case Verdict::kNotLinearizable:
      break;
  }
  out << "result: NOT linearizable: " << result.failures.size() << " of " << result.keys
      << " key(s) have no linearization";
  if (!result.unknown.empty()) out << ", " << result.unknown.size() << " unknown";
  out << "\n" << Explain(result);
  if (arguments.html) {
    std::ofstream page(*arguments.html, std::ios::binary | std::ios::trunc);
    page << RenderFailuresHtml("mcsim check " + arguments.file, result.failures);
    page.close();
    if (!page) {
      err << "mcsim check: cannot write " << *arguments.html << "\n";
      return 2;
    }
    out << "page: " << *arguments.html << "\n";
  }
  return 1;
}

}  // namespace mcspec::sim
