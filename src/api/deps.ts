import type { Agency } from '../agency'
import type { ChasmDb } from '../db'
import type { HarvestScheduler } from '../harvest'
import type { Recorder } from '../recording'
import type { PriceTable } from '../usage'
import type { Logger } from '../shared/log'
import type { Clock } from '../shared/time'
import type { PeerAddress, SecurityConfig } from './security'

/** Everything the HTTP app needs, built once by the caller (server or test) and passed in. */
export interface AppDeps {
  chasm: ChasmDb
  version: string
  clock: Clock
  log: Logger
  /** When the server started (epoch ms), for uptime. */
  startedAt: number
  security: SecurityConfig
  peerAddress: PeerAddress
  /** The port the server listens on, for its own origins (read once, after listening). */
  ownPort: () => number
  harvest: HarvestScheduler
  recorder: Recorder
  agency: Agency
  /** The price table of `/api/usage` (`--prices FILE`); the embedded one when absent. */
  prices?: PriceTable
}
