#include "guest/sdk/abi/lower.hpp"

namespace rapidbyte::sdk::abi {

String borrow_string(std::string_view s) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(s.data())), s.size()};
}

ListU8 borrow_bytes(std::span<const uint8_t> bytes) {
  return {const_cast<uint8_t*>(bytes.data()), bytes.size()};
}

}  // namespace rapidbyte::sdk::abi
