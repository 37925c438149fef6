#include "host/runtime/canonical_abi/abi_traits.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::runtime::abi {

AbiResult<uint32_t> load_discriminant(const GuestMemory& m, uint32_t ptr, uint32_t size) {
  switch (size) {
    case 1: {
      RB_ASSIGN_OR_RETURN(auto v, m.read<uint8_t>(ptr));
      return v;
    }
    case 2: {
      RB_ASSIGN_OR_RETURN(auto v, m.read<uint16_t>(ptr));
      return v;
    }
    default:
      return m.read<uint32_t>(ptr);
  }
}

AbiResult<void> store_discriminant(GuestMemory& m, uint32_t ptr, uint32_t size, uint32_t value) {
  switch (size) {
    case 1:
      return m.write<uint8_t>(ptr, static_cast<uint8_t>(value));
    case 2:
      return m.write<uint16_t>(ptr, static_cast<uint16_t>(value));
    default:
      return m.write<uint32_t>(ptr, value);
  }
}

AbiResult<Span32> load_span(const GuestMemory& m, uint32_t ptr) {
  RB_ASSIGN_OR_RETURN(auto p, m.read<uint32_t>(ptr));
  RB_ASSIGN_OR_RETURN(auto len, m.read<uint32_t>(ptr + 4));
  return Span32{p, len};
}

AbiResult<void> store_span(GuestMemory& m, uint32_t ptr, Span32 span) {
  RB_TRY(m.write<uint32_t>(ptr, span.ptr));
  return m.write<uint32_t>(ptr + 4, span.len);
}

AbiResult<Span32> copy_into_guest(GuestMemory& m, std::span<const uint8_t> bytes, uint32_t align) {
  RB_ASSIGN_OR_RETURN(auto ptr, m.allocate(align, bytes.size()));
  if (!bytes.empty()) {
    RB_ASSIGN_OR_RETURN(auto dest, m.bytes(ptr, bytes.size()));
    std::memcpy(dest.data(), bytes.data(), bytes.size());
  }
  return Span32{ptr, static_cast<uint32_t>(bytes.size())};
}

}  // namespace rapidbyte::runtime::abi
