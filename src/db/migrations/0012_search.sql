ALTER TABLE `messages` ADD `search_text` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `search_title` text;
--> statement-breakpoint
-- The full-text indexes read their text through views: a segmented form where one exists (Chinese,
-- Japanese, Thai… split into words), followed by an end token whose position gives each row's length
-- to the ranking (src/db/search-text.ts, docs/search.md). The triggers repeat the views' expression:
-- FTS5's 'delete' needs the exact text that was indexed.
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
DROP TABLE `messages_fts_vocab`;
--> statement-breakpoint
DROP TABLE `messages_fts`;
--> statement-breakpoint
DROP TABLE `sessions_fts`;
--> statement-breakpoint
CREATE VIEW `messages_search` AS SELECT pk, coalesce(search_text, content) || ' ' || char(1114109) AS content FROM messages;
--> statement-breakpoint
CREATE VIEW `sessions_search` AS SELECT pk, coalesce(search_title, title, '') || ' ' || char(1114109) AS title FROM sessions;
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(content, content='messages_search', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `sessions_fts` USING fts5(title, content='sessions_search', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, coalesce(new.search_text, new.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, coalesce(old.search_text, old.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content, search_text ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, coalesce(old.search_text, old.content) || ' ' || char(1114109));
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, coalesce(new.search_text, new.content) || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_insert` AFTER INSERT ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.search_title, new.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_delete` AFTER DELETE ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.search_title, old.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_update` AFTER UPDATE OF title, search_title ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.search_title, old.title, '') || ' ' || char(1114109));
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.search_title, new.title, '') || ' ' || char(1114109));
END;
--> statement-breakpoint
-- Existing rows are indexed again, now with their end tokens; rows in scripts that need splitting get
-- their segmented form from the next harvest (src/harvest/bulk-indexing.ts), which also re-indexes them.
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO sessions_fts(sessions_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT OR IGNORE INTO meta (key, value) SELECT 'search_text_backfill', 'migration' WHERE EXISTS (SELECT 1 FROM messages) OR EXISTS (SELECT 1 FROM sessions);
