#include "sim_network.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "settings.h"

namespace mcspec::sim {
namespace {

// A client end that keeps what it receives.
struct RecordingClient : ClientEndpoint {
  std::string received;
  bool closed = false;
  bool reset = false;
  void OnData(std::string_view bytes) override {
    EXPECT_FALSE(closed) << "data after the connection closed";
    received.append(bytes);
  }
  void OnClosed(bool was_reset) override {
    closed = true;
    reset = was_reset;
  }
};

struct RecordingObserver : ServerObserver {
  std::vector<uint64_t> executed;
  std::vector<uint64_t> dropped;
  std::vector<uint64_t> headers;
  void HeaderRead(uint64_t tag) override { headers.push_back(tag); }
  void Executed(uint64_t tag) override { executed.push_back(tag); }
  void Dropped(uint64_t tag) override { dropped.push_back(tag); }
};

std::string Value(uint64_t i, size_t size) {
  std::string value = std::to_string(i) + ":";
  while (value.size() < size) value.push_back(static_cast<char>('a' + (value.size() * 7 + i) % 26));
  value.resize(size);
  return value;
}

// Whatever the faults, a TCP stream's bytes arrive complete and in order,
// each way, until a reset; after a reset nothing more arrives, and exactly
// the requests whose last byte arrived have executed, in order.
RC_GTEST_PROP(SimNetworkProperty, StreamsArriveWholeAndInOrderUntilReset, ()) {
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  SwarmParameters params;
  params.base_latency_ns = *rc::gen::inRange<int64_t>(1, 1'000'000);
  params.split_write = *rc::gen::inRange(0, 101) / 100.0;
  params.slow_tail = *rc::gen::inRange(0, 51) / 100.0;
  params.clog = *rc::gen::inRange(0, 31) / 100.0;
  params.reset = *rc::gen::element(0.0, 0.0, 0.01, 0.1);
  params.half_close = 0;
  const auto requests = *rc::gen::inRange<uint64_t>(1, 60);
  const auto max_size = *rc::gen::inRange<size_t>(1, 3000);

  EventLoop loop;
  Prng prng(seed);
  ref::Server server(ref::Settings{});
  RecordingObserver observer;
  Fingerprint fingerprint;
  SimNetwork network(loop, prng, params, server, observer, fingerprint, nullptr);
  RecordingClient client;
  const ConnectionId id = network.Connect(&client);
  std::string expected_replies;
  std::vector<std::string> values;
  const auto send = [&](uint64_t i) {
    const std::string value = Value(i, 1 + prng.Below(max_size));
    const std::string request = "set k" + std::to_string(i) + " 0 0 " +
                                std::to_string(value.size()) + "\r\n" + value + "\r\n";
    values.push_back(value);
    network.Send(id, request, i, request.size() - value.size() - 2);
  };
  SimTime send_at = 0;
  for (uint64_t i = 1; i <= requests; ++i) {
    // Writes at random moments, pipelined without waiting for replies.
    send_at += static_cast<SimTime>(prng.Below(200'000));
    loop.At(send_at, [&send, i] { send(i); });
  }
  while (loop.RunOne()) {
  }
  // Requests were sent in tag order.
  RC_ASSERT(observer.executed.size() + observer.dropped.size() <= requests);
  for (size_t i = 0; i < observer.executed.size(); ++i) RC_ASSERT(observer.executed[i] == i + 1);
  for (size_t i = 0; i < observer.dropped.size(); ++i) {
    RC_ASSERT(observer.dropped[i] == observer.executed.size() + 1 + i);
  }
  if (!client.reset) {
    RC_ASSERT(observer.executed.size() == requests);
    RC_ASSERT(observer.headers.size() == requests);
  }
  // Every executed request stored its value exactly: the bytes arrived whole.
  ref::Session check(server);
  for (uint64_t tag : observer.executed) {
    std::string out;
    check.Receive("get k" + std::to_string(tag) + "\r\n", &out);
    const std::string& value = values[tag - 1];
    RC_ASSERT(out == "VALUE k" + std::to_string(tag) + " 0 " + std::to_string(value.size()) +
                         "\r\n" + value + "\r\nEND\r\n");
  }
  // Replies arrive in order, complete up to the reset.
  std::string all_replies;
  for (size_t i = 0; i < observer.executed.size(); ++i) all_replies += "STORED\r\n";
  RC_ASSERT(all_replies.starts_with(client.received));
  if (!client.reset) RC_ASSERT(client.received == all_replies);
}

TEST(SimNetworkTest, HalfCloseDropsThePartialRequestAndClosesAfterTheReplies) {
  EventLoop loop;
  Prng prng(1);
  SwarmParameters params;
  params.reset = 0;
  params.split_write = 1;
  ref::Server server(ref::Settings{});
  RecordingObserver observer;
  Fingerprint fingerprint;
  SimNetwork network(loop, prng, params, server, observer, fingerprint, nullptr);
  RecordingClient client;
  const ConnectionId id = network.Connect(&client);
  network.Send(id, "set a 0 0 1\r\nx\r\n", 1, 13);
  network.Send(id, "set b 0 0 1\r\n", 0);
  network.ShutdownWrite(id);
  while (loop.RunOne()) {
  }
  EXPECT_EQ(observer.executed, std::vector<uint64_t>{1});
  EXPECT_EQ(client.received, "STORED\r\n");
  EXPECT_TRUE(client.closed);
  EXPECT_FALSE(client.reset);
  ref::Session check(server);
  std::string out;
  check.Receive("get a b\r\n", &out);
  EXPECT_EQ(out, "VALUE a 0 1\r\nx\r\nEND\r\n");
}

struct RecordingSocket : DatagramEndpoint {
  std::vector<std::pair<std::string, uint64_t>> received;
  void OnDatagram(std::string_view bytes, uint64_t tag) override {
    received.emplace_back(std::string(bytes), tag);
  }
};

// Each request datagram runs once per copy delivered (none when lost, twice
// when duplicated); every copy's tag is either executed or dropped, and
// every reply datagram names the copy it answers.
RC_GTEST_PROP(SimNetworkProperty, DatagramsAreLostDuplicatedOrDeliveredWhole, ()) {
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  SwarmParameters params;
  params.udp_loss = *rc::gen::inRange(0, 51) / 100.0;
  params.udp_duplicate = *rc::gen::inRange(0, 51) / 100.0;
  params.slow_tail = *rc::gen::inRange(0, 51) / 100.0;
  const auto requests = *rc::gen::inRange<uint16_t>(1, 40);

  EventLoop loop;
  Prng prng(seed);
  ref::Server server(ref::Settings{});
  RecordingObserver observer;
  Fingerprint fingerprint;
  SimNetwork network(loop, prng, params, server, observer, fingerprint, nullptr);
  RecordingSocket socket;
  const uint32_t id = network.OpenUdpSocket(&socket);
  for (uint16_t i = 1; i <= requests; ++i) {
    std::string datagram = {
        static_cast<char>(i >> 8), static_cast<char>(i & 0xff), 0, 0, 0, 1, 0, 0};
    datagram += "incr n 1\r\n";
    network.SendDatagram(id, datagram, 2 * i, 2 * i + 1);
  }
  ref::Session setup(server);
  std::string out;
  setup.Receive("set n 0 0 1\r\n0\r\n", &out);
  while (loop.RunOne()) {
  }
  std::vector<uint64_t> accounted = observer.executed;
  accounted.insert(accounted.end(), observer.dropped.begin(), observer.dropped.end());
  std::sort(accounted.begin(), accounted.end());
  RC_ASSERT(accounted.size() == 2u * requests);
  for (size_t i = 0; i < accounted.size(); ++i) RC_ASSERT(accounted[i] == i + 2);
  // The counter counts executions, whatever their order.
  out.clear();
  setup.Receive("get n\r\n", &out);
  const std::string count = std::to_string(observer.executed.size());
  RC_ASSERT(out == "VALUE n 0 " + std::to_string(count.size()) + "\r\n" + count + "\r\nEND\r\n");
  for (const auto& [bytes, tag] : socket.received) {
    RC_ASSERT(std::find(observer.executed.begin(), observer.executed.end(), tag) !=
              observer.executed.end());
    RC_ASSERT(bytes.size() > 8u);
    RC_ASSERT(static_cast<uint64_t>((static_cast<unsigned char>(bytes[0]) << 8) |
                                    static_cast<unsigned char>(bytes[1])) == tag / 2);
  }
}

}  // namespace
}  // namespace mcspec::sim
