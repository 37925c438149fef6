// The connection properties of the PostgreSQL connectors' config schemas,
// as JSON tokens for their RAPIDBYTE_MANIFEST (which expands macros):
//
//   "properties": {RAPIDBYTE_PG_CONNECTION_PROPERTIES, "schema": {...}}
//
// connection_settings.cpp reads exactly these fields.
#pragma once

// clang-format off
#define RAPIDBYTE_PG_CONNECTION_PROPERTIES                                                        \
  "host": {"type": "string", "minLength": 1, "description": "Server host name or address."},      \
  "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 5432},                   \
  "user": {"type": "string", "minLength": 1},                                                     \
  "password": {"type": "string", "description": "Never logged."},                                 \
  "database": {"type": "string", "description": "Defaults to the user name."},                    \
  "sslmode": {"enum": ["disable", "prefer", "require", "verify-ca", "verify-full"],               \
              "default": "prefer"},                                                               \
  "ca_file": {"type": "string", "description": "PEM file of trusted CAs, read by the host."},     \
  "connect_timeout_ms": {"type": "integer", "minimum": 0, "default": 10000},                      \
  "application_name": {"type": "string", "default": "rapidbyte"}
// clang-format on
