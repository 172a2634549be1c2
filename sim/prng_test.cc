#include "prng.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace mcspec::sim {
namespace {

TEST(PrngTest, SameSeedSameSequence) {
  Prng a(42);
  Prng b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next(), b.Next());
}

TEST(PrngTest, DifferentSeedsDiffer) {
  Prng a(1);
  Prng b(2);
  int equal = 0;
  for (int i = 0; i < 100; ++i) equal += a.Next() == b.Next();
  EXPECT_LT(equal, 2);
}

// The first outputs of xoshiro256** seeded by splitmix64(0), as the reference
// implementations give them: a change of algorithm changes every seed's run.
TEST(PrngTest, KnownOutputsForSeedZero) {
  Prng prng(0);
  EXPECT_EQ(prng.Next(), 0x99ec5f36cb75f2b4ull);
  EXPECT_EQ(prng.Next(), 0xbf6e1f784956452aull);
}

TEST(PrngTest, RangesStayInBounds) {
  Prng prng(7);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = prng.Range(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen[v]++;
    const uint64_t l = prng.LogUniform(8, 100000);
    ASSERT_GE(l, 8u);
    ASSERT_LE(l, 100000u);
    const double u = prng.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_EQ(seen.size(), 7u);
  for (const auto& [value, count] : seen) EXPECT_GT(count, 1000) << value;
}

TEST(PrngTest, LogUniformDrawsEachOctaveAlike) {
  Prng prng(11);
  std::map<int, int> octaves;
  for (int i = 0; i < 40000; ++i) {
    const uint64_t v = prng.LogUniform(1, (1 << 20) - 1);
    ASSERT_GE(v, 1u);
    ASSERT_LT(v, uint64_t{1} << 20);
    octaves[std::bit_width(v) - 1]++;
  }
  EXPECT_EQ(octaves.size(), 20u);
  for (const auto& [octave, count] : octaves) EXPECT_NEAR(count, 2000, 250) << octave;
  EXPECT_EQ(prng.LogUniform(5, 5), 5u);
  EXPECT_GE(prng.LogUniform(uint64_t{1} << 63, UINT64_MAX), uint64_t{1} << 63);
}

TEST(PrngTest, BernoulliFrequency) {
  Prng prng(3);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += prng.Bernoulli(0.25);
  EXPECT_NEAR(hits / 100000.0, 0.25, 0.01);
}

TEST(ZipfTest, LowRanksDominate) {
  Prng prng(5);
  ZipfDistribution zipf(100, 1.0);
  std::vector<int> counts(100);
  for (int i = 0; i < 100000; ++i) counts[zipf.Draw(prng)]++;
  // Rank 0 has weight 1/H(100) ~ 0.193; rank 1 half of it.
  EXPECT_NEAR(counts[0] / 100000.0, 0.193, 0.01);
  EXPECT_NEAR(counts[1] / 100000.0, 0.0965, 0.01);
  EXPECT_GT(counts[0], counts[50] * 20);
}

TEST(ZipfTest, WeightsFollowThePowerLaw) {
  Prng prng(6);
  const double s = 1.5;
  ZipfDistribution zipf(1000, s);
  std::vector<int> counts(1000);
  constexpr int kDraws = 400000;
  for (int i = 0; i < kDraws; ++i) counts[zipf.Draw(prng)]++;
  double harmonic = 0;
  for (int i = 1; i <= 1000; ++i) harmonic += std::pow(i, -s);
  for (int rank : {0, 1, 3}) {
    const double expected = std::pow(rank + 1, -s) / harmonic;
    EXPECT_NEAR(counts[rank] / double{kDraws}, expected, 0.005) << rank;
  }
}

// The draws of one seed are fixed bits: any change of compiler, C library or
// algorithm that changes them shows here.
TEST(ZipfTest, DrawsAreFixed) {
  Prng prng(9);
  ZipfDistribution zipf(5000, 1.173587);
  uint64_t hash = 0;
  for (int i = 0; i < 10000; ++i) hash = hash * 1000003 + zipf.Draw(prng);
  EXPECT_EQ(hash, 341582880718111555u);
}

// The same for tables smaller and larger than the draw's guide (one key,
// a few, and more keys than guide buckets), at several exponents.
TEST(ZipfTest, DrawsAreFixedForEveryTableSize) {
  const struct {
    uint64_t n;
    double s;
    uint64_t hash;
  } cases[] = {{1, 1.0, 0},
               {3, 0.5, 7389366844754427936u},
               {1000, 1.5, 34170344127133002u},
               {100000, 0.9, 13760664888021385479u},
               {300000, 1.3, 16885414466034253977u}};
  for (const auto& c : cases) {
    Prng prng(c.n);
    ZipfDistribution zipf(c.n, c.s);
    uint64_t hash = 0;
    for (int i = 0; i < 20000; ++i) hash = hash * 1000003 + zipf.Draw(prng);
    EXPECT_EQ(hash, c.hash) << c.n << " " << c.s;
  }
}

// A Chance admits exactly the draws for which Unit() < p: any draw, any p
// (negative, NaN, infinite and subnormal ones included).
RC_GTEST_PROP(PrngTest, ChanceAdmitsWhatBernoulliAdmits, (uint64_t low, uint64_t high, double p)) {
  const uint64_t draw = high << 32 ^ low;  // all 64 bits, whatever the size
  RC_ASSERT(Chance(p).Admits(draw) == (Prng::UnitOf(draw) < p));
  RC_ASSERT(Chance(p).possible() == (p > 0));
}

// Where they could differ: p on a draw's own value k * 2^-53 or one step
// of a double beside it, against draws of k - 1, k and k + 1 with any low
// bits.
RC_GTEST_PROP(PrngTest, ChanceAdmitsWhatBernoulliAdmitsAtTheBoundary,
              (uint64_t at, int step, int neighbour, uint32_t low_bits)) {
  const uint64_t k = at >> 11;
  double p = Prng::UnitOf(at);
  if (step % 3 == 1) p = std::nextafter(p, 0.0);
  if (step % 3 == 2) p = std::nextafter(p, 2.0);
  const uint64_t drawn_k = (k + static_cast<uint64_t>(neighbour % 2)) & ((uint64_t{1} << 53) - 1);
  const uint64_t draw = drawn_k << 11 | (low_bits & 0x7ff);
  RC_ASSERT(Chance(p).Admits(draw) == (Prng::UnitOf(draw) < p));
}

// Below is Lemire's method draw for draw, its rare rejecting case included
// (about half the draws for n just above 2^63), and leaves the generator
// where those draws do.
RC_GTEST_PROP(PrngTest, BelowDrawsAsLemiresMethod, (uint64_t seed, uint64_t n_below_top)) {
  const uint64_t n = *rc::gen::element(uint64_t{1} << 63 | (n_below_top >> 1), n_below_top | 1,
                                       (n_below_top % 1000) + 1);
  Prng below(seed);
  Prng by_hand(seed);
  for (int i = 0; i < 100; ++i) {
    unsigned __int128 m = static_cast<unsigned __int128>(by_hand.Next()) * n;
    if (static_cast<uint64_t>(m) < n) {
      while (static_cast<uint64_t>(m) < -n % n)
        m = static_cast<unsigned __int128>(by_hand.Next()) * n;
    }
    RC_ASSERT(below.Below(n) == static_cast<uint64_t>(m >> 64));
  }
  RC_ASSERT(below.Next() == by_hand.Next());
}

TEST(PrngTest, HappensDrawsAsBernoulli) {
  const double probabilities[] = {-1,
                                  0,
                                  1e-300,
                                  1e-9,
                                  0.0052709,
                                  0.5,
                                  0.898488,
                                  1.0 - 1e-16,
                                  1,
                                  2,
                                  std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::quiet_NaN()};
  for (double p : probabilities) {
    Prng bernoulli(5);
    Prng happens(5);
    const Chance chance(p);
    int hits = 0;
    for (int i = 0; i < 20000; ++i) {
      const bool expected = bernoulli.Bernoulli(p);
      ASSERT_EQ(happens.Happens(chance), expected) << p << " draw " << i;
      hits += expected;
    }
    ASSERT_EQ(bernoulli.Next(), happens.Next());
    if (p == 0.5) {
      EXPECT_NEAR(hits, 10000, 500);
    }
  }
}

}  // namespace
}  // namespace mcspec::sim
