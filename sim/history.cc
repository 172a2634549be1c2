#include "history.h"

#include <charconv>
#include <map>

namespace mcspec::sim {
namespace {

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (byte >= 0x20 && byte < 0x7f) {
      out->push_back(c);
    } else {
      out->append("\\u00");
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xf]);
    }
  }
  out->push_back('"');
}

void AppendField(std::string_view name, std::string* out) {
  if (out->size() > 1) out->push_back(',');
  AppendJsonString(name, out);
  out->push_back(':');
}

template <typename Number>
void AppendNumber(std::string_view name, Number number, std::string* out) {
  AppendField(name, out);
  out->append(std::to_string(number));
}

void AppendString(std::string_view name, std::string_view text, std::string* out) {
  AppendField(name, out);
  AppendJsonString(text, out);
}

// A flat JSON object of strings and integers, as this file writes them;
// integers keep their text so that each field parses with its own type.
class FlatObjectParser {
 public:
  explicit FlatObjectParser(std::string_view text) : text_(text) {}

  bool Parse(std::map<std::string, std::pair<bool, std::string>>* fields, std::string* error) {
    SkipSpace();
    if (!Take('{')) return Fail("expected '{'", error);
    SkipSpace();
    if (Take('}')) return AtEnd(error);
    while (true) {
      SkipSpace();
      std::string name;
      if (!String(&name)) return Fail("expected a field name", error);
      SkipSpace();
      if (!Take(':')) return Fail("expected ':'", error);
      SkipSpace();
      std::pair<bool, std::string> value;  // {is string, text}
      if (at_ < text_.size() && text_[at_] == '"') {
        value.first = true;
        if (!String(&value.second)) return Fail("bad string for " + name, error);
      } else {
        const size_t start = at_;
        if (at_ < text_.size() && text_[at_] == '-') ++at_;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
        if (at_ == start) return Fail("expected a string or an integer for " + name, error);
        value.second = std::string(text_.substr(start, at_ - start));
      }
      if (!fields->emplace(name, std::move(value)).second) {
        return Fail("field " + name + " given twice", error);
      }
      SkipSpace();
      if (Take('}')) return AtEnd(error);
      if (!Take(',')) return Fail("expected ',' or '}'", error);
    }
  }

 private:
  bool AtEnd(std::string* error) {
    SkipSpace();
    return at_ == text_.size() || Fail("text after the object", error);
  }
  bool Fail(const std::string& why, std::string* error) {
    *error = why + " at column " + std::to_string(at_ + 1);
    return false;
  }
  void SkipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Take(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool String(std::string* out) {
    if (!Take('"')) return false;
    while (at_ < text_.size()) {
      const char c = text_[at_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return false;
      const char escape = text_[at_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out->push_back(escape);
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'u': {
          unsigned code = 0;
          if (at_ + 4 > text_.size()) return false;
          const auto [end, ec] =
              std::from_chars(text_.data() + at_, text_.data() + at_ + 4, code, 16);
          if (ec != std::errc() || end != text_.data() + at_ + 4 || code > 0xff) return false;
          at_ += 4;
          out->push_back(static_cast<char>(code));
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  std::string_view text_;
  size_t at_ = 0;
};

template <typename Number>
bool ToNumber(const std::string& text, Number* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kInvoke:
      return "invoke";
    case EventType::kOk:
      return "ok";
    case EventType::kFail:
      return "fail";
    case EventType::kInfo:
      return "info";
  }
  return "?";
}

std::string ToJsonLine(const HistoryEvent& event) {
  std::string out = "{";
  AppendString("type", EventTypeName(event.type), &out);
  AppendNumber("process", event.process, &out);
  AppendNumber("time", event.time, &out);
  AppendString("f", event.f, &out);
  AppendString("key", event.key, &out);
  if (!event.result.empty()) AppendString("result", event.result, &out);
  if (event.value) AppendString("value", *event.value, &out);
  if (event.flags) AppendNumber("flags", *event.flags, &out);
  if (event.exptime) AppendNumber("exptime", *event.exptime, &out);
  if (event.delta) AppendNumber("delta", *event.delta, &out);
  if (event.cas) AppendNumber("cas", *event.cas, &out);
  if (event.number) AppendNumber("number", *event.number, &out);
  if (!event.error.empty()) AppendString("error", event.error, &out);
  if (event.settled) AppendNumber("settled", 1, &out);
  out.push_back('}');
  return out;
}

bool ParseJsonLine(std::string_view line, HistoryEvent* event, std::string* error) {
  std::map<std::string, std::pair<bool, std::string>> fields;
  if (!FlatObjectParser(line).Parse(&fields, error)) return false;
  *event = HistoryEvent{};
  for (auto& entry : fields) {
    // Plain references, not structured bindings: clang before 16 cannot
    // capture those in the lambdas below.
    const std::string& name = entry.first;
    const bool is_string = entry.second.first;
    std::string& text = entry.second.second;
    const auto want = [&](bool string) {
      if (is_string != string) {
        *error = "field " + name + " must be " + (string ? "a string" : "an integer");
        return false;
      }
      return true;
    };
    const auto integer = [&](auto* out) {
      if (!want(false)) return false;
      if (!ToNumber(text, out)) {
        *error = "field " + name + " is out of range";
        return false;
      }
      return true;
    };
    const auto number = [&](auto* out) {
      typename std::remove_reference_t<decltype(*out)>::value_type parsed{};
      if (!integer(&parsed)) return false;
      *out = parsed;
      return true;
    };
    bool ok = true;
    if (name == "type") {
      ok = want(true);
      if (ok && text == "invoke")
        event->type = EventType::kInvoke;
      else if (ok && text == "ok")
        event->type = EventType::kOk;
      else if (ok && text == "fail")
        event->type = EventType::kFail;
      else if (ok && text == "info")
        event->type = EventType::kInfo;
      else if (ok) {
        *error = "unknown type " + text;
        ok = false;
      }
    } else if (name == "process") {
      ok = integer(&event->process);
    } else if (name == "time") {
      ok = integer(&event->time);
    } else if (name == "f") {
      ok = want(true);
      event->f = std::move(text);
    } else if (name == "key") {
      ok = want(true);
      event->key = std::move(text);
    } else if (name == "result") {
      ok = want(true);
      event->result = std::move(text);
    } else if (name == "value") {
      ok = want(true);
      event->value = std::move(text);
    } else if (name == "error") {
      ok = want(true);
      event->error = std::move(text);
    } else if (name == "flags") {
      ok = number(&event->flags);
    } else if (name == "exptime") {
      ok = number(&event->exptime);
    } else if (name == "delta") {
      ok = number(&event->delta);
    } else if (name == "cas") {
      ok = number(&event->cas);
    } else if (name == "number") {
      ok = number(&event->number);
    } else if (name == "settled") {
      uint32_t settled = 0;
      ok = integer(&settled);
      if (ok && settled > 1) {
        *error = "field settled must be 0 or 1";
        ok = false;
      }
      event->settled = settled == 1;
    } else {
      *error = "unknown field " + name;
      ok = false;
    }
    if (!ok) return false;
  }
  for (const char* required : {"type", "process", "time", "f"}) {
    if (!fields.contains(required)) {
      *error = std::string("missing field ") + required;
      return false;
    }
  }
  return true;
}

HistoryReadResult ReadHistory(std::istream& in) {
  HistoryReadResult result;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    HistoryEvent event;
    std::string error;
    if (!ParseJsonLine(line, &event, &error)) {
      result.error = "line " + std::to_string(number) + ": " + error;
      break;
    }
    result.events.push_back(std::move(event));
  }
  return result;
}

}  // namespace mcspec::sim
