// Result<T>: the return type of everything in the PostgreSQL client that can
// fail — the value or a PgError (the client runs in wasm32 guests, built
// without exceptions). RB_TRY and RB_ASSIGN_OR_RETURN (portable/base/try.hpp)
// propagate an error to the caller.
#pragma once

#include <expected>
#include <utility>

#include "portable/base/try.hpp"
#include "portable/postgres/pg_error.hpp"

namespace rapidbyte::postgres {

template <class T>
using Result = std::expected<T, PgError>;

inline std::unexpected<PgError> fail(PgError error) {
  return std::unexpected(std::move(error));
}

}  // namespace rapidbyte::postgres
