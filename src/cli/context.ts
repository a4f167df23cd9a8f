import type { BaseContext } from 'clipanion'
import type { RuntimeEnv } from '../shared/paths'

/** What every command gets besides argv: streams, the environment, and whether stdout is a terminal. */
export interface ChasmContext extends BaseContext {
  runtime: RuntimeEnv
  /** True when stdout is a terminal: colours, progress bars and tables for people. */
  isTTY: boolean
  /** The terminal's width when stdout is one; tables fit `COLUMNS`, else this, else 80. */
  columns?: number
  /** Resolves when a long-running command (a server, `watch`) should stop; by default on SIGINT or SIGTERM. */
  shutdown?: () => Promise<string>
}
