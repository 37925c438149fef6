// Convert<T>: one value between a world's wit-bindgen C representation and the
// protocol:: type T.
//
//   Convert<T>::lift(T& out, const C& in)   copies a C value into `out`; the
//                                           caller still owns `in`.
//   Convert<T>::lower(C& out, const T& in)  builds a C value, allocating every
//                                           string and list with malloc (the
//                                           allocator behind cabi_realloc).
//
// This header converts the generic shapes (numbers, bool, enums, strings,
// lists, options); contract_convert.hpp, generated from the WIT, adds every
// record and variant field by field. Ownership of lowered values is described
// in lower.hpp.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace rapidbyte::sdk::abi {

template <class T>
struct Convert;

template <class T, class C>
void lift_value(T& out, const C& in) {
  Convert<T>::lift(out, in);
}

template <class C, class T>
void lower_value(C& out, const T& in) {
  Convert<T>::lower(out, in);
}

// lift<protocol::RunRequest>(c), lower<RunSummary>(summary): the same, by value.
template <class T, class C>
T lift(const C& in) {
  T out{};
  lift_value(out, in);
  return out;
}

template <class C, class T>
C lower(const T& in) {
  C out{};
  lower_value(out, in);
  return out;
}

// Like cabi_realloc: running out of memory inside a guest is fatal.
inline void* checked_malloc(size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr) std::abort();
  return p;
}

// Numbers and bool: the C field has the same type.
template <class T>
  requires std::is_arithmetic_v<T>
struct Convert<T> {
  template <class C>
  static void lift(T& out, const C& in) {
    out = in;
  }
  template <class C>
  static void lower(C& out, const T& in) {
    out = in;
  }
};

// Enums: wit-bindgen represents them by their case index.
template <class T>
  requires std::is_enum_v<T>
struct Convert<T> {
  template <class C>
  static void lift(T& out, const C& in) {
    out = static_cast<T>(in);
  }
  template <class C>
  static void lower(C& out, const T& in) {
    out = static_cast<C>(in);
  }
};

// string: {uint8_t* ptr; size_t len;}
template <>
struct Convert<std::string> {
  template <class C>
  static void lift(std::string& out, const C& in) {
    out.assign(reinterpret_cast<const char*>(in.ptr), in.len);
  }
  template <class C>
  static void lower(C& out, const std::string& in) {
    out = {};
    if (in.empty()) return;
    out.ptr = static_cast<uint8_t*>(checked_malloc(in.size()));
    std::memcpy(out.ptr, in.data(), in.size());
    out.len = in.size();
  }
};

// list<T>: {element* ptr; size_t len;}
template <class T>
struct Convert<std::vector<T>> {
  template <class C>
  static void lift(std::vector<T>& out, const C& in) {
    out.resize(in.len);
    for (size_t i = 0; i < in.len; ++i) lift_value(out[i], in.ptr[i]);
  }
  template <class C>
  static void lower(C& out, const std::vector<T>& in) {
    out = {};
    if (in.empty()) return;
    using Element = std::remove_pointer_t<decltype(out.ptr)>;
    auto* elements = static_cast<Element*>(checked_malloc(sizeof(Element) * in.size()));
    for (size_t i = 0; i < in.size(); ++i) {
      elements[i] = Element{};
      lower_value(elements[i], in[i]);
    }
    out.ptr = elements;
    out.len = in.size();
  }
};

// option<T>: {bool is_some; T val;}
template <class T>
struct Convert<std::optional<T>> {
  template <class C>
  static void lift(std::optional<T>& out, const C& in) {
    if (!in.is_some) {
      out.reset();
      return;
    }
    lift_value(out.emplace(), in.val);
  }
  template <class C>
  static void lower(C& out, const std::optional<T>& in) {
    out = {};
    out.is_some = in.has_value();
    if (in) lower_value(out.val, *in);
  }
};

}  // namespace rapidbyte::sdk::abi
