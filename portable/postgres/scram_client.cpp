#include "portable/postgres/scram_client.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "portable/crypto/base64.hpp"
#include "portable/crypto/hmac_sha256.hpp"
#include "portable/crypto/pbkdf2.hpp"

namespace rapidbyte::postgres {
namespace {

using crypto::Sha256Digest;
using protocol::ErrorCategory;

std::span<const uint8_t> as_bytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The value of attribute `name` ("r", "s", "i", "v", "e") in a
// comma-separated SCRAM message, or nullopt.
std::optional<std::string_view> attribute(std::string_view message, char name) {
  while (!message.empty()) {
    const size_t comma = message.find(',');
    const std::string_view part = message.substr(0, comma);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return part.substr(2);
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

PgError scram_error(std::string message) {
  return client_error(ErrorCategory::kAuth, "SCRAM authentication: " + std::move(message));
}

// "n=" attribute value: ',' and '=' escaped as RFC 5802 asks.
std::string escape_user(std::string_view user) {
  std::string out;
  for (char c : user) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

ScramClient::ScramClient(std::string user, std::string password, std::string client_nonce)
    : user_(std::move(user)),
      password_(std::move(password)),
      client_nonce_(std::move(client_nonce)) {}

Result<std::string> ScramClient::random_nonce() {
  std::array<uint8_t, 24> raw;
  if (getentropy(raw.data(), raw.size()) != 0) {
    return fail(client_error(ErrorCategory::kInternal, "no entropy source for the SCRAM nonce"));
  }
  return crypto::base64_encode(raw);
}

std::string ScramClient::client_first() const {
  return "n,,n=" + escape_user(user_) + ",r=" + client_nonce_;
}

Result<std::string> ScramClient::handle_server_first(std::string_view server_first) {
  if (attribute(server_first, 'e')) {
    return fail(scram_error("server error " + std::string(*attribute(server_first, 'e'))));
  }
  const std::optional<std::string_view> nonce = attribute(server_first, 'r');
  const std::optional<std::string_view> salt_b64 = attribute(server_first, 's');
  const std::optional<std::string_view> iter_text = attribute(server_first, 'i');
  if (!nonce || !salt_b64 || !iter_text) return fail(scram_error("malformed server-first message"));
  if (nonce->size() <= client_nonce_.size() || !nonce->starts_with(client_nonce_)) {
    return fail(scram_error("server nonce does not extend the client nonce"));
  }
  const std::optional<std::vector<uint8_t>> salt = crypto::base64_decode(*salt_b64);
  if (!salt) return fail(scram_error("salt is not base64"));
  uint32_t iterations = 0;
  for (char c : *iter_text) {
    if (c < '0' || c > '9' || iterations > 100'000'000) {
      return fail(scram_error("bad iteration count"));
    }
    iterations = iterations * 10 + static_cast<uint32_t>(c - '0');
  }
  if (iterations == 0) return fail(scram_error("bad iteration count"));

  Sha256Digest salted;
  crypto::pbkdf2_hmac_sha256(as_bytes(password_), *salt, iterations, salted);
  const Sha256Digest client_key = crypto::hmac_sha256(salted, std::string_view("Client Key"));
  const Sha256Digest stored_key = crypto::sha256(client_key);
  const Sha256Digest server_key = crypto::hmac_sha256(salted, std::string_view("Server Key"));

  // "c=biws" is base64("n,,"): no channel binding.
  const std::string without_proof = "c=biws,r=" + std::string(*nonce);
  const std::string first_bare = client_first().substr(3);
  const std::string auth_message =
      first_bare + "," + std::string(server_first) + "," + without_proof;

  const Sha256Digest client_signature = crypto::hmac_sha256(stored_key, auth_message);
  Sha256Digest proof;
  for (size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ client_signature[i];
  server_signature_ = crypto::hmac_sha256(server_key, auth_message);
  have_server_first_ = true;
  return without_proof + ",p=" + crypto::base64_encode(proof);
}

Result<void> ScramClient::verify_server_final(std::string_view server_final) const {
  if (!have_server_first_) return fail(scram_error("server-final before server-first"));
  if (const auto err = attribute(server_final, 'e')) {
    return fail(scram_error("server error " + std::string(*err)));
  }
  const std::optional<std::string_view> v = attribute(server_final, 'v');
  if (!v) return fail(scram_error("malformed server-final message"));
  const std::optional<std::vector<uint8_t>> signature = crypto::base64_decode(*v);
  if (!signature || signature->size() != server_signature_.size()) {
    return fail(scram_error("malformed server signature"));
  }
  uint8_t diff = 0;
  for (size_t i = 0; i < server_signature_.size(); ++i)
    diff |= (*signature)[i] ^ server_signature_[i];
  if (diff != 0) return fail(scram_error("server signature does not match (wrong server?)"));
  return {};
}

}  // namespace rapidbyte::postgres
