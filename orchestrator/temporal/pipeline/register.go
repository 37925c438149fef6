package pipeline

import (
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// PlanQueueSuffix names the task queue of the plan activities beside a
// worker's task queue: a plan holds its snapshot for as long as the slices
// run, mostly idle, and must not take one of the slots the slices run in.
const PlanQueueSuffix = "-plans"

// plansAtOnce is how many plans (of different pipelines) one worker holds.
const plansAtOnce = 8

// heartbeatThrottle caps how long a heartbeat may wait to be sent: the SDK
// sends them at most once per 0.8 heartbeat timeouts otherwise, and an
// activity learns it was cancelled only from a heartbeat's reply.
const heartbeatThrottle = time.Second

// Register registers the workflow and the steps that run slices and
// streams with `w`, under their names.
func Register(w worker.Registry, a *Activities) {
	w.RegisterWorkflowWithOptions(PipelineWorkflow, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterActivityWithOptions(a.RunSlice, activity.RegisterOptions{Name: activityRunSlice})
	w.RegisterActivityWithOptions(a.RunStreams, activity.RegisterOptions{Name: activityRunStreams})
	w.RegisterActivityWithOptions(a.Finalize, activity.RegisterOptions{Name: activityFinalize})
}

// RegisterPlans registers the plan activity with `w` (the worker of the
// plan task queue).
func RegisterPlans(w worker.Registry, a *Activities) {
	w.RegisterActivityWithOptions(a.HoldPlan, activity.RegisterOptions{Name: activityHoldPlan})
}

// WorkerOptions are the options of a worker that runs `tasks` steps at once.
func WorkerOptions(tasks int) worker.Options {
	return worker.Options{
		MaxConcurrentActivityExecutionSize: tasks,
		MaxHeartbeatThrottleInterval:       heartbeatThrottle,
	}
}

// PlanWorkerOptions are the options of the worker of the plan task queue.
func PlanWorkerOptions() worker.Options { return WorkerOptions(plansAtOnce) }
