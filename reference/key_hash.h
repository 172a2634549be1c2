// The two key hashes memcached 1.6 can use: MurmurHash3 (x86, 32-bit, seed 0;
// the default) and Bob Jenkins' lookup3 `hashlittle` with initval 0 (chosen by
// `-o no_modern`). The reference hashes keys exactly as memcached does because
// the hash decides which item locks collide, which changes evictions.
#ifndef MCSPEC_REFERENCE_KEY_HASH_H_
#define MCSPEC_REFERENCE_KEY_HASH_H_

#include <cstdint>
#include <string_view>

namespace mcspec::ref {

uint32_t Murmur3Hash(std::string_view key);
uint32_t JenkinsHash(std::string_view key);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_KEY_HASH_H_
