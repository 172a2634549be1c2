// load_generator: a closed-loop memcached text-protocol load generator (one
// thread, Boost.Asio), for comparing mcref with memcached (ci/bench-net.sh).
// Not a test: it prints figures.
//
//   load_generator --port P [--host 127.0.0.1] [--connections 50] [--depth 1]
//                  [--seconds 10] [--keys 100000] [--get-ratio 0.9]
//                  [--value-size 100] [--preload]
//
// Each connection keeps `depth` requests in flight: 16-byte keys drawn
// uniformly from the key space, gets with probability get-ratio, sets of
// value-size bytes otherwise. It prints requests per second and the p50 and
// p99 latency (from writing a request to reading its whole response).
// --preload sets every key once (pipelined) and exits.
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using boost::asio::ip::tcp;

struct Options {
  std::string host = "127.0.0.1";
  int port = 11211;
  int connections = 50;
  int depth = 1;
  double seconds = 10;
  uint64_t keys = 100000;
  double get_ratio = 0.9;
  size_t value_size = 100;
  bool preload = false;
};

std::string Key(uint64_t n) {
  char key[17];
  std::snprintf(key, sizeof(key), "key:%012llu", static_cast<unsigned long long>(n));
  return std::string(key, 16);
}

// Shared by all connections: the run's clock and the latencies measured.
struct Run {
  Options options;
  Clock::time_point end;
  bool measuring = true;
  std::vector<uint32_t> latencies_us;
  uint64_t completed = 0;
  uint64_t errors = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& io, Run& run, uint32_t seed)
      : socket_(io), run_(run), random_(seed), value_(run.options.value_size, 'v') {}

  void Start(const tcp::endpoint& endpoint) {
    socket_.connect(endpoint);
    socket_.set_option(tcp::no_delay(true));
    for (int i = 0; i < run_.options.depth; ++i) Queue();
    Flush();
    Read();
  }

  // Sets keys [first, last) pipelined, then stops.
  void Preload(const tcp::endpoint& endpoint, uint64_t first, uint64_t last) {
    socket_.connect(endpoint);
    next_preload_ = first;
    last_preload_ = last;
    preloading_ = true;
    for (int i = 0; i < 64 && next_preload_ < last_preload_; ++i) QueueSet(next_preload_++);
    Flush();
    Read();
  }

 private:
  void QueueSet(uint64_t key) {
    pending_.append("set ").append(Key(key)).append(" 0 0 ");
    pending_.append(std::to_string(value_.size())).append("\r\n").append(value_).append("\r\n");
    outstanding_.push_back({false, Clock::now()});
  }

  void Queue() {
    const uint64_t key = std::uniform_int_distribution<uint64_t>(0, run_.options.keys - 1)(random_);
    if (std::uniform_real_distribution<double>(0, 1)(random_) < run_.options.get_ratio) {
      pending_.append("get ").append(Key(key)).append("\r\n");
      outstanding_.push_back({true, Clock::now()});
    } else {
      QueueSet(key);
    }
  }

  void Flush() {
    if (writing_ || pending_.empty()) return;
    writing_ = true;
    sending_.swap(pending_);
    boost::asio::async_write(socket_, boost::asio::buffer(sending_),
                             [self = shared_from_this()](boost::system::error_code error, size_t) {
                               self->writing_ = false;
                               self->sending_.clear();
                               if (error) return;
                               self->Flush();
                             });
  }

  void Read() {
    socket_.async_read_some(boost::asio::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code error, size_t n) {
                              if (error) return;
                              self->input_.append(self->buffer_, n);
                              self->Parse();
                              if (!self->done_) self->Read();
                            });
  }

  // Takes complete responses off the input, in request order.
  void Parse() {
    size_t pos = 0;
    int finished = 0;
    while (!outstanding_.empty()) {
      const std::string_view rest = std::string_view(input_).substr(pos);
      size_t length = 0;
      if (outstanding_.front().get) {
        if (rest.starts_with("END\r\n")) {
          length = 5;
        } else if (rest.starts_with("VALUE ")) {
          const size_t line_end = rest.find("\r\n");
          if (line_end == std::string_view::npos) break;
          const size_t last_space = rest.rfind(' ', line_end);
          const size_t bytes = std::strtoull(rest.data() + last_space + 1, nullptr, 10);
          length = line_end + 2 + bytes + 2 + 5;
          if (rest.size() < length) break;
        } else if (rest.find("\r\n") != std::string_view::npos) {
          length = rest.find("\r\n") + 2;
          ++run_.errors;
        } else {
          break;
        }
      } else {
        const size_t line_end = rest.find("\r\n");
        if (line_end == std::string_view::npos) break;
        if (!rest.starts_with("STORED\r\n")) ++run_.errors;
        length = line_end + 2;
      }
      const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
          Clock::now() - outstanding_.front().sent);
      if (run_.measuring && !preloading_) {
        run_.latencies_us.push_back(static_cast<uint32_t>(latency.count()));
        ++run_.completed;
      }
      outstanding_.pop_front();
      pos += length;
      ++finished;
    }
    input_.erase(0, pos);
    if (preloading_) {
      for (int i = 0; i < finished && next_preload_ < last_preload_; ++i) QueueSet(next_preload_++);
      if (outstanding_.empty()) {
        done_ = true;
        socket_.close();
        return;
      }
    } else if (Clock::now() >= run_.end) {
      run_.measuring = false;
      if (outstanding_.empty()) {
        done_ = true;
        socket_.close();
        return;
      }
    } else {
      for (int i = 0; i < finished; ++i) Queue();
    }
    Flush();
  }

  struct Outstanding {
    bool get;
    Clock::time_point sent;
  };

  tcp::socket socket_;
  Run& run_;
  std::mt19937_64 random_;
  std::string value_;
  std::string pending_;
  std::string sending_;
  bool writing_ = false;
  bool done_ = false;
  std::deque<Outstanding> outstanding_;
  char buffer_[65536];
  std::string input_;
  bool preloading_ = false;
  uint64_t next_preload_ = 0;
  uint64_t last_preload_ = 0;
};

bool ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--host") {
      options->host = value();
    } else if (arg == "--port") {
      options->port = std::atoi(value().c_str());
    } else if (arg == "--connections") {
      options->connections = std::atoi(value().c_str());
    } else if (arg == "--depth") {
      options->depth = std::atoi(value().c_str());
    } else if (arg == "--seconds") {
      options->seconds = std::atof(value().c_str());
    } else if (arg == "--keys") {
      options->keys = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--get-ratio") {
      options->get_ratio = std::atof(value().c_str());
    } else if (arg == "--value-size") {
      options->value_size = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--preload") {
      options->preload = true;
    } else {
      std::fprintf(stderr,
                   "load_generator: unknown argument %s (see the header of load_generator.cc)\n",
                   arg.c_str());
      return false;
    }
  }
  return options->connections > 0 && options->depth > 0 && options->keys > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  if (!ParseOptions(argc, argv, &run.options)) return 64;
  const Options& options = run.options;
  boost::asio::io_context io;
  const tcp::endpoint endpoint(boost::asio::ip::make_address(options.host),
                               static_cast<unsigned short>(options.port));
  if (options.preload) {
    const uint64_t per = (options.keys + options.connections - 1) / options.connections;
    for (int i = 0; i < options.connections; ++i) {
      const uint64_t first = per * static_cast<uint64_t>(i);
      const uint64_t last = std::min(options.keys, first + per);
      if (first >= last) break;
      std::make_shared<Connection>(io, run, i)->Preload(endpoint, first, last);
    }
    io.run();
    std::printf("preloaded %llu keys, %llu errors\n", static_cast<unsigned long long>(options.keys),
                static_cast<unsigned long long>(run.errors));
    return run.errors == 0 ? 0 : 1;
  }
  const Clock::time_point start = Clock::now();
  run.end = start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(options.seconds));
  for (int i = 0; i < options.connections; ++i) {
    std::make_shared<Connection>(io, run, 1000 + i)->Start(endpoint);
  }
  io.run();
  const double elapsed = std::chrono::duration<double>(run.end - start).count();
  std::sort(run.latencies_us.begin(), run.latencies_us.end());
  auto percentile = [&](double p) -> unsigned {
    if (run.latencies_us.empty()) return 0;
    return run
        .latencies_us[static_cast<size_t>(p * static_cast<double>(run.latencies_us.size() - 1))];
  };
  std::printf("requests %llu  throughput %.0f req/s  p50 %u us  p99 %u us  errors %llu\n",
              static_cast<unsigned long long>(run.completed),
              static_cast<double>(run.completed) / elapsed, percentile(0.50), percentile(0.99),
              static_cast<unsigned long long>(run.errors));
  return run.errors == 0 ? 0 : 1;
}
