// Throughput of the reference core alone, in process: request parsing,
// execution and response formatting through Session::Receive, for a 90/10
// get/set mix over 100,000 keys of 16 bytes with 100-byte values.
//
// Two shapes: requests arriving in 16 KiB reads (a pipelining client), and
// one request per Receive call (a client that waits for each answer).
// Run: build/release/reference/core_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

constexpr int kRequests = 200000;
constexpr size_t kReadSize = 16384;

std::string KeyName(int i) {
  char key[17];
  std::snprintf(key, sizeof(key), "key:%012d", i);
  return key;
}

std::vector<std::string> MakeRequests(int keys) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> key(0, keys - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  const std::string value(100, 'v');
  std::vector<std::string> requests;
  requests.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    if (percent(rng) < 90) {
      requests.push_back("get " + KeyName(key(rng)) + "\r\n");
    } else {
      requests.push_back("set " + KeyName(key(rng)) + " 0 0 100\r\n" + value + "\r\n");
    }
  }
  return requests;
}

void Prefill(Session& session, int keys) {
  const std::string value(100, 'v');
  std::string out;
  for (int i = 0; i < keys; ++i) {
    session.Receive("set " + KeyName(i) + " 0 0 100 noreply\r\n" + value + "\r\n", &out);
  }
}

void BM_PipelinedReads(benchmark::State& state) {
  Server server(Settings{});
  Session session(server);
  const int keys = static_cast<int>(state.range(0));
  Prefill(session, keys);
  std::string stream;
  for (const std::string& request : MakeRequests(keys)) stream += request;
  std::string out;
  for (auto _ : state) {
    for (size_t pos = 0; pos < stream.size(); pos += kReadSize) {
      out.clear();
      session.Receive(std::string_view(stream).substr(pos, kReadSize), &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests);
}
// 100,000 keys is the figure of record; 1,000 keys (all in cache) shows the
// cost of the code without memory stalls.
BENCHMARK(BM_PipelinedReads)->Arg(100000)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_OneRequestPerRead(benchmark::State& state) {
  Server server(Settings{});
  Session session(server);
  const int keys = static_cast<int>(state.range(0));
  Prefill(session, keys);
  const std::vector<std::string> requests = MakeRequests(keys);
  std::string out;
  for (auto _ : state) {
    for (const std::string& request : requests) {
      out.clear();
      session.Receive(request, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests);
}
BENCHMARK(BM_OneRequestPerRead)->Arg(100000)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mcspec::ref

BENCHMARK_MAIN();
