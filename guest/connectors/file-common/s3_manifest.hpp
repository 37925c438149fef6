// The object storage properties of the file connectors' config schemas, as
// JSON tokens for their RAPIDBYTE_MANIFEST (which expands macros), and the
// environment variables they may read:
//
//   "permissions": {"network": {"hosts": [], "hosts_from_config": ["endpoint"]},
//                   "env": [RAPIDBYTE_S3_ENVIRONMENT], ...}
//   "properties": {RAPIDBYTE_S3_PROPERTIES, ...}
//
// S3Settings::from_config (s3_storage.cpp) reads exactly these fields.
#pragma once

// clang-format off
#define RAPIDBYTE_S3_ENVIRONMENT                                                                   \
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",                \
  "AWS_DEFAULT_REGION"

#define RAPIDBYTE_S3_PROPERTIES                                                                    \
  "endpoint": {"type": "string", "pattern": "^https?://",                                          \
               "description": "s3:// paths: the object store's URL (https://s3.eu-west-1.amazonaws.com, http://127.0.0.1:9000); the connector may connect to its host only."}, \
  "region": {"type": "string", "minLength": 1,                                                     \
             "description": "s3:// paths: the region requests are signed for; else AWS_REGION, AWS_DEFAULT_REGION, us-east-1."}, \
  "access_key_id": {"type": "string", "minLength": 1,                                              \
                    "description": "s3:// paths: else AWS_ACCESS_KEY_ID."},                       \
  "secret_access_key": {"type": "string", "minLength": 1,                                          \
                        "description": "s3:// paths: else AWS_SECRET_ACCESS_KEY. Never logged."}, \
  "session_token": {"type": "string",                                                              \
                    "description": "s3:// paths: temporary credentials; else AWS_SESSION_TOKEN. Never logged."}, \
  "path_style": {"type": "boolean", "default": true,                                               \
                 "description": "s3:// paths: address buckets as <endpoint>/<bucket> (MinIO, most self-hosted stores); false: <bucket>.<endpoint host>."}, \
  "connect_timeout_ms": {"type": "integer", "minimum": 1, "maximum": 600000, "default": 10000,       \
                         "description": "s3:// paths: how long a new connection may wait for the server's first answer."}, \
  "ca_file": {"type": "string", "minLength": 1,                                                     \
              "description": "s3:// paths over https: a PEM file of the CAs to trust instead of the system's, read by the host."}
// clang-format on
