// Lowering: protocol:: values into the world's generated C structs, with
// lower<C>(value) (convert.hpp, contract_convert.hpp).
//
// Lowering allocates every string and list it produces with malloc, the
// allocator behind `cabi_realloc`. Ownership then follows the canonical ABI:
// a value returned from an export is freed by the generated `cabi_post_*`
// function after the host has read it; a value passed to an import stays the
// guest's and is freed by the caller (wrap it in AbiOwned with the matching
// generated `*_free`). borrow_* functions allocate nothing: the result points
// into the argument, which must outlive the import call. Compiled once per
// world (see rapidbyte_world.hpp.in).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "guest/sdk/abi/contract_convert.hpp"
#include "portable/protocol/types.hpp"
#include "rapidbyte_world.hpp"

namespace rapidbyte::sdk::abi {

String borrow_string(std::string_view s);
ListU8 borrow_bytes(std::span<const uint8_t> bytes);

}  // namespace rapidbyte::sdk::abi
