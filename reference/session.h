// One client connection to the reference server: bytes in, bytes out.
//
// A Session is the single interface through which every front end (mcref's
// network and stdio adapters, the conformance runner, the simulator, the
// fuzzers) drives the protocol core. It reproduces memcached 1.6.18's text
// protocol connection state machine: request lines found by '\n' (an optional
// '\r' before it is dropped, a NUL ends the line early), tokenised into at
// most 24 tokens, data blocks read or swallowed by length, and the 2048-byte
// rule for lines without a newline.
//
// Output follows memcached's write points: responses are queued and only
// transmitted (appended to the caller's buffer) where memcached transmits —
// when the input is exhausted, after a get's END, on `mn`, on `quit`, and
// every `reqs_per_event` requests. This matters because memcached drops
// queued responses when a multi-get fails on a too-long key.
#ifndef MCSPEC_REFERENCE_SESSION_H_
#define MCSPEC_REFERENCE_SESSION_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache.h"
#include "server.h"

namespace mcspec::ref {

struct MetaFlags;      // a parsed meta request's flags (meta_commands.cc)
struct RequestTokens;  // a request line's tokens (session_tokens.h)

class Session {
 public:
  // `fd` is the connection's number in memcached's output (watch lines); by
  // default the server numbers its sessions 1, 2, ...
  explicit Session(Server& server, int fd = 0);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Feeds bytes the client sent. Every request they complete is executed and
  // the bytes memcached would have transmitted by then are appended to *out.
  void Receive(std::string_view bytes, std::string* out);

  // Network front ends stop where memcached yields to other connections
  // (after -R requests, `reqs_per_event`) instead of running on through the
  // input: the rest stays buffered and `yielded()` is true until a
  // Receive("") carries on. So a client that pipelines without reading holds
  // at most one yield's worth of responses, as memcached, whose writes then
  // block, stops processing it.
  void set_stop_at_yield(bool stop) { stop_at_yield_ = stop; }
  bool yielded() const { return yielded_; }
  // Bytes of a value still to come (0 between requests). memcached reads
  // them from the socket straight into the item or, for a refused value
  // (`swallowing()`), into its read buffer; a UDP connection then takes the
  // next datagram whole as value bytes.
  uint64_t value_bytes_left() const;
  bool swallowing() const { return state_ == State::kSwallow; }

  // One of memcached's response objects (mc_resp): one per request, and one
  // per key of a multi-get. Over UDP each is framed into its own datagrams.
  // Its bytes stay valid until the session's next call.
  struct Response {
    std::string_view bytes;
    bool silenced = false;    // noreply, or a quiet meta command: never sent
    bool ends_write = false;  // memcached's transmission ends after it
  };
  // A UDP connection: memcached reads each datagram into a fresh buffer, so
  // a partial request at its end is dropped, and a connection memcached
  // closes (quit, an overlong line) goes back to reading. Appends the
  // response objects transmitted by the end of the datagram.
  void ReceiveDatagram(std::string_view bytes, std::vector<Response>* responses);
  // An empty datagram while a value is being read or swallowed: memcached's
  // read returns 0, which it takes for a closed connection; a UDP one is
  // cleaned up instead (the item and the responses not yet sent are dropped)
  // and reads the next datagram as a new request.
  void AbortDatagramValue();
  // The server has closed the connection (quit, an overlong line, an HTTP
  // request, shutdown). Later input is ignored.
  bool closed() const { return state_ == State::kClosed; }
  // A watcher (after `watch`) receives lines caused by other connections;
  // adapters call this to collect them. Appends to *out.
  void Poll(std::string* out);
  bool watching() const { return watcher_ >= 0; }
  // How `stats conns` shows this connection. A network front end gives the
  // peer's and the listener's addresses in memcached's form
  // ("tcp:127.0.0.1:54321"); embedded sessions have none.
  void set_addresses(std::string peer, std::string listener) {
    peer_addr_ = std::move(peer);
    listen_addr_ = std::move(listener);
  }
  const std::string& peer_addr() const { return peer_addr_; }
  const std::string& listen_addr() const { return listen_addr_; }
  // memcached's name for the connection's state between requests.
  std::string_view state_name() const;
  // The reason memcached's connevents log gives when it closes the
  // connection: "normal" after quit, "shutdown", or "error".
  std::string_view close_reason() const { return close_reason_; }
  RelTime last_command_time() const { return last_command_time_; }
  // Bytes received but not yet consumed (a partial request line).
  size_t buffered() const { return input_.size(); }

 private:
  enum class State { kCommand, kReadValue, kSwallow, kClosed };
  using Tokens = RequestTokens;

  void ProcessInput();
  // -Y: a connection's requests before it has authenticated; false when
  // more input is needed.
  bool ReadAuthentication();
  void AuthenticationReply(std::string_view text);
  void PrefetchAhead();
  // The first '\n' in the input at or after `from`, or npos.
  size_t FindNewline(size_t from) const;
  bool ReadLine();
  void ProcessCommand(std::string_view line);
  void CommandDone();
  // memcached's out_string: a reply line, logged at -vv.
  void OutString(std::string_view text);
  // A meta command's reply line, which memcached builds without out_string
  // (so not logged); silenced in quiet mode like OutString.
  void MetaReply(std::string_view text);
  bool Verbose() const { return server_.verbose_log().enabled(2); }
  void Transmit();
  // Drops queued responses (memcached's conn_release_items).
  void DiscardQueued();
  // memcached's resp_start: in datagram mode, where a response object begins.
  void StartResponse() {
    if (datagram_mode_) marks_.push_back(ResponseMark{out_->size(), false, false});
  }
  // memcached closes without transmitting what is still queued.
  void Close() {
    DiscardQueued();
    state_ = State::kClosed;
  }
  // The key with its hash, taken from the lookahead when it was computed there.
  KeyRef Key(std::string_view key) const;

  bool SetNoreplyMaybe(const Tokens& tokens);
  void ProcessGet(Tokens& tokens, bool return_cas, bool should_touch);
  // A get or mg hit's counters: a touch (gat, mg T) or a fetch.
  void CountHit(const Item& it, bool touched);
  void ProcessUpdate(const Tokens& tokens, StoreCommand comm, bool handle_cas);
  void CompleteValue();
  void ProcessArithmetic(const Tokens& tokens, bool incr);
  void ProcessDelete(const Tokens& tokens);
  void ProcessTouch(const Tokens& tokens);
  void ProcessFlushAll(const Tokens& tokens);
  void ProcessVerbosity(const Tokens& tokens);
  void ProcessDebugtime(const Tokens& tokens);
  void ProcessShutdown(const Tokens& tokens);
  void ProcessStats(const Tokens& tokens);
  void ProcessMemlimit(const Tokens& tokens);
  void ProcessLru(const Tokens& tokens);
  void ProcessLruCrawler(const Tokens& tokens);
  void ProcessSlabs(const Tokens& tokens);
  void ProcessWatch(const Tokens& tokens);
  void ProcessExtstore(const Tokens& tokens);
  void ProcessRefreshCerts(const Tokens& tokens);
  // Meta commands (meta_commands.cc).
  // md and ma: the checks made before acting, in memcached's order; false
  // (after replying) when one fails.
  bool ReadKeyedMetaRequest(const Tokens& tokens, MetaFlags* flags,
                            std::span<const std::string_view>* flag_tokens);
  void ProcessMetaGet(const Tokens& tokens);
  void ProcessMetaSet(const Tokens& tokens);
  void ProcessMetaDelete(const Tokens& tokens);
  void ProcessMetaArithmetic(const Tokens& tokens);
  void ProcessMetaDebug(const Tokens& tokens);
  void CompleteMetaSet(ItemId id);
  // Meta commands report errors even in quiet mode (out_errstring).
  void MetaError(std::string_view text) {
    noreply_ = false;
    OutString(text);
  }

  Server& server_;
  Cache& cache_;
  int fd_;
  int watcher_ = -1;  // the WatchLog id once this connection watches
  std::string peer_addr_;
  std::string listen_addr_;
  RelTime last_command_time_;
  State state_ = State::kCommand;
  bool received_ = false;    // memcached shows conn_new_cmd until the first read
  bool negotiated_ = false;  // the first bytes have arrived (-vv says so)
  std::string_view close_reason_ = "error";
  bool stop_at_yield_ = false;
  bool yielded_ = false;
  // Datagram mode: the response objects in *out_ (offsets), transmitted or
  // queued; queued ones are kept, rebased onto `held_`, between calls.
  struct ResponseMark {
    size_t begin;
    bool silenced;
    bool ends_write;
  };
  bool datagram_mode_ = false;
  std::vector<ResponseMark> marks_;
  std::string datagram_out_;  // ReceiveDatagram's output, which its Responses view
  // Input: `in_` is what is being processed (the caller's bytes, or `input_`
  // when a partial request was kept from an earlier call); `input_` keeps
  // unprocessed bytes between calls.
  std::string input_;
  std::string_view in_;
  size_t in_pos_ = 0;
  // The first bytes of `in_` known to hold no '\n': a partial line kept
  // from the previous call, searched then. `partial_line_`: this call ended
  // waiting for the rest of a line.
  size_t searched_ = 0;
  bool partial_line_ = false;
  // Output: responses are appended to *out_; those from `unsent_from_` on are
  // queued, not yet transmitted. `held_` keeps them between calls.
  std::string* out_ = nullptr;
  size_t unsent_from_ = 0;
  std::string held_;
  bool noreply_ = false;
  int requests_left_ = 0;
  // Authentication (-Y): whether the connection has passed it, the bytes of
  // the credentials block still to arrive (0: a request line is awaited),
  // and where in the queued output the last reply is, which the next one
  // replaces (memcached reuses one response object until it transmits).
  bool authenticated_;
  uint64_t auth_block_size_ = 0;
  size_t auth_reply_at_ = std::string::npos;
  // The item a storage command is reading its value into, and its key's hash.
  ItemId reading_ = kNoItem;
  uint32_t reading_hash_ = 0;
  StoreCommand reading_comm_ = StoreCommand::kSet;
  size_t value_filled_ = 0;
  // Bytes still to discard after a refused storage command.
  uint64_t swallow_left_ = 0;
  // An ms whose value is being read: its return flags (the O, k and c tokens,
  // space-separated, in request order) and whether its cas may be stale (I).
  bool reading_meta_ = false;
  std::string meta_return_flags_;
  bool meta_allow_stale_ = false;
  // Lines of pipelined input scanned ahead of execution, to prefetch their
  // keys' memory: [offset of the line, whether its item was prefetched].
  struct Lookahead {
    size_t begin;
    size_t end;  // offset of the '\n'
    size_t key_begin;
    size_t key_size;  // 0: no key found
    uint32_t hash;
    uint8_t prefetched;  // stages started: 1 the index slot, 2 the entry, 3 the item
  };
  // The current line's key as the lookahead saw it.
  std::string_view hinted_key_;
  uint32_t hinted_hash_ = 0;
  std::array<Lookahead, 16> lookahead_;
  size_t lookahead_first_ = 0;
  size_t lookahead_count_ = 0;
  size_t scan_pos_ = 0;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SESSION_H_
