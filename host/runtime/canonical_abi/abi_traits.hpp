// The component model's canonical ABI for C++ types, implemented directly over
// a guest's linear memory.
//
// `Abi<T>` describes how a value of type T crosses the host/guest boundary:
//   kSize, kAlign    its layout in linear memory;
//   flat(out)        its flattened core types (for parameters and results);
//   load / store     read it from / write it to guest memory at an offset;
//   lift / lower     read it from / write it to flat core values.
// Strings and lists that the host writes are allocated inside the guest with
// its `cabi_realloc`; the guest then owns them. Everything read from the guest
// is bounds-checked and validated (UTF-8, discriminants, alignment), so a
// hostile guest gets an error, never host memory.
//
// Supported shapes: bool, u8..u64, s8..s64, f32, f64, string, list<T>
// (std::vector), option<T> (std::optional), result<T, E> (std::expected,
// void for `_`), variant (std::variant, std::monostate for a case without a
// payload), enum (C++ enum class with an EnumCases<> count) and record (a
// struct with a RecordFields<> member list, see contract_abi.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "host/runtime/canonical_abi/flat_values.hpp"
#include "host/runtime/canonical_abi/guest_memory.hpp"
#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::runtime::abi {

constexpr uint32_t align_to(uint32_t n, uint32_t align) {
  return (n + align - 1) / align * align;
}

template <class T>
struct Abi;

// ---- scalars ----------------------------------------------------------------

template <class T, CoreType kCore>
struct ScalarAbi {
  static constexpr uint32_t kSize = sizeof(T);
  static constexpr uint32_t kAlign = sizeof(T);
  static void flat(FlatTypes& out) { out.push_back(kCore); }
  static AbiResult<T> load(const GuestMemory& m, uint32_t ptr) { return m.read<T>(ptr); }
  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, const T& v) {
    return m.write<T>(ptr, v);
  }
  static AbiResult<T> lift(const GuestMemory&, FlatReader& r) {
    if constexpr (std::is_same_v<T, float>) {
      return r.f32();
    } else if constexpr (std::is_same_v<T, double>) {
      return r.f64();
    } else {
      return static_cast<T>(r.u64());  // narrower ints take the low bits, as the ABI says
    }
  }
  static AbiResult<void> lower(GuestMemory&, FlatWriter& w, const T& v) {
    if constexpr (std::is_same_v<T, float>) {
      w.f32(v);
    } else if constexpr (std::is_same_v<T, double>) {
      w.f64(v);
    } else if constexpr (std::is_signed_v<T> && sizeof(T) < 8) {
      w.u32(static_cast<uint32_t>(static_cast<int32_t>(v)));
    } else {
      w.u64(static_cast<uint64_t>(v));
    }
    return {};
  }
};

template <>
struct Abi<uint8_t> : ScalarAbi<uint8_t, CoreType::kI32> {};
template <>
struct Abi<int8_t> : ScalarAbi<int8_t, CoreType::kI32> {};
template <>
struct Abi<uint16_t> : ScalarAbi<uint16_t, CoreType::kI32> {};
template <>
struct Abi<int16_t> : ScalarAbi<int16_t, CoreType::kI32> {};
template <>
struct Abi<uint32_t> : ScalarAbi<uint32_t, CoreType::kI32> {};
template <>
struct Abi<int32_t> : ScalarAbi<int32_t, CoreType::kI32> {};
template <>
struct Abi<uint64_t> : ScalarAbi<uint64_t, CoreType::kI64> {};
template <>
struct Abi<int64_t> : ScalarAbi<int64_t, CoreType::kI64> {};
template <>
struct Abi<float> : ScalarAbi<float, CoreType::kF32> {};
template <>
struct Abi<double> : ScalarAbi<double, CoreType::kF64> {};

template <>
struct Abi<bool> {
  static constexpr uint32_t kSize = 1;
  static constexpr uint32_t kAlign = 1;
  static void flat(FlatTypes& out) { out.push_back(CoreType::kI32); }
  static AbiResult<bool> load(const GuestMemory& m, uint32_t ptr) {
    auto b = m.read<uint8_t>(ptr);
    if (!b) return std::unexpected(b.error());
    return *b != 0;
  }
  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, bool v) {
    return m.write<uint8_t>(ptr, v ? 1 : 0);
  }
  static AbiResult<bool> lift(const GuestMemory&, FlatReader& r) { return r.u32() != 0; }
  static AbiResult<void> lower(GuestMemory&, FlatWriter& w, bool v) {
    w.u32(v ? 1 : 0);
    return {};
  }
};

// The payload of a case that has none.
template <>
struct Abi<std::monostate> {
  static constexpr uint32_t kSize = 0;
  static constexpr uint32_t kAlign = 1;
  static void flat(FlatTypes&) {}
  static AbiResult<std::monostate> load(const GuestMemory&, uint32_t) { return std::monostate{}; }
  static AbiResult<void> store(GuestMemory&, uint32_t, std::monostate) { return {}; }
  static AbiResult<std::monostate> lift(const GuestMemory&, FlatReader&) {
    return std::monostate{};
  }
  static AbiResult<void> lower(GuestMemory&, FlatWriter&, std::monostate) { return {}; }
};

// ---- enums ------------------------------------------------------------------

// Number of cases of a C++ enum that mirrors a WIT enum; specialised in
// contract_abi.hpp (generated from the WIT) for every enum of the contract.
template <class E>
struct EnumCases;

constexpr uint32_t discriminant_size(size_t cases) {
  return cases <= 256 ? 1 : cases <= 65536 ? 2 : 4;
}

// Reads and writes a variant or enum discriminant of `size` bytes.
AbiResult<uint32_t> load_discriminant(const GuestMemory& m, uint32_t ptr, uint32_t size);
AbiResult<void> store_discriminant(GuestMemory& m, uint32_t ptr, uint32_t size, uint32_t value);

template <class E>
  requires std::is_enum_v<E>
struct Abi<E> {
  static constexpr size_t kCases = EnumCases<E>::value;
  static constexpr uint32_t kSize = discriminant_size(kCases);
  static constexpr uint32_t kAlign = kSize;
  static void flat(FlatTypes& out) { out.push_back(CoreType::kI32); }
  static AbiResult<E> check(uint32_t d) {
    if (d >= kCases) {
      return std::unexpected("enum discriminant " + std::to_string(d) + " out of range (" +
                             std::to_string(kCases) + " cases)");
    }
    return static_cast<E>(d);
  }
  static AbiResult<E> load(const GuestMemory& m, uint32_t ptr) {
    auto d = load_discriminant(m, ptr, kSize);
    if (!d) return std::unexpected(d.error());
    return check(*d);
  }
  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, E v) {
    return store_discriminant(m, ptr, kSize, static_cast<uint32_t>(v));
  }
  static AbiResult<E> lift(const GuestMemory&, FlatReader& r) { return check(r.u32()); }
  static AbiResult<void> lower(GuestMemory&, FlatWriter& w, E v) {
    w.u32(static_cast<uint32_t>(v));
    return {};
  }
};

// ---- strings and lists ------------------------------------------------------

// A (pointer, length) pair as strings and lists are passed.
struct Span32 {
  uint32_t ptr = 0;
  uint32_t len = 0;
};

AbiResult<Span32> load_span(const GuestMemory& m, uint32_t ptr);
AbiResult<void> store_span(GuestMemory& m, uint32_t ptr, Span32 span);

// Copies `bytes` into a fresh guest allocation.
AbiResult<Span32> copy_into_guest(GuestMemory& m, std::span<const uint8_t> bytes, uint32_t align);

// Shared shape of every (ptr, len) type: Derived supplies
// from_guest(m, Span32) and to_guest(m, value) -> Span32.
template <class T, class Derived>
struct SpanAbi {
  static constexpr uint32_t kSize = 8;
  static constexpr uint32_t kAlign = 4;
  static void flat(FlatTypes& out) {
    out.push_back(CoreType::kI32);
    out.push_back(CoreType::kI32);
  }
  static AbiResult<T> load(const GuestMemory& m, uint32_t ptr) {
    auto span = load_span(m, ptr);
    if (!span) return std::unexpected(span.error());
    return Derived::from_guest(m, *span);
  }
  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, const T& v) {
    auto span = Derived::to_guest(m, v);
    if (!span) return std::unexpected(span.error());
    return store_span(m, ptr, *span);
  }
  static AbiResult<T> lift(const GuestMemory& m, FlatReader& r) {
    Span32 span;
    span.ptr = r.u32();
    span.len = r.u32();
    return Derived::from_guest(m, span);
  }
  static AbiResult<void> lower(GuestMemory& m, FlatWriter& w, const T& v) {
    auto span = Derived::to_guest(m, v);
    if (!span) return std::unexpected(span.error());
    w.u32(span->ptr);
    w.u32(span->len);
    return {};
  }

 private:
  // Only a Derived names this base; it is never constructed.
  SpanAbi() = default;
  friend Derived;
};

template <>
struct Abi<std::string> : SpanAbi<std::string, Abi<std::string>> {
  static AbiResult<std::string> from_guest(const GuestMemory& m, Span32 span) {
    auto bytes = m.copy_out(span.ptr, span.len);
    if (!bytes) return std::unexpected(bytes.error());
    const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    if (!arrow::is_valid_utf8(text)) return std::unexpected("string from guest is not valid UTF-8");
    return std::string(text);
  }
  static AbiResult<Span32> to_guest(GuestMemory& m, const std::string& v) {
    return copy_into_guest(m, {reinterpret_cast<const uint8_t*>(v.data()), v.size()}, 1);
  }
};

// list<u8>: one bulk copy in each direction (the batch path).
template <>
struct Abi<std::vector<uint8_t>> : SpanAbi<std::vector<uint8_t>, Abi<std::vector<uint8_t>>> {
  static AbiResult<std::vector<uint8_t>> from_guest(const GuestMemory& m, Span32 span) {
    auto bytes = m.copy_out(span.ptr, span.len);
    if (!bytes) return std::unexpected(bytes.error());
    return std::vector<uint8_t>(bytes->begin(), bytes->end());
  }
  static AbiResult<Span32> to_guest(GuestMemory& m, const std::vector<uint8_t>& v) {
    return copy_into_guest(m, v, 1);
  }
};

template <class T>
struct Abi<std::vector<T>> : SpanAbi<std::vector<T>, Abi<std::vector<T>>> {
  static AbiResult<std::vector<T>> from_guest(const GuestMemory& m, Span32 span) {
    const uint64_t total = uint64_t{span.len} * Abi<T>::kSize;
    if (span.ptr % Abi<T>::kAlign != 0) return std::unexpected("misaligned list in guest memory");
    RB_TRY(m.copy_out(span.ptr, total));
    std::vector<T> out;
    out.reserve(span.len);
    for (uint32_t i = 0; i < span.len; ++i) {
      auto v = Abi<T>::load(m, span.ptr + i * Abi<T>::kSize);
      if (!v) return std::unexpected(v.error());
      out.push_back(std::move(*v));
    }
    return out;
  }
  static AbiResult<Span32> to_guest(GuestMemory& m, const std::vector<T>& v) {
    auto ptr = m.allocate(Abi<T>::kAlign, uint64_t{v.size()} * Abi<T>::kSize);
    if (!ptr) return std::unexpected(ptr.error());
    for (size_t i = 0; i < v.size(); ++i) {
      RB_TRY(Abi<T>::store(m, *ptr + static_cast<uint32_t>(i) * Abi<T>::kSize, v[i]));
    }
    return Span32{*ptr, static_cast<uint32_t>(v.size())};
  }
};

// ---- variants (variant, option, result) -------------------------------------

// How a C++ sum type maps onto ABI variant cases. Specialisations give the
// case payload types, the active case, access to a payload and construction
// from one.
template <class V>
struct VariantCases;

template <class... Ts>
struct VariantCases<std::variant<Ts...>> {
  using Cases = std::tuple<Ts...>;
  static size_t index(const std::variant<Ts...>& v) { return v.index(); }
  template <size_t I>
  static const auto& get(const std::variant<Ts...>& v) {
    return std::get<I>(v);
  }
  template <size_t I, class P>
  static std::variant<Ts...> make(P&& p) {
    return std::variant<Ts...>(std::in_place_index<I>, std::forward<P>(p));
  }
};

template <class T>
struct VariantCases<std::optional<T>> {
  using Cases = std::tuple<std::monostate, T>;
  static size_t index(const std::optional<T>& v) { return v.has_value() ? 1 : 0; }
  template <size_t I>
  static const auto& get(const std::optional<T>& v) {
    if constexpr (I == 0) {
      static constexpr std::monostate kNone{};
      return kNone;
    } else {
      return *v;
    }
  }
  template <size_t I, class P>
  static std::optional<T> make(P&& p) {
    if constexpr (I == 0) {
      return std::nullopt;
    } else {
      return std::optional<T>(std::forward<P>(p));
    }
  }
};

template <class T, class E>
struct VariantCases<std::expected<T, E>> {
  using Ok = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  using Cases = std::tuple<Ok, E>;
  static size_t index(const std::expected<T, E>& v) { return v.has_value() ? 0 : 1; }
  template <size_t I>
  static const auto& get(const std::expected<T, E>& v) {
    if constexpr (I == 1) {
      return v.error();
    } else if constexpr (std::is_void_v<T>) {
      static constexpr std::monostate kUnit{};
      return kUnit;
    } else {
      return *v;
    }
  }
  template <size_t I, class P>
  static std::expected<T, E> make(P&& p) {
    if constexpr (I == 1) {
      return std::unexpected(std::forward<P>(p));
    } else if constexpr (std::is_void_v<T>) {
      return {};
    } else {
      return std::expected<T, E>(std::forward<P>(p));
    }
  }
};

template <class V>
concept AbiVariant = requires { typename VariantCases<V>::Cases; };

// Largest alignment and size among a variant's case payloads.
template <class Cases>
struct CaseExtremes;
template <class... Cs>
struct CaseExtremes<std::tuple<Cs...>> {
  static constexpr uint32_t kMaxAlign = std::max({uint32_t{1}, Abi<Cs>::kAlign...});
  static constexpr uint32_t kMaxSize = std::max({uint32_t{0}, Abi<Cs>::kSize...});
};

template <AbiVariant V>
struct Abi<V> {
  using Traits = VariantCases<V>;
  using Cases = typename Traits::Cases;
  static constexpr size_t kCases = std::tuple_size_v<Cases>;
  template <size_t I>
  using Case = std::tuple_element_t<I, Cases>;

  static constexpr uint32_t kDiscSize = discriminant_size(kCases);
  static constexpr uint32_t kMaxCaseAlign = CaseExtremes<Cases>::kMaxAlign;
  static constexpr uint32_t kMaxCaseSize = CaseExtremes<Cases>::kMaxSize;
  static constexpr uint32_t kAlign = std::max(kDiscSize, kMaxCaseAlign);
  static constexpr uint32_t kPayloadOffset = align_to(kDiscSize, kMaxCaseAlign);
  static constexpr uint32_t kSize = align_to(kPayloadOffset + kMaxCaseSize, kAlign);

  // The payload slots: position-wise join of every case's flat types.
  static const FlatTypes& payload_types() {
    static const FlatTypes kJoined = [] {
      FlatTypes out;
      [&]<size_t... I>(std::index_sequence<I...>) {
        (join_case<I>(out), ...);
      }(std::make_index_sequence<kCases>{});
      return out;
    }();
    return kJoined;
  }
  template <size_t I>
  static void join_case(FlatTypes& joined) {
    FlatTypes mine;
    Abi<Case<I>>::flat(mine);
    for (size_t k = 0; k < mine.size(); ++k) {
      if (k < joined.size()) {
        joined[k] = join(joined[k], mine[k]);
      } else {
        joined.push_back(mine[k]);
      }
    }
  }

  static void flat(FlatTypes& out) {
    out.push_back(CoreType::kI32);
    const FlatTypes& payload = payload_types();
    out.insert(out.end(), payload.begin(), payload.end());
  }

  static AbiResult<V> bad_case(uint32_t d) {
    return std::unexpected("variant discriminant " + std::to_string(d) + " out of range (" +
                           std::to_string(kCases) + " cases)");
  }

  // Calls fn(std::integral_constant<size_t, I>) for the case I == index.
  template <class Fn>
  static auto dispatch(size_t index, Fn&& fn) {
    using R = decltype(fn(std::integral_constant<size_t, 0>{}));
    R result{};
    [&]<size_t... I>(std::index_sequence<I...>) {
      (void)((index == I ? (result = fn(std::integral_constant<size_t, I>{}), true) : false) ||
             ...);
    }(std::make_index_sequence<kCases>{});
    return result;
  }

  static AbiResult<V> load(const GuestMemory& m, uint32_t ptr) {
    auto d = load_discriminant(m, ptr, kDiscSize);
    if (!d) return std::unexpected(d.error());
    if (*d >= kCases) return bad_case(*d);
    return dispatch(*d, [&](auto i) -> AbiResult<V> {
      auto payload = Abi<Case<i>>::load(m, ptr + kPayloadOffset);
      if (!payload) return std::unexpected(payload.error());
      return Traits::template make<i>(std::move(*payload));
    });
  }

  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, const V& v) {
    const size_t index = Traits::index(v);
    RB_TRY(store_discriminant(m, ptr, kDiscSize, static_cast<uint32_t>(index)));
    return dispatch(index, [&](auto i) -> AbiResult<void> {
      return Abi<Case<i>>::store(m, ptr + kPayloadOffset, Traits::template get<i>(v));
    });
  }

  static AbiResult<V> lift(const GuestMemory& m, FlatReader& r) {
    const uint32_t d = r.u32();
    if (d >= kCases) return bad_case(d);
    const size_t start = r.position();
    auto out = dispatch(d, [&](auto i) -> AbiResult<V> {
      auto payload = Abi<Case<i>>::lift(m, r);
      if (!payload) return std::unexpected(payload.error());
      return Traits::template make<i>(std::move(*payload));
    });
    r.skip(payload_types().size() - (r.position() - start));
    return out;
  }

  static AbiResult<void> lower(GuestMemory& m, FlatWriter& w, const V& v) {
    const size_t index = Traits::index(v);
    w.u32(static_cast<uint32_t>(index));
    const size_t start = w.position();
    auto out = dispatch(index, [&](auto i) -> AbiResult<void> {
      return Abi<Case<i>>::lower(m, w, Traits::template get<i>(v));
    });
    w.pad(payload_types().size() - (w.position() - start));
    return out;
  }
};

// ---- records ----------------------------------------------------------------

// The fields of a C++ struct that mirrors a WIT record, in WIT order, as a
// tuple of member pointers; specialised in contract_abi.hpp.
template <class T>
struct RecordFields;

template <class M>
struct MemberType;
template <class C, class F>
struct MemberType<F C::*> {
  using type = F;
};

// Layout of a sequence of fields: each at the next offset aligned for it.
template <class... Fs>
struct FieldLayout {
  static constexpr uint32_t kAlign = std::max({uint32_t{1}, Abi<Fs>::kAlign...});
  static constexpr std::array<uint32_t, sizeof...(Fs)> kOffsets = [] {
    std::array<uint32_t, sizeof...(Fs)> offsets{};
    uint32_t at = 0;
    size_t i = 0;
    ((at = align_to(at, Abi<Fs>::kAlign), offsets[i++] = at, at += Abi<Fs>::kSize), ...);
    return offsets;
  }();
  static constexpr uint32_t kSize = [] {
    uint32_t at = 0;
    ((at = align_to(at, Abi<Fs>::kAlign) + Abi<Fs>::kSize), ...);
    return align_to(at, kAlign);
  }();
};

template <class T>
concept AbiRecord = requires { RecordFields<T>::kFields; };

template <class MemberPointers, class Indices>
struct RecordLayoutOf;
template <class MemberPointers, size_t... I>
struct RecordLayoutOf<MemberPointers, std::index_sequence<I...>> {
  using type = FieldLayout<typename MemberType<std::tuple_element_t<I, MemberPointers>>::type...>;
};

template <AbiRecord T>
struct Abi<T> {
  static constexpr auto kFields = RecordFields<T>::kFields;
  using MemberPointers = std::remove_cv_t<decltype(RecordFields<T>::kFields)>;
  static constexpr size_t kCount = std::tuple_size_v<MemberPointers>;
  template <size_t I>
  using Field = typename MemberType<std::tuple_element_t<I, MemberPointers>>::type;
  using Layout = typename RecordLayoutOf<MemberPointers, std::make_index_sequence<kCount>>::type;

  static constexpr uint32_t kSize = Layout::kSize;
  static constexpr uint32_t kAlign = Layout::kAlign;

  template <class Fn>
  static AbiResult<void> each_field(Fn&& fn) {
    AbiResult<void> result{};
    [&]<size_t... I>(std::index_sequence<I...>) {
      (void)((result = fn(std::integral_constant<size_t, I>{}), result.has_value()) && ...);
    }(std::make_index_sequence<kCount>{});
    return result;
  }

  static void flat(FlatTypes& out) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      (Abi<Field<I>>::flat(out), ...);
    }(std::make_index_sequence<kCount>{});
  }

  static AbiResult<T> load(const GuestMemory& m, uint32_t ptr) {
    T value{};
    auto r = each_field([&](auto i) -> AbiResult<void> {
      auto f = Abi<Field<i>>::load(m, ptr + Layout::kOffsets[i]);
      if (!f) return std::unexpected(f.error());
      value.*std::get<i>(kFields) = std::move(*f);
      return {};
    });
    if (!r) return std::unexpected(r.error());
    return value;
  }

  static AbiResult<void> store(GuestMemory& m, uint32_t ptr, const T& v) {
    return each_field([&](auto i) -> AbiResult<void> {
      return Abi<Field<i>>::store(m, ptr + Layout::kOffsets[i], v.*std::get<i>(kFields));
    });
  }

  static AbiResult<T> lift(const GuestMemory& m, FlatReader& r) {
    T value{};
    auto result = each_field([&](auto i) -> AbiResult<void> {
      auto f = Abi<Field<i>>::lift(m, r);
      if (!f) return std::unexpected(f.error());
      value.*std::get<i>(kFields) = std::move(*f);
      return {};
    });
    if (!result) return std::unexpected(result.error());
    return value;
  }

  static AbiResult<void> lower(GuestMemory& m, FlatWriter& w, const T& v) {
    return each_field([&](auto i) -> AbiResult<void> {
      return Abi<Field<i>>::lower(m, w, v.*std::get<i>(kFields));
    });
  }
};

// ---- helpers ----------------------------------------------------------------

template <class... Ts>
FlatTypes flat_types_of() {
  FlatTypes out;
  (Abi<Ts>::flat(out), ...);
  return out;
}

}  // namespace rapidbyte::runtime::abi
