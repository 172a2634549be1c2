#include "stream_connection.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "net_server.h"

namespace mcspec::ref {
namespace {

// memcached's read buffer: a read takes at most this much request text.
constexpr size_t kReadBufferSize = 16384;
// Value bytes are read straight into the item; this caps one read of them.
constexpr size_t kValueReadSize = 256 * 1024;

}  // namespace

StreamConnection::StreamConnection(NetServer& net, Socket socket, std::string log_endpoint,
                                   std::string_view transport)
    : net_(net),
      socket_(std::move(socket)),
      fd_(socket_.native_handle()),
      session_(net.server(), fd_),
      log_endpoint_(std::move(log_endpoint)),
      transport_(transport),
      in_(kValueReadSize) {
  session_.set_stop_at_yield(true);
}

void StreamConnection::Start() {
  Continue();
}

void StreamConnection::Continue() {
  if (closed_) return;
  if (!out_.empty()) {
    if (!writing_) StartWrite();
    return;
  }
  if (session_.closed()) {
    Close(session_.close_reason());
    return;
  }
  if (session_.yielded()) {
    if (!resume_posted_) {
      resume_posted_ = true;
      boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
        self->resume_posted_ = false;
        if (self->closed_) return;
        self->session_.Receive("", &self->out_);
        self->net_.AfterActivity();
        self->Continue();
      });
    }
    return;
  }
  if (!reading_) StartRead();
}

void StreamConnection::StartRead() {
  size_t want = kReadBufferSize - std::min(session_.buffered(), kReadBufferSize - 1);
  if (const uint64_t value_left = session_.value_bytes_left(); value_left > 0) {
    want = session_.swallowing() ? std::min<uint64_t>(value_left, kReadBufferSize)
                                 : std::min<uint64_t>(value_left, kValueReadSize);
  }
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(in_.data(), want),
      [self = shared_from_this()](const boost::system::error_code& error, size_t n) {
        self->reading_ = false;
        if (self->closed_) return;
        if (error) {
          self->Close(error == boost::asio::error::eof ? "normal" : "error");
          return;
        }
        const bool was_watching = self->session_.watching();
        self->session_.Receive(std::string_view(self->in_.data(), n), &self->out_);
        if (!was_watching && self->session_.watching()) self->net_.Watching(*self);
        self->net_.AfterActivity();
        self->Continue();
      });
}

void StreamConnection::StartWrite() {
  writing_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(out_),
      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
        self->writing_ = false;
        if (self->closed_) return;
        if (error) {
          self->Close("error");
          return;
        }
        self->out_.clear();
        if (self->session_.watching()) self->session_.Poll(&self->out_);
        self->Continue();
      });
}

void StreamConnection::DeliverWatchLines() {
  if (closed_ || writing_ || !out_.empty()) return;
  session_.Poll(&out_);
  Continue();
}

void StreamConnection::Close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  net_.Closed(*this, reason);
}

}  // namespace mcspec::ref
