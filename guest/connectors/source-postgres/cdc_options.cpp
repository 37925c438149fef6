#include "guest/connectors/source-postgres/cdc_options.hpp"

#include <span>

#include "portable/base/try.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

constexpr size_t kMaxSlotName = 63;

bool slot_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

sdk::Result<CdcOptions> CdcOptions::parse(const sdk::JsonConfig& config) {
  CdcOptions out;
  RB_ASSIGN_OR_RETURN(auto slot, config.get_string("slot_name", "rapidbyte"));
  if (slot.empty() || slot.size() > 40) {
    return sdk::config_error("config field 'slot_name' must be 1-40 characters; got '" + slot +
                             "'");
  }
  for (char c : slot) {
    if (!slot_char(c)) {
      return sdk::config_error(
          "config field 'slot_name' may contain only lower case letters, digits and "
          "underscores; got '" +
          slot + "'");
    }
  }
  out.slot_name = slot;
  if (config.member("publication")) {
    auto publication = config.require_string("publication");
    if (!publication) return std::unexpected(publication.error());
    if (publication->empty()) return sdk::config_error("config field 'publication' is empty");
    out.publication = *publication;
  }
  auto mode = config.get_string("cdc_mode", "bounded");
  if (!mode) return std::unexpected(mode.error());
  if (*mode == "bounded") {
    out.mode = CdcMode::kBounded;
  } else if (*mode == "continuous") {
    out.mode = CdcMode::kContinuous;
  } else {
    return sdk::config_error("config field 'cdc_mode' must be bounded or continuous; got '" +
                             *mode + "'");
  }
  if (config.member("max_lag_bytes")) {
    RB_ASSIGN_OR_RETURN(auto lag, config.get_u64("max_lag_bytes", 0));
    out.max_lag_bytes = lag;
  }
  RB_ASSIGN_OR_RETURN(auto toast, config.get_string("unchanged_toast", "keep"));
  if (toast == "keep") {
    out.unchanged_toast = UnchangedToast::kKeep;
  } else if (toast == "dlq") {
    out.unchanged_toast = UnchangedToast::kDlq;
  } else {
    return sdk::config_error("config field 'unchanged_toast' must be keep or dlq; got '" + toast +
                             "'");
  }
  return out;
}

std::string CdcOptions::legacy_name_for(const postgres_common::TableName& table) const {
  const std::string raw = table.schema == "public" ? table.table : table.schema + "_" + table.table;
  std::string folded;
  bool exact = true;
  for (char c : raw) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    exact &= lower == c && slot_char(c);
    folded += slot_char(lower) ? lower : '_';
  }
  std::string name = slot_name + "_" + folded;
  if (exact && name.size() <= kMaxSlotName) return name;
  // Folding may merge names ("A" and "a"), and long names are cut: a hash of
  // the exact schema and table keeps slots apart.
  const auto digest = crypto::sha256(table.schema + "." + table.table);
  const std::string hash = crypto::to_hex(std::span(digest).first(4));
  const size_t keep = kMaxSlotName - 9;
  if (name.size() > keep) name.resize(keep);
  return name + "_" + hash;
}

}  // namespace rapidbyte::connectors::source_postgres
