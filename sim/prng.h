// The simulation's only source of randomness: xoshiro256** seeded through
// splitmix64 from one 64-bit seed. One Prng is created per run and passed by
// reference to everything that draws; the same seed gives the same sequence
// on every platform (no std:: distributions, whose output is unspecified).
#ifndef MCSPEC_SIM_PRNG_H_
#define MCSPEC_SIM_PRNG_H_

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace mcspec::sim {

// A probability made ready for draws: Prng::Happens(chance) is exactly
// Prng::Bernoulli(p) (the same answer for every draw), as one integer
// comparison. Bernoulli(p) is k * 2^-53 < p for the top 53 bits k of a
// draw, both sides exact: k < 2^53 converts exactly, and scaling by a power
// of two is exact (so is p * 2^53, below). For an integer k, k < p * 2^53
// holds exactly when k < ceil(p * 2^53); p <= 0 or NaN admits no k, and
// p >= 1 every k.
class Chance {
 public:
  explicit Chance(double p);
  // Whether `draw`, a Prng::Next(), happens: Unit()'s comparison.
  bool Admits(uint64_t draw) const { return draw >> 11 < threshold_; }
  // p > 0: some draw happens.
  bool possible() const { return threshold_ != 0; }

 private:
  uint64_t threshold_;  // ceil(p * 2^53), within [0, 2^53]
};

class Prng {
 public:
  explicit Prng(uint64_t seed);

  // Defined here: the simulator draws several numbers per event, and a call
  // into another file costs more than the draw.
  uint64_t Next() {
    const uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n); n > 0. Lemire's multiply-shift with rejection.
  uint64_t Below(uint64_t n) {
    const unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    if (static_cast<uint64_t>(m) < n) {
      const Rejecting redrawn = BelowRejecting(state_, n, m);
      state_ = redrawn.state;
      return redrawn.value;
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [lo, hi]; lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double Unit() { return UnitOf(Next()); }
  static double UnitOf(uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }
  bool Bernoulli(double p) { return Unit() < p; }
  // Bernoulli(p) for the p `chance` was made of.
  bool Happens(const Chance& chance) { return chance.Admits(Next()); }
  // Log-uniform in [lo, hi] (lo >= 1): an octave [2^k, 2^(k+1)) uniformly
  // among those the range meets, then uniform in it; small values are as
  // likely per octave as large ones.
  uint64_t LogUniform(uint64_t lo, uint64_t hi);

 private:
  explicit Prng(std::array<uint64_t, 4> state) : state_(state) {}
  // Below's rare case: the first product's low word is below n, and may
  // fall in the biased range. It draws from a copy of the state, which it
  // returns: a generator copied for a run of draws (kept in registers)
  // would, its address given here, be reloaded after every store.
  struct Rejecting {
    uint64_t value;
    std::array<uint64_t, 4> state;
  };
  static Rejecting BelowRejecting(std::array<uint64_t, 4> state, uint64_t n, unsigned __int128 m);

  std::array<uint64_t, 4> state_;
};

// Zipf over [0, n): rank i has weight 1 / (i + 1)^s. Built once (a CDF
// table, computed without the C library's pow, so that every compiler and
// library builds the same table), then each draw is one Unit() and a search
// of the table: the first rank whose CDF exceeds the draw.
class ZipfDistribution {
 public:
  ZipfDistribution(uint64_t n, double s);
  uint64_t Draw(Prng& prng) const;

 private:
  std::vector<double> cdf_;
  // The draw's guide: the unit interval in 2^guide_bits_ equal buckets,
  // each with the first rank a draw in it can give (its lower bound's
  // answer), so that a draw searches only between its bucket's rank and
  // the next bucket's: a few ranks, where the whole table took a binary
  // search's cache misses. The ranks are the whole table's, bit for bit.
  int guide_bits_ = 0;
  std::vector<uint32_t> guide_;  // 2^guide_bits_ + 1 entries, the last n
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_PRNG_H_
