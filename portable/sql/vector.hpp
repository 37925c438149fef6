// Vector: one column of values inside the SQL engine — the unit every
// kernel reads and writes. Kernels loop over whole vectors; nothing
// interprets the expression tree per row.
//
// A vector holds `size` slots of one SqlType in the storage its type uses
// (see sql_type.hpp), a byte per slot null flag (empty when no slot is
// null), and, when `constant`, exactly one stored slot that stands for
// every row (literals are constant, so `x + 1` never materialises 1 a
// million times). Strings are views: into the input batch's buffers (which
// outlive the query's evaluation of that batch) or into a StringHeap the
// vector shares through `keep`.
//
// Selection: a Selection names the rows of a chunk an operation applies to
// (nullptr rows means all of 0..count-1). Evaluating over a selection
// yields a dense vector of selection.count slots.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/arrow/month_day_nano.hpp"
#include "portable/sql/sql_error.hpp"
#include "portable/sql/sql_type.hpp"

namespace rapidbyte::sql {

// Append-only storage for strings computed by kernels; views into it stay
// valid as long as the heap lives.
class StringHeap {
 public:
  StringHeap() = default;
  StringHeap(const StringHeap&) = delete;
  StringHeap& operator=(const StringHeap&) = delete;

  std::string_view add(std::string_view s);
  // Room for `n` bytes, to be filled by the caller, then commit(n_used).
  char* reserve(size_t n);
  std::string_view commit(char* begin, size_t used);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t left_ = 0;
};

struct Selection {
  const int64_t* rows = nullptr;  // nullptr: the identity 0..count-1
  int64_t count = 0;

  int64_t operator[](int64_t i) const { return rows ? rows[i] : i; }
};

struct Vector {
  SqlType type;
  int64_t size = 0;
  bool constant = false;
  std::vector<uint8_t> nulls;  // 1 = NULL; empty = no NULLs
  std::vector<int64_t> i64;    // bool, integers, date, timestamps
  std::vector<double> f64;
  std::vector<__int128> dec;
  std::vector<std::string_view> str;
  std::vector<arrow::MonthDayNano> iv;
  std::vector<std::vector<std::string_view>> list;
  std::vector<std::shared_ptr<const void>> keep;  // owners of string bytes
  arrow::Array opaque;                            // kOpaque: the values themselves

  // Slot holding row i's value (0 for a constant vector).
  int64_t at(int64_t i) const { return constant ? 0 : i; }
  bool is_null(int64_t i) const { return !nulls.empty() && nulls[static_cast<size_t>(at(i))]; }
  bool has_nulls() const { return !nulls.empty(); }

  // A heap for new strings, kept alive with this vector.
  StringHeap& heap();

  // Marks slot i NULL, creating the flags on first use.
  void set_null(int64_t i) {
    if (nulls.empty()) nulls.assign(static_cast<size_t>(constant ? 1 : size), 0);
    nulls[static_cast<size_t>(i)] = 1;
  }

 private:
  std::shared_ptr<StringHeap> heap_;
};

// `size` slots of `type`, storage allocated (values unspecified, no NULLs).
Vector make_vector(const SqlType& type, int64_t size);
// A constant vector of `size` rows, all NULL.
Vector null_vector(const SqlType& type, int64_t size);

// The rows `selection` names of an Arrow column, converted to `type`
// (which is from_arrow(array.type())).
Vector load_column(const arrow::Array& array, const SqlType& type, Selection selection);

// The slots `selection` names of `v` (dense result; constants stay constant).
Vector gather(const Vector& v, Selection selection);

// Writes `v` (non-constant or constant broadcast to v.size) as an Arrow
// array of to_arrow(v.type) (or the opaque array's own type).
Result<arrow::Array> to_arrow_array(const Vector& v);

// The rows `selection` names of an Arrow array of any fixed-width, bool or
// variable-length binary layout, as a new array of the same type.
Result<arrow::Array> take(const arrow::Array& array, Selection selection);

// Copies the slot `from` of `src` into slot `to` of `dst` (same type).
void copy_slot(const Vector& src, int64_t from, Vector& dst, int64_t to);

}  // namespace rapidbyte::sql
