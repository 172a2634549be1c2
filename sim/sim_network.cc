#include "sim_network.h"

#include <algorithm>
#include <array>

namespace mcspec::sim {
namespace {

// A delivery event names its connection, direction and the direction's
// epoch in one word, so that the callback stays small.
uint64_t Pack(ConnectionId id, bool to_server, uint32_t epoch) {
  return (uint64_t{id} << 32) | (uint64_t{epoch} << 1) | (to_server ? 1 : 0);
}

// Pieces a write may be cut into.
constexpr uint64_t kMaxPieces = 4;

}  // namespace

SimNetwork::SimNetwork(EventLoop& loop, Prng& prng, const SwarmParameters& params,
                       ref::Server& server, ServerObserver& observer, Fingerprint& fingerprint,
                       TraceWriter* trace)
    : loop_(loop),
      prng_(prng),
      params_(params),
      chances_{Chance(params.split_write), Chance(params.slow_tail), Chance(params.clog),
               Chance(params.reset),       Chance(params.udp_loss),  Chance(params.udp_duplicate)},
      server_(server),
      observer_(observer),
      fingerprint_(fingerprint),
      trace_(trace),
      output_room_(params.max_value_size + 1024) {}

SimNetwork::~SimNetwork() = default;

ConnectionId SimNetwork::Connect(ClientEndpoint* client) {
  const auto id = static_cast<ConnectionId>(connections_.size());
  Connection& c = *connections_.emplace_back(std::make_unique<Connection>());
  c.client = client;
  c.session = std::make_unique<ref::Session>(server_);
  c.latency = 1 + static_cast<SimTime>(prng_.Below(static_cast<uint64_t>(params_.base_latency_ns)));
  stats_.connections++;
  fingerprint_.Record("open", loop_.now(), id, {});
  if (trace_ != nullptr) trace_->Open(loop_.now(), id);
  return id;
}

ref::Session& SimNetwork::OpenLocalSession(ConnectionId* id) {
  *id = Connect(nullptr);
  return *connections_[*id]->session;
}

void SimNetwork::RecordClock(int64_t seconds) {
  fingerprint_.Record("clock", loop_.now(), static_cast<uint64_t>(seconds), {});
  if (trace_ != nullptr) trace_->Clock(loop_.now(), seconds);
}

void SimNetwork::Poll(ConnectionId id, std::string* out) {
  const size_t before = out->size();
  connections_[id]->session->Poll(out);
  const std::string_view polled = std::string_view(*out).substr(before);
  if (!polled.empty()) fingerprint_.Record("poll", loop_.now(), id, polled);
  if (trace_ != nullptr) trace_->Poll(loop_.now(), id, polled);
}

void SimNetwork::Send(ConnectionId id, std::span<const std::string_view> parts, uint64_t tag,
                      size_t header) {
  Connection& c = *connections_[id];
  if (!c.open) return;
  if (header != 0) c.boundaries.push_back({c.sent + header, tag, true});
  for (std::string_view part : parts) c.sent += part.size();
  if (tag != 0) c.boundaries.push_back({c.sent, tag, false});
  stats_.writes++;
  Transmit(id, true, parts, false);
  if (chances_.reset.possible() && prng_.Happens(chances_.reset)) {
    // Soon: usually while this request or its reply is still on the wire.
    const uint32_t generation = c.generation;
    const SimTime when = static_cast<SimTime>(prng_.Below(static_cast<uint64_t>(3 * c.latency)));
    loop_.After(when, [this, id, generation] {
      if (connections_[id]->open && connections_[id]->generation == generation) Reset(id);
    });
  }
}

void SimNetwork::ShutdownWrite(ConnectionId id) {
  if (!connections_[id]->open) return;
  stats_.half_closes++;
  Transmit(id, true, std::string_view(), true);
}

inline SimTime SimNetwork::Arrival(Prng& prng, const Connection& c, Direction& d) {
  SimTime at = loop_.now() + c.latency / 2 +
               static_cast<SimTime>(prng.Below(static_cast<uint64_t>(c.latency / 2 + 1)));
  if (chances_.slow_tail.possible() && prng.Happens(chances_.slow_tail)) {
    stats_.slow_tails++;
    at += static_cast<SimTime>(prng.Below(static_cast<uint64_t>(params_.tail_latency_ns)));
  }
  if (chances_.clog.possible() && prng.Happens(chances_.clog)) {
    stats_.clogs++;
    d.clogged_until = std::max(
        d.clogged_until,
        loop_.now() + static_cast<SimTime>(prng.Below(static_cast<uint64_t>(params_.clog_ns))));
  }
  // Bytes of one direction never overtake each other.
  at = std::max({at, d.last_arrival, d.clogged_until});
  d.last_arrival = at;
  return at;
}

void SimNetwork::Transmit(ConnectionId id, bool to_server, std::span<const std::string_view> parts,
                          bool fin) {
  Connection& c = *connections_[id];
  Direction& d = to_server ? c.to_server : c.to_client;
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  MakeRoom(d, size);
  for (std::string_view part : parts) d.bytes.append(part);
  Schedule(id, to_server, size, fin);
}

void SimNetwork::MoveToRoom(Direction& d, size_t size) {
  const size_t in_flight = d.bytes.size() - d.delivered;
  if (d.delivered > 0 && d.bytes.capacity() - in_flight >= size) {
    d.bytes.erase(0, d.delivered);
  } else {
    std::string grown;
    buffers_.Reserve(std::max(in_flight + size, 2 * in_flight), &grown);
    grown.append(d.bytes, d.delivered);
    buffers_.Recycle(&d.bytes);
    d.bytes.swap(grown);
  }
  d.delivered = 0;
}

void SimNetwork::Schedule(ConnectionId id, bool to_server, size_t size, bool fin) {
  Connection& c = *connections_[id];
  Direction& d = to_server ? c.to_server : c.to_client;
  // The draws from a copy, written back after: the generator's state stays
  // in registers, where stores to the pieces and counters (which could
  // alias it) made every draw reload and store it.
  Prng prng = prng_;
  uint64_t pieces = 1;
  if (size > 1 && prng.Happens(chances_.split_write)) {
    pieces = 2 + prng.Below(std::min<uint64_t>(kMaxPieces, size) - 1);
  }
  // Cut points: distinct, sorted, inside the write.
  std::array<size_t, kMaxPieces> cuts{};
  size_t cut_count = 0;
  while (cut_count + 1 < pieces) {
    const size_t cut = 1 + prng.Below(size - 1);
    if (std::find(cuts.begin(), cuts.begin() + cut_count, cut) == cuts.begin() + cut_count) {
      cuts[cut_count++] = cut;
    }
  }
  for (size_t i = 1; i < cut_count; ++i) {  // at most three cuts to order
    for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; --j) std::swap(cuts[j - 1], cuts[j]);
  }
  cuts[cut_count++] = size;
  size_t begin = 0;
  for (size_t i = 0; i < cut_count; ++i) {
    const bool first = d.pieces.empty();
    d.pieces.push_back(
        Piece{cuts[i] - begin, fin && i + 1 == cut_count, loop_.TakeTicket(Arrival(prng, c, d))});
    begin = cuts[i];
    stats_.segments++;
    if (first) ScheduleDelivery(id, to_server, d);
  }
  prng_ = prng;
}

void SimNetwork::ScheduleDelivery(ConnectionId id, bool to_server, const Direction& d) {
  const uint64_t packed = Pack(id, to_server, d.epoch);
  loop_.At(d.pieces.front().arrival, [this, packed] { Deliver(packed); });
}

void SimNetwork::Release(Direction& d) {
  buffers_.Recycle(&d.bytes);
  d.delivered = 0;
  // The run's simulated time ends with its last event, a void delivery
  // included: the last piece dropped keeps its event (the first has one).
  if (d.pieces.size() > 1) loop_.At(d.pieces.back().arrival, [] {});
  d.pieces.clear();
  d.epoch++;
}

void SimNetwork::Deliver(uint64_t packed) {
  const auto id = static_cast<ConnectionId>(packed >> 32);
  const bool to_server = (packed & 1) != 0;
  const auto epoch = static_cast<uint32_t>((packed & 0xffffffffu) >> 1);
  Connection& c = *connections_[id];
  Direction& d = to_server ? c.to_server : c.to_client;
  if (d.epoch != epoch) return;
  // Delivered bytes stay until a write needs their room (MakeRoom).
  const Piece piece = d.pieces.front();
  d.pieces.pop_front();
  if (!d.pieces.empty()) loop_.Again(d.pieces.front().arrival);
  const std::string_view bytes = std::string_view(d.bytes).substr(d.delivered, piece.size);
  d.delivered += piece.size;
  if (to_server) {
    DeliverToServer(id, bytes, piece.fin);
    return;
  }
  if (!bytes.empty()) {
    // The server's output is hashed where it is written; here its arrival.
    fingerprint_.Record("client-in", loop_.now(), id, {});
    c.client->OnData(bytes);
  }
  if (piece.fin && c.open) {
    c.open = false;
    fingerprint_.Record("client-eof", loop_.now(), id, {});
    c.client->OnClosed(false);
    Release(c.to_server);
    Release(c.to_client);
  }
}

void SimNetwork::DeliverToServer(ConnectionId id, std::string_view bytes, bool fin) {
  Connection& c = *connections_[id];
  std::string_view rest = bytes;
  while (!rest.empty() && c.session != nullptr) {
    // One request per Receive: the observer learns of each as it executes.
    size_t take = rest.size();
    if (!c.boundaries.empty()) {
      take = std::min<uint64_t>(take, c.boundaries.front().offset - c.delivered);
    }
    const std::string_view piece = rest.substr(0, take);
    rest.remove_prefix(take);
    // The session writes its output straight behind the bytes in flight to
    // the client.
    Direction& out = c.to_client;
    MakeRoom(out, output_room_);
    const size_t before = out.bytes.size();
    c.session->Receive(piece, &out.bytes);
    const std::string_view output = std::string_view(out.bytes).substr(before);
    c.delivered += take;
    fingerprint_.Record("server-in", loop_.now(), id, piece);
    if (trace_ != nullptr) trace_->In(loop_.now(), id, piece, output);
    if (!c.boundaries.empty() && c.boundaries.front().offset == c.delivered) {
      const Connection::Boundary boundary = c.boundaries.front();
      c.boundaries.pop_front();
      if (trace_ != nullptr) trace_->RequestEnd(loop_.now(), id, boundary.tag, boundary.header);
      if (boundary.header) {
        observer_.HeaderRead(boundary.tag);
      } else {
        observer_.Executed(boundary.tag);
      }
    }
    if (!output.empty()) {
      fingerprint_.Record("server-out", loop_.now(), id, output);
      Schedule(id, false, output.size(), false);
    }
    if (c.session->closed()) {
      ServerClose(id);
      return;
    }
  }
  if (fin && c.session != nullptr) ServerClose(id);
}

void SimNetwork::DropBoundaries(Connection& c) {
  for (const Connection::Boundary& boundary : c.boundaries) {
    if (!boundary.header) observer_.Dropped(boundary.tag);
  }
  c.boundaries.clear();
}

// memcached closes: a partial request is dropped, replies already written
// still reach the client, then the FIN.
void SimNetwork::ServerClose(ConnectionId id) {
  Connection& c = *connections_[id];
  c.session.reset();
  Release(c.to_server);
  fingerprint_.Record("server-close", loop_.now(), id, {});
  if (trace_ != nullptr) trace_->Close(loop_.now(), id);
  DropBoundaries(c);
  Transmit(id, false, std::string_view(), true);
}

void SimNetwork::Reset(ConnectionId id) {
  Connection& c = *connections_[id];
  stats_.resets++;
  c.open = false;
  c.generation++;
  Release(c.to_server);
  Release(c.to_client);
  fingerprint_.Record("reset", loop_.now(), id, {});
  if (c.session != nullptr) {
    c.session.reset();
    if (trace_ != nullptr) trace_->Close(loop_.now(), id);
  }
  DropBoundaries(c);
  c.client->OnClosed(true);
}

uint32_t SimNetwork::OpenUdpSocket(DatagramEndpoint* client) {
  if (udp_ == nullptr) {
    // The server's socket is a connection of its own in the trace.
    udp_id_ = static_cast<ConnectionId>(connections_.size());
    Connection& c = *connections_.emplace_back(std::make_unique<Connection>());
    c.open = false;
    udp_ = std::make_unique<ref::UdpConnection>(server_, 0, "udp:127.0.0.1:11211");
    fingerprint_.Record("udp-open", loop_.now(), udp_id_, {});
    if (trace_ != nullptr) trace_->OpenUdp(loop_.now(), udp_id_);
  }
  udp_clients_.push_back(client);
  udp_peers_.push_back("udp:10.0.0." + std::to_string(udp_clients_.size()) + ":40000");
  return static_cast<uint32_t>(udp_clients_.size() - 1);
}

int SimNetwork::SendDatagram(uint32_t socket, std::string_view bytes, uint64_t tag,
                             uint64_t duplicate_tag) {
  return SendDatagramCopies(bytes, socket, tag, true, duplicate_tag);
}

int SimNetwork::SendDatagramCopies(std::string_view bytes, uint32_t socket, uint64_t tag,
                                   bool to_server, uint64_t duplicate_tag) {
  stats_.datagrams++;
  const bool lost = prng_.Happens(chances_.udp_loss);
  const bool duplicated = prng_.Happens(chances_.udp_duplicate);
  if (lost) stats_.datagrams_lost++;
  if (duplicated) stats_.datagrams_duplicated++;
  // A lost original still leaves a duplicate's copy on the wire.
  for (int copy = 0; copy < 2; ++copy) {
    const bool sent = copy == 0 ? !lost : duplicated;
    const uint64_t copy_tag = copy == 0 ? tag : duplicate_tag;
    if (!sent) {
      if (to_server && copy_tag != 0) observer_.Dropped(copy_tag);
      continue;
    }
    size_t slot;
    if (free_datagrams_.empty()) {
      slot = datagrams_.size();
      datagrams_.emplace_back();
    } else {
      slot = free_datagrams_.back();
      free_datagrams_.pop_back();
    }
    Datagram& datagram = datagrams_[slot];
    datagram.bytes.assign(bytes);
    datagram.socket = socket;
    datagram.tag = copy_tag;
    datagram.to_server = to_server;
    SimTime delay =
        1 + static_cast<SimTime>(prng_.Below(static_cast<uint64_t>(2 * params_.base_latency_ns)));
    if (chances_.slow_tail.possible() && prng_.Happens(chances_.slow_tail)) {
      delay += static_cast<SimTime>(prng_.Below(static_cast<uint64_t>(params_.tail_latency_ns)));
    }
    loop_.After(delay, [this, slot] { DeliverDatagram(slot); });
  }
  return static_cast<int>(!lost) + static_cast<int>(duplicated);
}

void SimNetwork::DeliverDatagram(size_t slot) {
  // The bytes move out (the slot keeps the previous buffer of
  // `delivering_`), so that the slot is free for the replies' copies.
  delivering_.swap(datagrams_[slot].bytes);
  const uint32_t socket = datagrams_[slot].socket;
  const uint64_t tag = datagrams_[slot].tag;
  const bool to_server = datagrams_[slot].to_server;
  free_datagrams_.push_back(slot);
  if (!to_server) {
    fingerprint_.Record("udp-client-in", loop_.now(), socket, {});
    udp_clients_[socket]->OnDatagram(delivering_, tag);
    return;
  }
  replies_.clear();
  const std::string& peer = udp_peers_[socket];
  const bool to_sender = udp_->Receive(delivering_, peer, &replies_);
  fingerprint_.Record("udp-in", loop_.now(), socket, delivering_);
  if (trace_ != nullptr) {
    std::vector<std::string> replies;
    for (size_t i = 0; i < replies_.size(); ++i) replies.emplace_back(replies_[i]);
    trace_->Datagram(loop_.now(), udp_id_, peer, delivering_, replies);
    if (tag != 0) trace_->RequestEnd(loop_.now(), udp_id_, tag, false);
  }
  if (tag != 0) observer_.Executed(tag);
  // Only whole single-datagram requests are sent, so replies always go back
  // to the sender.
  if (!to_sender) return;
  for (size_t i = 0; i < replies_.size(); ++i) {
    fingerprint_.Record("udp-out", loop_.now(), socket, replies_[i]);
    SendDatagramCopies(replies_[i], socket, tag, false, tag);
  }
}

}  // namespace mcspec::sim
