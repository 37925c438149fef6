package pipeline

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers the workflow and the activities of `a` with `w` under
// their names.
func Register(w worker.Registry, a *Activities) {
	w.RegisterWorkflowWithOptions(PipelineWorkflow, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterActivityWithOptions(a.HoldPlan, activity.RegisterOptions{Name: activityHoldPlan})
	w.RegisterActivityWithOptions(a.RunSlice, activity.RegisterOptions{Name: activityRunSlice})
	w.RegisterActivityWithOptions(a.RunStreams, activity.RegisterOptions{Name: activityRunStreams})
	w.RegisterActivityWithOptions(a.Finalize, activity.RegisterOptions{Name: activityFinalize})
}
