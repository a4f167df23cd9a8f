import { toEpochMs } from '../../../shared/time'
import type { MessageInput, MessageState, MessageUsage } from '../../provider'
import { attachmentsOf, fileDecisionsOf, modeOf, participantOf } from './context'
import { foldParts, responseParts, splitAtUndoStop, type FoldedResponse } from './response'
import { toolCallData } from './tools'
import { compact, isRecord, numberOf, recordOf, stringOf, textOf, type JsonRecord } from './values'

// `modelState.value` (ResponseModelState in `chatService.ts`): Pending, Complete, Cancelled, Failed,
// NeedsInput. A response still pending or waiting for the user when VS Code stopped is restored as
// cancelled (`ChatModel._deserializeRequest`), so it is one here too.
const RESPONSE_STATES: readonly MessageState[] = ['cancelled', 'complete', 'cancelled', 'failed', 'cancelled']

// `vote` (ChatAgentVoteDirection in `chatService.ts`).
const VOTES: Record<number, string> = { 0: 'down', 1: 'up' }

/** Why VS Code leaves a message out of the transcript (kept in chasm with `hidden: true`). */
type HiddenReason = 'undone' | 'hidden-from-transcript'

/**
 * Which rows of a turn VS Code's chat view leaves out (`ChatViewModel.getItems` and the transcript
 * flags of `ChatRequestModel`): an undone request (`shouldBeRemovedOnSend`, `isHidden` in old
 * data) and a system turn (`hiddenFromTranscript`) hide both rows, `requestHiddenFromTranscript`
 * only the request; an undo part-way (`afterUndoStop`) keeps both and cuts the response.
 */
function visibilityOf(request: JsonRecord): { request?: HiddenReason; response?: HiddenReason; undoStop?: string } {
  const removal = request.isHidden === true ? {} : recordOf(request.shouldBeRemovedOnSend)
  const undoStop = textOf(removal?.afterUndoStop)
  if (removal && !undoStop) return { request: 'undone', response: 'undone' }
  if (request.hiddenFromTranscript === true) return { request: 'hidden-from-transcript', response: 'hidden-from-transcript', undoStop }
  return { request: request.requestHiddenFromTranscript === true ? 'hidden-from-transcript' : undefined, undoStop }
}

/** The error details of a response: `result.errorDetails`, or `responseErrorDetails` of the oldest sessions. */
function errorDetailsOf(request: JsonRecord): JsonRecord | undefined {
  if ('responseErrorDetails' in request) return recordOf(request.responseErrorDetails)
  return recordOf(recordOf(request.result)?.errorDetails)
}

/**
 * How a response ended, as `ChatResponseModel.state` tells it: the saved `modelState` (or the old
 * `isCanceled`), where a "complete" response with error details failed. Error details with the
 * code `canceled` mean the user stopped it: VS Code calls that complete, chasm says cancelled.
 */
function responseState(request: JsonRecord, errorDetails: JsonRecord | undefined): MessageState {
  const value = numberOf(recordOf(request.modelState)?.value)
  const saved = value === undefined ? (request.isCanceled === true ? 'cancelled' : 'complete') : (RESPONSE_STATES[value] ?? 'complete')
  if (saved !== 'complete' || !errorDetails) return saved
  return errorDetails.code === 'canceled' ? 'cancelled' : 'failed'
}

const tokenCount = (value: unknown): number | null => {
  const count = numberOf(value)
  return count !== undefined && Number.isInteger(count) && count >= 0 ? count : null
}

/** Tokens of a response as VS Code records them (`promptTokens`, `completionTokens`); null when it recorded none. */
function usageOf(request: JsonRecord): MessageUsage | null {
  const inputTokens = tokenCount(request.promptTokens)
  const outputTokens = tokenCount(request.completionTokens)
  if (inputTokens === null && outputTokens === null) return null
  return { inputTokens, outputTokens, cacheReadTokens: null, cacheWrite5mTokens: null, cacheWrite1hTokens: null }
}

/** The undone tail of a response, for readers who want what VS Code no longer shows. */
function undoneOf(folded: FoldedResponse | undefined): Record<string, unknown> | undefined {
  if (!folded) return undefined
  return (
    compact({
      content: folded.content || undefined,
      editedFiles: folded.editedFiles.length > 0 ? folded.editedFiles : undefined,
      toolInvocations: folded.tools.length > 0 ? folded.tools : undefined,
    }) ?? undefined
  )
}

/** The user message of a request, with what the user sent along (attachments, mode, decisions on earlier edits). */
function userMessage(request: JsonRecord, sent: number | null, hidden: HiddenReason | undefined): MessageInput {
  const text = isRecord(request.message) ? stringOf(request.message.text) : stringOf(request.message)
  const label = textOf(request.systemInitiatedLabel)
  const metadata = compact({
    attachments: attachmentsOf(request.variableData),
    mode: modeOf(request.modeInfo),
    fileDecisions: fileDecisionsOf(request.editedFileEvents),
    systemInitiated: request.isSystemInitiated === true ? (label ?? true) : undefined,
    hiddenReason: hidden,
  })
  const message: MessageInput = { id: textOf(request.requestId) ?? null, role: 'user', content: text ?? '', timestamp: sent, model: null }
  return { ...message, ...(hidden && { hidden: true }), ...(metadata && { metadata }) }
}

/**
 * The user message and (when there is a response) the assistant message of one request, read as
 * `ChatModel._deserializeRequest` revives it: a request without a time was sent when the session
 * was created; a response exists when there are response parts, a result or old error details.
 * A complete response with nothing to read gives no assistant message.
 */
export function requestMessages(request: JsonRecord, created: number | null): MessageInput[] {
  const visibility = visibilityOf(request)
  const sent = toEpochMs(request.timestamp) ?? created
  const messages = [userMessage(request, sent, visibility.request)]
  const parts = responseParts(request.response)
  const errorDetails = errorDetailsOf(request)
  const result = recordOf(request.result)
  if (!parts && !result && !errorDetails) return messages

  const calls = toolCallData(result)
  const { shown, undone } = visibility.undoStop ? splitAtUndoStop(parts ?? [], visibility.undoStop) : { shown: parts ?? [], undone: [] }
  const folded = foldParts(shown, calls)
  const undoneTail = undoneOf(undone.length > 0 ? foldParts(undone, calls) : undefined)
  const state = responseState(request, errorDetails)
  const error = textOf(errorDetails?.message) ?? null
  const empty = folded.content === '' && folded.tools.length === 0 && undoneTail === undefined
  if (state === 'complete' && empty && error === null) return messages

  const requestId = textOf(request.requestId)
  const elapsed = numberOf(recordOf(result?.timings)?.totalElapsed)
  const started = toEpochMs(request.responseTimestamp) ?? sent
  const answered = toEpochMs(recordOf(request.modelState)?.completedAt) ?? (sent !== null && elapsed !== undefined ? sent + elapsed : started)
  const slashCommand = recordOf(request.slashCommand)
  const vote = VOTES[numberOf(request.vote) ?? -1]
  const usage = usageOf(request)
  messages.push({
    id: textOf(request.responseId) ?? (requestId ? `${requestId}:response` : null),
    role: 'assistant',
    content: folded.content,
    timestamp: answered,
    model: textOf(request.modelId) ?? null,
    toolInvocations: folded.tools,
    state,
    error,
    ...(visibility.response && { hidden: true }),
    ...(usage && { usage }),
    metadata: compact({
      ...participantOf(request.agent),
      command: textOf(slashCommand?.name),
      thinking: folded.thinking.length > 0 ? folded.thinking.join('\n\n') : undefined,
      editedFiles: folded.editedFiles.length > 0 ? folded.editedFiles : undefined,
      undone: undoneTail,
      errorCode: textOf(errorDetails?.code),
      vote,
      voteDownReason: vote === 'down' ? textOf(request.voteDownReason) : undefined,
      copilotCredits: numberOf(request.copilotCredits),
      hiddenReason: visibility.response,
    }),
  })
  return messages
}
