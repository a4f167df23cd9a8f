import { Type } from '@sinclair/typebox'
import { checkQueryShape, searchSessions, SearchResult, SearchSort } from '../../search'
import { ChasmError } from '../../shared/errors'
import { redactSnippet } from '../snippets'
import { messageContent } from '../store'
import { defineTool } from './tool'

const Match = Type.Composite([
  Type.Omit(SearchResult.properties.matches.items, ['snippet']),
  Type.Object({ snippet: Type.String({ description: 'plain text around the hits, hits in **bold**, secrets redacted' }) }),
])

const SearchHit = Type.Composite([Type.Omit(SearchResult, ['matches']), Type.Object({ matches: Type.Array(Match) })])

/** `search_sessions`: full-text search over every harvested and recorded conversation. */
export const searchSessionsTool = defineTool({
  name: 'search_sessions',
  title: 'Search chat history',
  description:
    'Full-text search (BM25) over every conversation the user had with an AI coding assistant (Copilot, Claude Code, ' +
    'Cursor, Codex, Gemini CLI, …), one result per session, best first (sort "recent": newest last matching message first), ' +
    'with up to 3 matching snippets each. ' +
    'Query syntax: words (all must match, any order, word forms match), "exact phrase", prefix*. ' +
    'Open a result with get_session using its sessionId.',
  input: Type.Object(
    {
      query: Type.String({ minLength: 1, maxLength: 1000, description: 'words, "exact phrase" or prefix*; case- and accent-insensitive' }),
      provider: Type.Optional(Type.String({ minLength: 1, description: 'only this assistant, e.g. copilot, claude-code, cursor, codex, gemini-cli' })),
      workspace: Type.Optional(Type.String({ minLength: 1, description: 'only this workspace id (from list_workspaces)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'sessions to return (1..50, default 10)' })),
      sort: Type.Optional(SearchSort),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ results: Type.Array(SearchHit) }),
  run({ sqlite }, { query, provider, workspace, limit, sort }) {
    if (query.trim() === '') throw new ChasmError('BAD_REQUEST', "Invalid argument 'query': must not be blank")
    checkQueryShape(query, "argument 'query'")
    const results = searchSessions(sqlite, query, { limit: limit ?? 10, provider, workspace, sort })
    return {
      results: results.map((result) => ({
        ...result,
        matches: result.matches.map((match) => ({
          ...match,
          snippet: redactSnippet(match.snippet, messageContent(sqlite, result.sessionId, match.messageId)),
        })),
      })),
    }
  },
})
