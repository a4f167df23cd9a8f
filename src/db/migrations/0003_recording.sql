CREATE TABLE `recording_events` (
	`session_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`event_id` text,
	`event_type` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`session_pk`, `seq`),
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recording_events_event_id` ON `recording_events` (`session_pk`,`event_id`);--> statement-breakpoint
CREATE TABLE `recording_sessions` (
	`session_pk` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_activity` integer NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`last_event_id` text,
	`last_message_id` text,
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recording_sessions_status` ON `recording_sessions` (`status`,`last_activity`);