package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

func u32(v uint32) *uint32 { return &v }
func str(v string) *string { return &v }

// A plan of stream "events" in 3 slices (slice 1 done earlier when
// `resumed`) and stream "users" read whole.
func testPlan(generation uint64, resumed bool) Plan {
	toRead, earlier := []uint32{0, 1, 2}, []uint32{}
	if resumed {
		toRead, earlier = []uint32{0, 2}, []uint32{1}
	}
	return Plan{Pipeline: "demo", RunID: 7, Streams: []PlannedStream{
		{Stream: "events", Partitions: u32(3), Generation: generation, ToRead: toRead,
			FinishedEarlier: earlier, Snapshot: str("00000003-1")},
		{Stream: "users"},
	}}
}

func sliceReport(stream string, index uint32, records uint64) StepResult {
	return StepResult{Attempt: 1, Report: &Summary{Pipeline: "demo", Status: "succeeded",
		Streams: []StreamSummary{{Stream: stream, Records: records, Attempts: 1,
			Partitions: []PartitionSummary{{Index: index, Count: 3, Records: records, Attempts: 1,
				Status: "succeeded"}}}}}}
}

type fixture struct {
	testsuite.WorkflowTestSuite
	env      *testsuite.TestWorkflowEnvironment
	plans    []Plan // the plan of each round
	holds    int
	slices   []SliceInput
	finalize int
}

func newFixture(t *testing.T, plans ...Plan) *fixture {
	f := &fixture{plans: plans}
	f.env = f.NewTestWorkflowEnvironment()
	a := &Activities{}
	Register(f.env, a)
	RegisterPlans(f.env, a)
	f.env.OnActivity(activityHoldPlan, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in HoldPlanInput) error {
			f.holds++
			_ = f.env.SignalWorkflowByID(WorkflowIDPrefix+"demo", PlanSignal,
				PlanSignalValue{Round: in.Round, Plan: f.plans[in.Round-1]})
			return nil
		})
	f.env.OnActivity(activityRunStreams, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in StreamsInput) (StepResult, error) {
			require.Equal(t, []string{"users"}, in.Streams)
			return StepResult{Attempt: 1, Report: &Summary{Pipeline: "demo", Status: "succeeded",
				Streams: []StreamSummary{{Stream: "users", Records: 5, Attempts: 1}}}}, nil
		})
	f.env.OnActivity(activityFinalize, mock.Anything, mock.Anything).Return(
		func(_ context.Context, _ PipelineRun) (StepResult, error) {
			f.finalize++
			return StepResult{Attempt: 1, Report: &Summary{Pipeline: "demo", Status: "succeeded",
				Streams: []StreamSummary{{Stream: "events"}}}}, nil
		})
	return f
}

func (f *fixture) run(t *testing.T) Result {
	f.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowIDPrefix + "demo"})
	f.env.ExecuteWorkflow(WorkflowName, PipelineRun{Pipeline: "demo", FileName: "demo.yaml"})
	require.True(t, f.env.IsWorkflowCompleted())
	require.NoError(t, f.env.GetWorkflowError())
	var result Result
	require.NoError(t, f.env.GetWorkflowResult(&result))
	return result
}

func TestSlicesRunInThePlansSnapshotThenFinalizeOnce(t *testing.T) {
	f := newFixture(t, testPlan(7, false))
	f.env.OnActivity(activityRunSlice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in SliceInput) (StepResult, error) {
			f.slices = append(f.slices, in)
			return sliceReport(in.Stream, in.Index, 10*uint64(in.Index+1)), nil
		})
	result := f.run(t)
	require.Equal(t, ExitOK, result.ExitCode)
	require.Len(t, f.slices, 3)
	for _, s := range f.slices {
		require.Equal(t, "events", s.Stream)
		require.Equal(t, uint64(7), s.Generation)
		require.Equal(t, "00000003-1", *s.Snapshot)
	}
	require.Equal(t, 1, f.finalize)
	require.Equal(t, "succeeded", result.Summary.Status)
	require.Equal(t, uint64(60+5), result.Summary.Records)
	events := result.Summary.Streams[0]
	require.Equal(t, "events", events.Stream)
	require.Equal(t, uint64(60), events.Records)
	require.Len(t, events.Partitions, 3)
	require.Equal(t, []uint32{}, *events.FinishedEarlier)
	require.Equal(t, "users", result.Summary.Streams[1].Stream)
}

func TestALostSnapshotPlansAgainAndKeepsTheFinishedSlices(t *testing.T) {
	f := newFixture(t, testPlan(7, false), testPlan(7, true))
	f.env.OnActivity(activityRunSlice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in SliceInput) (StepResult, error) {
			f.slices = append(f.slices, in)
			if len(f.slices) <= 3 && in.Index != 1 {
				return StepResult{Attempt: 1}, temporal.NewNonRetryableApplicationError(
					"slice: cannot import the snapshot of its plan", ErrSnapshotGone, nil, StepResult{Attempt: 1})
			}
			return sliceReport(in.Stream, in.Index, 10), nil
		})
	result := f.run(t)
	require.Equal(t, ExitOK, result.ExitCode, result.Error)
	require.Equal(t, 2, f.holds)
	require.Len(t, f.slices, 5) // 3, then the 2 not finished
	require.Equal(t, 1, f.finalize)
	events := result.Summary.Streams[0]
	require.Equal(t, []uint32{1}, *events.FinishedEarlier)
	require.Len(t, events.Partitions, 2)
}

func TestAFailedSliceFailsItsStreamNotTheOthers(t *testing.T) {
	f := newFixture(t, testPlan(7, false))
	f.env.OnActivity(activityRunSlice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in SliceInput) (StepResult, error) {
			if in.Index == 2 {
				failed := StepResult{Attempt: 1, Report: &Summary{Pipeline: "demo", Status: "failed",
					Streams: []StreamSummary{{Stream: "events", Attempts: 1, Error: "value too long",
						ErrorCode: "DATA", ErrorConnector: "dest-postgres"}}}}
				return failed, temporal.NewNonRetryableApplicationError("slice 2 exited with code 1",
					ErrStreamFailed, nil, failed)
			}
			return sliceReport(in.Stream, in.Index, 10), nil
		})
	result := f.run(t)
	require.Equal(t, ExitPartial, result.ExitCode)
	require.Equal(t, "partial", result.Summary.Status)
	events := result.Summary.Streams[0]
	require.Equal(t, "value too long", events.Error)
	require.Equal(t, "dest-postgres", events.ErrorConnector)
	require.Equal(t, 1, f.finalize)
}

func TestAConfigErrorAtThePlanIsTheRunsError(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	Register(env, &Activities{})
	RegisterPlans(env, &Activities{})
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowIDPrefix + "demo"})
	env.OnActivity(activityHoldPlan, mock.Anything, mock.Anything).Return(
		temporal.NewNonRetryableApplicationError("rapidbyte plan exited with code 2: demo.yaml:3: source.use: no connector 'postgress'",
			ErrConfig, errors.New("exit 2")))
	env.ExecuteWorkflow(WorkflowName, PipelineRun{Pipeline: "demo"})
	require.NoError(t, env.GetWorkflowError())
	var result Result
	require.NoError(t, env.GetWorkflowResult(&result))
	require.Equal(t, ExitUsage, result.ExitCode)
	require.Contains(t, result.Error, "no connector 'postgress'")
}

func TestAScheduledRunRunsThePipelinesOwnWorkflow(t *testing.T) {
	f := newFixture(t, testPlan(7, false))
	f.env.OnActivity(activityRunSlice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in SliceInput) (StepResult, error) {
			return sliceReport(in.Stream, in.Index, 10), nil
		})
	var children []string
	f.env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		children = append(children, info.WorkflowExecution.ID)
	})
	f.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowIDPrefix + "demo-2026-12-07T03:00:00Z"})
	f.env.ExecuteWorkflow(WorkflowName, PipelineRun{Pipeline: "demo", FileName: "demo.yaml"})
	require.NoError(t, f.env.GetWorkflowError())
	var result Result
	require.NoError(t, f.env.GetWorkflowResult(&result))
	require.Equal(t, ExitOK, result.ExitCode, result.Error)
	require.Equal(t, []string{WorkflowIDPrefix + "demo"}, children)
	require.Equal(t, uint64(35), result.Summary.Records)
}
