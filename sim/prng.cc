#include "prng.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mcspec::sim {
namespace {

uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// ln and exp from +, -, *, / and exact scaling by powers of two, whose
// results IEEE 754 fixes (sim/ is built with -ffp-contract=off, so no fused
// multiply-add changes a rounding), instead of the C library's, which differ
// between libraries and versions. Accurate to a few units in the last place,
// which is all a Zipf table needs.
constexpr double kLn2 = 0.69314718055994530942;

// x > 0.
double Log(double x) {
  int exponent = 0;
  double mantissa = std::frexp(x, &exponent);  // x = mantissa * 2^exponent, mantissa in [0.5, 1)
  if (mantissa < 0.70710678118654752440) {     // into [sqrt(1/2), sqrt(2))
    mantissa *= 2;
    exponent -= 1;
  }
  // ln(m) = 2 atanh(z), z = (m - 1) / (m + 1), |z| < 0.172.
  const double z = (mantissa - 1) / (mantissa + 1);
  const double z2 = z * z;
  double power = z;
  double sum = 0;
  for (int k = 1; k < 40; k += 2) {
    sum += power / k;
    power *= z2;
  }
  return 2 * sum + exponent * kLn2;
}

double Exp(double y) {
  const double twos = std::floor(y / kLn2);
  const double r = y - twos * kLn2;  // in [0, ln 2), up to rounding
  double term = 1;
  double sum = 1;
  for (int k = 1; k < 24; ++k) {
    term *= r / k;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(twos));
}

}  // namespace

Chance::Chance(double p) : threshold_(0) {
  constexpr double kDraws = 0x1.0p53;  // the 2^53 values of k
  if (p >= 1) {
    threshold_ = uint64_t{1} << 53;
  } else if (p > 0) {
    threshold_ = static_cast<uint64_t>(std::ceil(p * kDraws));
  }
}

Prng::Prng(uint64_t seed) {
  for (uint64_t& word : state_) word = SplitMix64(&seed);
}

Prng::Rejecting Prng::BelowRejecting(std::array<uint64_t, 4> state, uint64_t n,
                                     unsigned __int128 m) {
  Prng prng(state);
  const uint64_t threshold = -n % n;
  while (static_cast<uint64_t>(m) < threshold) m = static_cast<unsigned __int128>(prng.Next()) * n;
  return Rejecting{static_cast<uint64_t>(m >> 64), prng.state_};
}

int64_t Prng::Range(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

uint64_t Prng::LogUniform(uint64_t lo, uint64_t hi) {
  // An octave [2^k, 2^(k+1)) uniformly among those the range meets, then a
  // value uniformly in its part of the range: integers only, so every
  // compiler and C library draws the same.
  const int lowest = std::bit_width(lo) - 1;
  const int highest = std::bit_width(hi) - 1;
  const auto octave = static_cast<int>(Range(lowest, highest));
  const uint64_t first = std::max(lo, uint64_t{1} << octave);
  const uint64_t last = octave == 63 ? hi : std::min(hi, (uint64_t{2} << octave) - 1);
  return first + Below(last - first + 1);
}

ZipfDistribution::ZipfDistribution(uint64_t n, double s) : cdf_(n) {
  double total = 0;
  for (uint64_t i = 0; i < n; ++i) {
    total += Exp(-s * Log(static_cast<double>(i + 1)));
    cdf_[i] = total;
  }
  for (double& c : cdf_) c /= total;
  // About one bucket per rank, at most 2^16 of them (a draw's 53 bits hold
  // the bucket in their top guide_bits_).
  constexpr int kMaxGuideBits = 16;
  guide_bits_ = std::min(kMaxGuideBits, static_cast<int>(std::bit_width(n)));
  const size_t buckets = size_t{1} << guide_bits_;
  guide_.resize(buckets + 1);
  for (size_t b = 0; b < buckets; ++b) {
    // b / buckets is exact: the lowest draw of bucket b.
    const double lowest = std::ldexp(static_cast<double>(b), -guide_bits_);
    guide_[b] =
        static_cast<uint32_t>(std::upper_bound(cdf_.begin(), cdf_.end(), lowest) - cdf_.begin());
  }
  guide_[buckets] = static_cast<uint32_t>(n);
}

uint64_t ZipfDistribution::Draw(Prng& prng) const {
  // Unit()'s draw, its top 53 bits also giving the bucket.
  const uint64_t draw = prng.Next();
  const double u = Prng::UnitOf(draw);
  const uint64_t bucket = (draw >> 11) >> (53 - guide_bits_);
  // The answer is at or after the bucket's first rank, and at or before the
  // next bucket's (whose CDF exceeds every draw of this bucket).
  const auto first = cdf_.begin() + guide_[bucket];
  const auto last = cdf_.begin() + std::min<size_t>(guide_[bucket + 1] + 1, cdf_.size());
  const auto it = std::upper_bound(first, last, u);
  return std::min<uint64_t>(static_cast<uint64_t>(it - cdf_.begin()), cdf_.size() - 1);
}

}  // namespace mcspec::sim
