package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Signaler is the part of a Temporal client the plan activity needs.
type Signaler interface {
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg interface{}) error
}

// Activities execute the rapidbyte binary, one process per activity, and
// turn its progress into heartbeats.
type Activities struct {
	Binary       string // the rapidbyte binary
	ConnectorDir string // its --connector-dir, when set
	Client       Signaler
}

// heartbeatEvery is how often a running step heartbeats besides its
// progress lines.
const heartbeatEvery = time.Second

// step is one rapidbyte process of an activity, with the pipeline file
// written where it runs.
type step struct {
	cmd    *exec.Cmd
	dir    string
	stdout bytes.Buffer
	mu     sync.Mutex
	tail   []string // the last lines of its stderr that are not progress
	// Closed once stderr is read to its end, which comes before cmd.Wait.
	stderrDone chan struct{}
}

// start writes the pipeline file and starts `rapidbyte <command> <file>
// <more...>`, its stdout into `stdout` (kept in step.stdout when nil). The
// process gets SIGTERM when ctx ends (the activity was cancelled or timed
// out) and when the worker dies (Pdeathsig: Go ends no thread it did not
// lock, so the signal comes with the worker, not before).
func (a *Activities) start(ctx context.Context, run PipelineRun, command string,
	more []string, stdin io.Reader, stdout io.Writer) (*step, error) {
	dir, err := os.MkdirTemp("", "rapidbyte-step-")
	if err != nil {
		return nil, err
	}
	name := filepath.Base(run.FileName)
	if name == "." || name == "/" || name == "" {
		name = "pipeline.yaml"
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(run.YAML), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	args := []string{"-q"}
	if a.ConnectorDir != "" {
		args = append(args, "--connector-dir", a.ConnectorDir)
	}
	args = append(args, command, file)
	args = append(args, more...)
	s := &step{dir: dir}
	s.cmd = exec.CommandContext(ctx, a.Binary, args...)
	s.cmd.Cancel = func() error { return s.cmd.Process.Signal(syscall.SIGTERM) }
	s.cmd.WaitDelay = 30 * time.Second
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	s.cmd.Stdin = stdin
	s.cmd.Stdout = stdout
	if stdout == nil {
		s.cmd.Stdout = &s.stdout
	}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot start %s: %w", a.Binary, err)
	}
	s.stderrDone = make(chan struct{})
	go func() {
		defer close(s.stderrDone)
		s.readStderr(ctx, stderr)
	}()
	return s, nil
}

// readStderr turns progress lines (JSON) into heartbeats and keeps the
// last other lines for the error message.
func (s *step) readStderr(ctx context.Context, stderr io.Reader) {
	lines := bufio.NewScanner(stderr)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "{") {
			recordHeartbeat(ctx, json.RawMessage(line))
			continue
		}
		s.mu.Lock()
		s.tail = append(s.tail, line)
		if len(s.tail) > 20 {
			s.tail = s.tail[1:]
		}
		s.mu.Unlock()
	}
	// A line past the scanner's limit: the rest is drained, so the process
	// never blocks writing to a pipe nobody reads.
	_, _ = io.Copy(io.Discard, stderr)
}

func (s *step) stderrTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.TrimSpace(strings.Join(s.tail, "\n"))
}

// wait waits for the process, heartbeating meanwhile; its exit code.
func (s *step) wait(ctx context.Context) (int, error) {
	defer os.RemoveAll(s.dir)
	done := make(chan error, 1)
	go func() {
		<-s.stderrDone
		done <- s.cmd.Wait()
	}()
	ticker := time.NewTicker(heartbeatEvery)
	defer ticker.Stop()
	for {
		select {
		case err := <-done:
			var exit *exec.ExitError
			if err == nil {
				return 0, nil
			}
			if errors.As(err, &exit) {
				if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
					return 128 + int(status.Signal()), nil
				}
				return exit.ExitCode(), nil
			}
			return -1, err
		case <-ticker.C:
			recordHeartbeat(ctx, nil)
		}
	}
}

// recordHeartbeat heartbeats when ctx is an activity's (not in a plain
// context, e.g. a test calling the activity directly).
func recordHeartbeat(ctx context.Context, details interface{}) {
	defer func() { _ = recover() }()
	if details == nil {
		activity.RecordHeartbeat(ctx)
	} else {
		activity.RecordHeartbeat(ctx, details)
	}
}

// failure is the activity error for a rapidbyte process that exited with
// `code`: a config error and a failed stream are not retried (the engine
// retried what it could), anything else is (a lease another attempt still
// holds, a crash).
func failure(what string, code int, result StepResult, tail string) error {
	report := result.Report
	message := fmt.Sprintf("%s exited with code %d", what, code)
	if tail != "" {
		message += ": " + tail
	}
	switch {
	case code == ExitUsage:
		return temporal.NewNonRetryableApplicationError(message, ErrConfig, nil, result)
	case report != nil && snapshotGone(report):
		return temporal.NewNonRetryableApplicationError(message, ErrSnapshotGone, nil, result)
	case report != nil && (code == ExitFailed || code == ExitPartial):
		return temporal.NewNonRetryableApplicationError(message, ErrStreamFailed, nil, result)
	default:
		return temporal.NewApplicationError(message, "RapidbyteExit"+strconv.Itoa(code), result)
	}
}

func snapshotGone(report *Summary) bool {
	for _, s := range report.Streams {
		if s.ErrorCode == "SNAPSHOT_GONE" {
			return true
		}
	}
	return false
}

// StepResult is what a step's activity returns, also (as the error's
// details) when it fails: the run's summary, when it printed one, and the
// activity's attempt, which the summary's attempts count.
type StepResult struct {
	Report  *Summary
	Attempt int32
}

// runReport runs `rapidbyte <command> <file> <more...> --json` to its end: its
// summary, or the activity error.
func (a *Activities) runReport(ctx context.Context, run PipelineRun, what, command string,
	more ...string) (StepResult, error) {
	result := StepResult{Attempt: attemptOf(ctx)}
	s, err := a.start(ctx, run, command, append(more, "--json"), nil, nil)
	if err != nil {
		return result, err
	}
	code, err := s.wait(ctx)
	if err != nil {
		return result, err
	}
	result.Report, _ = ParseSummary(s.stdout.String())
	if code == ExitOK {
		if result.Report == nil {
			return result, fmt.Errorf("%s printed no summary", what)
		}
		return result, nil
	}
	return result, failure(what, code, result, s.stderrTail())
}

// attemptOf is the activity's attempt (1 outside an activity).
func attemptOf(ctx context.Context) (attempt int32) {
	defer func() {
		if recover() != nil {
			attempt = 1
		}
	}()
	return activity.GetInfo(ctx).Attempt
}

// HoldPlan records the plan (`rapidbyte plan --hold`), signals it to the
// workflow, then holds the plan's snapshots until the workflow cancels
// this activity (every slice has ended) or the process ends.
func (a *Activities) HoldPlan(ctx context.Context, in HoldPlanInput) error {
	// OS pipes, handed to the process as they are: closing `hold` is its
	// end of input, and its output ends when it exits.
	release, hold, err := os.Pipe()
	if err != nil {
		return err
	}
	defer hold.Close()
	planOut, planIn, err := os.Pipe()
	if err != nil {
		release.Close()
		return err
	}
	defer planOut.Close()
	s, err := a.start(ctx, in.Run, "plan", []string{"--json", "--hold"}, release, planIn)
	release.Close()
	planIn.Close()
	if err != nil {
		return err
	}
	// The plan is its first line; the rest (nothing) is drained.
	printed := make(chan string, 1)
	go func() {
		out := bufio.NewReader(planOut)
		line, _ := out.ReadString('\n')
		printed <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	exited := make(chan int, 1)
	go func() {
		code, _ := s.wait(ctx)
		exited <- code
	}()
	var plan Plan
	select {
	case line := <-printed:
		if err := json.Unmarshal([]byte(line), &plan); err != nil {
			hold.Close()
			code := <-exited
			return failure("rapidbyte plan", code, StepResult{}, s.stderrTail())
		}
	case code := <-exited:
		return failure("rapidbyte plan", code, StepResult{}, s.stderrTail())
	}
	info := activity.GetInfo(ctx)
	if err := a.Client.SignalWorkflow(ctx, info.WorkflowExecution.ID, info.WorkflowExecution.RunID,
		PlanSignal, PlanSignalValue{Round: in.Round, Plan: plan}); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		hold.Close()
		<-exited
		return ctx.Err()
	case code := <-exited:
		// Streams that failed at their plan (exit 1 or 3) were in the plan.
		if code != ExitOK && code != ExitFailed && code != ExitPartial {
			return failure("rapidbyte plan --hold", code, StepResult{}, s.stderrTail())
		}
		return nil
	}
}

// RunSlice runs one slice of the plan: `rapidbyte run --stream S
// --partition I` in the plan's snapshot, fenced by its generation.
func (a *Activities) RunSlice(ctx context.Context, in SliceInput) (StepResult, error) {
	more := []string{"--stream", in.Stream, "--partition", strconv.FormatUint(uint64(in.Index), 10),
		"--generation", strconv.FormatUint(in.Generation, 10), "--progress", "json"}
	if in.Snapshot != nil {
		more = append(more, "--snapshot", *in.Snapshot)
	}
	return a.runReport(ctx, in.Run, fmt.Sprintf("slice %d of stream '%s'", in.Index, in.Stream),
		"run", more...)
}

// RunStreams runs the streams read whole: `rapidbyte run --stream A
// --stream B ...`. A stream that failed is in the summary, not an error.
func (a *Activities) RunStreams(ctx context.Context, in StreamsInput) (StepResult, error) {
	more := []string{"--progress", "json"}
	for _, name := range in.Streams {
		more = append(more, "--stream", name)
	}
	return streamFailuresReported(a.runReport(ctx, in.Run, "the run of the streams read whole",
		"run", more...))
}

// streamFailuresReported makes a step whose streams failed a step that
// succeeded with a summary saying so: the workflow merges it with the
// others' rather than retrying it.
func streamFailuresReported(result StepResult, err error) (StepResult, error) {
	if isType(err, ErrStreamFailed) {
		return result, nil
	}
	return result, err
}

// Finalize publishes the split streams whose slices are all done.
func (a *Activities) Finalize(ctx context.Context, run PipelineRun) (StepResult, error) {
	return streamFailuresReported(a.runReport(ctx, run, "rapidbyte finalize", "finalize"))
}
