// One simulated client: a closed-loop user of the server over its own TCP
// connection, keeping up to `pipeline_depth` requests in flight, pausing a
// random think time between them, reading replies incrementally from
// whatever pieces the network delivers, and reconnecting after a reset.
//
// Its history, when asked for, is recorded as client_history.h says.
#ifndef MCSPEC_SIM_SIM_CLIENT_H_
#define MCSPEC_SIM_SIM_CLIENT_H_

#include <cstdint>
#include <deque>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.h"
#include "execution_feed.h"
#include "prng.h"
#include "sim_network.h"
#include "swarm.h"
#include "workload.h"

namespace mcspec::sim {

// What clients share: the run's loop, PRNG, network and bookkeeping.
struct ClientContext {
  EventLoop& loop;
  Prng& prng;
  SimNetwork& network;
  Workload& workload;
  ExecutionFeed& feed;
  const SwarmParameters& params;
  Fingerprint& fingerprint;
  std::ostream* history = nullptr;  // null: no history kept
  uint64_t ops_left = 0;            // operations the run may still start
  uint64_t next_process = 0;
  int64_t unix_epoch = 0;  // the server's unix time at relative time 0
  std::string failure;     // a client's protocol failure (unparsable reply)
  uint64_t replies = 0;
  uint64_t unknown = 0;  // operations completed as info

  // A client's idea of the server's unix time (for absolute exptimes): the
  // average rate of the server's clock jumps, off by the client's skew.
  int64_t UnixNow(int64_t skew_s) const;
  // A new client's clock skew, in seconds (one draw).
  int64_t DrawSkew();
};

class SimClient : public ClientEndpoint {
 public:
  SimClient(uint32_t index, ClientContext& context);

  void Start();
  // Nothing in flight and nothing more to send.
  bool done() const { return awaiting_.empty() && context_.ops_left == 0 && !send_scheduled_; }

  void OnData(std::string_view bytes) override;
  void OnClosed(bool reset) override;
  // The run is over: completes in the history the noreply requests no later
  // reply settled.
  void Finish();

 private:
  struct Pending {
    uint64_t op_id;
    std::vector<uint64_t> processes;  // its history's processes (none without a history)
  };

  void Connect();
  void ScheduleSend();
  void SendOne();
  // Takes *reply (leaving buffers to parse the next reply into).
  void Complete(const Pending& pending, Reply* reply);
  void Abandon(const Pending& pending, const std::string& why);
  // Completes in the history the noreply requests sent before `op_id`
  // (all, when 0).
  void SettleNoreply(uint64_t op_id);
  uint64_t TakeProcess();

  uint32_t index_;
  ClientContext& context_;
  int64_t skew_s_;
  ConnectionId connection_ = 0;
  bool connected_ = false;
  bool write_closed_ = false;
  bool send_scheduled_ = false;
  std::deque<Pending> awaiting_;  // replies expected, in request order
  // noreply requests not yet completed in the history: a reply to a later
  // request shows that the server ran them. The feed may have forgotten
  // them: each keeps its command and keys.
  struct Unsettled {
    Pending pending;
    Operation named;
  };
  std::deque<Unsettled> noreply_;
  std::string request_;  // the command line being sent (its capacity reused)
  // The reply being read (when reading_), for the request at the front of
  // awaiting_.
  ReplyReader reader_;
  bool reading_ = false;
  Reply reply_;
  // The process lists of completed requests, their capacity reused.
  std::vector<std::vector<uint64_t>> spare_process_lists_;
  KnownCasUniques known_cas_;
  std::vector<uint64_t> idle_processes_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SIM_CLIENT_H_
