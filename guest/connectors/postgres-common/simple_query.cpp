#include "guest/connectors/postgres-common/simple_query.hpp"

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::postgres_common {

sdk::Result<std::vector<postgres::TextResult>> run_sql(postgres::Connection& connection,
                                                       std::string_view sql,
                                                       std::string_view context) {
  auto result = connection.simple_query(sql);
  if (!result) return fail_with(result.error(), context);
  return std::move(*result);
}

sdk::Result<std::optional<std::string>> single_value(postgres::Connection& connection,
                                                     std::string_view sql,
                                                     std::string_view context) {
  RB_ASSIGN_OR_RETURN(auto result, run_sql(connection, sql, context));
  if (result.empty() || result.front().rows.empty() || result.front().rows[0].empty())
    return std::optional<std::string>();
  return result.front().rows[0][0];
}

}  // namespace rapidbyte::connectors::postgres_common
