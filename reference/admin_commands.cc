// Session handlers for the administrative commands of memcached 1.6.18's
// text protocol that steer the server's background work: `lru_crawler`.
#include <optional>
#include <string>

#include "number_parse.h"
#include "session.h"
#include "session_tokens.h"

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

}  // namespace mcspec::ref
