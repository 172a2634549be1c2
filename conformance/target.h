// What the conformance runner (and the simulator) drives: a memcached-protocol
// server, embedded or over the network, seen as connections of bytes.
//
// A Target serves one case at a time. `BeginCase` prepares a server with the
// case's memcached flags (the embedded reference builds a fresh one, a spawned
// server is restarted with them; a fixed network server can only be checked)
// or says why the case cannot run there. Connections opened after it belong to
// that case and are destroyed before the next `BeginCase`. Several Targets may
// serve cases at once from different threads (mcconform -j); a Target itself
// is used by one thread.
#ifndef MCSPEC_CONFORMANCE_TARGET_H_
#define MCSPEC_CONFORMANCE_TARGET_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "test_case.h"

namespace mcspec::conformance {

struct TargetCapabilities {
  bool clock_control = false;  // AdvanceClock works
  bool meta = false;           // meta commands (mg, ms, ...)
  bool ext = false;            // the reference's extensions (debugtime, stats memory)
  bool udp = false;            // ConnectDatagram works (a server with -U)
};

class Connection {
 public:
  enum class Status { kData, kTimeout, kClosed };

  virtual ~Connection() = default;
  // Sends all bytes; false when the connection is gone.
  virtual bool Send(std::string_view bytes) = 0;
  // Waits up to `timeout` for bytes and appends what arrived: kData when
  // something did, kTimeout when nothing will within the timeout (a virtual
  // target says so at once), kClosed when the server closed the connection and
  // everything it sent before has been appended.
  virtual Status Receive(std::string* out, std::chrono::milliseconds timeout) = 0;
};

class Target {
 public:
  virtual ~Target() = default;

  virtual std::string name() const = 0;
  // Probed once; the answer does not change between cases.
  virtual TargetCapabilities capabilities() = 0;
  // True when no other Target reaches this one's server (the embedded
  // reference, a spawned server): a case that needs its server to itself may
  // then run while other Targets run other cases.
  virtual bool private_server() const = 0;
  // Prepares the server for a case. False with *error set when the target
  // failed; otherwise *skip_reason says why the case cannot run here, or is
  // empty when it can.
  virtual bool BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) = 0;
  // A new connection to the current case's server; nullptr with *error set
  // when it cannot be made.
  virtual std::unique_ptr<Connection> Connect(std::string* error) = 0;
  // A new UDP socket towards the current case's server (only with
  // capabilities().udp; the case's needs said `udp`): each Send is one
  // datagram, and Receive appends whole datagrams, headers included.
  virtual std::unique_ptr<Connection> ConnectDatagram(std::string* error) = 0;
  // Moves the server's clock (only with capabilities().clock_control).
  // kFailed, with *error set, when it could not. kOvershot, with *error set,
  // when a server whose clock is waited for in real seconds (--clock sleep)
  // went past the wanted time: a late tick of the server, or a late poll of
  // the runner on a loaded machine, which says nothing of the case; the
  // runner then runs the case again.
  enum class ClockMove { kMoved, kFailed, kOvershot };
  virtual ClockMove AdvanceClock(int64_t seconds, std::string* error) = 0;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_TARGET_H_
