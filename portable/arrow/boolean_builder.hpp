// BooleanBuilder: builds a bool array (bit-packed values). See ArrayBuilder
// for ownership and threading.
#pragma once

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/bitmap_builder.hpp"

namespace rapidbyte::arrow {

class BooleanBuilder : public ArrayBuilder {
 public:
  BooleanBuilder() : ArrayBuilder(boolean()) {}

  void append(bool value) {
    values_.append(value);
    append_valid();
  }

  void append_null() override {
    values_.append(false);
    append_invalid();
  }

  void reserve(int64_t additional) override {
    values_.reserve(additional);
    reserve_validity(additional);
  }

  Result<Array> finish() override {
    ArrayData data = finish_common();
    data.values = values_.finish();
    return Array(std::move(data));
  }

 private:
  BitmapBuilder values_;
};

using BoolBuilder = BooleanBuilder;

}  // namespace rapidbyte::arrow
