CREATE TABLE `usage_rebuilds` (
	`session_pk` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage_sessions` (
	`session_pk` integer PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`workspace_id` text,
	`first_day` integer NOT NULL,
	`last_day` integer NOT NULL,
	`tokens` integer NOT NULL,
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_sessions_workspace` ON `usage_sessions` (`workspace_id`,`provider`,`first_day`);--> statement-breakpoint
CREATE INDEX `usage_sessions_tokens` ON `usage_sessions` ("tokens" DESC,`session_pk`,`first_day`,`last_day`,`provider`);--> statement-breakpoint
CREATE INDEX `usage_sessions_days` ON `usage_sessions` (`first_day`,`provider`);--> statement-breakpoint
CREATE INDEX `usage_sessions_span` ON `usage_sessions` (`first_day`,`last_day`) WHERE "usage_sessions"."first_day" < "usage_sessions"."last_day";--> statement-breakpoint
CREATE TABLE `usage_workspace_monthly` (
	`workspace_id` text NOT NULL,
	`month` integer NOT NULL,
	`model` text NOT NULL,
	`prompt_band` integer NOT NULL,
	`provider` text NOT NULL,
	`messages` integer NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	`cache_write_5m_tokens` integer NOT NULL,
	`cache_write_1h_tokens` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `month`, `model`, `prompt_band`, `provider`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Writers of a whole session (harvest) recompute its usage in one statement after writing its
-- messages (src/db/write.ts) instead of a rollup update per message: while the session is listed in
-- usage_rebuilds the per-message triggers skip it. They are 0010_usage_rollup's otherwise.
DROP TRIGGER `messages_usage_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_usage_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_usage_update_old`;
--> statement-breakpoint
DROP TRIGGER `messages_usage_update_new`;
--> statement-breakpoint
CREATE TRIGGER `messages_usage_insert` AFTER INSERT ON `messages`
WHEN (new.input_tokens IS NOT NULL OR new.output_tokens IS NOT NULL OR new.cache_read_tokens IS NOT NULL OR new.cache_write_5m_tokens IS NOT NULL OR new.cache_write_1h_tokens IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM usage_rebuilds WHERE session_pk = new.session_pk) BEGIN
  INSERT INTO usage_rollup (session_pk, day, untimed, model, prompt_band, provider, workspace_id, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  SELECT new.session_pk, coalesce(new.timestamp / 86400000, coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1)), new.timestamp IS NULL, coalesce(new.model, ''), (CASE WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END), s.provider, s.workspace_id, 1, coalesce(new.input_tokens, 0), coalesce(new.output_tokens, 0), coalesce(new.cache_read_tokens, 0), coalesce(new.cache_write_5m_tokens, 0), coalesce(new.cache_write_1h_tokens, 0)
  FROM sessions s WHERE s.pk = new.session_pk
  ON CONFLICT (session_pk, day, untimed, model, prompt_band) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_usage_delete` AFTER DELETE ON `messages`
WHEN (old.input_tokens IS NOT NULL OR old.output_tokens IS NOT NULL OR old.cache_read_tokens IS NOT NULL OR old.cache_write_5m_tokens IS NOT NULL OR old.cache_write_1h_tokens IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM usage_rebuilds WHERE session_pk = old.session_pk) BEGIN
  UPDATE usage_rollup SET
    messages = messages - 1,
    input_tokens = input_tokens - coalesce(old.input_tokens, 0),
    output_tokens = output_tokens - coalesce(old.output_tokens, 0),
    cache_read_tokens = cache_read_tokens - coalesce(old.cache_read_tokens, 0),
    cache_write_5m_tokens = cache_write_5m_tokens - coalesce(old.cache_write_5m_tokens, 0),
    cache_write_1h_tokens = cache_write_1h_tokens - coalesce(old.cache_write_1h_tokens, 0)
  WHERE session_pk = old.session_pk AND day = coalesce(old.timestamp / 86400000, (SELECT coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1) FROM sessions s WHERE s.pk = old.session_pk), -1) AND untimed = (old.timestamp IS NULL) AND model = coalesce(old.model, '') AND prompt_band = (CASE WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END);
  DELETE FROM usage_rollup WHERE session_pk = old.session_pk AND day = coalesce(old.timestamp / 86400000, (SELECT coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1) FROM sessions s WHERE s.pk = old.session_pk), -1) AND untimed = (old.timestamp IS NULL) AND model = coalesce(old.model, '') AND prompt_band = (CASE WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END) AND messages <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_usage_update_old` AFTER UPDATE OF session_pk, timestamp, model, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens ON `messages`
WHEN (old.input_tokens IS NOT NULL OR old.output_tokens IS NOT NULL OR old.cache_read_tokens IS NOT NULL OR old.cache_write_5m_tokens IS NOT NULL OR old.cache_write_1h_tokens IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM usage_rebuilds WHERE session_pk = old.session_pk) BEGIN
  UPDATE usage_rollup SET
    messages = messages - 1,
    input_tokens = input_tokens - coalesce(old.input_tokens, 0),
    output_tokens = output_tokens - coalesce(old.output_tokens, 0),
    cache_read_tokens = cache_read_tokens - coalesce(old.cache_read_tokens, 0),
    cache_write_5m_tokens = cache_write_5m_tokens - coalesce(old.cache_write_5m_tokens, 0),
    cache_write_1h_tokens = cache_write_1h_tokens - coalesce(old.cache_write_1h_tokens, 0)
  WHERE session_pk = old.session_pk AND day = coalesce(old.timestamp / 86400000, (SELECT coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1) FROM sessions s WHERE s.pk = old.session_pk), -1) AND untimed = (old.timestamp IS NULL) AND model = coalesce(old.model, '') AND prompt_band = (CASE WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END);
  DELETE FROM usage_rollup WHERE session_pk = old.session_pk AND day = coalesce(old.timestamp / 86400000, (SELECT coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1) FROM sessions s WHERE s.pk = old.session_pk), -1) AND untimed = (old.timestamp IS NULL) AND model = coalesce(old.model, '') AND prompt_band = (CASE WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(old.input_tokens, 0) + coalesce(old.cache_read_tokens, 0) + coalesce(old.cache_write_5m_tokens, 0) + coalesce(old.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END) AND messages <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_usage_update_new` AFTER UPDATE OF session_pk, timestamp, model, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens ON `messages`
WHEN (new.input_tokens IS NOT NULL OR new.output_tokens IS NOT NULL OR new.cache_read_tokens IS NOT NULL OR new.cache_write_5m_tokens IS NOT NULL OR new.cache_write_1h_tokens IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM usage_rebuilds WHERE session_pk = new.session_pk) BEGIN
  INSERT INTO usage_rollup (session_pk, day, untimed, model, prompt_band, provider, workspace_id, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  SELECT new.session_pk, coalesce(new.timestamp / 86400000, coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1)), new.timestamp IS NULL, coalesce(new.model, ''), (CASE WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(new.input_tokens, 0) + coalesce(new.cache_read_tokens, 0) + coalesce(new.cache_write_5m_tokens, 0) + coalesce(new.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END), s.provider, s.workspace_id, 1, coalesce(new.input_tokens, 0), coalesce(new.output_tokens, 0), coalesce(new.cache_read_tokens, 0), coalesce(new.cache_write_5m_tokens, 0), coalesce(new.cache_write_1h_tokens, 0)
  FROM sessions s WHERE s.pk = new.session_pk
  ON CONFLICT (session_pk, day, untimed, model, prompt_band) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
END;
--> statement-breakpoint
-- usage_rollup's triggers keep three tables: usage_daily (as before), usage_sessions and
-- usage_workspace_monthly, all in one trigger per kind of change, so the common change (one more
-- message in a row whose key stays) is one update of each.
DROP TRIGGER `usage_rollup_daily_insert`;
--> statement-breakpoint
DROP TRIGGER `usage_rollup_daily_same`;
--> statement-breakpoint
DROP TRIGGER `usage_rollup_daily_move`;
--> statement-breakpoint
DROP TRIGGER `usage_rollup_daily_delete`;
--> statement-breakpoint
CREATE TRIGGER `usage_rollup_insert` AFTER INSERT ON `usage_rollup` BEGIN
  INSERT INTO usage_daily (day, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  VALUES (new.day, new.model, new.prompt_band, new.provider, new.messages, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_5m_tokens, new.cache_write_1h_tokens)
  ON CONFLICT (day, model, prompt_band, provider) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
  INSERT INTO usage_sessions (session_pk, provider, workspace_id, first_day, last_day, tokens)
  VALUES (new.session_pk, new.provider, new.workspace_id, new.day, new.day, (new.input_tokens + new.output_tokens + new.cache_read_tokens + new.cache_write_5m_tokens + new.cache_write_1h_tokens))
  ON CONFLICT (session_pk) DO UPDATE SET
    provider = excluded.provider,
    workspace_id = excluded.workspace_id,
    first_day = min(first_day, excluded.first_day),
    last_day = max(last_day, excluded.last_day),
    tokens = tokens + excluded.tokens;
  INSERT INTO usage_workspace_monthly (workspace_id, month, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  VALUES (coalesce(new.workspace_id, ''), (CASE WHEN new.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', new.day * 86400, 'unixepoch') AS INTEGER) END), new.model, new.prompt_band, new.provider, new.messages, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_5m_tokens, new.cache_write_1h_tokens)
  ON CONFLICT (workspace_id, month, model, prompt_band, provider) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollup_same` AFTER UPDATE ON `usage_rollup`
WHEN new.day = old.day AND new.model = old.model AND new.prompt_band = old.prompt_band AND new.provider = old.provider AND new.workspace_id IS old.workspace_id BEGIN
  UPDATE usage_daily SET
    messages = messages + new.messages - old.messages,
    input_tokens = input_tokens + new.input_tokens - old.input_tokens,
    output_tokens = output_tokens + new.output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens + new.cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + new.cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + new.cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE day = new.day AND model = new.model AND prompt_band = new.prompt_band AND provider = new.provider;
  UPDATE usage_sessions SET tokens = tokens + (new.input_tokens + new.output_tokens + new.cache_read_tokens + new.cache_write_5m_tokens + new.cache_write_1h_tokens) - (old.input_tokens + old.output_tokens + old.cache_read_tokens + old.cache_write_5m_tokens + old.cache_write_1h_tokens) WHERE session_pk = new.session_pk;
  UPDATE usage_workspace_monthly SET
    messages = messages + new.messages - old.messages,
    input_tokens = input_tokens + new.input_tokens - old.input_tokens,
    output_tokens = output_tokens + new.output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens + new.cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + new.cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + new.cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE workspace_id = coalesce(new.workspace_id, '') AND month = (CASE WHEN new.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', new.day * 86400, 'unixepoch') AS INTEGER) END) AND model = new.model AND prompt_band = new.prompt_band AND provider = new.provider;
END;
--> statement-breakpoint
-- A row whose key moved (its session's workspace, provider or time changed) leaves its old groups
-- and joins its new ones; its session takes the new owner and days.
CREATE TRIGGER `usage_rollup_move` AFTER UPDATE ON `usage_rollup`
WHEN NOT (new.day = old.day AND new.model = old.model AND new.prompt_band = old.prompt_band AND new.provider = old.provider AND new.workspace_id IS old.workspace_id) BEGIN
  UPDATE usage_daily SET
    messages = messages - old.messages,
    input_tokens = input_tokens - old.input_tokens,
    output_tokens = output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider;
  DELETE FROM usage_daily WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider AND messages <= 0;
  INSERT INTO usage_daily (day, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  VALUES (new.day, new.model, new.prompt_band, new.provider, new.messages, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_5m_tokens, new.cache_write_1h_tokens)
  ON CONFLICT (day, model, prompt_band, provider) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
  UPDATE usage_sessions SET
    provider = new.provider,
    workspace_id = new.workspace_id,
    tokens = tokens + (new.input_tokens + new.output_tokens + new.cache_read_tokens + new.cache_write_5m_tokens + new.cache_write_1h_tokens) - (old.input_tokens + old.output_tokens + old.cache_read_tokens + old.cache_write_5m_tokens + old.cache_write_1h_tokens)
  WHERE session_pk = new.session_pk;
  UPDATE usage_sessions SET
    first_day = (SELECT min(day) FROM usage_rollup WHERE session_pk = new.session_pk),
    last_day = (SELECT max(day) FROM usage_rollup WHERE session_pk = new.session_pk)
  WHERE session_pk = new.session_pk AND new.day <> old.day;
  UPDATE usage_workspace_monthly SET
    messages = messages - old.messages,
    input_tokens = input_tokens - old.input_tokens,
    output_tokens = output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE workspace_id = coalesce(old.workspace_id, '') AND month = (CASE WHEN old.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', old.day * 86400, 'unixepoch') AS INTEGER) END) AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider;
  DELETE FROM usage_workspace_monthly WHERE workspace_id = coalesce(old.workspace_id, '') AND month = (CASE WHEN old.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', old.day * 86400, 'unixepoch') AS INTEGER) END) AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider AND messages <= 0;
  INSERT INTO usage_workspace_monthly (workspace_id, month, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  VALUES (coalesce(new.workspace_id, ''), (CASE WHEN new.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', new.day * 86400, 'unixepoch') AS INTEGER) END), new.model, new.prompt_band, new.provider, new.messages, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_5m_tokens, new.cache_write_1h_tokens)
  ON CONFLICT (workspace_id, month, model, prompt_band, provider) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
END;
--> statement-breakpoint
-- A session leaves usage_sessions with its last rollup row; until then its days are recomputed.
CREATE TRIGGER `usage_rollup_delete` AFTER DELETE ON `usage_rollup` BEGIN
  UPDATE usage_daily SET
    messages = messages - old.messages,
    input_tokens = input_tokens - old.input_tokens,
    output_tokens = output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider;
  DELETE FROM usage_daily WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider AND messages <= 0;
  DELETE FROM usage_sessions WHERE session_pk = old.session_pk AND NOT EXISTS (SELECT 1 FROM usage_rollup WHERE session_pk = old.session_pk);
  UPDATE usage_sessions SET
    first_day = (SELECT min(day) FROM usage_rollup WHERE session_pk = old.session_pk),
    last_day = (SELECT max(day) FROM usage_rollup WHERE session_pk = old.session_pk),
    tokens = tokens - (old.input_tokens + old.output_tokens + old.cache_read_tokens + old.cache_write_5m_tokens + old.cache_write_1h_tokens)
  WHERE session_pk = old.session_pk;
  UPDATE usage_workspace_monthly SET
    messages = messages - old.messages,
    input_tokens = input_tokens - old.input_tokens,
    output_tokens = output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE workspace_id = coalesce(old.workspace_id, '') AND month = (CASE WHEN old.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', old.day * 86400, 'unixepoch') AS INTEGER) END) AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider;
  DELETE FROM usage_workspace_monthly WHERE workspace_id = coalesce(old.workspace_id, '') AND month = (CASE WHEN old.day < 0 THEN -1 ELSE CAST(strftime('%Y%m', old.day * 86400, 'unixepoch') AS INTEGER) END) AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider AND messages <= 0;
END;
--> statement-breakpoint
INSERT INTO usage_sessions (session_pk, provider, workspace_id, first_day, last_day, tokens)
SELECT session_pk, provider, workspace_id, min(day), max(day), sum(input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens)
FROM usage_rollup GROUP BY session_pk;
--> statement-breakpoint
INSERT INTO usage_workspace_monthly (workspace_id, month, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
SELECT coalesce(workspace_id, ''), (CASE WHEN day < 0 THEN -1 ELSE CAST(strftime('%Y%m', day * 86400, 'unixepoch') AS INTEGER) END), model, prompt_band, provider, sum(messages), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens)
FROM usage_rollup GROUP BY 1, 2, 3, 4, 5;
