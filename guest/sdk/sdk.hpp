// The Rapidbyte connector SDK, in one include for connector sources.
//
// A connector is a class deriving from sdk::Source, sdk::Destination or
// sdk::Transform (connector.hpp), exported with RAPIDBYTE_EXPORT_<ROLE>
// (export.hpp) and described by RAPIDBYTE_MANIFEST (manifest.hpp); it talks
// to the host through sdk::Context (context.hpp) and reports failures as
// sdk::Result errors (error.hpp). A transform usually derives from
// sdk::BatchTransform (batch_transform.hpp), which runs the loop over its
// input and leaves it one method per record batch. docs/PROTOCOL.md
// describes the contract.
#pragma once

#include "guest/sdk/batch_emitter.hpp"
#include "guest/sdk/batch_transform.hpp"
#include "guest/sdk/checkpoint_schedule.hpp"
#include "guest/sdk/connector.hpp"
#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "guest/sdk/export.hpp"
#include "guest/sdk/host_bytes.hpp"
#include "guest/sdk/ipc_batches.hpp"
#include "guest/sdk/json_config.hpp"
#include "guest/sdk/manifest.hpp"
#include "guest/sdk/summary.hpp"
#include "guest/sdk/tcp_stream.hpp"
