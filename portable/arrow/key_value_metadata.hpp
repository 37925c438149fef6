// KeyValueMetadata: the ordered string pairs Arrow attaches to a schema or a
// field (`custom_metadata` in the IPC format), e.g. "ARROW:extension:name" =
// "arrow.uuid". Order is preserved as inserted, and as read from the wire.
// A plain value; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapidbyte::arrow {

class KeyValueMetadata {
 public:
  using Entry = std::pair<std::string, std::string>;

  KeyValueMetadata() = default;
  KeyValueMetadata(std::initializer_list<Entry> entries) : entries_(entries) {}
  explicit KeyValueMetadata(std::vector<Entry> entries) : entries_(std::move(entries)) {}

  // Value of the first entry named `key`, or nullopt.
  std::optional<std::string_view> get(std::string_view key) const {
    for (const auto& [k, v] : entries_) {
      if (k == key) return std::string_view(v);
    }
    return std::nullopt;
  }

  // Replaces the value of `key` if present, else appends the pair.
  void set(std::string key, std::string value) {
    for (auto& [k, v] : entries_) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    entries_.emplace_back(std::move(key), std::move(value));
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

  bool operator==(const KeyValueMetadata&) const = default;

 private:
  std::vector<Entry> entries_;
};

}  // namespace rapidbyte::arrow
