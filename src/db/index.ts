export { openDatabase, databaseProbe, FILE_REPLACED, type ChasmDb } from './open'
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
  MESSAGE_INSERT_COLUMNS,
  messageValues,
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
export { isFullTextDeferred, deferFullText, indexDeferred, messageHighWater, type IndexProgress } from './fulltext'
export { openWriteGate, announcedWrite, backgroundGate, type WriteGate } from './write-gate'
export { MESSAGE_ROLES, MESSAGE_STATES, SESSION_ORIGINS } from './enums'
export { acquireServerLock, serverLockPath, type ServerLock } from './server-lock'
