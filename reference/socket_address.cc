#include "socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>

namespace mcspec::ref {

std::string ConnAddressText(const sockaddr* addr, bool udp) {
  char ip[INET6_ADDRSTRLEN] = {};
  std::string body;
  std::string proto = "?";
  unsigned port = 0;
  switch (addr->sa_family) {
    case AF_INET: {
      const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
      inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
      body = ip;
      port = ntohs(in->sin_port);
      proto = udp ? "udp" : "tcp";
      break;
    }
    case AF_INET6: {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
      inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
      body.append("[").append(ip).append("]");
      port = ntohs(in6->sin6_port);
      proto = udp ? "udp6" : "tcp6";
      break;
    }
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(addr);
      body.assign(un->sun_path, strnlen(un->sun_path, sizeof(un->sun_path)));
      proto = "unix";
      break;
    }
    default:
      break;
  }
  // memcached's stand-in for an address it cannot show.
  if (body.size() < 2) body.assign("<AF ").append(std::to_string(addr->sa_family)).append(">");
  std::string out = proto;
  out.append(":").append(body);
  if (port != 0) out.append(":").append(std::to_string(port));
  return out;
}

std::string LogEndpointText(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = {};
  unsigned port = 0;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    port = ntohs(in->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    port = ntohs(in6->sin6_port);
  } else {
    std::strcpy(text, "unix");
  }
  std::string out = "rip=";
  out.append(text).append(" rport=").append(std::to_string(port));
  return out;
}

}  // namespace mcspec::ref
