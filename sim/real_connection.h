// A TCP connection to a real memcached-protocol server, the only socket code
// of `mcsim run --target`: connected with a timeout, then non-blocking with
// TCP_NODELAY, buffered both ways and driven by the caller's poll loop. It
// is real I/O, so nothing here is deterministic.
#ifndef MCSPEC_SIM_REAL_CONNECTION_H_
#define MCSPEC_SIM_REAL_CONNECTION_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace mcspec::sim {

// Splits "HOST:PORT" ("[v6]:PORT" for an IPv6 address). False with *error
// when it is not of that form.
bool ParseHostPort(std::string_view target, std::string* host, std::string* port,
                   std::string* error);

class RealConnection {
 public:
  // Null with *error when no address of `host` accepts within `timeout`.
  static std::unique_ptr<RealConnection> Open(const std::string& host, const std::string& port,
                                              std::chrono::milliseconds timeout,
                                              std::string* error);
  ~RealConnection();
  RealConnection(const RealConnection&) = delete;
  RealConnection& operator=(const RealConnection&) = delete;

  int fd() const { return fd_; }

  // Bytes to send; Flush sends what the socket takes now.
  void Queue(std::string_view bytes) { output_.append(bytes); }
  bool wants_write() const { return output_sent_ < output_.size(); }
  bool Flush(std::string* error);

  // Appends what the socket has now to the unread input. kClosed: the
  // server closed the connection (after whatever it sent is read).
  enum class ReadStatus { kOk, kClosed, kError };
  ReadStatus Fill(std::string* error);
  std::string_view unread() const { return std::string_view(input_).substr(input_read_); }
  void Consume(size_t bytes);

  // Sends `request` and waits up to `timeout` for input ending in
  // `terminator`, which it returns whole in *reply (consumed). For
  // administrative requests (`stats`) outside the poll loop.
  bool Exchange(std::string_view request, std::string_view terminator,
                std::chrono::milliseconds timeout, std::string* reply, std::string* error);

 private:
  explicit RealConnection(int fd) : fd_(fd) {}

  int fd_;
  std::string output_;
  size_t output_sent_ = 0;
  std::string input_;
  size_t input_read_ = 0;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_REAL_CONNECTION_H_
