// ListBuilder: builds a list<T> array — int32 offsets plus one child array
// of elements, built by a nested builder for T (from make_builder(), so
// lists of lists work the same way).
//
//   ListBuilder b(list(int32()));
//   b.append();                                   // starts list 0
//   b.value_builder_as<Int32Builder>().append(7);  // its elements...
//   b.append_null();                              // list 1 is null
//
// Element memory belongs to the nested builder until finish(), which
// finishes it into the list's child array. More than 2^31 - 1 elements in
// one array cannot be expressed with int32 offsets: finish() then fails.
// See ArrayBuilder for ownership and threading.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/buffer_builder.hpp"

namespace rapidbyte::arrow {

class ListBuilder : public ArrayBuilder {
 public:
  // REQUIRES: type.id() == TypeId::kList.
  explicit ListBuilder(DataType type)
      : ArrayBuilder(std::move(type)), values_(make_builder(this->type().value_type())) {}

  // Starts a new, valid list slot; append its elements to value_builder().
  void append() {
    push_offset();
    append_valid();
  }

  // A null slot (an empty list under a cleared validity bit).
  void append_null() override {
    push_offset();
    append_invalid();
  }

  // The builder of the elements of every list, of value_type().
  ArrayBuilder& value_builder() { return *values_; }
  // REQUIRES: B is the builder class make_builder() uses for value_type().
  template <class B>
  B& value_builder_as() {
    return static_cast<B&>(*values_);
  }

  void reserve(int64_t additional) override {
    offsets_.reserve(additional * 4);
    reserve_validity(additional);
  }

  Result<Array> finish() override {
    push_offset();
    const bool overflow = overflow_;
    overflow_ = false;
    ArrayData data = finish_common();
    data.values = offsets_.finish();
    auto elements = values_->finish();
    if (!elements) return std::unexpected(elements.error());
    data.children.push_back(elements->data());
    if (overflow) return make_error(type().to_string() + " array holds more than 2^31 elements");
    return Array(std::move(data));
  }

 private:
  void push_offset() {
    const int64_t end = values_->length();
    if (end > std::numeric_limits<int32_t>::max()) overflow_ = true;
    offsets_.append_value(static_cast<int32_t>(end));
  }

  std::unique_ptr<ArrayBuilder> values_;
  BufferBuilder offsets_;
  bool overflow_ = false;
};

}  // namespace rapidbyte::arrow
