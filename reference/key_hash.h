// MurmurHash3 (x86, 32-bit) of a key: the hash memcached 1.6 uses by default,
// and the one the reference's key index uses.
#ifndef MCSPEC_REFERENCE_KEY_HASH_H_
#define MCSPEC_REFERENCE_KEY_HASH_H_

#include <cstdint>
#include <string_view>

namespace mcspec::ref {

uint32_t Murmur3Hash(std::string_view key, uint32_t seed = 0);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_KEY_HASH_H_
