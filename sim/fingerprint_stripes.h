// The bulk of the fingerprint's byte hash (fingerprint.cc): bytes read in
// stripes of 32, four little-endian words each, every word added with the
// 32x32->64 product of its halves (after an xor with its lane's key) into its
// own lane, as xxh3 accumulates. The lanes have no dependency through a
// multiply, so the loop runs at the speed bytes are read. The keys move on by
// an odd constant every stripe, so that swapped stripes hash apart.
//
// The same sums are computed one word at a time, two lanes per SSE2 register,
// or four per AVX2 register; every accumulator gives the same lanes, so a
// run's fingerprint does not depend on the processor it ran on.
#ifndef MCSPEC_SIM_FINGERPRINT_STRIPES_H_
#define MCSPEC_SIM_FINGERPRINT_STRIPES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mcspec::sim {

enum class StripeAccumulator { kWords, kSse2, kAvx2 };

// The accumulators this build has and this processor runs, kWords first.
std::vector<StripeAccumulator> AvailableStripeAccumulators();
// The fastest of them.
StripeAccumulator FastestStripeAccumulator();

// Adds `stripes` stripes of 32 bytes from `data` into `lanes`.
// `accumulator` must be one of AvailableStripeAccumulators().
void AccumulateStripes(StripeAccumulator accumulator, const char* data, size_t stripes,
                       uint64_t lanes[4]);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_FINGERPRINT_STRIPES_H_
