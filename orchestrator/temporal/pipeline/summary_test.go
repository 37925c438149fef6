package pipeline

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAStreamThatFailedAtItsPlanIsReportedAsARunReportsIt(t *testing.T) {
	plan := Plan{Pipeline: "demo", RunID: 3, Streams: []PlannedStream{
		{Stream: "ordrs", Error: `stream 'ordrs': table "public"."ordrs" does not exist`,
			ErrorCode: "TABLE_NOT_FOUND", ErrorConnector: "source-postgres"},
		{Stream: "users"},
	}}
	whole := &Summary{Streams: []StreamSummary{{Stream: "users", Records: 5, Attempts: 1}}}
	summary := stepOutcomes{Plan: plan, Whole: whole}.merge(1.5)
	require.Equal(t, "partial", summary.Status)
	require.Equal(t, ExitPartial, summary.ExitCode())
	require.Equal(t, uint64(5), summary.Records)
	failed := summary.Streams[0]
	require.Equal(t, "TABLE_NOT_FOUND", failed.ErrorCode)
	require.Equal(t, "source-postgres", failed.ErrorConnector)
	require.Equal(t, uint64(1), failed.Attempts)
	// The shape of `run --json`: stages always present, no partitions.
	out, err := json.Marshal(summary)
	require.NoError(t, err)
	require.JSONEq(t, `{"pipeline":"demo","status":"partial","records":5,"dead_letters":0,"bytes":0,
		"run_id":3,"duration_seconds":1.5,"streams":[
		{"stream":"ordrs","records":0,"bytes":0,"attempts":1,"dead_letters":0,
		 "error":"stream 'ordrs': table \"public\".\"ordrs\" does not exist",
		 "error_code":"TABLE_NOT_FOUND","error_connector":"source-postgres","stages":[]},
		{"stream":"users","records":5,"bytes":0,"attempts":1,"dead_letters":0,"stages":[]}]}`,
		string(out))
}
