#include "portable/s3/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "portable/crypto/hex.hpp"
#include "portable/crypto/hmac_sha256.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A header value as signed: no leading or trailing blanks, and each run of
// blanks inside one space.
std::string trimmed(std::string_view value) {
  std::string out;
  bool blank = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 section 5.2.4, and repeated slashes as one: "/a//b/../c/" is "/a/c/".
std::string normalized(std::string_view path) {
  std::vector<std::string_view> kept;
  bool trailing_slash = false;
  size_t at = 0;
  while (at <= path.size()) {
    const size_t end = std::min(path.find('/', at), path.size());
    const std::string_view segment = path.substr(at, end - at);
    trailing_slash = segment.empty() || segment == "." || segment == "..";
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    at = end + 1;
  }
  std::string out;
  for (std::string_view segment : kept) {
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || trailing_slash) out.push_back('/');
  return out;
}

std::string canonical_query(const std::vector<QueryParameter>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const QueryParameter& p : query)
    encoded.emplace_back(uri_encode(p.name, false), uri_encode(p.value, false));
  std::ranges::sort(encoded);
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

crypto::Sha256Digest hmac(std::span<const uint8_t> key, std::string_view data) {
  return crypto::hmac_sha256(key, data);
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (unreserved(byte) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

Signature sign_v4(const RequestToSign& request, const Credentials& credentials,
                  const SigningScope& scope) {
  Signature signature;
  std::vector<HttpHeader> headers = request.headers;
  if (!credentials.session_token.empty()) {
    signature.added_headers.push_back({"x-amz-security-token", credentials.session_token});
    headers.push_back(signature.added_headers.back());
  }
  // Headers by lower-case name; the values of a name repeated are joined
  // with commas in the order they come.
  std::map<std::string, std::string> canonical_headers;
  for (const HttpHeader& header : headers) {
    auto [it, added] = canonical_headers.try_emplace(lower(header.name), trimmed(header.value));
    if (!added) it->second += "," + trimmed(header.value);
  }
  std::string signed_headers;
  for (const auto& [name, value] : canonical_headers) {
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  std::string& creq = signature.canonical_request;
  creq = request.method + "\n";
  creq += uri_encode(scope.normalize_path   ? normalized(request.path)
                     : request.path.empty() ? std::string("/")
                                            : request.path,
                     true);
  creq += "\n" + canonical_query(request.query) + "\n";
  for (const auto& [name, value] : canonical_headers) creq += name + ":" + value + "\n";
  creq += "\n" + signed_headers + "\n" + request.payload_hash;

  const std::string date = scope.amz_date.substr(0, 8);
  const std::string credential_scope =
      date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  std::string& sts = signature.string_to_sign;
  sts = std::string(kAlgorithm) + "\n" + scope.amz_date + "\n" + credential_scope + "\n" +
        crypto::to_hex(crypto::sha256(creq));

  const std::string secret = "AWS4" + credentials.secret_access_key;
  const crypto::Sha256Digest date_key =
      hmac({reinterpret_cast<const uint8_t*>(secret.data()), secret.size()}, date);
  const crypto::Sha256Digest region_key = hmac(date_key, scope.region);
  const crypto::Sha256Digest service_key = hmac(region_key, scope.service);
  const crypto::Sha256Digest signing_key = hmac(service_key, "aws4_request");
  signature.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                            "/" + credential_scope + ", SignedHeaders=" + signed_headers +
                            ", Signature=" + crypto::to_hex(hmac(signing_key, sts));
  return signature;
}

}  // namespace rapidbyte::s3
