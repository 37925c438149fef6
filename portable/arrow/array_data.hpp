// ArrayData: the physical description of one Arrow array — its type, its
// length, and the buffers that hold its values.
//
// Which buffers are used depends on type.layout():
//   kNull        none
//   kBitmap      validity, values (bit-packed booleans)
//   kFixedWidth  validity, values (byte_width() bytes per slot)
//   kVarBinary   validity, values (int32 offsets, length + 1 of them), data
//   kLargeVarBinary  as kVarBinary with int64 offsets
//   kList        validity, values (int32 offsets into children[0], length + 1
//                of them); children[0] holds every list's elements
// `offset` is the first logical slot inside those buffers (in slots, i.e.
// bits for bitmaps); it is how slices share memory with their parent. An
// empty validity buffer means "no nulls" (null_count must then be 0, except
// for the null type, where every slot is null).
//
// Memory: the Buffers share ownership of their bytes (or borrow them, see
// Buffer), so copying ArrayData never copies values (children are copied as
// descriptions only).
#pragma once

#include <cstdint>
#include <vector>

#include "portable/arrow/buffer.hpp"
#include "portable/arrow/type.hpp"

namespace rapidbyte::arrow {

struct ArrayData {
  DataType type;
  int64_t length = 0;
  int64_t offset = 0;
  int64_t null_count = 0;
  Buffer validity;
  Buffer values;
  Buffer data;
  std::vector<ArrayData> children;  // kList: exactly one
};

}  // namespace rapidbyte::arrow
