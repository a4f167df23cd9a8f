export { openDatabase, databaseProbe, type ChasmDb } from './open'
export { migrate } from './migrate'
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
  type SessionInput,
  type MessageInput,
  type ToolInvocationInput,
  type WorkspaceInput,
} from './write'
export * from './queries/page'
export * from './queries/sessions'
export * from './queries/workspaces'
export * from './queries/stats'
