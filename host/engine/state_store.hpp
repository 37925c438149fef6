// Connector state (host-io state-get/put/cas) and cursors, keyed by pipeline,
// scope and key.
//
// This is the in-memory store the engine uses until a persistent backend is
// configured; the interface is what persistent backends implement.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

namespace rapidbyte::engine {

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void put(const std::string& key, std::string value) = 0;
  // Sets `key` to `value` only if it currently holds `expected` (nullopt:
  // absent). Returns whether it did.
  virtual bool compare_and_set(const std::string& key, const std::optional<std::string>& expected,
                               std::string value) = 0;
};

class MemoryStateStore final : public StateStore {
 public:
  std::optional<std::string> get(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void put(const std::string& key, std::string value) override {
    std::lock_guard lock(mu_);
    values_[key] = std::move(value);
  }
  bool compare_and_set(const std::string& key, const std::optional<std::string>& expected,
                       std::string value) override {
    std::lock_guard lock(mu_);
    auto it = values_.find(key);
    const std::optional<std::string> current =
        it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
    if (current != expected) return false;
    values_[key] = std::move(value);
    return true;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> values_;
};

}  // namespace rapidbyte::engine
