/** The Claude Code fixture session (test/fixtures/claude-code/home) that live tests append to, and its transcript. */
export const CLAUDE_SESSION = '9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f'
export const CLAUDE_TRANSCRIPT = `.claude/projects/-home-dev-projects-todo-api/${CLAUDE_SESSION}.jsonl`

/** One transcript line as Claude Code writes it, timed now; `record` gives its type and message and overrides the rest. */
export const claudeLine = (session: string, uuid: string, record: Record<string, unknown>) =>
  `${JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/projects/todo-api', sessionId: session, version: '2.1.40', uuid, timestamp: new Date().toISOString(), ...record })}\n`

/** A user's prompt as a transcript line; `extra` overrides fields (e.g. a fixed `timestamp`). */
export const claudeUser = (session: string, uuid: string, text: string, extra: Record<string, unknown> = {}) =>
  claudeLine(session, uuid, { type: 'user', message: { role: 'user', content: text }, ...extra })
