-- Harvest runs that failed stored their providers' summaries as a bare array where the run summary
-- object belongs (so `harvest status` counted 0 problems for them): give them the shape of every other run.
UPDATE harvest_runs SET summary = json_object(
  'startedAt', strftime('%Y-%m-%dT%H:%M:%fZ', started_at / 1000.0, 'unixepoch'),
  'endedAt', strftime('%Y-%m-%dT%H:%M:%fZ', coalesce(ended_at, started_at) / 1000.0, 'unixepoch'),
  'providers', json(summary),
  'problemCount', (SELECT coalesce(sum(json_array_length(value, '$.problems')), 0) FROM json_each(harvest_runs.summary))
) WHERE summary IS NOT NULL AND json_valid(summary) AND json_type(summary) = 'array';
