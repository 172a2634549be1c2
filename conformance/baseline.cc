#include "baseline.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace mcspec::conformance {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ": ";
}

// The first line of a failure report, as the reason of a new entry.
std::string FirstLine(const std::string& detail) {
  std::string line = detail.substr(0, detail.find('\n'));
  const size_t start = line.find_first_not_of(' ');
  return start == std::string::npos ? "fails" : line.substr(start);
}

std::string StepName(int step) {
  return step == 0 ? "its start" : "step " + std::to_string(step);
}

}  // namespace

bool LoadBaseline(const std::string& path, Baseline* baseline, std::string* error) {
  std::ifstream file(path);
  if (!file) {
    *error = path + ": cannot read the baseline";
    return false;
  }
  std::stringstream text;
  text << file.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    *error = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  *baseline = Baseline{};
  if (root.IsNull()) return true;
  if (!root.IsMap()) {
    *error = Where(path, root) + "a baseline is a mapping with `target` and `failures`";
    return false;
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key != "target" && key != "failures") {
      *error = Where(path, entry.first) + "unknown key `" + key + "`";
      return false;
    }
  }
  if (root["target"]) baseline->target = root["target"].Scalar();
  const YAML::Node failures = root["failures"];
  if (!failures || failures.IsNull()) return true;
  if (!failures.IsSequence()) {
    *error = Where(path, failures) + "`failures` must be a list";
    return false;
  }
  for (const YAML::Node& item : failures) {
    if (!item.IsMap() || !item["case"] || !item["step"] || !item["reason"]) {
      *error = Where(path, item) + "a failure needs `case`, `step` and `reason`";
      return false;
    }
    for (const auto& entry : item) {
      const std::string key = entry.first.Scalar();
      if (key != "case" && key != "step" && key != "reason") {
        *error = Where(path, entry.first) + "unknown key `" + key + "`";
        return false;
      }
    }
    KnownFailure known;
    try {
      known.step = item["step"].as<int>();
    } catch (const YAML::Exception&) {
      *error = Where(path, item["step"]) + "`step` must be a number";
      return false;
    }
    known.reason = item["reason"].Scalar();
    if (known.step < 0 || known.reason.empty()) {
      *error = Where(path, item) + "`step` must be 0 or more and `reason` not empty";
      return false;
    }
    if (!baseline->failures.emplace(item["case"].Scalar(), known).second) {
      *error = Where(path, item) + "case `" + item["case"].Scalar() + "` is listed twice";
      return false;
    }
  }
  return true;
}

std::string FormatBaseline(const Baseline& baseline) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "target" << YAML::Value << baseline.target;
  out << YAML::Key << "failures" << YAML::Value << YAML::BeginSeq;
  for (const auto& [id, known] : baseline.failures) {
    out << YAML::BeginMap << YAML::Key << "case" << YAML::Value << id << YAML::Key << "step"
        << YAML::Value << known.step << YAML::Key << "reason" << YAML::Value << known.reason
        << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return "# mcconform baseline: the known failures of one target (conformance/README.md).\n" +
         std::string(out.c_str()) + "\n";
}

Judgement Judge(const TestCase& test, const CaseResult& result, const Baseline* baseline) {
  const KnownFailure* known = nullptr;
  if (baseline != nullptr) {
    const auto it = baseline->failures.find(test.id);
    if (it != baseline->failures.end()) known = &it->second;
  }
  switch (result.outcome) {
    case CaseResult::Outcome::kSkipped:
      return {Verdict::kSkipped, ""};
    case CaseResult::Outcome::kPassed:
      if (known == nullptr) return {Verdict::kPassed, ""};
      return {Verdict::kStale, "the baseline says it fails at " + StepName(known->step) + " (" +
                                   known->reason + "), but it passed: remove the entry"};
    case CaseResult::Outcome::kFailed:
      if (known == nullptr) return {Verdict::kFailed, ""};
      if (known->step == result.failed_step) return {Verdict::kKnownFailure, known->reason};
      return {Verdict::kFailed, "the baseline expects a failure at " + StepName(known->step) +
                                    ", not at " + StepName(result.failed_step)};
  }
  return {Verdict::kFailed, ""};
}

Baseline UpdateBaseline(const Baseline& old, const std::string& target,
                        const std::vector<RunResult>& results) {
  Baseline updated = old;
  updated.target = target;
  for (const RunResult& run : results) {
    switch (run.result.outcome) {
      case CaseResult::Outcome::kSkipped:
        break;
      case CaseResult::Outcome::kPassed:
        updated.failures.erase(run.test->id);
        break;
      case CaseResult::Outcome::kFailed: {
        const auto it = old.failures.find(run.test->id);
        updated.failures[run.test->id] = {
            run.result.failed_step,
            it != old.failures.end() ? it->second.reason : FirstLine(run.result.detail)};
        break;
      }
    }
  }
  return updated;
}

}  // namespace mcspec::conformance
