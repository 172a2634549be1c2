#include "history_html.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "bytes.h"

namespace mcspec::sim {

using conformance::EscapeMarkup;

namespace {

constexpr size_t kMaxDrawn = 160;     // operations drawn around a failure
constexpr size_t kContextOrder = 20;  // last operations of the order kept in view
constexpr int kLaneHeight = 44;
constexpr int kColumnWidth = 64;
constexpr double kCharWidth = 6.7;  // of the 11px monospace labels
constexpr int kLeftMargin = 120;
constexpr int kTopMargin = 40;

constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h2 { font-family: monospace; }
pre, .ops { font-family: monospace; font-size: 13px; }
.ops { max-height: 24em; overflow: auto; border: 1px solid #ccc; padding: 0.5em 2.5em; }
svg text { font-family: monospace; font-size: 11px; }
.lane { fill: #f6f6f6; }
.op rect { fill: #cfe0f5; stroke: #4a78b0; }
.op.linearized rect { fill: #cdebc8; stroke: #3f8a36; }
.op.stuck rect { fill: #f7c9c4; stroke: #c0392b; stroke-width: 2; }
.op.deadline rect { stroke: #8e0000; stroke-width: 3; }
.op.open rect { stroke-dasharray: 5 3; }
.op.failed { opacity: 0.4; }
.failure line { stroke: #c0392b; stroke-width: 2; stroke-dasharray: 6 3; }
.failure text { fill: #c0392b; font-weight: bold; }
)";

std::string Number(int64_t number) {
  return std::to_string(number);
}

// The operations drawn for `failure`: those overlapping the stretch from the
// last steps of the longest order to the deadline, nearest the deadline
// first when there are too many.
std::vector<size_t> DrawnOperations(const KeyFailure& failure) {
  const auto& ops = failure.operations;
  // A deadline of unknown outcome, unless settled (the end of the history),
  // ends nowhere.
  const bool ends =
      ops[failure.deadline].completion == EventType::kOk || ops[failure.deadline].settled;
  const size_t end_line =
      ends ? ops[failure.deadline].complete_event : std::numeric_limits<size_t>::max();
  size_t start_line = ops[failure.deadline].invoke_event;
  std::set<size_t> wanted(failure.stuck.begin(), failure.stuck.end());
  wanted.insert(failure.deadline);
  const size_t order_size = failure.longest_order.size();
  for (size_t i = order_size > kContextOrder ? order_size - kContextOrder : 0; i < order_size;
       ++i) {
    wanted.insert(failure.longest_order[i]);
  }
  for (size_t i : wanted) start_line = std::min(start_line, ops[i].invoke_event);

  std::vector<size_t> nearby;
  for (size_t i = 0; i < ops.size(); ++i) {
    const size_t last =
        ops[i].complete_event == 0 ? std::numeric_limits<size_t>::max() : ops[i].complete_event;
    if (wanted.contains(i) || (ops[i].invoke_event <= end_line && last >= start_line)) {
      nearby.push_back(i);
    }
  }
  if (nearby.size() > kMaxDrawn) {
    // Keep the wanted ones and those invoked closest to the deadline.
    std::stable_sort(nearby.begin(), nearby.end(), [&](size_t a, size_t b) {
      if (wanted.contains(a) != wanted.contains(b)) return wanted.contains(a);
      return ops[a].invoke_event > ops[b].invoke_event;
    });
    nearby.resize(kMaxDrawn);
    std::sort(nearby.begin(), nearby.end());
  }
  return nearby;
}

void RenderTimeline(const KeyFailure& failure, std::string* out) {
  const auto& ops = failure.operations;
  const std::vector<size_t> drawn = DrawnOperations(failure);
  // x is the rank of an event among the drawn ones: what matters is which
  // events precede which, not how long they took.
  std::vector<size_t> lines;
  std::map<uint64_t, int> lane;  // process -> lane number
  for (size_t i : drawn) {
    lines.push_back(ops[i].invoke_event);
    if (ops[i].complete_event != 0) lines.push_back(ops[i].complete_event);
    lane.emplace(ops[i].process, 0);
  }
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  int lane_number = 0;
  for (auto& [process, number] : lane) number = lane_number++;
  const auto x_of = [&](size_t line) {
    const auto rank = std::lower_bound(lines.begin(), lines.end(), line) - lines.begin();
    return kLeftMargin + kColumnWidth * static_cast<int>(rank) + kColumnWidth / 2;
  };
  const int open_end = kLeftMargin + kColumnWidth * static_cast<int>(lines.size() + 2);
  const int width = open_end + 20;
  const int height = kTopMargin + kLaneHeight * lane_number + 20;

  std::map<size_t, size_t> position_in_order;
  for (size_t i = 0; i < failure.longest_order.size(); ++i) {
    position_in_order[failure.longest_order[i]] = i + 1;
  }
  const std::set<size_t> stuck(failure.stuck.begin(), failure.stuck.end());

  *out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Number(width) + "\" height=\"" +
          Number(height) + "\">\n";
  for (const auto& [process, number] : lane) {
    const int y = kTopMargin + kLaneHeight * number;
    *out += "<rect class=\"lane\" x=\"0\" y=\"" + Number(y) + "\" width=\"" + Number(width) +
            "\" height=\"" + Number(kLaneHeight - 4) + "\"/>\n";
    *out += "<text x=\"6\" y=\"" + Number(y + kLaneHeight / 2 + 2) + "\">process " +
            Number(static_cast<int64_t>(process)) + "</text>\n";
  }
  for (size_t i : drawn) {
    const HistoryOperation& op = ops[i];
    std::string classes = "op";
    if (position_in_order.contains(i)) classes += " linearized";
    if (stuck.contains(i)) classes += " stuck";
    if (i == failure.deadline) classes += " deadline";
    if (op.completion == EventType::kInfo) classes += " open";
    if (op.completion == EventType::kFail) classes += " failed";
    const int x = x_of(op.invoke_event) - kColumnWidth / 2 + 2;
    const int right = op.completion == EventType::kInfo
                          ? open_end
                          : x_of(op.complete_event) + kColumnWidth / 2 - 2;
    const int y = kTopMargin + kLaneHeight * lane[op.process] + 3;
    // Two lines, request and result, cut to the box; the title has it all.
    const std::string described = DescribeOperation(op.operation);
    const size_t arrow = described.rfind(" -> ");
    std::string request = described.substr(0, arrow);
    std::string reply = described.substr(arrow + 1);
    if (auto at = position_in_order.find(i); at != position_in_order.end()) {
      request = Number(static_cast<int64_t>(at->second)) + ". " + request;
    }
    const int box_width = std::max(right - x, 8);
    const auto fit = [&](std::string text) {
      const size_t room = static_cast<size_t>(std::max(3.0, (box_width - 8) / kCharWidth));
      if (text.size() > room) text = text.substr(0, room - 3) + "...";
      return EscapeMarkup(text);
    };
    *out += "<g class=\"" + classes + "\"><title>" + EscapeMarkup(op.Describe()) + "</title>";
    *out += "<rect x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" width=\"" + Number(box_width) +
            "\" height=\"" + Number(kLaneHeight - 10) + "\" rx=\"4\"/>";
    *out += "<text x=\"" + Number(x + 4) + "\" y=\"" + Number(y + 14) + "\">" + fit(request) +
            "</text><text x=\"" + Number(x + 4) + "\" y=\"" + Number(y + 28) + "\">" + fit(reply) +
            "</text></g>\n";
  }
  const HistoryOperation& deadline = ops[failure.deadline];
  const int failure_x = deadline.completion == EventType::kOk || deadline.settled
                            ? x_of(deadline.complete_event) + kColumnWidth / 2
                            : open_end;
  *out += "<g class=\"failure\"><line x1=\"" + Number(failure_x) + "\" y1=\"14\" x2=\"" +
          Number(failure_x) + "\" y2=\"" + Number(height) + "\"/><text x=\"" +
          Number(std::max(failure_x - 200, 4)) +
          "\" y=\"12\">no linearization exists by here</text></g>\n";
  *out += "</svg>\n";
}

void RenderFailure(const KeyFailure& failure, std::string* out) {
  const auto& ops = failure.operations;
  *out += "<section>\n<h2>key " + EscapeMarkup(QuoteBytes(failure.key, 250)) + "</h2>\n";
  *out += "<pre>" + EscapeMarkup(failure.explanation) + "</pre>\n";
  RenderTimeline(failure, out);
  *out += "<h3>Operations that could not go next</h3>\n<ul class=\"ops stuck\">\n";
  for (size_t i = 0; i < failure.stuck.size(); ++i) {
    *out += "<li>" + EscapeMarkup(ops[failure.stuck[i]].Describe()) + ": " +
            EscapeMarkup(failure.stuck_reasons[i]) + "</li>\n";
  }
  *out += "</ul>\n<h3>Longest linearizable order (" +
          Number(static_cast<int64_t>(failure.longest_order.size())) + " of " +
          Number(static_cast<int64_t>(ops.size())) +
          " operations)</h3>\n<ol class=\"ops order\">\n";
  for (size_t i : failure.longest_order)
    *out += "<li>" + EscapeMarkup(ops[i].Describe()) + "</li>\n";
  *out += "</ol>\n</section>\n";
}

}  // namespace

std::string RenderFailuresHtml(std::string_view title, const std::vector<KeyFailure>& failures) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>" + EscapeMarkup(title) + "</title>\n<style>" + std::string(kStyle) +
         "</style>\n</head>\n<body>\n";
  out += "<h1>" + EscapeMarkup(title) + "</h1>\n";
  out += "<p>" + Number(static_cast<int64_t>(failures.size())) +
         " key(s) without a linearization. Each lane is a process; each box an operation from "
         "its invoke to its completion (numbered in the longest linearizable order when part of "
         "it; red: could not go next; dashed: outcome unknown; faded: failed). Hover for "
         "details.</p>\n";
  for (const KeyFailure& failure : failures) RenderFailure(failure, &out);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace mcspec::sim
