ALTER TABLE `harvest_runs` ADD `pid` integer;--> statement-breakpoint
ALTER TABLE `swarm_runs` ADD `pid` integer;