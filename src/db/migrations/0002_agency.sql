CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`instruction` text NOT NULL,
	`role` text NOT NULL,
	`model` text NOT NULL,
	`provider` text NOT NULL,
	`temperature` real NOT NULL,
	`max_tokens` integer,
	`tools` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_name` ON `agents` (`name`);--> statement-breakpoint
CREATE TABLE `run_steps` (
	`run_id` text NOT NULL,
	`idx` integer NOT NULL,
	`agent` text NOT NULL,
	`kind` text NOT NULL,
	`input` text,
	`output` text,
	`input_tokens` integer,
	`output_tokens` integer,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	PRIMARY KEY(`run_id`, `idx`),
	FOREIGN KEY (`run_id`) REFERENCES `swarm_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `swarm_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`swarm_id` text NOT NULL,
	`status` text NOT NULL,
	`prompt` text NOT NULL,
	`workspace` text NOT NULL,
	`result` text,
	`error` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`swarm_id`) REFERENCES `swarms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `swarm_runs_swarm` ON `swarm_runs` (`swarm_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `swarm_runs_status` ON `swarm_runs` (`status`);--> statement-breakpoint
CREATE TABLE `swarm_workers` (
	`swarm_id` text NOT NULL,
	`idx` integer NOT NULL,
	`agent_id` text NOT NULL,
	PRIMARY KEY(`swarm_id`, `idx`),
	FOREIGN KEY (`swarm_id`) REFERENCES `swarms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `swarm_workers_agent` ON `swarm_workers` (`swarm_id`,`agent_id`);--> statement-breakpoint
CREATE INDEX `swarm_workers_by_agent` ON `swarm_workers` (`agent_id`);--> statement-breakpoint
CREATE TABLE `swarms` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`coordinator_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`coordinator_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `swarms_name` ON `swarms` (`name`);--> statement-breakpoint
CREATE INDEX `swarms_coordinator` ON `swarms` (`coordinator_id`);