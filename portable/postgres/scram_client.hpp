// ScramClient: the client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as
// PostgreSQL uses it for password authentication, without channel binding
// (gs2 header "n,,").
//
// A three-step state machine, independent of the wire so it can be tested
// against the RFC 7677 example: client_first() -> handle_server_first() ->
// verify_server_final(). Holds copies of the password and nonces; not
// thread-safe. PostgreSQL ignores the SCRAM user name (it uses the startup
// user), so the connection passes an empty one. Passwords are used as given
// (no SASLprep), which equals SASLprep for ASCII passwords.
#pragma once

#include <string>
#include <string_view>

#include "portable/crypto/sha256.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

class ScramClient {
 public:
  static constexpr std::string_view kMechanism = "SCRAM-SHA-256";

  // REQUIRES: client_nonce is printable ASCII without ','.
  ScramClient(std::string user, std::string password, std::string client_nonce);

  // A random 24-byte nonce, base64-encoded. Fails when the platform has no
  // entropy source.
  static Result<std::string> random_nonce();

  // "n,,n=<user>,r=<client nonce>".
  std::string client_first() const;

  // Checks the server-first message (the combined nonce must extend ours,
  // iterations >= 1) and returns the client-final message with the proof.
  Result<std::string> handle_server_first(std::string_view server_first);

  // Checks the server signature in the server-final message.
  Result<void> verify_server_final(std::string_view server_final) const;

 private:
  std::string user_;
  std::string password_;
  std::string client_nonce_;
  crypto::Sha256Digest server_signature_{};
  bool have_server_first_ = false;
};

}  // namespace rapidbyte::postgres
