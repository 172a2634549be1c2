// The meta commands of memcached 1.6.18's text protocol: mg, ms, md, ma and
// me (mn lives with the other commands in session.cc).
//
// A meta request is a key and single-letter flags, some with a value glued
// on ("T30", "Oabc"). memcached first validates every flag, then answers with
// a two-letter code followed by the requested return flags in request order.
// Quiet mode (q) hides only the nominal answers: EN for mg, HD for ms, md and
// a successful ma.
#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "number_parse.h"
#include "session.h"
#include "session_tokens.h"

namespace mcspec::ref {
namespace {

constexpr size_t kKeyMaxLength = 250;
// memcached refuses meta requests of more than 19 tokens (its ntokens, which
// counts a terminal token, may be at most 20).
constexpr size_t kMaxMetaTokens = 20;
constexpr size_t kMaxOpaqueLength = 32;
constexpr std::string_view kBadFormat = "CLIENT_ERROR bad command line format";

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64(std::string_view bytes, std::string* out) {
  auto at = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6)
      out->push_back(kBase64Alphabet[(group >> shift) & 63]);
  }
  const size_t left = bytes.size() - i;
  if (left == 0) return;
  const uint32_t group = (at(i) << 16) | (left == 2 ? at(i + 1) << 8 : 0);
  out->push_back(kBase64Alphabet[group >> 18]);
  out->push_back(kBase64Alphabet[(group >> 12) & 63]);
  out->push_back(left == 2 ? kBase64Alphabet[(group >> 6) & 63] : '=');
  out->push_back('=');
}

// memcached's base64 decoder: bytes outside the alphabet (and '=') are
// skipped, the rest must come in groups of four, and decoding stops after the
// first group holding padding. Empty on failure, which is also what memcached
// reports for input that decodes to nothing.
std::string DecodeBase64(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c == '=') return 0;
    const size_t pos = kBase64Alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
  };
  size_t digits = 0;
  for (char c : text) digits += digit(c) >= 0 ? 1 : 0;
  if (digits == 0 || digits % 4 != 0) return {};
  std::string out;
  uint32_t group = 0;
  int in_group = 0;
  int padding = 0;
  for (char c : text) {
    const int value = digit(c);
    if (value < 0) continue;
    if (c == '=') ++padding;
    group = (group << 6) | static_cast<uint32_t>(value);
    if (++in_group < 4) continue;
    out.push_back(static_cast<char>(group >> 16));
    out.push_back(static_cast<char>(group >> 8));
    out.push_back(static_cast<char>(group));
    group = 0;
    in_group = 0;
    if (padding > 2) return {};
    if (padding > 0) {
      for (int i = 0; i < padding; ++i) out.pop_back();
      break;
    }
  }
  return out;
}

void AppendNumber(std::string* out, uint64_t value) {
  out->append(std::to_string(value));
}

// The k return flag: the key, base64-encoded (and marked " b") when binary.
void AppendKeyFlag(std::string_view key, bool binary, std::string* out) {
  out->append(" k");
  if (!binary) {
    out->append(key);
    return;
  }
  AppendBase64(key, out);
  out->append(" b");
}

}  // namespace

// The flags of a meta request, as memcached's _meta_flag_preparse reads them.
struct MetaFlags {
  // The key, base64-decoded for the b flag.
  std::string_view key;
  std::string decoded_key;
  bool key_binary = false;
  // N, T, R, l and h make mg hold the item lock and bump the item only after
  // reporting on it.
  bool delays_bump = false;
  bool vivify = false;
  bool value = false;
  bool no_update = false;
  bool set_stale = false;
  bool quiet = false;
  bool has_cas = false;
  bool new_ttl = false;
  char mode = 0;
  RelTime exptime = 0;
  RelTime vivify_exptime = 0;
  RelTime recache_time = 0;
  uint32_t client_flags = 0;
  uint64_t cas = 0;
  uint64_t delta = 1;
  uint64_t initial = 0;
};

namespace {

// Reads the flag tokens into *flags. Returns the error line when a flag is
// unknown, repeated or malformed. Most malformed values do not stop the
// parse, so a later one decides the message; an unknown or repeated flag
// stops it at once.
std::optional<std::string_view> ParseMetaFlags(std::string_view key,
                                               std::span<const std::string_view> tokens,
                                               const Clock& clock, MetaFlags* flags) {
  flags->key = key;
  std::optional<std::string_view> error;
  auto fail = [&](std::string_view message) { error = message; };
  auto parse_time = [&](std::string_view text, RelTime* time) {
    std::optional<int32_t> value = ParseI32(text);
    if (!value) {
      fail("CLIENT_ERROR bad token in command line format");
      return false;
    }
    *time = clock.Realtime(Clock::PositiveExptime(*value));
    return true;
  };
  std::array<bool, 127> seen{};
  for (std::string_view token : tokens) {
    const uint8_t flag = static_cast<uint8_t>(token[0]);
    if (flag >= seen.size() || seen[flag]) return "CLIENT_ERROR duplicate flag";
    seen[flag] = true;
    const std::string_view arg = token.substr(1);
    switch (flag) {
      case 'b':
        flags->decoded_key = DecodeBase64(key);
        flags->key = flags->decoded_key;
        flags->key_binary = true;
        if (flags->key.empty()) fail("CLIENT_ERROR error decoding key");
        break;
      case 'N':
        flags->delays_bump = true;
        flags->vivify = true;
        parse_time(arg, &flags->vivify_exptime);
        break;
      case 'T':
        flags->delays_bump = true;
        flags->new_ttl = parse_time(arg, &flags->exptime);
        break;
      case 'R':
        flags->delays_bump = true;
        parse_time(arg, &flags->recache_time);
        break;
      case 'l':
      case 'h':
        flags->delays_bump = true;
        break;
      case 'O':
      case 'P':
      case 'L':
      case 'k':
      case 's':
      case 't':
      case 'c':
      case 'f':
        break;
      case 'v':
        flags->value = true;
        break;
      case 'u':
        flags->no_update = true;
        break;
      case 'q':
        flags->quiet = true;
        break;
      case 'F':
        if (std::optional<uint32_t> value = ParseU32(arg)) {
          flags->client_flags = *value;
        } else {
          fail(kBadFormat);
        }
        break;
      case 'C':
        if (std::optional<uint64_t> value = ParseU64(arg)) {
          flags->cas = *value;
          flags->has_cas = true;
        } else {
          fail("CLIENT_ERROR bad token in command line format");
        }
        break;
      case 'M':
        if (token.size() != 2) {
          fail("CLIENT_ERROR incorrect length for M token");
        } else {
          flags->mode = token[1];
        }
        break;
      case 'J':
        if (std::optional<uint64_t> value = ParseU64(arg)) {
          flags->initial = *value;
        } else {
          fail("CLIENT_ERROR invalid numeric initial value");
        }
        break;
      case 'D':
        if (std::optional<uint64_t> value = ParseU64(arg)) {
          flags->delta = *value;
        } else {
          fail("CLIENT_ERROR invalid numeric delta value");
        }
        break;
      case 'I':
        flags->set_stale = true;
        break;
      default:
        return "CLIENT_ERROR invalid flag";
    }
  }
  return error;
}

}  // namespace

void Session::ProcessMetaGet(const Tokens& tokens) {
  if (tokens.ntokens() < 3) {
    OutString("ERROR");
    return;
  }
  if (tokens[1].size() > kKeyMaxLength) {
    MetaError(kBadFormat);
    return;
  }
  if (tokens.ntokens() > kMaxMetaTokens) {
    MetaError("CLIENT_ERROR options flags are too long");
    return;
  }
  const std::span<const std::string_view> flag_tokens(tokens.token.data() + 2, tokens.count - 2);
  MetaFlags flags;
  if (std::optional<std::string_view> error =
          ParseMetaFlags(tokens[1], flag_tokens, server_.clock(), &flags)) {
    MetaError(*error);
    return;
  }
  noreply_ = flags.quiet;
  CommandCounters& counters = server_.counters();
  const RelTime now = server_.clock().now();
  const KeyRef ref = Key(flags.key);
  ItemId id = cache_.Get(ref, !flags.delays_bump && !flags.no_update);
  bool created = false;
  if (id == kNoItem && flags.vivify) {
    id = cache_.AllocHoldingLock(ref, 0, 0, 2);
    if (id != kNoItem) {
      std::memcpy(cache_.item(id).mutable_value(), "\r\n", 2);
      cache_.Store(id, ref.hash, StoreCommand::kAdd);
      created = true;
    }
  }

  std::string line;
  if (id == kNoItem) {
    counters.get_misses++;
    counters.get_cmds++;
    line = "EN";
    for (std::string_view token : flag_tokens) {
      if (token[0] == 'O') {
        if (token.size() > kMaxOpaqueLength) {
          MetaError("CLIENT_ERROR opaque token too long");
          return;
        }
        line.append(" ").append(token);
      } else if (token[0] == 'k') {
        AppendKeyFlag(flags.key, flags.key_binary, &line);
      }
    }
    MetaReply(line);
    return;
  }

  Item& it = cache_.item(id);
  bool ttl_set = false;
  bool won_token = false;
  if (flags.value) {
    line = "VA ";
    AppendNumber(&line, it.nbytes() - 2);
  } else {
    line = "HD";
  }
  for (std::string_view token : flag_tokens) {
    switch (token[0]) {
      case 'T':
        ttl_set = true;
        it.exptime = flags.exptime;
        break;
      case 'N':
        if (created) {
          it.exptime = flags.vivify_exptime;
          won_token = true;
        }
        break;
      case 'R':
        // The first client to see the item close enough to expiry recaches it.
        if (!it.token_sent && !created && it.exptime != 0 && it.exptime < flags.recache_time) {
          won_token = true;
        }
        break;
      case 's':
        line.append(" s");
        AppendNumber(&line, it.nbytes() - 2);
        break;
      case 't':
        line.append(" t");
        if (it.exptime == 0) {
          line.append("-1");
        } else {
          AppendNumber(&line, static_cast<RelTime>(it.exptime - now));
        }
        break;
      case 'c':
        line.append(" c");
        AppendNumber(&line, it.cas);
        break;
      case 'f':
        line.append(" f");
        AppendNumber(&line, it.client_flags);
        break;
      case 'l':
        line.append(" l");
        AppendNumber(&line, static_cast<RelTime>(now - it.time));
        break;
      case 'h':
        line.append(it.fetched ? " h1" : " h0");
        break;
      case 'O':
        if (token.size() > kMaxOpaqueLength) {
          // What the flags changed so far stays changed.
          cache_.Release(id);
          MetaError("CLIENT_ERROR opaque token too long");
          return;
        }
        line.append(" ").append(token);
        break;
      case 'k':
        AppendKeyFlag(it.key(), it.key_binary, &line);
        break;
    }
  }
  // A client already holds the token (Z), so this one does not win (W) even
  // when the item is stale (X).
  if (it.token_sent) line.append(" Z");
  if (it.stale) {
    line.append(" X");
    if (!it.token_sent) won_token = true;
  }
  if (won_token) {
    line.append(" W");
    it.token_sent = true;
  }
  line.append("\r\n");
  if (flags.value) line.append(it.value());
  out_->append(line);

  if (flags.delays_bump && !flags.no_update) cache_.Bump(id);
  CountHit(it, ttl_set);
  cache_.Release(id);
}

void Session::ProcessMetaSet(const Tokens& tokens) {
  if (tokens.ntokens() < 3) {
    OutString("ERROR");
    return;
  }
  if (tokens[1].size() > kKeyMaxLength || tokens.ntokens() == 3) {
    MetaError(kBadFormat);
    return;
  }
  if (tokens.ntokens() > kMaxMetaTokens) {
    MetaError("CLIENT_ERROR options flags too long");
    return;
  }
  std::optional<int32_t> vlen = ParseI32(tokens[2]);
  if (!vlen || *vlen < 0 || *vlen > INT_MAX - 2) {
    MetaError(kBadFormat);
    return;
  }
  const uint32_t nbytes = static_cast<uint32_t>(*vlen) + 2;
  // Errors from here on swallow the value.
  auto refuse = [&](std::string_view error) {
    MetaError(error);
    state_ = State::kSwallow;
    swallow_left_ = nbytes;
  };
  const std::span<const std::string_view> flag_tokens(tokens.token.data() + 3, tokens.count - 3);
  MetaFlags flags;
  if (std::optional<std::string_view> error =
          ParseMetaFlags(tokens[1], flag_tokens, server_.clock(), &flags)) {
    refuse(*error);
    return;
  }
  std::optional<std::string_view> error;
  std::string return_flags;
  for (std::string_view token : flag_tokens) {
    if (token[0] == 'O') {
      if (token.size() > kMaxOpaqueLength) {
        error = "CLIENT_ERROR opaque token too long";
        continue;
      }
    } else if (token[0] != 'k' && token[0] != 'c') {
      continue;
    }
    if (!return_flags.empty()) return_flags.push_back(' ');
    return_flags.append(token[0] == 'O' ? token : token.substr(0, 1));
  }
  StoreCommand comm = StoreCommand::kSet;
  switch (flags.mode) {
    case 0:
    case 'S':
      break;
    case 'E':
      comm = StoreCommand::kAdd;
      break;
    case 'A':
      comm = StoreCommand::kAppend;
      break;
    case 'P':
      comm = StoreCommand::kPrepend;
      break;
    case 'R':
      comm = StoreCommand::kReplace;
      break;
    default:
      refuse("CLIENT_ERROR invalid mode for ms M token");
      return;
  }
  // A cas turns set and replace into cas; add ignores it and append/prepend
  // check it themselves.
  if (flags.has_cas && (comm == StoreCommand::kSet || comm == StoreCommand::kReplace)) {
    comm = StoreCommand::kCas;
  }
  if (error) {
    refuse(*error);
    return;
  }

  const KeyRef ref = Key(flags.key);
  const ItemId id = cache_.Alloc(ref, flags.client_flags, flags.exptime, nbytes);
  if (id == kNoItem) {
    if (!cache_.ItemSizeOk(flags.key.size(), flags.client_flags, nbytes)) {
      server_.counters().store_too_large++;
      refuse("SERVER_ERROR object too large for cache");
    } else {
      server_.counters().store_no_memory++;
      refuse("SERVER_ERROR out of memory storing object");
    }
    // Unlike set, every mode drops the old value.
    const ItemId old = cache_.Get(ref, false);
    if (old != kNoItem) {
      cache_.Unlink(old, ref.hash);
      cache_.Release(old);
    }
    return;
  }
  noreply_ = flags.quiet;
  if (!cache_.AllocChunks(id)) {
    cache_.Release(id);
    OutString("SERVER_ERROR Out of memory during read");
    state_ = State::kSwallow;
    swallow_left_ = nbytes;
    return;
  }
  Item& it = cache_.item(id);
  it.cas = flags.cas;
  it.key_binary = flags.key_binary;
  reading_ = id;
  reading_hash_ = ref.hash;
  reading_comm_ = comm;
  reading_meta_ = true;
  meta_return_flags_ = std::move(return_flags);
  meta_allow_stale_ = flags.set_stale && comm == StoreCommand::kCas;
  value_filled_ = 0;
  state_ = State::kReadValue;
}

void Session::CompleteMetaSet(ItemId id) {
  uint64_t cas = 0;
  const StoreResult result =
      cache_.Store(id, reading_hash_, reading_comm_, meta_allow_stale_, &cas);
  std::string line;
  switch (result) {
    case StoreResult::kStored:
      line = "HD";
      break;
    case StoreResult::kExists:
      line = "EX";
      break;
    case StoreResult::kNotFound:
      line = "NF";
      break;
    case StoreResult::kNotStored:
      line = "NS";
      break;
  }
  const Item& it = cache_.item(id);
  std::string_view rest = meta_return_flags_;
  while (!rest.empty()) {
    const size_t space = std::min(rest.find(' '), rest.size());
    const std::string_view token = rest.substr(0, space);
    rest.remove_prefix(std::min(space + 1, rest.size()));
    if (token[0] == 'O') {
      line.append(" ").append(token);
    } else if (token[0] == 'k') {
      AppendKeyFlag(it.key(), it.key_binary, &line);
    } else {
      line.append(" c");
      AppendNumber(&line, cas);
    }
  }
  if (result != StoreResult::kStored) noreply_ = false;
  MetaReply(line);
}

bool Session::ReadKeyedMetaRequest(const Tokens& tokens, MetaFlags* flags,
                                   std::span<const std::string_view>* flag_tokens) {
  if (tokens.ntokens() < 3) {
    OutString("ERROR");
    return false;
  }
  if (tokens[1].size() > kKeyMaxLength) {
    OutString(kBadFormat);
    return false;
  }
  if (tokens.ntokens() > kMaxMetaTokens) {
    OutString("CLIENT_ERROR options flags too long");
    return false;
  }
  *flag_tokens = std::span<const std::string_view>(tokens.token.data() + 2, tokens.count - 2);
  if (ParseMetaFlags(tokens[1], *flag_tokens, server_.clock(), flags)) {
    MetaError("CLIENT_ERROR invalid or duplicate flag");
    return false;
  }
  return true;
}

void Session::ProcessMetaDelete(const Tokens& tokens) {
  MetaFlags flags;
  std::span<const std::string_view> flag_tokens;
  if (!ReadKeyedMetaRequest(tokens, &flags, &flag_tokens)) return;
  noreply_ = flags.quiet;
  std::string return_flags;
  for (std::string_view token : flag_tokens) {
    if (token[0] == 'O') {
      if (token.size() > kMaxOpaqueLength) {
        MetaError("CLIENT_ERROR opaque token too long");
        return;
      }
      return_flags.append(" ").append(token);
    } else if (token[0] == 'k') {
      AppendKeyFlag(flags.key, flags.key_binary, &return_flags);
    }
  }
  CommandCounters& counters = server_.counters();
  std::string line;
  const KeyRef ref = Key(flags.key);
  const ItemId id = cache_.Get(ref, false);
  if (id == kNoItem) {
    counters.delete_misses++;
    line = "NF";
  } else if (flags.has_cas && cache_.item(id).cas != flags.cas) {
    counters.delete_misses++;
    line = "EX";
  } else {
    if (flags.set_stale) {
      // Invalidation keeps the item, so that a client can still be served it
      // (marked X) while another recaches it.
      if (flags.new_ttl) cache_.item(id).exptime = flags.exptime;
      cache_.MarkStale(id);
    } else {
      counters.slab[cache_.item(id).clsid].delete_hits++;
      cache_.Unlink(id, ref.hash);
    }
    line = "HD";
  }
  if (id != kNoItem) cache_.Release(id);
  if (line != "HD") noreply_ = false;
  MetaReply(line.append(return_flags));
}

void Session::ProcessMetaArithmetic(const Tokens& tokens) {
  MetaFlags flags;
  std::span<const std::string_view> flag_tokens;
  if (!ReadKeyedMetaRequest(tokens, &flags, &flag_tokens)) return;
  noreply_ = flags.quiet;
  bool incr = true;
  switch (flags.mode) {
    case 0:
    case 'I':
    case '+':
      break;
    case 'D':
    case '-':
      incr = false;
      break;
    default:
      MetaError("CLIENT_ERROR invalid mode for ma M token");
      return;
  }

  CommandCounters& counters = server_.counters();
  const KeyRef ref = Key(flags.key);
  std::string result;
  uint64_t cas = flags.cas;
  ItemId id = kNoItem;
  bool created = false;
  std::string line;
  switch (cache_.AddDelta(ref, incr, flags.delta, &result, &cas, &id)) {
    case DeltaResult::kOk:
      break;
    case DeltaResult::kNonNumeric:
      MetaError("CLIENT_ERROR cannot increment or decrement non-numeric value");
      return;
    case DeltaResult::kOutOfMemory:
      MetaError("SERVER_ERROR out of memory");
      return;
    case DeltaResult::kNotFound:
      if (!flags.vivify) {
        if (incr) {
          counters.incr_misses++;
        } else {
          counters.decr_misses++;
        }
        line = "NF";
        break;
      }
      result = std::to_string(flags.initial);
      id = cache_.AllocHoldingLock(ref, 0, 0, static_cast<uint32_t>(result.size() + 2));
      if (id == kNoItem) {
        MetaError("SERVER_ERROR Out of memory allocating new item");
        return;
      }
      std::memcpy(cache_.item(id).mutable_value(), result.data(), result.size());
      std::memcpy(cache_.item(id).mutable_value() + result.size(), "\r\n", 2);
      cache_.Store(id, ref.hash, StoreCommand::kAdd);
      created = true;
      break;
    case DeltaResult::kCasMismatch:
      line = "EX";
      break;
  }

  if (id == kNoItem) {
    for (std::string_view token : flag_tokens) {
      if (token[0] == 'O') {
        if (token.size() > kMaxOpaqueLength) {
          MetaError("CLIENT_ERROR opaque token too long");
          return;
        }
        line.append(" ").append(token);
      } else if (token[0] == 'k') {
        AppendKeyFlag(flags.key, flags.key_binary, &line);
      }
    }
    noreply_ = false;
    MetaReply(line);
    return;
  }

  // A vivified item is reported even in quiet mode.
  if (created) noreply_ = false;
  Item& it = cache_.item(id);
  const RelTime now = server_.clock().now();
  if (flags.value) {
    line = "VA ";
    AppendNumber(&line, result.size());
  } else {
    line = "HD";
  }
  for (std::string_view token : flag_tokens) {
    switch (token[0]) {
      case 'c':
        line.append(" c");
        AppendNumber(&line, it.cas);
        break;
      case 't':
        line.append(" t");
        if (it.exptime == 0) {
          line.append("-1");
        } else {
          AppendNumber(&line, static_cast<RelTime>(it.exptime - now));
        }
        break;
      case 'T':
        // When the result did not fit in place, this is the replaced item,
        // and the new TTL is lost with it.
        it.exptime = flags.exptime;
        break;
      case 'N':
        if (created) it.exptime = flags.vivify_exptime;
        break;
      case 'O':
        if (token.size() > kMaxOpaqueLength) {
          cache_.Release(id);
          MetaError("CLIENT_ERROR opaque token too long");
          return;
        }
        line.append(" ").append(token);
        break;
      case 'k':
        AppendKeyFlag(flags.key, flags.key_binary, &line);
        break;
    }
  }
  if (flags.value) line.append("\r\n").append(result);
  cache_.Release(id);
  MetaReply(line);
}

void Session::ProcessMetaDebug(const Tokens& tokens) {
  if (tokens.ntokens() < 3 || tokens[1].size() > kKeyMaxLength) {
    OutString(kBadFormat);
    return;
  }
  std::string decoded;
  std::string_view key = tokens[1];
  if (tokens.ntokens() >= 4 && tokens[2] == "b") {
    decoded = DecodeBase64(key);
    if (decoded.empty()) {
      OutString(kBadFormat);
      return;
    }
    key = decoded;
  }
  const ItemId id = cache_.Get(Key(key), false);
  if (id == kNoItem) {
    OutString("EN");
  } else {
    const Item& it = cache_.item(id);
    const RelTime now = server_.clock().now();
    std::string line = "ME ";
    if (it.key_binary) {
      AppendBase64(it.key(), &line);
    } else {
      line.append(it.key());
    }
    line.append(" exp=");
    // memcached prints the seconds since expiry, negative while the item
    // lives.
    line.append(it.exptime == 0 ? "-1" : std::to_string(static_cast<int32_t>(now - it.exptime)));
    line.append(" la=");
    AppendNumber(&line, static_cast<RelTime>(now - it.time));
    line.append(" cas=");
    AppendNumber(&line, it.cas);
    line.append(it.fetched ? " fetch=yes" : " fetch=no");
    line.append(" cls=");
    AppendNumber(&line, it.clsid);
    line.append(" size=");
    AppendNumber(&line, cache_.TotalSize(it));
    MetaReply(line);
    cache_.Release(id);
  }
  server_.counters().meta_cmds++;
}

}  // namespace mcspec::ref
