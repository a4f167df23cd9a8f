ALTER TABLE `messages` ADD `state` text DEFAULT 'complete' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `error` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `hidden` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `input_tokens` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `output_tokens` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `cache_read_tokens` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `cache_write_5m_tokens` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `cache_write_1h_tokens` integer;