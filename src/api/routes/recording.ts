import { Type, type TSchema } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { PAGE_SIZES, SessionSummary } from '../../db'
import {
  ApplyResult,
  RecordedSessionDetail,
  RecordingEventsBody,
  RecordingSession,
  RecordingStateFilter,
  RecordingStatus,
  RecoveryEntry,
  SnapshotBody,
} from '../../recording'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, ErrorBody, Ok, ok, Paged, paged } from '../envelope'
import { pageOf, PageParams, QueryObject } from './query'

/**
 * The recorder validates event bodies itself (one path for REST and WebSocket, errors naming the exact
 * event and field), so these bodies are documented here rather than checked by Elysia.
 */
const jsonBody = (schema: TSchema, description: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
})

const ListQuery = QueryObject({
  status: Type.Optional(RecordingStateFilter),
  ...PageParams(PAGE_SIZES.recordedSessions),
})

const WRITE_ERRORS = { ...COMMON_ERRORS, 409: ErrorBody }

/** `/api/recording`: record events and snapshots, list and recover recorded sessions. */
export const recordingRoutes = ({ recorder }: AppDeps) =>
  new Elysia({ name: 'routes-recording', prefix: '/api/recording', detail: { tags: ['Recording'] } })
    .post('/events', async ({ body }) => ok(await recorder.submit(body)), {
      response: { 200: Ok(ApplyResult), ...WRITE_ERRORS },
      detail: {
        summary: 'Record events (acknowledged after commit)',
        description:
          'One event, or {"events": [...]} with up to 1000, applied in order in one transaction: all or nothing. ' +
          'An unknown session_id starts a session. An event_id already recorded in its session is acknowledged as "duplicate" and not applied again.',
        requestBody: jsonBody(RecordingEventsBody, 'a recording event or a batch'),
      },
    })
    .post('/snapshot', ({ body }) => ok(recorder.snapshot(body)), {
      response: { 200: Ok(SessionSummary), ...WRITE_ERRORS },
      detail: {
        summary: 'Store a complete session, replacing its messages',
        requestBody: jsonBody(SnapshotBody, 'the whole session'),
      },
    })
    .get(
      '/sessions',
      ({ query }) => paged(recorder.listSessions({ status: query.status, ...pageOf(query, PAGE_SIZES.recordedSessions) })),
      {
        query: ListQuery,
        response: { 200: Paged(RecordingSession), ...COMMON_ERRORS },
        detail: { summary: 'Recorded sessions, latest activity first (default: those not ended; status=all for every one)' },
      },
    )
    .get('/sessions/:id', ({ params }) => ok(recorder.getSession(params.id)), {
      params: Type.Object({ id: Type.String() }),
      response: { 200: Ok(RecordedSessionDetail), ...COMMON_ERRORS },
      detail: { summary: 'A recorded session with its messages and recording status' },
    })
    .get('/recovery', () => ok(recorder.recovery()), {
      response: { 200: Ok(Type.Array(RecoveryEntry)), ...COMMON_ERRORS },
      detail: { summary: 'Sessions interrupted by a crash or restart, with where to resume them' },
    })
    .get('/status', () => ok(recorder.status()), {
      response: { 200: Ok(RecordingStatus), ...COMMON_ERRORS },
      detail: { summary: 'Recording service health and counters' },
    })
