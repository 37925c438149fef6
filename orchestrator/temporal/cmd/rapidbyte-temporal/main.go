// rapidbyte-temporal runs pipelines on Temporal: `rapidbyte worker`,
// `rapidbyte submit` and `rapidbyte runs --temporal` hand off to it. The
// workflow and activities are in package pipeline.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"gopkg.in/yaml.v3"

	"rapidbyte/orchestrator/temporal/pipeline"
)

const usage = `usage:
  rapidbyte worker --temporal HOST:PORT [--namespace default] [--task-queue rapidbyte] [--max-tasks N]
  rapidbyte submit <pipeline.yaml> --temporal HOST:PORT [--wait] [--json] [--schedule "CRON"]
  rapidbyte runs --temporal HOST:PORT [--json]
`

// connection is how every command reaches Temporal.
type connection struct {
	address, namespace, taskQueue string
}

func (c *connection) flags(f *pflag.FlagSet) {
	address := os.Getenv("TEMPORAL_ADDRESS")
	if address == "" {
		address = "127.0.0.1:7233"
	}
	f.StringVar(&c.address, "temporal", address, "Temporal frontend HOST:PORT (default: $TEMPORAL_ADDRESS when set)")
	f.StringVar(&c.namespace, "namespace", "default", "Temporal namespace")
	f.StringVar(&c.taskQueue, "task-queue", pipeline.DefaultTaskQueue, "Task queue of the workers")
}

func (c *connection) dial(verbose bool) (client.Client, error) {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	logger := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr,
		&slog.HandlerOptions{Level: level})))
	cl, err := client.Dial(client.Options{HostPort: c.address, Namespace: c.namespace, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s: %w", c.address, err)
	}
	return cl, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(pipeline.ExitUsage)
	}
	var code int
	switch os.Args[1] {
	case "worker":
		code = workerCommand(os.Args[2:])
	case "submit":
		code = submitCommand(os.Args[2:])
	case "runs":
		code = runsCommand(os.Args[2:])
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "error: unknown command %q\n%s", os.Args[1], usage)
		code = pipeline.ExitUsage
	}
	os.Exit(code)
}

// parse parses args with f: exit code 2 on bad usage, -1 to go on.
func parse(f *pflag.FlagSet, args []string) int {
	f.SetOutput(io.Discard)
	if err := f.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			f.SetOutput(os.Stdout)
			f.PrintDefaults()
			return pipeline.ExitOK
		}
		fmt.Fprintf(os.Stderr, "error: %s: %v\n", f.Name(), err)
		return pipeline.ExitUsage
	}
	return -1
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "error: "+format+"\n", args...)
	return pipeline.ExitFailed
}

// The rapidbyte binary next to this one (they are installed together).
func siblingBinary() string {
	self, err := os.Executable()
	if err != nil {
		return "rapidbyte"
	}
	return filepath.Join(filepath.Dir(self), "rapidbyte")
}

func workerCommand(args []string) int {
	f := pflag.NewFlagSet("worker", pflag.ContinueOnError)
	var conn connection
	conn.flags(f)
	maxTasks := f.Int("max-tasks", runtime.NumCPU(), "Slices and streams this worker runs at once")
	binary := f.String("rapidbyte", siblingBinary(), "The rapidbyte binary the activities run")
	connectorDir := f.String("connector-dir", "", "Directory searched first for connector modules")
	verbose := f.BoolP("verbose", "v", false, "Log the worker's activity")
	if code := parse(f, args); code >= 0 {
		return code
	}
	if *maxTasks < 1 {
		fmt.Fprintln(os.Stderr, "error: --max-tasks must be at least 1")
		return pipeline.ExitUsage
	}
	cl, err := conn.dial(*verbose)
	if err != nil {
		return fail("%v", err)
	}
	defer cl.Close()
	activities := &pipeline.Activities{Binary: *binary, ConnectorDir: *connectorDir, Client: cl}
	// Plans hold their snapshot beside the slices, on a queue of their own,
	// so they never take a slice's slot.
	plans := worker.New(cl, conn.taskQueue+pipeline.PlanQueueSuffix, pipeline.PlanWorkerOptions())
	pipeline.RegisterPlans(plans, activities)
	if err := plans.Start(); err != nil {
		return fail("worker: %v", err)
	}
	defer plans.Stop()
	w := worker.New(cl, conn.taskQueue, pipeline.WorkerOptions(*maxTasks))
	pipeline.Register(w, activities)
	fmt.Fprintf(os.Stderr, "worker: polling task queue %q of %s (namespace %s), %d tasks at once\n",
		conn.taskQueue, conn.address, conn.namespace, *maxTasks)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fail("worker: %v", err)
	}
	return pipeline.ExitOK
}

// pipelineName is the `pipeline:` of a pipeline file.
func pipelineName(path string, text []byte) (string, error) {
	var head struct {
		Pipeline string `yaml:"pipeline"`
	}
	if err := yaml.Unmarshal(text, &head); err != nil {
		return "", fmt.Errorf("%s: not YAML: %v", path, err)
	}
	if strings.TrimSpace(head.Pipeline) == "" {
		return "", fmt.Errorf("%s: pipeline: is missing", path)
	}
	return head.Pipeline, nil
}

func submitCommand(args []string) int {
	f := pflag.NewFlagSet("submit", pflag.ContinueOnError)
	var conn connection
	conn.flags(f)
	wait := f.Bool("wait", false, "Wait for the run and print its summary; exit as `rapidbyte run` would")
	asJSON := f.Bool("json", false, "With --wait: print the summary as JSON (as `run --json`)")
	schedule := f.String("schedule", "", `Run on this cron schedule instead of now ("*/15 * * * *")`)
	heartbeat := f.Duration("heartbeat-timeout", pipeline.DefaultHeartbeatTimeout,
		"How long a worker may go silent before its step is retried elsewhere")
	if code := parse(f, args); code >= 0 {
		return code
	}
	if f.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "error: submit: name one pipeline file")
		return pipeline.ExitUsage
	}
	path := f.Arg(0)
	text, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: cannot read %s: %v\n", path, err)
		return pipeline.ExitUsage
	}
	name, err := pipelineName(path, text)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return pipeline.ExitUsage
	}
	run := pipeline.PipelineRun{Pipeline: name, FileName: filepath.Base(path), YAML: string(text),
		HeartbeatTimeout: *heartbeat}
	cl, err := conn.dial(false)
	if err != nil {
		return fail("%v", err)
	}
	defer cl.Close()
	ctx := context.Background()
	id := pipeline.WorkflowIDPrefix + name
	if *schedule != "" {
		_, err := cl.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:      id,
			Spec:    client.ScheduleSpec{CronExpressions: []string{*schedule}},
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
			Action: &client.ScheduleWorkflowAction{ID: id, Workflow: pipeline.WorkflowName,
				Args: []interface{}{run}, TaskQueue: conn.taskQueue},
		})
		if err != nil {
			return fail("cannot schedule pipeline '%s': %v", name, err)
		}
		fmt.Printf("scheduled: pipeline %s on %q (schedule %s); a run still going when the next is due is skipped\n",
			name, *schedule, id)
		return pipeline.ExitOK
	}
	started, err := cl.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       id,
		TaskQueue:                                conn.taskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, pipeline.WorkflowName, run)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		fmt.Fprintf(os.Stderr, "error: pipeline '%s' is already running on Temporal (workflow %s, run %s): "+
			"wait for it to finish or cancel it\n", name, id, already.RunId)
		return pipeline.ExitBusy
	}
	if err != nil {
		return fail("cannot submit pipeline '%s': %v", name, err)
	}
	if !*wait {
		fmt.Printf("submitted: pipeline %s as workflow %s, run %s\n", name, id, started.GetRunID())
		return pipeline.ExitOK
	}
	result, err := waitForResult(ctx, cl, id, started.GetRunID())
	if err != nil {
		return fail("pipeline '%s': the workflow failed: %v", name, err)
	}
	if result.Error != "" {
		fmt.Fprintf(os.Stderr, "error: %s\n", result.Error)
		return result.ExitCode
	}
	if *asJSON {
		out, _ := json.Marshal(result.Summary)
		fmt.Println(string(out))
	} else {
		fmt.Print(result.Summary.Text())
	}
	return result.ExitCode
}

// waitForResult waits for the workflow's result, also across a restart of
// the Temporal server (its history keeps the run going): errors reaching
// the server are retried for up to an hour, the workflow's own are not.
func waitForResult(ctx context.Context, cl client.Client, id, runID string) (pipeline.Result, error) {
	var result pipeline.Result
	deadline := time.Now().Add(time.Hour)
	for {
		err := cl.GetWorkflow(ctx, id, runID).Get(ctx, &result)
		if err == nil {
			return result, nil
		}
		var failed *temporal.WorkflowExecutionError
		var canceled *temporal.CanceledError
		var terminated *temporal.TerminatedError
		if errors.As(err, &failed) || errors.As(err, &canceled) || errors.As(err, &terminated) ||
			time.Now().After(deadline) {
			return result, err
		}
		time.Sleep(time.Second)
	}
}

func runsCommand(args []string) int {
	f := pflag.NewFlagSet("runs", pflag.ContinueOnError)
	var conn connection
	conn.flags(f)
	asJSON := f.Bool("json", false, "One JSON object per run")
	limit := f.Int("limit", 20, "How many runs, newest first")
	if code := parse(f, args); code >= 0 {
		return code
	}
	cl, err := conn.dial(false)
	if err != nil {
		return fail("%v", err)
	}
	defer cl.Close()
	listed, err := listRuns(cl, conn.namespace, *limit)
	if err != nil {
		return fail("cannot list runs: %v", err)
	}
	for _, r := range listed {
		if *asJSON {
			out, _ := json.Marshal(r)
			fmt.Println(string(out))
			continue
		}
		fmt.Printf("%-30s %-10s %s  %-20s %10s  %s\n",
			strings.TrimPrefix(r.WorkflowID, pipeline.WorkflowIDPrefix), r.shownStatus(), r.Started, r.Closed,
			r.recordsText(), r.Error)
	}
	return pipeline.ExitOK
}

// runRow is one run of `runs`; a completed run has the outcome of its
// pipeline (the workflow's result).
type runRow struct {
	WorkflowID string  `json:"workflow_id"`
	RunID      string  `json:"run_id"`
	Status     string  `json:"status"`
	Started    string  `json:"started"`
	Closed     string  `json:"closed,omitempty"`
	Outcome    string  `json:"outcome,omitempty"` // the pipeline's: succeeded, partial, failed
	Records    *uint64 `json:"records,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// shownStatus is the pipeline's outcome once the workflow completed, else
// the workflow's status (running, failed, canceled, terminated, ...).
func (r runRow) shownStatus() string {
	if r.Outcome != "" {
		return r.Outcome
	}
	return r.Status
}

func (r runRow) recordsText() string {
	if r.Records == nil {
		return ""
	}
	return fmt.Sprintf("%d rows", *r.Records)
}

// withOutcome adds the pipeline's outcome to a completed run.
func (r *runRow) withOutcome(cl client.Client) {
	if r.Status != "completed" {
		return
	}
	var result pipeline.Result
	if cl.GetWorkflow(context.Background(), r.WorkflowID, r.RunID).Get(context.Background(), &result) != nil {
		return
	}
	if result.Error != "" {
		r.Outcome, r.Error = "failed", result.Error
		return
	}
	records := result.Summary.Records
	r.Outcome, r.Records = result.Summary.Status, &records
	for _, s := range result.Summary.Streams {
		if s.Error != "" {
			r.Error = s.Stream + ": " + s.Error
			break
		}
	}
}

func listRuns(cl client.Client, namespace string, limit int) ([]runRow, error) {
	var rows []runRow
	var token []byte
	for len(rows) < limit {
		page, err := cl.ListWorkflow(context.Background(), &workflowListRequest{
			Namespace: namespace, PageSize: int32(limit), NextPageToken: token,
			Query: "WorkflowType = '" + pipeline.WorkflowName + "'",
		})
		if err != nil {
			return nil, err
		}
		for _, e := range page.Executions {
			row := runRow{WorkflowID: e.Execution.WorkflowId, RunID: e.Execution.RunId,
				Status:  strings.ToLower(strings.TrimPrefix(e.Status.String(), "WORKFLOW_EXECUTION_STATUS_")),
				Started: e.StartTime.AsTime().UTC().Format(time.RFC3339)}
			if e.CloseTime != nil {
				row.Closed = e.CloseTime.AsTime().UTC().Format(time.RFC3339)
			}
			row.withOutcome(cl)
			rows = append(rows, row)
		}
		token = page.NextPageToken
		if len(token) == 0 {
			break
		}
	}
	if len(rows) > limit {
		rows = rows[:limit]
	}
	return rows, nil
}

type workflowListRequest = workflowservice.ListWorkflowExecutionsRequest
