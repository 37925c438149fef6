#include "host/runtime/canonical_abi/function_signature.hpp"

namespace rapidbyte::runtime::abi {

namespace {

wasm_valtype_vec_t make_valtypes(const FlatTypes& types) {
  wasm_valtype_vec_t vec;
  wasm_valtype_vec_new_uninitialized(&vec, types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    wasm_valkind_t kind = WASM_I32;
    switch (types[i]) {
      case CoreType::kI32:
        kind = WASM_I32;
        break;
      case CoreType::kI64:
        kind = WASM_I64;
        break;
      case CoreType::kF32:
        kind = WASM_F32;
        break;
      case CoreType::kF64:
        kind = WASM_F64;
        break;
    }
    vec.data[i] = wasm_valtype_new(kind);
  }
  return vec;
}

}  // namespace

FuncTypePtr make_functype(const FlatTypes& params, const FlatTypes& results) {
  wasm_valtype_vec_t p = make_valtypes(params);
  wasm_valtype_vec_t r = make_valtypes(results);
  return FuncTypePtr(wasm_functype_new(&p, &r));  // takes ownership of both vectors
}

}  // namespace rapidbyte::runtime::abi
