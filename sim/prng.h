// The simulation's only source of randomness: xoshiro256** seeded through
// splitmix64 from one 64-bit seed. One Prng is created per run and passed by
// reference to everything that draws; the same seed gives the same sequence
// on every platform (no std:: distributions, whose output is unspecified).
#ifndef MCSPEC_SIM_PRNG_H_
#define MCSPEC_SIM_PRNG_H_

#include <array>
#include <cstdint>
#include <vector>

namespace mcspec::sim {

class Prng {
 public:
  explicit Prng(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, n); n > 0. Lemire's multiply-shift with rejection.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi]; lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double Unit();
  bool Bernoulli(double p) { return Unit() < p; }
  // Log-uniform in [lo, hi] (lo >= 1): an octave [2^k, 2^(k+1)) uniformly
  // among those the range meets, then uniform in it; small values are as
  // likely per octave as large ones.
  uint64_t LogUniform(uint64_t lo, uint64_t hi);

 private:
  std::array<uint64_t, 4> state_;
};

// Zipf over [0, n): rank i has weight 1 / (i + 1)^s. Built once (a CDF
// table, computed without the C library's pow, so that every compiler and
// library builds the same table), then each draw is one Unit() and a binary
// search.
class ZipfDistribution {
 public:
  ZipfDistribution(uint64_t n, double s);
  uint64_t Draw(Prng& prng) const;

 private:
  std::vector<double> cdf_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_PRNG_H_
