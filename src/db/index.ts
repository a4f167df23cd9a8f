export { openDatabase, databaseProbe, FILE_REPLACED, BUSY_TIMEOUT_MS, type ChasmDb } from './open'
export { migrate } from './migrate'
export { storageProblem } from './storage-errors'
export { startBackgroundCheckpoints, leaveCheckpointsToBackground, finishCheckpoint, checkpointReporter, CHECKPOINT_INTERVAL_MS, type Checkpointer } from './checkpoint'
export {
  replaceSession,
  replaceSessions,
  continueSession,
  hasStoredCall,
  type StoredToolResult,
  type ReplacedMessage,
  workspaceIdFor,
  defaultMessageId,
  wellFormed,
  createStage,
  stageMessages,
  updateStagedTool,
  discardStage,
  type Stage,
  upsertWorkspace,
  refreshWorkspace,
  sessionWriter,
  markSessionsGone,
  defaultToolCallId,
  type SessionWriter,
  type SessionChange,
  type SessionInput,
  type MessageInput,
  type ToolInvocationInput,
  type WorkspaceInput,
} from './write'
export * from './queries/page'
export * from './queries/sessions'
export * from './queries/workspaces'
export * from './queries/stats'
export { sessionTitle, storedPromptTitle } from './title'
export * from './queries/usage'
export { isFullTextDeferred, deferFullText, indexDeferred, messageHighWater, backfillSearchText, type IndexProgress } from './fulltext'
export { openWriteGate, announcedWrite, backgroundGate, type WriteGate } from './write-gate'
export { searchTextFor, WORD_BREAK, END_TOKEN } from './search-text'
export {
  AGENT_ROLES,
  HARVEST_RUN_STATUSES,
  literalUnion,
  MESSAGE_ROLES,
  MESSAGE_STATES,
  MODEL_PROVIDERS,
  RECORDING_STATUSES,
  RUN_STATUSES,
  SESSION_ORIGINS,
  STEP_KINDS,
  STEP_STATUSES,
  SWARM_STATUSES,
} from './enums'
export { IsoTime, Nullable } from './shapes'
export { columnList, type Joined, type StoredRow } from './rows'
export type {
  AgentRow,
  HarvestRunRow,
  HarvestSourceRow,
  MessageRow,
  RecordingEventRow,
  RecordingSessionRow,
  RunStepRow,
  SessionRow,
  SwarmRow,
  SwarmRunRow,
  SwarmWorkerRow,
  ToolInvocationRow,
  WorkspaceRow,
} from './schema'
export { acquireServerLock, serverLockPath, type ServerLock } from './server-lock'
