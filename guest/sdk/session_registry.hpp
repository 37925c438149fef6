// SessionRegistry: the live connector instances of this module, by session.
//
// Why it exists: the contract's `session` is an opaque u64 that the host
// passes back on every call. Handing out raw pointers would let a confused or
// hostile host make the guest dereference any address; instead `open` stores
// the instance here under a fresh id (never reused within the module's
// lifetime) and every later call looks it up, so an unknown or closed
// session becomes a clean error. It also allows several sessions per module
// instance (e.g. a `check` session and a `run` session).
//
// One registry per module (see instance()). Not thread-safe: a module is
// single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "guest/sdk/connector.hpp"

namespace rapidbyte::sdk {

class SessionRegistry {
 public:
  // The module's registry.
  static SessionRegistry& instance();

  // Takes ownership of `connector`; returns its session (never 0).
  protocol::Session add(std::unique_ptr<Connector> connector);

  // The instance of `session`, or nullptr when unknown or closed. The
  // registry keeps ownership.
  Connector* find(protocol::Session session);

  // Releases the instance of `session` to the caller; nullptr when unknown.
  std::unique_ptr<Connector> remove(protocol::Session session);

 private:
  protocol::Session next_ = 1;
  // Few sessions live at once, so a flat list beats a hash map in code size.
  std::vector<std::pair<protocol::Session, std::unique_ptr<Connector>>> live_;
};

}  // namespace rapidbyte::sdk
