#include "history.h"

#include <algorithm>
#include <charconv>

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

// The fields of an event.
enum Field : uint8_t {
  kCasField,
  kConnectionField,
  kDeltaField,
  kErrorField,
  kExptimeField,
  kFField,
  kFlagsField,
  kKeyField,
  kNumberField,
  kProcessField,
  kResultField,
  kSettledField,
  kTimeField,
  kTypeField,
  kValueField,
  kUnknownField,
};

Field FieldNamed(std::string_view name) {
  static constexpr std::pair<std::string_view, Field> kFields[] = {
      {"cas", kCasField},         {"connection", kConnectionField},
      {"delta", kDeltaField},     {"error", kErrorField},
      {"exptime", kExptimeField}, {"f", kFField},
      {"flags", kFlagsField},     {"key", kKeyField},
      {"number", kNumberField},   {"process", kProcessField},
      {"result", kResultField},   {"settled", kSettledField},
      {"time", kTimeField},       {"type", kTypeField},
      {"value", kValueField},
  };
  for (const auto& [known, field] : kFields) {
    if (known == name) return field;
  }
  return kUnknownField;
}

bool IsStringField(Field field) {
  return field == kErrorField || field == kFField || field == kKeyField || field == kResultField ||
         field == kTypeField || field == kValueField;
}

template <typename Number>
bool ToNumber(std::string_view text, Number* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// One pass over a flat JSON object of strings and integers, as this file
// writes them, straight into a HistoryEvent. Syntax errors (with their
// column) stop the pass; a field of the wrong type, out of range or unknown
// is remembered and reported after the whole object parsed (of several, the
// one whose name sorts first), then a missing required field.
class EventParser {
 public:
  EventParser(std::string_view text, HistoryEvent* event) : text_(text), event_(event) {}

  bool Parse(std::string* error) {
    *event_ = HistoryEvent{};
    SkipSpace();
    if (!Take('{')) return Fail("expected '{'", error);
    SkipSpace();
    if (!Take('}')) {
      while (true) {
        SkipSpace();
        name_.clear();
        if (!String(&name_)) return Fail("expected a field name", error);
        SkipSpace();
        if (!Take(':')) return Fail("expected ':'", error);
        SkipSpace();
        if (!Value(error)) return false;
        SkipSpace();
        if (Take('}')) break;
        if (!Take(',')) return Fail("expected ',' or '}'", error);
      }
    }
    SkipSpace();
    if (at_ != text_.size()) return Fail("text after the object", error);
    if (!semantic_error_.empty()) {
      *error = std::move(semantic_error_);
      return false;
    }
    for (const auto& [field, name] : {std::pair{kTypeField, "type"},
                                      {kProcessField, "process"},
                                      {kTimeField, "time"},
                                      {kFField, "f"}}) {
      if ((seen_ & (1u << field)) == 0) {
        *error = std::string("missing field ") + name;
        return false;
      }
    }
    return true;
  }

 private:
  // The value of field `name_`, stored in the event when it is right.
  bool Value(std::string* error) {
    const Field field = FieldNamed(name_);
    const bool is_string = at_ < text_.size() && text_[at_] == '"';
    std::string_view digits;
    std::string* text = &scratch_;
    if (is_string) {
      if (field != kUnknownField && IsStringField(field)) text = StringFieldOf(field);
      text->clear();
      if (!String(text)) return Fail("bad string for " + name_, error);
    } else {
      const size_t start = at_;
      if (at_ < text_.size() && text_[at_] == '-') ++at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      if (at_ == start) return Fail("expected a string or an integer for " + name_, error);
      digits = text_.substr(start, at_ - start);
    }
    if (field == kUnknownField) {
      if (std::find(unknown_names_.begin(), unknown_names_.end(), name_) != unknown_names_.end()) {
        return Fail("field " + name_ + " given twice", error);
      }
      unknown_names_.push_back(name_);
    } else if ((seen_ & (1u << field)) != 0) {
      return Fail("field " + name_ + " given twice", error);
    }
    seen_ |= 1u << field;
    if (field == kUnknownField) return Wrong("unknown field " + name_);
    if (is_string != IsStringField(field)) {
      return Wrong("field " + name_ + " must be " + (is_string ? "an integer" : "a string"));
    }
    switch (field) {
      case kTypeField:
        if (*text == "invoke") {
          event_->type = EventType::kInvoke;
        } else if (*text == "ok") {
          event_->type = EventType::kOk;
        } else if (*text == "fail") {
          event_->type = EventType::kFail;
        } else if (*text == "info") {
          event_->type = EventType::kInfo;
        } else {
          return Wrong("unknown type " + *text);
        }
        return true;
      case kProcessField:
        Integer(digits, &event_->process);
        return true;
      case kTimeField:
        Integer(digits, &event_->time);
        return true;
      case kFlagsField:
        return Optional(digits, &event_->flags);
      case kExptimeField:
        return Optional(digits, &event_->exptime);
      case kDeltaField:
        return Optional(digits, &event_->delta);
      case kCasField:
        return Optional(digits, &event_->cas);
      case kConnectionField:
        return Optional(digits, &event_->connection);
      case kNumberField:
        return Optional(digits, &event_->number);
      case kSettledField: {
        uint32_t settled = 0;
        if (!Integer(digits, &settled)) return true;
        if (settled > 1) return Wrong("field settled must be 0 or 1");
        event_->settled = settled == 1;
        return true;
      }
      default:
        return true;  // a string field, already in place
    }
  }

  std::string* StringFieldOf(Field field) {
    switch (field) {
      case kFField:
        return &event_->f;
      case kKeyField:
        return &event_->key;
      case kResultField:
        return &event_->result;
      case kErrorField:
        return &event_->error;
      case kValueField:
        return &event_->value.emplace();
      default:
        return &scratch_;  // type: checked against its names
    }
  }

  // Always true: parsing goes on, the error waits for the whole object.
  bool Wrong(std::string why) {
    if (semantic_error_.empty() || name_ < semantic_name_) {
      semantic_name_ = name_;
      semantic_error_ = std::move(why);
    }
    return true;
  }
  template <typename Number>
  bool Integer(std::string_view digits, Number* out) {
    if (ToNumber(digits, out)) return true;
    Wrong("field " + name_ + " is out of range");
    return false;
  }
  template <typename Number>
  bool Optional(std::string_view digits, std::optional<Number>* out) {
    Number parsed{};
    if (Integer(digits, &parsed)) *out = parsed;
    return true;
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
  // Appends the string's bytes to *out: unescaped runs in one append each.
  bool String(std::string* out) {
    if (!Take('"')) return false;
    while (at_ < text_.size()) {
      size_t run = at_;
      while (run < text_.size() && text_[run] != '"' && text_[run] != '\\') ++run;
      out->append(text_.data() + at_, run - at_);
      at_ = run;
      if (at_ >= text_.size()) return false;
      if (text_[at_++] == '"') return true;
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
  HistoryEvent* event_;
  size_t at_ = 0;
  uint32_t seen_ = 0;
  std::string name_;
  std::string scratch_;
  std::vector<std::string> unknown_names_;
  std::string semantic_name_;
  std::string semantic_error_;
};

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
  if (event.connection) AppendNumber("connection", *event.connection, &out);
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
  return EventParser(line, event).Parse(error);
}

HistoryReadResult ReadHistory(std::istream& in) {
  std::string data;
  // A file is read in one piece; a stream of unknown length in chunks.
  const std::istream::pos_type start = in.tellg();
  if (start != std::istream::pos_type(-1) && in.seekg(0, std::ios::end)) {
    const auto size = static_cast<size_t>(in.tellg() - start);
    in.seekg(start);
    data.resize(size);
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<size_t>(in.gcount()));
  }
  in.clear();
  char chunk[1 << 16];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) data.append(chunk, in.gcount());
  HistoryReadResult result;
  result.events.reserve(std::count(data.begin(), data.end(), '\n') + 1);
  std::string error;
  size_t begin = 0;
  for (int number = 1; begin < data.size(); ++number) {
    size_t end = data.find('\n', begin);
    if (end == std::string::npos) end = data.size();
    const std::string_view line(data.data() + begin, end - begin);
    begin = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    HistoryEvent& event = result.events.emplace_back();
    if (!EventParser(line, &event).Parse(&error)) {
      result.events.pop_back();
      result.error = "line " + std::to_string(number) + ": " + error;
      break;
    }
  }
  return result;
}

}  // namespace mcspec::sim
