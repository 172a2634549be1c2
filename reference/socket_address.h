// Socket addresses as memcached 1.6.18 writes them: in `stats conns`
// ("tcp:127.0.0.1:11211", "udp6:[::1]:40000", "unix:/tmp/mc.sock", and
// "?:<AF 0>" for a unix-socket client, whose address memcached never fills
// in) and in connevents log lines (rip=, rport=, transport=).
#ifndef MCSPEC_REFERENCE_SOCKET_ADDRESS_H_
#define MCSPEC_REFERENCE_SOCKET_ADDRESS_H_

#include <sys/socket.h>

#include <string>

namespace mcspec::ref {

// `udp` picks the protocol name of an IP address ("udp"/"tcp").
std::string ConnAddressText(const sockaddr* addr, bool udp);
// "rip=127.0.0.1 rport=54321" ("rip=unix rport=0" for a unix socket).
std::string LogEndpointText(const sockaddr* addr);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SOCKET_ADDRESS_H_
