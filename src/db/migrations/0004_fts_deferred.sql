-- A large first harvest indexes faster by rebuilding the full-text index once at the end than by
-- updating it row by row (≈3×). While the `meta` row 'fts_deferred' exists the triggers stand aside;
-- the harvest then rebuilds both indexes and deletes the row. A harvest interrupted meanwhile leaves
-- the row in place and the next harvest rebuilds, so the index can lag but never diverge.
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
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_insert` AFTER INSERT ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.title, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_delete` AFTER DELETE ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.title, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_update` AFTER UPDATE OF title ON `sessions`
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.title, ''));
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.title, ''));
END;
