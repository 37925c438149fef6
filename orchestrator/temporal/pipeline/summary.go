package pipeline

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Summary is the shape `rapidbyte run --json` prints, which `submit --wait
// --json` prints too.
type Summary struct {
	Pipeline        string          `json:"pipeline"`
	Status          string          `json:"status"`
	Records         uint64          `json:"records"`
	DeadLetters     uint64          `json:"dead_letters"`
	Bytes           uint64          `json:"bytes"`
	RunID           int64           `json:"run_id"`
	DurationSeconds float64         `json:"duration_seconds"`
	Streams         []StreamSummary `json:"streams"`
}

// StreamSummary is one stream of a Summary.
type StreamSummary struct {
	Stream          string             `json:"stream"`
	Records         uint64             `json:"records"`
	Bytes           uint64             `json:"bytes"`
	Attempts        uint64             `json:"attempts"`
	DeadLetters     uint64             `json:"dead_letters"`
	Error           string             `json:"error,omitempty"`
	ErrorCode       string             `json:"error_code,omitempty"`
	ErrorConnector  string             `json:"error_connector,omitempty"`
	Partitions      []PartitionSummary `json:"partitions,omitempty"`
	FinishedEarlier *[]uint32          `json:"finished_earlier,omitempty"`
	Stages          json.RawMessage    `json:"stages"`
}

// PartitionSummary is one slice of a split stream.
type PartitionSummary struct {
	Index    uint32  `json:"index"`
	Count    uint32  `json:"count"`
	Records  uint64  `json:"records"`
	Bytes    uint64  `json:"bytes"`
	Seconds  float64 `json:"seconds"`
	Attempts uint64  `json:"attempts"`
	Status   string  `json:"status"`
}

func (s StreamSummary) failed() bool { return s.Error != "" }

// stream is the summary of `name` in s, if s has it.
func (s *Summary) stream(name string) *StreamSummary {
	if s == nil {
		return nil
	}
	for i := range s.Streams {
		if s.Streams[i].Stream == name {
			return &s.Streams[i]
		}
	}
	return nil
}

// ParseSummary reads what `rapidbyte run --json` or `finalize --json` printed.
func ParseSummary(out string) (*Summary, error) {
	var s Summary
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &s); err != nil {
		return nil, fmt.Errorf("not a run summary: %w", err)
	}
	return &s, nil
}

// sliceOutcome is how one slice's activity ended.
type sliceOutcome struct {
	Index    uint32
	Count    uint32
	Report   *Summary // its run's summary, when the run printed one
	Err      string   // why it failed without a summary
	Attempts int32    // the activity's attempts (on any worker)
}

// stepOutcomes are the reports of one round's steps.
type stepOutcomes struct {
	Plan     Plan
	Whole    *Summary
	WholeErr string
	Slices   map[string][]sliceOutcome
	Finalize *Summary
	FinalErr string
}

// merge is the summary of the whole run from its steps' reports, stream by
// stream in the plan's order; a split stream sums its slices, each slice's
// attempts counting those of its activity on other workers.
func (o stepOutcomes) merge(durationSeconds float64) Summary {
	out := Summary{Pipeline: o.Plan.Pipeline, RunID: o.Plan.RunID,
		DurationSeconds: durationSeconds, Streams: []StreamSummary{}}
	for _, planned := range o.Plan.Streams {
		var s StreamSummary
		if planned.Error != "" {
			s = StreamSummary{Stream: planned.Stream, Attempts: 1, Error: planned.Error,
				ErrorCode: planned.ErrorCode, ErrorConnector: planned.ErrorConnector}
		} else if planned.Partitions == nil {
			if whole := o.Whole.stream(planned.Stream); whole != nil {
				s = *whole
			} else {
				s = StreamSummary{Stream: planned.Stream, Error: o.WholeErr}
			}
		} else {
			s = o.splitStream(planned)
		}
		if s.Stages == nil {
			s.Stages = json.RawMessage("[]")
		}
		out.Records += s.Records
		out.Bytes += s.Bytes
		out.DeadLetters += s.DeadLetters
		out.Streams = append(out.Streams, s)
	}
	failed := 0
	for _, s := range out.Streams {
		if s.failed() {
			failed++
		}
	}
	switch {
	case failed == 0:
		out.Status = "succeeded"
	case failed == len(out.Streams):
		out.Status = "failed"
	default:
		out.Status = "partial"
	}
	return out
}

func (o stepOutcomes) splitStream(planned PlannedStream) StreamSummary {
	earlier := append([]uint32{}, planned.FinishedEarlier...)
	s := StreamSummary{Stream: planned.Stream, FinishedEarlier: &earlier}
	fail := func(message, code, connector string) {
		if s.Error == "" {
			s.Error, s.ErrorCode, s.ErrorConnector = message, code, connector
		}
	}
	for _, slice := range o.Slices[planned.Stream] {
		part := PartitionSummary{Index: slice.Index, Count: slice.Count, Status: "failed"}
		extra := uint64(max(slice.Attempts-1, 0))
		if r := slice.Report.stream(planned.Stream); r != nil {
			s.Records += r.Records
			s.Bytes += r.Bytes
			s.DeadLetters += r.DeadLetters
			if len(r.Partitions) > 0 {
				part = r.Partitions[0]
			}
			if r.failed() {
				fail(r.Error, r.ErrorCode, r.ErrorConnector)
			}
		} else {
			fail(slice.Err, "", "")
		}
		part.Attempts += extra
		s.Attempts = max(s.Attempts, part.Attempts)
		s.Partitions = append(s.Partitions, part)
	}
	if f := o.Finalize.stream(planned.Stream); f != nil {
		s.Stages = f.Stages
		if f.failed() {
			fail(f.Error, f.ErrorCode, f.ErrorConnector)
		}
	} else if o.FinalErr != "" {
		fail(o.FinalErr, "", "")
	}
	return s
}

// ExitCode is the exit code `rapidbyte run` has for a run that ended so.
func (s Summary) ExitCode() int {
	switch s.Status {
	case "succeeded":
		return ExitOK
	case "partial":
		return ExitPartial
	case "cancelled":
		return ExitInterrupted
	default:
		return ExitFailed
	}
}

// Text is the summary as lines for a terminal.
func (s Summary) Text() string {
	var b strings.Builder
	for _, st := range s.Streams {
		if st.failed() {
			where := st.ErrorConnector
			if where != "" {
				where += ": "
			}
			fmt.Fprintf(&b, "stream %-20s FAILED  %s%s\n", st.Stream, where, st.Error)
		} else {
			fmt.Fprintf(&b, "stream %-20s ok      %d records, %d B\n", st.Stream, st.Records, st.Bytes)
		}
		if len(st.Partitions) > 0 {
			fmt.Fprintf(&b, "  %d partitions read", len(st.Partitions))
			if st.FinishedEarlier != nil && len(*st.FinishedEarlier) > 0 {
				fmt.Fprintf(&b, ", %d finished by an earlier run", len(*st.FinishedEarlier))
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "pipeline %s %s: %d records, %d B in %.2f s\n", s.Pipeline, s.Status,
		s.Records, s.Bytes, s.DurationSeconds)
	return b.String()
}
