// The simulated network between mcsim's clients and one reference server.
//
// TCP connections keep TCP's guarantees and break everything else: bytes of
// one direction arrive complete and in order, but a write may arrive in
// pieces split at random points (short reads), after the connection's own
// latency plus a random slow tail, or after the connection was clogged for a
// while (bytes held back, never lost). Connections are independent, so
// requests of different connections are reordered freely. A connection may
// be reset at any moment: bytes still in flight either way are lost, the
// server's session is destroyed (a partial request with it), and the client
// learns of the reset. A client may shut down its writing side (a FIN after
// its last bytes): the server then drops any partial request and closes.
//
// Each server-side connection is a ref::Session. The network hands it bytes
// split at request boundaries (which the sender marks with a tag), so each
// request executes in its own Receive and the observer learns, in execution
// order, which request just ran; that is the order the oracle checks in.
#ifndef MCSPEC_SIM_SIM_NETWORK_H_
#define MCSPEC_SIM_SIM_NETWORK_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "event_loop.h"
#include "fingerprint.h"
#include "prng.h"
#include "server.h"
#include "session.h"
#include "swarm.h"
#include "trace.h"

namespace mcspec::sim {

using ConnectionId = uint32_t;

// A client's end of a connection.
class ClientEndpoint {
 public:
  virtual ~ClientEndpoint() = default;
  virtual void OnData(std::string_view bytes) = 0;
  // The connection is gone: reset, or closed by the server after all its data.
  virtual void OnClosed(bool reset) = 0;
};

// What the simulation learns from the server side.
class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  // The command line of storage request `tag` has just been read: memcached
  // converts its exptime and allocates its item (or refuses) now.
  virtual void HeaderRead(uint64_t tag) = 0;
  // The request tagged `tag` has just executed.
  virtual void Executed(uint64_t tag) = 0;
  // The request tagged `tag` will never execute (its connection died first).
  virtual void Dropped(uint64_t tag) = 0;
};

struct NetworkStats {
  uint64_t connections = 0;
  uint64_t writes = 0;
  uint64_t segments = 0;
  uint64_t resets = 0;
  uint64_t half_closes = 0;
  uint64_t clogs = 0;
  uint64_t slow_tails = 0;
};

class SimNetwork {
 public:
  SimNetwork(EventLoop& loop, Prng& prng, const SwarmParameters& params, ref::Server& server,
             ServerObserver& observer, Fingerprint& fingerprint, TraceWriter* trace);
  ~SimNetwork();

  ConnectionId Connect(ClientEndpoint* client);
  // Sends bytes from the client; if `tag` is not 0 a request ends with them,
  // and if `header` is not 0 its first `header` bytes are a storage command
  // line (reported when read).
  void Send(ConnectionId id, std::string_view bytes, uint64_t tag, size_t header = 0);
  // The client will send nothing more (a FIN after the bytes already sent).
  void ShutdownWrite(ConnectionId id);
  // A server-side session opened outside any client (the eviction watcher).
  ref::Session& OpenLocalSession(ConnectionId* id);
  // The server's time moved: records it in the trace.
  void RecordClock(int64_t seconds);
  // Polls a local session, recording what it sent.
  void Poll(ConnectionId id, std::string* out);

  const NetworkStats& stats() const { return stats_; }

 private:
  struct Segment {
    std::string bytes;
    bool fin = false;
  };
  struct Direction {
    std::deque<Segment> in_flight;
    SimTime last_arrival = 0;
    SimTime clogged_until = 0;
  };
  struct Connection {
    ClientEndpoint* client = nullptr;
    std::unique_ptr<ref::Session> session;
    Direction to_server;
    Direction to_client;
    // Request boundaries in the client's stream, in order.
    struct Boundary {
      uint64_t offset;  // just past the request (or its command line)
      uint64_t tag;
      bool header;
    };
    std::deque<Boundary> boundaries;
    uint64_t sent = 0;       // bytes the client has sent
    uint64_t delivered = 0;  // bytes the server has received
    SimTime latency = 0;
    uint32_t generation = 0;  // bumped by a reset: its pending deliveries are void
    bool open = true;
  };

  void Transmit(ConnectionId id, bool to_server, std::string_view bytes, bool fin);
  SimTime Arrival(const Connection& c, Direction& d);
  void Deliver(uint64_t packed);
  void DeliverToServer(ConnectionId id, Segment segment);
  void ServerClose(ConnectionId id);
  void DropBoundaries(Connection& c);
  void Reset(ConnectionId id);

  EventLoop& loop_;
  Prng& prng_;
  const SwarmParameters& params_;
  ref::Server& server_;
  ServerObserver& observer_;
  Fingerprint& fingerprint_;
  TraceWriter* trace_;
  std::deque<Connection> connections_;  // by id; deque: stable while clients reconnect
  std::string output_;                  // scratch for a session's output
  NetworkStats stats_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SIM_NETWORK_H_
