CREATE TABLE `usage_daily` (
	`day` integer NOT NULL,
	`model` text NOT NULL,
	`prompt_band` integer NOT NULL,
	`provider` text NOT NULL,
	`messages` integer NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	`cache_write_5m_tokens` integer NOT NULL,
	`cache_write_1h_tokens` integer NOT NULL,
	PRIMARY KEY(`day`, `model`, `prompt_band`, `provider`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `usage_rollup` (
	`session_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`untimed` integer NOT NULL,
	`model` text NOT NULL,
	`prompt_band` integer NOT NULL,
	`provider` text NOT NULL,
	`workspace_id` text,
	`messages` integer NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	`cache_write_5m_tokens` integer NOT NULL,
	`cache_write_1h_tokens` integer NOT NULL,
	PRIMARY KEY(`session_pk`, `day`, `untimed`, `model`, `prompt_band`),
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_rollup_day` ON `usage_rollup` (`day`,`provider`,`session_pk`);--> statement-breakpoint
CREATE INDEX `usage_rollup_model` ON `usage_rollup` (`model`,`provider`,`session_pk`,`day`);--> statement-breakpoint
CREATE INDEX `usage_rollup_provider` ON `usage_rollup` (`provider`,`session_pk`,`day`);--> statement-breakpoint
CREATE INDEX `usage_rollup_workspace` ON `usage_rollup` (`workspace_id`,`provider`,`session_pk`,`day`);
--> statement-breakpoint
-- usage_daily follows usage_rollup: each change of a rollup row moves its sums between days, models,
-- bands and providers. A change that keeps the key (the common case: one more message) is one update.
CREATE TRIGGER `usage_rollup_daily_insert` AFTER INSERT ON `usage_rollup` BEGIN
  INSERT INTO usage_daily (day, model, prompt_band, provider, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
  VALUES (new.day, new.model, new.prompt_band, new.provider, new.messages, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_5m_tokens, new.cache_write_1h_tokens)
  ON CONFLICT (day, model, prompt_band, provider) DO UPDATE SET
    messages = messages + excluded.messages,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollup_daily_same` AFTER UPDATE ON `usage_rollup`
WHEN new.day = old.day AND new.model = old.model AND new.prompt_band = old.prompt_band AND new.provider = old.provider BEGIN
  UPDATE usage_daily SET
    messages = messages + new.messages - old.messages,
    input_tokens = input_tokens + new.input_tokens - old.input_tokens,
    output_tokens = output_tokens + new.output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens + new.cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens + new.cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + new.cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE day = new.day AND model = new.model AND prompt_band = new.prompt_band AND provider = new.provider;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollup_daily_move` AFTER UPDATE ON `usage_rollup`
WHEN NOT (new.day = old.day AND new.model = old.model AND new.prompt_band = old.prompt_band AND new.provider = old.provider) BEGIN
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
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollup_daily_delete` AFTER DELETE ON `usage_rollup` BEGIN
  UPDATE usage_daily SET
    messages = messages - old.messages,
    input_tokens = input_tokens - old.input_tokens,
    output_tokens = output_tokens - old.output_tokens,
    cache_read_tokens = cache_read_tokens - old.cache_read_tokens,
    cache_write_5m_tokens = cache_write_5m_tokens - old.cache_write_5m_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens - old.cache_write_1h_tokens
  WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider;
  DELETE FROM usage_daily WHERE day = old.day AND model = old.model AND prompt_band = old.prompt_band AND provider = old.provider AND messages <= 0;
END;
--> statement-breakpoint
-- Every writer of messages (harvest, recording, agency, staging) goes through these triggers, so the
-- rollup cannot drift from the messages it sums. Only messages that record usage touch it. A message
-- without a time counts on its session's day (untimed = 1), which sessions_usage_day keeps current.
CREATE TRIGGER `messages_usage_insert` AFTER INSERT ON `messages`
WHEN (new.input_tokens IS NOT NULL OR new.output_tokens IS NOT NULL OR new.cache_read_tokens IS NOT NULL OR new.cache_write_5m_tokens IS NOT NULL OR new.cache_write_1h_tokens IS NOT NULL) BEGIN
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
WHEN (old.input_tokens IS NOT NULL OR old.output_tokens IS NOT NULL OR old.cache_read_tokens IS NOT NULL OR old.cache_write_5m_tokens IS NOT NULL OR old.cache_write_1h_tokens IS NOT NULL) BEGIN
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
-- An update is the old message leaving the rollup and the new one entering it: two triggers, so each
-- side applies only when that side records usage.
CREATE TRIGGER `messages_usage_update_old` AFTER UPDATE OF session_pk, timestamp, model, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens ON `messages`
WHEN (old.input_tokens IS NOT NULL OR old.output_tokens IS NOT NULL OR old.cache_read_tokens IS NOT NULL OR old.cache_write_5m_tokens IS NOT NULL OR old.cache_write_1h_tokens IS NOT NULL) BEGIN
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
WHEN (new.input_tokens IS NOT NULL OR new.output_tokens IS NOT NULL OR new.cache_read_tokens IS NOT NULL OR new.cache_write_5m_tokens IS NOT NULL OR new.cache_write_1h_tokens IS NOT NULL) BEGIN
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
CREATE TRIGGER `sessions_usage_owner` AFTER UPDATE OF provider, workspace_id ON `sessions`
WHEN new.provider IS NOT old.provider OR new.workspace_id IS NOT old.workspace_id BEGIN
  UPDATE usage_rollup SET provider = new.provider, workspace_id = new.workspace_id WHERE session_pk = new.pk;
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_usage_day` AFTER UPDATE OF created_at, updated_at ON `sessions`
WHEN coalesce(coalesce(new.created_at, new.updated_at) / 86400000, -1) IS NOT coalesce(coalesce(old.created_at, old.updated_at) / 86400000, -1) BEGIN
  UPDATE usage_rollup SET day = coalesce(coalesce(new.created_at, new.updated_at) / 86400000, -1) WHERE session_pk = new.pk AND untimed = 1;
END;
--> statement-breakpoint
INSERT INTO usage_rollup (session_pk, day, untimed, model, prompt_band, provider, workspace_id, messages, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
SELECT m.session_pk, coalesce(m.timestamp / 86400000, coalesce(coalesce(s.created_at, s.updated_at) / 86400000, -1)), m.timestamp IS NULL, coalesce(m.model, ''), (CASE WHEN (coalesce(m.input_tokens, 0) + coalesce(m.cache_read_tokens, 0) + coalesce(m.cache_write_5m_tokens, 0) + coalesce(m.cache_write_1h_tokens, 0)) > 272000 THEN 3 WHEN (coalesce(m.input_tokens, 0) + coalesce(m.cache_read_tokens, 0) + coalesce(m.cache_write_5m_tokens, 0) + coalesce(m.cache_write_1h_tokens, 0)) > 200000 THEN 2 WHEN (coalesce(m.input_tokens, 0) + coalesce(m.cache_read_tokens, 0) + coalesce(m.cache_write_5m_tokens, 0) + coalesce(m.cache_write_1h_tokens, 0)) > 100000 THEN 1 ELSE 0 END), s.provider, s.workspace_id, count(*), sum(coalesce(m.input_tokens, 0)), sum(coalesce(m.output_tokens, 0)), sum(coalesce(m.cache_read_tokens, 0)), sum(coalesce(m.cache_write_5m_tokens, 0)), sum(coalesce(m.cache_write_1h_tokens, 0))
FROM messages m JOIN sessions s ON s.pk = m.session_pk
WHERE (m.input_tokens IS NOT NULL OR m.output_tokens IS NOT NULL OR m.cache_read_tokens IS NOT NULL OR m.cache_write_5m_tokens IS NOT NULL OR m.cache_write_1h_tokens IS NOT NULL)
GROUP BY 1, 2, 3, 4, 5;
