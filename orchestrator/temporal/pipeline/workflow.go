package pipeline

import (
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// longest is the longest any step may run; heartbeats, not this, detect a
// worker that died.
const longest = 7 * 24 * time.Hour

// PipelineWorkflow runs one pipeline: the plan (held while the slices
// read), every slice and the streams read whole at once, then the
// finalize. When the plan's snapshot is lost before every slice started
// (the worker holding it died), the run plans again, up to MaxRounds: the
// new plan keeps the slices done (or, for slices of heap pages, starts the
// stream over under a new generation, which fences out the old slices).
//
// The workflow of a pipeline has the id "rapidbyte:<pipeline>", so Temporal
// itself refuses a second run of a pipeline while one goes on. A run a
// schedule starts has an id of its own (the schedule's, with the time): it
// runs the pipeline as a child workflow of that id, and is skipped while
// another run holds it.
func PipelineWorkflow(ctx workflow.Context, run PipelineRun) (Result, error) {
	if id := WorkflowIDPrefix + run.Pipeline; workflow.GetInfo(ctx).WorkflowExecution.ID != id {
		return runAs(ctx, id, run)
	}
	started := workflow.Now(ctx)
	if run.HeartbeatTimeout <= 0 {
		run.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if run.MaxRounds <= 0 {
		run.MaxRounds = DefaultMaxRounds
	}
	plans := workflow.GetSignalChannel(ctx, PlanSignal)
	var whole *StepResult // the streams read whole run once, in the first round
	for round := 1; ; round++ {
		r := roundOf{ctx: ctx, run: run, number: round, plans: plans, whole: whole}
		outcome, again, planErr := r.execute()
		whole = r.whole
		if planErr != nil {
			if isType(planErr, ErrConfig) || !again || round >= run.MaxRounds {
				return Result{ExitCode: exitCodeOf(planErr), Error: messageOf(planErr)}, nil
			}
			continue
		}
		if !again || round >= run.MaxRounds {
			summary := outcome.merge(workflow.Now(ctx).Sub(started).Seconds())
			return Result{ExitCode: summary.ExitCode(), Summary: summary}, nil
		}
		workflow.GetLogger(ctx).Info("planning again: the plan's snapshot was lost", "round", round)
	}
}

// runAs runs the pipeline as the child workflow `id`.
func runAs(ctx workflow.Context, id string, run PipelineRun) (Result, error) {
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            id,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
	})
	var result Result
	err := workflow.ExecuteChildWorkflow(child, WorkflowName, run).Get(ctx, &result)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return Result{ExitCode: ExitBusy, Error: "pipeline '" + run.Pipeline +
			"' is already running (workflow " + id + "): this run is skipped"}, nil
	}
	return result, err
}

// roundOf is one plan and what runs in it.
type roundOf struct {
	ctx    workflow.Context
	run    PipelineRun
	number int
	plans  workflow.ReceiveChannel
	whole  *StepResult
}

func (r *roundOf) stepOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: longest,
		HeartbeatTimeout:    r.run.HeartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        30 * time.Second,
			MaximumAttempts:        activityAttempts,
			NonRetryableErrorTypes: []string{ErrConfig, ErrStreamFailed, ErrSnapshotGone},
		},
	}
}

// execute runs the round; `again` when the run should plan again.
func (r *roundOf) execute() (outcome stepOutcomes, again bool, planErr error) {
	ctx := r.ctx
	holdCtx, cancelHold := workflow.WithCancel(ctx)
	// Not waited for once cancelled: the activity learns of the cancel from
	// a heartbeat's reply (within heartbeatThrottle), and nothing after the
	// slices needs the snapshot gone.
	hold := workflow.ExecuteActivity(workflow.WithActivityOptions(holdCtx, workflow.ActivityOptions{
		TaskQueue:           workflow.GetInfo(ctx).TaskQueueName + PlanQueueSuffix,
		StartToCloseTimeout: longest,
		HeartbeatTimeout:    r.run.HeartbeatTimeout,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	}), activityHoldPlan, HoldPlanInput{Run: r.run, Round: r.number})

	planned := false
	for !planned && planErr == nil {
		s := workflow.NewSelector(ctx)
		s.AddReceive(r.plans, func(c workflow.ReceiveChannel, _ bool) {
			var v PlanSignalValue
			c.Receive(ctx, &v)
			if v.Round == r.number {
				outcome.Plan, planned = v.Plan, true
			}
		})
		s.AddFuture(hold, func(f workflow.Future) {
			if planErr = f.Get(ctx, nil); planErr != nil {
				return
			}
			// Ended after it signalled (its snapshot is gone, which slices of
			// their own snapshots do not need): the signal may be waiting.
			for !planned {
				var v PlanSignalValue
				if !r.plans.ReceiveAsync(&v) {
					planErr = errors.New("the plan ended before it was recorded")
					return
				}
				if v.Round == r.number {
					outcome.Plan, planned = v.Plan, true
				}
			}
		})
		s.Select(ctx)
	}
	if !planned {
		return outcome, true, planErr
	}

	stepCtx := workflow.WithActivityOptions(ctx, r.stepOptions())
	type slice struct {
		stream       string
		index, count uint32
		future       workflow.Future
	}
	var slices []slice
	var wholeStreams []string
	for _, s := range outcome.Plan.Streams {
		if s.Error != "" {
			continue
		}
		if s.Partitions == nil {
			wholeStreams = append(wholeStreams, s.Stream)
			continue
		}
		for _, i := range s.ToRead {
			f := workflow.ExecuteActivity(stepCtx, activityRunSlice, SliceInput{Run: r.run,
				Stream: s.Stream, Index: i, Snapshot: s.Snapshot, Generation: s.Generation})
			slices = append(slices, slice{s.Stream, i, *s.Partitions, f})
		}
	}
	var wholeFuture workflow.Future
	if len(wholeStreams) > 0 && r.whole == nil {
		options := r.stepOptions()
		if readsChanges(outcome.Plan) {
			// The replication slot's reader (a continuous one runs until the
			// workflow is cancelled) is retried on any worker for as long as
			// it takes: the slot keeps the changes meanwhile.
			options.RetryPolicy.MaximumAttempts = 0
			options.RetryPolicy.MaximumInterval = time.Minute
		}
		wholeFuture = workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options),
			activityRunStreams, StreamsInput{Run: r.run, Streams: wholeStreams})
	}

	outcome.Slices = map[string][]sliceOutcome{}
	for _, s := range slices {
		result, err := stepResult(ctx, s.future)
		o := sliceOutcome{Index: s.index, Count: s.count, Report: result.Report, Attempts: result.Attempt}
		if err != nil {
			o.Err = messageOf(err)
			// A lost snapshot, or attempts that all died with their workers.
			if isType(err, ErrSnapshotGone) || !isApplicationError(err) {
				again = true
			}
		}
		outcome.Slices[s.stream] = append(outcome.Slices[s.stream], o)
	}
	if wholeFuture != nil {
		result, err := stepResult(ctx, wholeFuture)
		if err == nil || result.Report != nil {
			r.whole = &result
		}
		if err != nil {
			outcome.WholeErr = messageOf(err)
		}
	}
	if r.whole != nil {
		outcome.Whole = r.whole.Report
	}
	cancelHold()
	if again {
		return outcome, true, nil
	}
	if len(slices) > 0 || hasSplit(outcome.Plan) {
		result, err := stepResult(ctx, workflow.ExecuteActivity(stepCtx, activityFinalize, r.run))
		outcome.Finalize = result.Report
		if err != nil {
			outcome.FinalErr = messageOf(err)
		}
	}
	return outcome, false, nil
}

func readsChanges(plan Plan) bool {
	for _, s := range plan.Streams {
		if s.SyncMode == "cdc" {
			return true
		}
	}
	return false
}

func hasSplit(plan Plan) bool {
	for _, s := range plan.Streams {
		if s.Partitions != nil {
			return true
		}
	}
	return false
}

// stepResult is a step's result, also of one that failed (its details).
func stepResult(ctx workflow.Context, f workflow.Future) (StepResult, error) {
	var result StepResult
	err := f.Get(ctx, &result)
	var app *temporal.ApplicationError
	if err != nil && errors.As(err, &app) && app.HasDetails() {
		_ = app.Details(&result)
	}
	return result, err
}

func isApplicationError(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app)
}

func isType(err error, kind string) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == kind
}

// messageOf is the innermost message of an activity's error: what the
// rapidbyte process said, not the layers of the SDK around it.
func messageOf(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		return "the worker running the step stopped heartbeating (" + timeout.Error() + ")"
	}
	return err.Error()
}

// exitCodeOf is the exit code of a run that failed at its plan.
func exitCodeOf(err error) int {
	if isType(err, ErrConfig) {
		return ExitUsage
	}
	return ExitFailed
}
