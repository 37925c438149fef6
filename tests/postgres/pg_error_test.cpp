// How a PostgreSQL client error becomes the contract's connector error: which
// categories the engine may retry, and the code it carries.
#include <gtest/gtest.h>

#include "portable/postgres/pg_error.hpp"

namespace rapidbyte::postgres {
namespace {

using protocol::ErrorCategory;

TEST(PgError, TransientDatabaseAndNetworkErrorsAreRetryable) {
  for (ErrorCategory category : {ErrorCategory::kTransientDb, ErrorCategory::kTransientNetwork}) {
    PgError error = connection_error("tcp read failed: Connection reset by peer");
    error.category = category;
    const protocol::ConnectorError e = error.to_connector_error();
    EXPECT_TRUE(e.retryable);
    EXPECT_TRUE(e.safe_to_retry);
    EXPECT_EQ(e.category, category);
    EXPECT_EQ(e.code, "PG_08006");
    EXPECT_EQ(e.message, "tcp read failed: Connection reset by peer");
  }
}

TEST(PgError, OtherCategoriesAreNotRetried) {
  for (ErrorCategory category :
       {ErrorCategory::kConfig, ErrorCategory::kAuth, ErrorCategory::kPermission,
        ErrorCategory::kData, ErrorCategory::kSchema, ErrorCategory::kInternal}) {
    PgError error;
    error.category = category;
    error.message = "no";
    EXPECT_FALSE(error.to_connector_error().retryable);
    EXPECT_EQ(error.to_connector_error().code, "PG_CLIENT");
  }
}

}  // namespace
}  // namespace rapidbyte::postgres
