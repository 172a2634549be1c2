// Session handlers for the administrative commands of memcached 1.6.18's
// text protocol that steer the server's background work or observe it:
// `lru_crawler`, `slabs` and `watch`.
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "number_parse.h"
#include "session.h"
#include "session_tokens.h"
#include "watch_log.h"

namespace mcspec::ref {

void Session::ProcessLruCrawler(const Tokens& tokens) {
  Settings& settings = server_.settings();
  const size_t ntokens = tokens.ntokens();
  const std::string_view what = tokens[1];
  if (ntokens == 4 && (what == "crawl" || what == "metadump")) {
    if (!settings.lru_crawler) {
      OutString("CLIENT_ERROR lru crawler disabled");
      return;
    }
    // memcached refuses a metadump behind responses it has not sent yet.
    if (what == "metadump" && out_->size() > unsent_from_) {
      OutString("ERROR cannot pipeline other commands before metadump");
      return;
    }
    std::optional<Cache::LruSet> lrus = Cache::CrawlTargets(tokens[2]);
    if (!lrus) {
      OutString("BADCLASS invalid class id");
      return;
    }
    if (what == "metadump") {
      cache_.Metadump(tokens[2] == "hash" ? nullptr : &*lrus, out_);
      return;
    }
    // A hash table walk exists only for metadump.
    if (tokens[2] == "hash") {
      OutString("ERROR an unknown error happened");
      return;
    }
    // memcached's crawler thread logs its reclaims after the OK.
    server_.verbose_log().DeferBackground();
    switch (cache_.CrawlExpired(*lrus, settings.lru_crawler_tocrawl)) {
      case Cache::CrawlResult::kOk:
        OutString("OK");
        break;
      case Cache::CrawlResult::kBadClass:
        OutString("BADCLASS invalid class id");
        break;
      case Cache::CrawlResult::kNotStarted:
        OutString("NOTSTARTED no items to crawl");
        break;
      case Cache::CrawlResult::kError:
        OutString("ERROR an unknown error happened");
        break;
    }
    server_.verbose_log().FlushBackground();
  } else if (ntokens == 4 && (what == "tocrawl" || what == "sleep")) {
    std::optional<uint32_t> value = ParseU32(tokens[2]);
    if (!value) {
      OutString("CLIENT_ERROR bad command line format");
    } else if (what == "sleep" && *value > 1000000) {
      OutString("CLIENT_ERROR sleep must be one second or less");
    } else {
      (what == "sleep" ? settings.lru_crawler_sleep : settings.lru_crawler_tocrawl) = *value;
      OutString("OK");
    }
  } else if (ntokens == 3 && what == "enable") {
    if (settings.lru_crawler) {
      OutString("ERROR failed to start lru crawler thread");
    } else {
      settings.lru_crawler = true;
      OutString("OK");
    }
  } else if (ntokens == 3 && what == "disable") {
    settings.lru_crawler = false;
    OutString("OK");
  } else {
    OutString("ERROR");
  }
}

void Session::ProcessWatch(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  if (out_->size() > unsent_from_) {
    OutString("ERROR cannot pipeline other commands before watch");
    return;
  }
  static constexpr std::pair<std::string_view, WatchLog::Kind> kKinds[] = {
      {"rawcmds", WatchLog::kRawCommands},     {"evictions", WatchLog::kEvictions},
      {"fetchers", WatchLog::kFetchers},       {"mutations", WatchLog::kMutations},
      {"sysevents", WatchLog::kSysEvents},     {"connevents", WatchLog::kConnEvents},
      {"proxyreqs", WatchLog::kProxyRequests}, {"proxyevents", WatchLog::kProxyEvents},
      {"proxyuser", WatchLog::kProxyUser}};
  uint16_t kinds = 0;
  if (tokens.ntokens() > 2) {
    for (size_t i = 1; i < tokens.ntokens() - 1; ++i) {
      const auto* match = std::find_if(std::begin(kKinds), std::end(kKinds),
                                       [&](const auto& kind) { return kind.first == tokens[i]; });
      if (match == std::end(kKinds)) {
        OutString("ERROR");
        return;
      }
      kinds |= match->second;
    }
  } else {
    kinds = WatchLog::kFetchers;
  }
  watcher_ = server_.watch_log().AddWatcher(kinds);
  server_.watch_log().Take(watcher_, out_);
  // The rest of the input is never read: memcached stops reading a watcher.
  in_pos_ = in_.size();
}

// `slabs reassign <src> <dst>` and `slabs automove <0|1|2>` or
// `slabs automove ratio <ratio>`.
void Session::ProcessSlabs(const Tokens& tokens) {
  Settings& settings = server_.settings();
  const size_t ntokens = tokens.ntokens();
  if (ntokens == 5 && tokens[1] == "reassign") {
    if (!settings.slab_reassign) {
      OutString("CLIENT_ERROR slab reassignment disabled");
      return;
    }
    const std::optional<int32_t> src = ParseI32(tokens[2]);
    const std::optional<int32_t> dst = ParseI32(tokens[3]);
    if (!src || !dst) {
      OutString("CLIENT_ERROR bad command line format");
      return;
    }
    switch (cache_.Reassign(*src, *dst)) {
      case ReassignResult::kOk:
        OutString("OK");
        break;
      case ReassignResult::kRunning:
        OutString("BUSY currently processing reassign request");
        break;
      case ReassignResult::kBadClass:
        OutString("BADCLASS invalid src or dst class id");
        break;
      case ReassignResult::kNoSpare:
        OutString("NOSPARE source class has no spare pages");
        break;
      case ReassignResult::kSame:
        OutString("SAME src and dst class are identical");
        break;
    }
  } else if (ntokens >= 4 && tokens[1] == "automove") {
    SetNoreplyMaybe(tokens);
    if (tokens[2] == "ratio") {
      const std::optional<double> ratio = ntokens < 5 ? std::nullopt : ParseDouble(tokens[3]);
      if (!ratio) {
        OutString("ERROR");
        return;
      }
      settings.slab_automove_ratio = *ratio;
    } else {
      const std::optional<uint32_t> level = ParseU32(tokens[2]);
      if (!level) {
        OutString("CLIENT_ERROR bad command line format");
        return;
      }
      if (*level > 2) {
        OutString("ERROR");
        return;
      }
      settings.slab_automove = *level;
    }
    OutString("OK");
  } else {
    OutString("ERROR");
  }
}

// `extstore <setting> <value>`: tunes the store's settings (the server has
// no store, as Debian's memcached without -o ext_path). free_memchunks is
// accepted and ignored.
void Session::ProcessExtstore(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  Settings& s = server_.settings();
  const std::string_view what = tokens[1];
  const std::string_view value = tokens[2];
  bool ok = tokens.ntokens() >= 4;
  // memcached parses straight into the setting, which its parser zeroes
  // first: a bad value leaves 0 behind.
  auto set_u32 = [&](uint32_t* field) {
    std::optional<uint32_t> parsed = ParseU32(value);
    *field = parsed.value_or(0);
    return parsed.has_value();
  };
  if (!ok) {
  } else if (what == "free_memchunks" && tokens.ntokens() > 4) {
    std::optional<uint32_t> clsid = ParseU32(value);
    ok = clsid && ParseU32(tokens[3]) && *clsid < kMaxSlabClasses;
  } else if (what == "item_size") {
    ok = set_u32(&s.ext_item_size);
  } else if (what == "item_age") {
    ok = set_u32(&s.ext_item_age);
  } else if (what == "low_ttl") {
    ok = set_u32(&s.ext_low_ttl);
  } else if (what == "recache_rate") {
    ok = set_u32(&s.ext_recache_rate);
  } else if (what == "compact_under") {
    ok = set_u32(&s.ext_compact_under);
  } else if (what == "drop_under") {
    ok = set_u32(&s.ext_drop_under);
  } else if (what == "max_sleep") {
    ok = set_u32(&s.ext_max_sleep);
  } else if (what == "max_frag") {
    std::optional<double> parsed = ParseDouble(value);
    s.ext_max_frag = parsed.value_or(0);
    ok = parsed.has_value();
  } else if (what == "drop_unread") {
    std::optional<uint32_t> parsed = ParseU32(value);
    if (parsed) s.ext_drop_unread = *parsed != 0;
    ok = parsed.has_value();
  } else {
    ok = false;
  }
  OutString(ok ? "OK" : "ERROR");
}

// TLS is compiled into the server memcached's reference build but not
// enabled; the error is written even under noreply.
void Session::ProcessRefreshCerts(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  out_->append("Error TLS not enabled\r\n");
}

}  // namespace mcspec::ref
