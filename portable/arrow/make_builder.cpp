#include <memory>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"

namespace rapidbyte::arrow {
namespace {

// Builds arrays of the null type: every slot is null, there are no buffers.
class NullBuilder : public ArrayBuilder {
 public:
  NullBuilder() : ArrayBuilder(null()) {}
  void append_null() override { ++count_; }
  void reserve(int64_t) override {}
  Result<Array> finish() override {
    Array out = Array::make_null(count_);
    count_ = 0;
    return out;
  }

 private:
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<ArrayBuilder> make_builder(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
      return std::make_unique<NullBuilder>();
    case TypeId::kBool:
      return std::make_unique<BooleanBuilder>();
    case TypeId::kInt8:
      return std::make_unique<Int8Builder>(type);
    case TypeId::kInt16:
      return std::make_unique<Int16Builder>(type);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return std::make_unique<Int32Builder>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return std::make_unique<Int64Builder>(type);
    case TypeId::kUInt8:
      return std::make_unique<UInt8Builder>(type);
    case TypeId::kUInt16:
      return std::make_unique<UInt16Builder>(type);
    case TypeId::kUInt32:
      return std::make_unique<UInt32Builder>(type);
    case TypeId::kUInt64:
      return std::make_unique<UInt64Builder>(type);
    case TypeId::kFloat32:
      return std::make_unique<Float32Builder>(type);
    case TypeId::kFloat64:
      return std::make_unique<Float64Builder>(type);
    case TypeId::kUtf8:
    case TypeId::kBinary:
      return std::make_unique<BinaryBuilder>(type);
    case TypeId::kLargeUtf8:
    case TypeId::kLargeBinary:
      return std::make_unique<LargeBinaryBuilder>(type);
    case TypeId::kFixedSizeBinary:
    case TypeId::kDecimal128:
      return std::make_unique<FixedSizeBinaryBuilder>(type);
    case TypeId::kIntervalMonthDayNano:
      return std::make_unique<MonthDayNanoBuilder>(type);
    case TypeId::kList:
      return std::make_unique<ListBuilder>(type);
  }
  return nullptr;
}

}  // namespace rapidbyte::arrow
