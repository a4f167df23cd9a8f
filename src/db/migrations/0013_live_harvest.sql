ALTER TABLE `harvest_sources` ADD `read_offset` integer;--> statement-breakpoint
ALTER TABLE `harvest_sources` ADD `head_hash` text;--> statement-breakpoint
ALTER TABLE `harvest_sources` ADD `resume_state` text;
--> statement-breakpoint
-- The full-text index is built in slices after a bulk harvest (src/db/fulltext.ts): the `meta` rows
-- 'fts_deferred' (messages) and 'fts_deferred_sessions' (titles) hold a high-water pk. Rows up to it
-- are indexed and kept in sync by the triggers; rows above it wait for the next slice. A value that
-- is not a number counts as 0: nothing indexed. The indexed text is the views' (migration 0012_search):
-- the segmented form where one exists, and the end token.
DROP TRIGGER `messages_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;
--> statement-breakpoint
DROP TRIGGER `sessions_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `sessions_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `sessions_fts_update`;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred' AND CAST(value AS INTEGER) < new.pk) BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, coalesce(new.search_text, new.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred' AND CAST(value AS INTEGER) < old.pk) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, coalesce(old.search_text, old.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content, search_text ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred' AND CAST(value AS INTEGER) < old.pk) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, coalesce(old.search_text, old.content) || ' ' || char(1114109));
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, coalesce(new.search_text, new.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_insert` AFTER INSERT ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred_sessions' AND CAST(value AS INTEGER) < new.pk) BEGIN
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.search_title, new.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_delete` AFTER DELETE ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred_sessions' AND CAST(value AS INTEGER) < old.pk) BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.search_title, old.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_update` AFTER UPDATE OF title, search_title ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred_sessions' AND CAST(value AS INTEGER) < old.pk) BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.search_title, old.title, '') || ' ' || char(1114109));
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.search_title, new.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
-- A bulk harvest interrupted before this version left both indexes stale without a high-water pk:
-- they are emptied and the next harvest builds them again, slice by slice.
INSERT INTO messages_fts(messages_fts) SELECT 'delete-all' WHERE EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred');
--> statement-breakpoint
INSERT INTO sessions_fts(sessions_fts) SELECT 'delete-all' WHERE EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred');
--> statement-breakpoint
INSERT OR REPLACE INTO meta (key, value) SELECT 'fts_deferred_sessions', '0' WHERE EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred');
--> statement-breakpoint
UPDATE meta SET value = '0' WHERE key = 'fts_deferred';
