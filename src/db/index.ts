export { openDatabase, databaseProbe, FILE_REPLACED, type ChasmDb } from './open'
export { migrate } from './migrate'
export { storageProblem } from './storage-errors'
export { startBackgroundCheckpoints, checkpointReporter, CHECKPOINT_INTERVAL_MS, type Checkpointer } from './checkpoint'
export {
  replaceSession,
  replaceSessions,
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
  MESSAGE_VALUE_SLOTS,
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
export { isFullTextDeferred, deferFullText, rebuildFullText, messageHighWater, backfillSearchText } from './fulltext'
export { searchTextFor, WORD_BREAK, END_TOKEN } from './search-text'
export { MESSAGE_ROLES, MESSAGE_STATES, SESSION_ORIGINS } from './enums'
export { acquireServerLock, serverLockPath, type ServerLock } from './server-lock'
