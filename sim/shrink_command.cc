#include "shrink_command.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string_view>

#include "shrink.h"
#include "shrink_case.h"
#include "shrink_inputs.h"

namespace mcspec::sim {
namespace {

// The word after `flag` in the trace's command line ("" when absent).
std::string CommandValue(const std::string& command, std::string_view flag) {
  const size_t at = command.find(std::string(flag) + " ");
  if (at == std::string::npos) return "";
  const size_t begin = at + flag.size() + 1;
  return command.substr(begin, command.find(' ', begin) - begin);
}

bool ValidId(std::string_view id) {
  return !id.empty() &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-.") == std::string_view::npos;
}

}  // namespace

int RunShrinkCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string trace_path;
  std::string out_path;
  std::string id;
  ShrinkOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--out" && has_value) {
      out_path = args[++i];
    } else if (arg == "--id" && has_value) {
      id = args[++i];
      if (!ValidId(id)) {
        err << "mcsim shrink: --id takes a-z 0-9 _ - . only\n";
        return 2;
      }
    } else if (arg == "--budget" && has_value) {
      const std::string& v = args[++i];
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), options.max_checks);
      if (ec != std::errc() || end != v.data() + v.size() || options.max_checks == 0) {
        err << "mcsim shrink: --budget needs a positive number\n";
        return 2;
      }
    } else if (!arg.starts_with("--") && trace_path.empty()) {
      trace_path = arg;
    } else {
      err << "mcsim shrink: unknown argument " << arg
          << "\nusage: mcsim shrink TRACE [--out FILE] [--id ID] [--budget N]\n";
      return 2;
    }
  }
  if (trace_path.empty()) {
    err << "usage: mcsim shrink TRACE [--out FILE] [--id ID] [--budget N]\n";
    return 2;
  }
  std::ifstream in(trace_path);
  if (!in) {
    err << "mcsim shrink: cannot open " << trace_path << "\n";
    return 2;
  }
  TraceInputs inputs;
  std::string error;
  if (!ParseTraceInputs(in, &inputs, &error)) {
    err << "mcsim shrink: " << trace_path << ": " << error << "\n";
    return 2;
  }
  std::ostream& log = out_path.empty() ? err : out;
  options.log = &log;
  const auto started = std::chrono::steady_clock::now();
  const ShrinkResult result = Shrink(inputs, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.ok) {
    err << "mcsim shrink: " << result.error << "\n";
    return 1;
  }
  const std::string seed = CommandValue(inputs.command, "--seed");
  std::string bugs;
  for (const std::string& bug : inputs.bugs) bugs += (bugs.empty() ? "" : ", ") + bug;
  if (id.empty()) {
    id = (seed.empty() ? std::string("trace") : "seed-" + seed);
    for (const std::string& bug : inputs.bugs) id += "-" + bug;
    if (!ValidId(id)) id = "shrunk";
  }
  CaseInfo info;
  info.id = id;
  info.spec = SpecSectionFor(result.signature);
  info.description = "From `" + inputs.command + "` (seed " + (seed.empty() ? "?" : seed) +
                     ", injected bug " + (bugs.empty() ? "none" : bugs) + "), shrunk by mcsim " +
                     "shrink from " + inputs.Summary() + " to " + result.inputs.Summary() +
                     (result.minimal ? " (1-minimal)" : " (budget spent)") +
                     ". With the bug the reference fails as `" + result.signature +
                     "`: " + result.failure.substr(0, 400);
  std::string yaml;
  if (!WriteConformanceCase(result.inputs, info, &yaml, &error)) {
    err << "mcsim shrink: " << error << "\n";
    return 1;
  }
  char timing[64];
  std::snprintf(timing, sizeof(timing), "%.3f", seconds);
  log << "shrunk in " << timing << " s: " << inputs.Summary() << " -> " << result.inputs.Summary()
      << "\n";
  if (out_path.empty()) {
    out << yaml;
    return 0;
  }
  std::ofstream file(out_path);
  file << yaml;
  file.close();
  if (!file) {
    err << "mcsim shrink: cannot write " << out_path << "\n";
    return 2;
  }
  log << "case " << id << " written to " << out_path << "\n";
  return 0;
}

}  // namespace mcspec::sim
