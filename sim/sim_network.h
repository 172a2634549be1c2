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
// UDP breaks everything: each datagram (a client's request, each datagram
// of a reply) may be lost, duplicated, and delivered after its own random
// delay, so datagrams are reordered freely. The server has one UDP socket,
// a ref::UdpConnection serving every client socket.
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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "buffer_pool.h"
#include "event_loop.h"
#include "fingerprint.h"
#include "prng.h"
#include "server.h"
#include "session.h"
#include "swarm.h"
#include "trace.h"
#include "udp_connection.h"

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

// A client's UDP socket. `tag` names the request copy whose execution
// produced the datagram: a simulated client keeps the replies of a request
// and of its duplicate apart, which a real one could not do for identical
// bytes, but which keeps every reply attributed to the execution it came from.
class DatagramEndpoint {
 public:
  virtual ~DatagramEndpoint() = default;
  virtual void OnDatagram(std::string_view bytes, uint64_t tag) = 0;
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
  uint64_t datagrams = 0;
  uint64_t datagrams_lost = 0;
  uint64_t datagrams_duplicated = 0;
};

class SimNetwork {
 public:
  // `params` are read when the network is made: the fault probabilities
  // once, as chances.
  SimNetwork(EventLoop& loop, Prng& prng, const SwarmParameters& params, ref::Server& server,
             ServerObserver& observer, Fingerprint& fingerprint, TraceWriter* trace);
  ~SimNetwork();

  ConnectionId Connect(ClientEndpoint* client);
  // Sends bytes from the client; if `tag` is not 0 a request ends with them,
  // and if `header` is not 0 its first `header` bytes are a storage command
  // line (reported when read).
  void Send(ConnectionId id, std::string_view bytes, uint64_t tag, size_t header = 0) {
    Send(id, std::span<const std::string_view>(&bytes, 1), tag, header);
  }
  // The same for bytes given in parts (sent as one write: their concatenation).
  void Send(ConnectionId id, std::span<const std::string_view> parts, uint64_t tag,
            size_t header = 0);
  // The client will send nothing more (a FIN after the bytes already sent).
  void ShutdownWrite(ConnectionId id);
  // A client's UDP socket; returns its number.
  uint32_t OpenUdpSocket(DatagramEndpoint* client);
  // Sends a request datagram from client socket `socket` to the server. It
  // executes tagged `tag`, and a duplicate, if the network makes one, tagged
  // `duplicate_tag`; each copy lost is reported Dropped. Returns how many
  // copies will reach the server (0, 1 or 2).
  int SendDatagram(uint32_t socket, std::string_view bytes, uint64_t tag, uint64_t duplicate_tag);
  // A server-side session opened outside any client (the eviction watcher).
  ref::Session& OpenLocalSession(ConnectionId* id);
  // The server's time moved: records it in the trace.
  void RecordClock(int64_t seconds);
  // Polls a local session, recording what it sent.
  void Poll(ConnectionId id, std::string* out);

  const NetworkStats& stats() const { return stats_; }

 private:
  // One direction's bytes in flight, in one buffer; `pieces` says how they
  // were cut into segments (and which ends with the FIN) and when each
  // arrives. Arrivals never decrease, so only the first piece's delivery is
  // an event in the loop: it runs again for the next piece, in the place in
  // the order that piece took when it was sent (as if each piece had its
  // own event, with a smaller heap).
  struct Piece {
    size_t size;
    bool fin;
    EventLoop::Ticket arrival;
  };
  struct Direction {
    std::string bytes;
    size_t delivered = 0;  // bytes of `bytes` already delivered
    std::deque<Piece> pieces;
    SimTime last_arrival = 0;
    SimTime clogged_until = 0;
    uint32_t epoch = 0;  // bumped when its pieces are dropped: their delivery is void
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
    uint32_t generation = 0;  // bumped by a reset: a reset already pending is void
    bool open = true;
  };

  struct Datagram {
    std::string bytes;
    uint32_t socket;
    uint64_t tag;
    bool to_server;
  };
  // Sends copies of a datagram (0: lost, 1, or 2: duplicated); the copies'
  // tags are `tag` and `duplicate_tag`. Returns the number sent.
  int SendDatagramCopies(std::string_view bytes, uint32_t socket, uint64_t tag, bool to_server,
                         uint64_t duplicate_tag);
  void DeliverDatagram(size_t slot);
  // Puts a write's bytes behind those in flight and schedules it.
  void Transmit(ConnectionId id, bool to_server, std::span<const std::string_view> parts, bool fin);
  void Transmit(ConnectionId id, bool to_server, std::string_view bytes, bool fin) {
    Transmit(id, to_server, std::span<const std::string_view>(&bytes, 1), fin);
  }
  // Makes room for `size` more bytes behind those in flight: the bytes
  // delivered are dropped, or the undelivered ones move to a larger buffer
  // from the pool.
  void MakeRoom(Direction& d, size_t size) {
    if (d.delivered == d.bytes.size()) {
      d.bytes.clear();
      d.delivered = 0;
    }
    if (d.bytes.capacity() - d.bytes.size() < size) MoveToRoom(d, size);
  }
  // MakeRoom's rare case: the buffer is short of room.
  void MoveToRoom(Direction& d, size_t size);
  // The last `size` bytes of the direction's buffer are a write: cuts it
  // into segments and schedules their arrivals.
  void Schedule(ConnectionId id, bool to_server, size_t size, bool fin);
  // A connection's buffers go to the pool when it is gone, or the server
  // has closed its reading side; its pieces in flight are dropped.
  void Release(Direction& d);
  // A piece's arrival, drawn from `prng`.
  SimTime Arrival(Prng& prng, const Connection& c, Direction& d);
  // Gives the loop the delivery of the direction's first piece.
  void ScheduleDelivery(ConnectionId id, bool to_server, const Direction& d);
  void Deliver(uint64_t packed);
  void DeliverToServer(ConnectionId id, std::string_view bytes, bool fin);
  void ServerClose(ConnectionId id);
  void DropBoundaries(Connection& c);
  void Reset(ConnectionId id);

  EventLoop& loop_;
  Prng& prng_;
  const SwarmParameters& params_;
  // The fault probabilities of `params_`, as the network draws them.
  struct Chances {
    Chance split_write;
    Chance slow_tail;
    Chance clog;
    Chance reset;
    Chance udp_loss;
    Chance udp_duplicate;
  };
  const Chances chances_;
  ref::Server& server_;
  ServerObserver& observer_;
  Fingerprint& fingerprint_;
  TraceWriter* trace_;
  // By id; each apart, so that a connection stays put while clients reconnect.
  std::vector<std::unique_ptr<Connection>> connections_;
  // The room made behind a connection's bytes in flight to the client
  // before its session writes there: the largest reply of one value, so
  // that the buffer seldom grows while written.
  size_t output_room_;
  // The buffers of connections gone, and those replaced by larger ones.
  BufferPool buffers_;
  // UDP: the server's socket (created with the first client socket), the
  // clients' sockets, and datagrams in flight (slots reused).
  std::unique_ptr<ref::UdpConnection> udp_;
  ConnectionId udp_id_ = 0;
  std::vector<DatagramEndpoint*> udp_clients_;
  std::vector<std::string> udp_peers_;  // each client socket's address, as the server sees it
  // Slots keep their buffers for the next datagrams.
  std::vector<Datagram> datagrams_;
  std::vector<size_t> free_datagrams_;
  std::string delivering_;     // scratch: the datagram being delivered
  ref::DatagramList replies_;  // scratch
  NetworkStats stats_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SIM_NETWORK_H_
