// IPC schema codec (internal to the IPC reader and writer): converts a Schema
// to and from the flatbuffers `Schema` table of Arrow's Schema.fbs, fields,
// nested children, types and key/value metadata included.
//
// Decoding treats the flatbuffer as untrusted (it must already have passed
// the flatbuffers Verifier): unsupported types, dictionary encoding, a
// child count that does not fit the type and nesting deeper than
// kMaxNestingDepth are errors. Functions are pure; memory is owned by the
// FlatBufferBuilder (encoding) or by the returned Schema (decoding).
#pragma once

#include <memory>

#include "portable/arrow/schema.hpp"
#include "portable/arrow/status.hpp"
#include "rapidbyte_arrow_format/Schema_generated.h"

namespace rapidbyte::arrow::ipc {

// Deepest type nesting a reader accepts (a list of lists of ... of T): bounds
// the recursion that decoding a schema and its record batches does. (The
// flatbuffers Verifier's own depth limit, 64 tables, stops about 30 levels.)
inline constexpr int kMaxNestingDepth = 20;

flatbuffers::Offset<org::apache::arrow::flatbuf::Schema> schema_to_fb(
    flatbuffers::FlatBufferBuilder& fbb, const Schema& schema);

Result<std::shared_ptr<const Schema>> schema_from_fb(const org::apache::arrow::flatbuf::Schema& fb);

}  // namespace rapidbyte::arrow::ipc
