// AbiOwned<T, Free>: owns one value of a generated binding type and releases
// the memory it points to with the generated `*_free` helper when destroyed.
//
// Used for values the guest owns under the canonical ABI: arguments the host
// passed into an export (config, run request), results returned by imports
// (errors, state values), and import arguments the SDK lowered into malloc'd
// memory. Move-only.
#pragma once

#include <utility>

namespace rapidbyte::sdk::abi {

template <class T, void (*Free)(T*)>
class AbiOwned {
 public:
  AbiOwned() : value_{} {}
  explicit AbiOwned(T value) : value_(value) {}
  AbiOwned(AbiOwned&& other) noexcept : value_(std::exchange(other.value_, T{})) {}
  AbiOwned& operator=(AbiOwned&&) = delete;
  AbiOwned(const AbiOwned&) = delete;
  AbiOwned& operator=(const AbiOwned&) = delete;
  ~AbiOwned() { Free(&value_); }

  T* get() { return &value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_;
};

}  // namespace rapidbyte::sdk::abi
