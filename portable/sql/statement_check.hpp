// check_statement: the checks of a parsed query that need no input schema —
// the table is `input`, every function called exists, WHERE holds no
// aggregate.
//
// transform-sql sees the schema only with the first batch, so `validate`
// runs these checks up front (a misspelt function fails `rapidbyte check`,
// not the first batch of a run); bind_query runs check_clauses before it
// resolves names against the schema. Errors carry the offending token's
// byte offset, like the binder's.
#pragma once

#include "portable/sql/ast.hpp"
#include "portable/sql/sql_error.hpp"

namespace rapidbyte::sql {

Result<void> check_statement(const SelectStatement& statement);

// check_statement without the function names, which the binder resolves
// itself (its error names the argument types: `function f(integer) does
// not exist`).
Result<void> check_clauses(const SelectStatement& statement);

}  // namespace rapidbyte::sql
