-- Full-text index over message text and session titles (porter stemming, accent-insensitive).
-- External-content tables: the text lives once, in messages/sessions; triggers keep the index in sync.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(content, content='messages', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.pk, new.content);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `sessions_fts` USING fts5(title, content='sessions', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_insert` AFTER INSERT ON `sessions` BEGIN
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.title, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_delete` AFTER DELETE ON `sessions` BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.title, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_fts_update` AFTER UPDATE OF title ON `sessions` BEGIN
  INSERT INTO sessions_fts(sessions_fts, rowid, title) VALUES ('delete', old.pk, coalesce(old.title, ''));
  INSERT INTO sessions_fts(rowid, title) VALUES (new.pk, coalesce(new.title, ''));
END;
--> statement-breakpoint
-- Per-term document counts, used to plan queries for very common terms.
CREATE VIRTUAL TABLE `messages_fts_vocab` USING fts5vocab(messages_fts, row);
