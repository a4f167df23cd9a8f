CREATE TABLE `harvest_runs` (
	`pk` integer PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`status` text NOT NULL,
	`summary` text,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `harvest_sources` (
	`key` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`path` text NOT NULL,
	`fingerprint` text NOT NULL,
	`session_ids` text DEFAULT '[]' NOT NULL,
	`problems` text DEFAULT '[]' NOT NULL,
	`harvested_at` integer NOT NULL,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `harvest_sources_provider` ON `harvest_sources` (`provider`);--> statement-breakpoint
CREATE TABLE `messages` (
	`pk` integer PRIMARY KEY NOT NULL,
	`session_pk` integer NOT NULL,
	`idx` integer NOT NULL,
	`message_id` text NOT NULL,
	`role` text NOT NULL,
	`content` text DEFAULT '' NOT NULL,
	`timestamp` integer,
	`model` text,
	`metadata` text,
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_session_idx` ON `messages` (`session_pk`,`idx`);--> statement-breakpoint
CREATE INDEX `messages_session_message` ON `messages` (`session_pk`,`message_id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`pk` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`workspace_id` text,
	`provider` text NOT NULL,
	`title` text,
	`model` text,
	`message_count` integer DEFAULT 0 NOT NULL,
	`tool_invocation_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer,
	`updated_at` integer,
	`origin` text NOT NULL,
	`source_path` text,
	`on_disk` integer DEFAULT true NOT NULL,
	`incomplete` integer DEFAULT false NOT NULL,
	`metadata` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_id` ON `sessions` (`id`);--> statement-breakpoint
CREATE INDEX `sessions_updated` ON `sessions` (`updated_at`,`pk`);--> statement-breakpoint
CREATE INDEX `sessions_workspace` ON `sessions` (`workspace_id`,`updated_at`,`pk`);--> statement-breakpoint
CREATE INDEX `sessions_provider` ON `sessions` (`provider`,`updated_at`,`pk`);--> statement-breakpoint
CREATE TABLE `tool_invocations` (
	`pk` integer PRIMARY KEY NOT NULL,
	`session_pk` integer NOT NULL,
	`message_pk` integer NOT NULL,
	`idx` integer NOT NULL,
	`call_id` text NOT NULL,
	`name` text NOT NULL,
	`input` text,
	`output` text,
	`status` text,
	FOREIGN KEY (`session_pk`) REFERENCES `sessions`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_pk`) REFERENCES `messages`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tool_invocations_message` ON `tool_invocations` (`message_pk`,`idx`);--> statement-breakpoint
CREATE INDEX `tool_invocations_session_call` ON `tool_invocations` (`session_pk`,`call_id`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`name` text NOT NULL,
	`path` text,
	`session_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE INDEX `workspaces_updated` ON `workspaces` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `workspaces_provider` ON `workspaces` (`provider`,`updated_at`);