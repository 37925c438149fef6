// Package pipeline is the Temporal workflow of one pipeline run and the
// activities that carry it out by executing the rapidbyte binary.
//
// A run is split into steps that separate processes can do (the engine's
// split run): a plan that records every partitioned stream's slices and
// holds their snapshot, one activity per slice, one activity for the
// streams read whole, and a finalize that publishes the split streams once
// every slice is done. The engine makes every step safe to repeat, which is
// what at-least-once activities need: a slice's rows commit once (the
// destination's ledger of the plan's generation), a slice of a superseded
// plan is refused, and two attempts of one slice never run at once (a lease
// of the slice in the shared state backend).
package pipeline

import "time"

// Names the workflow and its activities are registered under.
const (
	WorkflowName       = "RapidbytePipeline"
	PlanSignal         = "rapidbyte-plan"
	DefaultTaskQueue   = "rapidbyte"
	WorkflowIDPrefix   = "rapidbyte:"
	activityHoldPlan   = "HoldPlan"
	activityRunSlice   = "RunSlice"
	activityRunStreams = "RunStreams"
	activityFinalize   = "Finalize"
)

// Exit codes, as `rapidbyte run` has them.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitPartial     = 3
	ExitBusy        = 4
	ExitInterrupted = 130
)

// Error types of the activities' application errors, which the workflow
// tells apart.
const (
	// The pipeline itself is wrong (exit code 2): no retry helps.
	ErrConfig = "RapidbyteConfig"
	// A stream failed after the engine's own retries: reported, not retried.
	ErrStreamFailed = "RapidbyteStreamFailed"
	// The plan's snapshot was gone when the slice started: plan again.
	ErrSnapshotGone = "RapidbyteSnapshotGone"
)

// PipelineRun is the workflow's input: the pipeline file itself, so that a
// worker on any machine runs what was submitted. Secrets stay `${VAR}`
// references, resolved from each worker's environment.
type PipelineRun struct {
	Pipeline string // its `pipeline:` name
	FileName string // the submitted file's base name, for messages
	YAML     string
	// How long a worker may go silent before its activity is retried
	// elsewhere (0: DefaultHeartbeatTimeout).
	HeartbeatTimeout time.Duration
	// How many times the run plans again after a plan's snapshot was lost
	// (0: DefaultMaxRounds).
	MaxRounds int
}

const (
	DefaultHeartbeatTimeout = 30 * time.Second
	DefaultMaxRounds        = 3
	// Attempts of one slice or of the whole streams' run, on any worker.
	activityAttempts = 5
)

// Plan is what `rapidbyte plan --json` printed.
type Plan struct {
	Pipeline string          `json:"pipeline"`
	RunID    int64           `json:"run_id"`
	Streams  []PlannedStream `json:"streams"`
}

// PlannedStream is one stream of a Plan; Partitions is nil when the stream
// is read whole. A stream with an Error could not be planned: it fails, as
// it would in a run, and the others go on.
type PlannedStream struct {
	Stream          string   `json:"stream"`
	SyncMode        string   `json:"sync_mode"`
	Error           string   `json:"error"`
	ErrorCode       string   `json:"error_code"`
	ErrorConnector  string   `json:"error_connector"`
	Partitions      *uint32  `json:"partitions"`
	Generation      uint64   `json:"generation"`
	ToRead          []uint32 `json:"to_read"`
	FinishedEarlier []uint32 `json:"finished_earlier"`
	Snapshot        *string  `json:"snapshot"`
}

// PlanSignalValue is what the plan activity signals once the plan is
// recorded; Round tells a late signal of an earlier round apart.
type PlanSignalValue struct {
	Round int
	Plan  Plan
}

// HoldPlanInput is the plan activity's input.
type HoldPlanInput struct {
	Run   PipelineRun
	Round int
}

// SliceInput names one slice of a plan.
type SliceInput struct {
	Run        PipelineRun
	Stream     string
	Index      uint32
	Snapshot   *string
	Generation uint64
}

// StreamsInput names the streams read whole.
type StreamsInput struct {
	Run     PipelineRun
	Streams []string
}

// Result is the workflow's result: the summary `rapidbyte run --json` would
// print for the whole run, and its exit code.
type Result struct {
	ExitCode int
	Summary  Summary
	// Set when the run failed before any stream ran (a config error).
	Error string
}
