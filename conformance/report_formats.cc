#include "report_formats.h"

#include <cstdio>

#include "bytes.h"

namespace mcspec::conformance {
namespace {

std::string JsonEscaped(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6f", seconds);
  return text;
}

double CaseSeconds(const CaseReport& report) {
  return static_cast<double>(report.result.elapsed.count()) / 1e6;
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed:
      return "passed";
    case Verdict::kFailed:
      return "failed";
    case Verdict::kSkipped:
      return "skipped";
    case Verdict::kKnownFailure:
      return "known_failure";
    case Verdict::kStale:
      return "stale";
  }
  return "failed";
}

// What a report says of a case beside its verdict: the failure report, the
// skip reason, or the baseline's note.
std::string Explanation(const CaseReport& report) {
  std::string text = report.judgement.note;
  if (!report.result.detail.empty() && report.judgement.verdict != Verdict::kStale) {
    if (!text.empty()) text += "\n";
    text += report.result.detail;
  }
  return text;
}

}  // namespace

RunSummary Summarize(const std::string& target, const std::vector<CaseReport>& reports,
                     double seconds) {
  RunSummary summary;
  summary.target = target;
  summary.seconds = seconds;
  for (const CaseReport& report : reports) {
    switch (report.judgement.verdict) {
      case Verdict::kPassed:
        ++summary.passed;
        break;
      case Verdict::kFailed:
      case Verdict::kStale:
        ++summary.failed;
        break;
      case Verdict::kSkipped:
        ++summary.skipped;
        break;
      case Verdict::kKnownFailure:
        ++summary.known_failures;
        break;
    }
  }
  return summary;
}

std::string SummaryLine(const RunSummary& summary) {
  std::string line = std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) +
                     " failed, " + std::to_string(summary.skipped) + " skipped";
  if (summary.known_failures > 0) {
    line += ", " + std::to_string(summary.known_failures) + " known failures";
  }
  return line;
}

std::string JunitReport(const RunSummary& summary, const std::vector<CaseReport>& reports) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = "tests=\"" + std::to_string(reports.size()) + "\" failures=\"" +
                             std::to_string(summary.failed) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(summary.skipped + summary.known_failures) +
                             "\" time=\"" + Seconds(summary.seconds) + "\"";
  out += "<testsuites name=\"mcconform\" " + counts + ">\n";
  out += "  <testsuite name=\"mcconform " + EscapeMarkup(summary.target) + "\" " + counts + ">\n";
  for (const CaseReport& report : reports) {
    const TestCase& test = *report.test;
    const size_t slash = test.id.find('/');
    out += "    <testcase classname=\"" + EscapeMarkup(test.id.substr(0, slash)) + "\" name=\"" +
           EscapeMarkup(test.id.substr(slash + 1)) + "\" file=\"" + EscapeMarkup(test.file) +
           "\" line=\"" + std::to_string(test.line) + "\" time=\"" + Seconds(CaseSeconds(report)) +
           "\"";
    const std::string explanation = EscapeMarkup(Explanation(report));
    switch (report.judgement.verdict) {
      case Verdict::kPassed:
        out += "/>\n";
        break;
      case Verdict::kFailed:
      case Verdict::kStale:
        out += ">\n      <failure message=\"" +
               EscapeMarkup(report.judgement.verdict == Verdict::kStale ? "stale baseline entry"
                                                                        : "failed") +
               "\">" + explanation + "</failure>\n    </testcase>\n";
        break;
      case Verdict::kSkipped:
      case Verdict::kKnownFailure:
        out += ">\n      <skipped message=\"" +
               EscapeMarkup(report.judgement.verdict == Verdict::kKnownFailure
                                ? "known failure: " + report.judgement.note
                                : report.result.detail) +
               "\"/>\n    </testcase>\n";
        break;
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string JsonReport(const RunSummary& summary, const std::vector<CaseReport>& reports) {
  std::string out = "{\n  \"target\": " + JsonEscaped(summary.target) + ",\n";
  out += "  \"summary\": {\"passed\": " + std::to_string(summary.passed) +
         ", \"failed\": " + std::to_string(summary.failed) +
         ", \"skipped\": " + std::to_string(summary.skipped) +
         ", \"known_failures\": " + std::to_string(summary.known_failures) +
         ", \"seconds\": " + Seconds(summary.seconds) + "},\n";
  out += "  \"cases\": [";
  for (size_t i = 0; i < reports.size(); ++i) {
    const CaseReport& report = reports[i];
    const TestCase& test = *report.test;
    out += i == 0 ? "\n" : ",\n";
    out += "    {\"id\": " + JsonEscaped(test.id) + ", \"file\": " + JsonEscaped(test.file) +
           ", \"line\": " + std::to_string(test.line) + ", \"spec\": " + JsonEscaped(test.spec) +
           ", \"tags\": [";
    for (size_t t = 0; t < test.tags.size(); ++t) {
      out += (t == 0 ? "" : ", ") + JsonEscaped(test.tags[t]);
    }
    out += "], \"verdict\": \"" + std::string(VerdictName(report.judgement.verdict)) + "\"";
    if (report.result.outcome == CaseResult::Outcome::kFailed) {
      out += ", \"failed_step\": " + std::to_string(report.result.failed_step);
    }
    out += ", \"seconds\": " + Seconds(CaseSeconds(report));
    const std::string explanation = Explanation(report);
    if (!explanation.empty()) out += ", \"detail\": " + JsonEscaped(explanation);
    out += "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

std::string TapReport(const std::vector<CaseReport>& reports) {
  std::string out = "TAP version 13\n1.." + std::to_string(reports.size()) + "\n";
  for (size_t i = 0; i < reports.size(); ++i) {
    const CaseReport& report = reports[i];
    const std::string number = std::to_string(i + 1);
    const std::string& id = report.test->id;
    switch (report.judgement.verdict) {
      case Verdict::kPassed:
        out += "ok " + number + " - " + id + "\n";
        break;
      case Verdict::kSkipped:
        out += "ok " + number + " - " + id + " # SKIP " + report.result.detail + "\n";
        break;
      case Verdict::kKnownFailure:
        out += "not ok " + number + " - " + id + " # TODO known failure: " + report.judgement.note +
               "\n";
        break;
      case Verdict::kFailed:
      case Verdict::kStale: {
        out += "not ok " + number + " - " + id + "\n  ---\n  message: |\n";
        const std::string explanation = Explanation(report);
        size_t pos = 0;
        while (pos < explanation.size()) {
          size_t end = explanation.find('\n', pos);
          if (end == std::string::npos) end = explanation.size();
          out += "    " + explanation.substr(pos, end - pos) + "\n";
          pos = end + 1;
        }
        out += "  ...\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace mcspec::conformance
