import type { ToolInvocationInput } from '../../provider'
import { uriComponentsPath } from './workspace'
import { arrayOf, compact, markdownText, numberOf, recordOf, stringOf, textOf, type JsonRecord } from './values'

// `isConfirmed.type` values that mean the tool never ran (VS Code's ToolConfirmKind, chatService.ts).
const TOOL_DENIED = 0
const TOOL_SKIPPED = 5

/** Tool-call arguments and results that Copilot keeps in `result.metadata` (shape not in VS Code's types). */
export interface ToolCallData {
  args: Map<string, unknown>
  results: Map<string, string>
}

const parseMaybeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The tool-call rounds Copilot records in a request's `result.metadata`, by call id. */
export function toolCallData(result: JsonRecord | undefined): ToolCallData {
  const data: ToolCallData = { args: new Map(), results: new Map() }
  const metadata = recordOf(result?.metadata)
  for (const round of arrayOf(metadata?.toolCallRounds) ?? []) {
    for (const call of arrayOf(recordOf(round)?.toolCalls) ?? []) {
      const id = textOf(recordOf(call)?.id)
      const args = stringOf(recordOf(call)?.arguments)
      if (id && args !== undefined) data.args.set(id, parseMaybeJson(args))
    }
  }
  for (const [id, result] of Object.entries(recordOf(metadata?.toolCallResults) ?? {})) {
    const texts = (arrayOf(recordOf(result)?.content) ?? [])
      .map((item) => stringOf(recordOf(item)?.value))
      .filter((text) => text !== undefined)
    if (texts.length > 0) data.results.set(id, texts.join('\n'))
  }
  return data
}

/**
 * The command a terminal tool ran: what the user edited, else what the tool rewrote, else what the
 * model asked for (`RunInTerminalTool`); `command` is the pre-`commandLine` shape (`migrateLegacyTerminalToolSpecificData`).
 */
function terminalCommand(specific: JsonRecord): string | undefined {
  const line = recordOf(specific.commandLine)
  return stringOf(line?.userEdited) ?? stringOf(line?.toolEdited) ?? stringOf(line?.original) ?? stringOf(specific.command)
}

function toolInput(specific: JsonRecord | undefined, io: JsonRecord | undefined): unknown {
  switch (specific?.kind) {
    case 'input':
      if (specific.rawInput !== undefined) return specific.rawInput
      break
    case 'terminal': {
      const command = terminalCommand(specific)
      if (command) return compact({ command, language: stringOf(specific.language) })
      break
    }
    case 'simpleToolInvocation':
      if (typeof specific.input === 'string') return parseMaybeJson(specific.input)
      break
    case 'subagent': {
      const { agentName, description, prompt } = specific
      const fields = compact({ agentName: stringOf(agentName), description: stringOf(description), prompt: stringOf(prompt) })
      if (fields) return fields
      break
    }
    case 'todoList':
      if (Array.isArray(specific.todoList)) return { todoList: specific.todoList }
      break
  }
  return typeof io?.input === 'string' ? parseMaybeJson(io.input) : undefined
}

/**
 * The text of `resultDetails.output`: a plain string (VS Code ≤ 1.100), or items that are text
 * embeds (typed `embed` since 1.101, untyped before), file references (`ref`: their path) or
 * binary data (left out).
 */
function detailsOutput(output: unknown): string | undefined {
  if (typeof output === 'string') return output
  const texts: string[] = []
  for (const item of (arrayOf(output) ?? []).map(recordOf)) {
    if (!item) continue
    if (item.type === 'ref') {
      const uri = recordOf(item.uri)
      const path = uri && uriComponentsPath(uri)
      if (path) texts.push(path)
    } else if ((item.type === 'embed' || item.type === undefined) && item.isText === true) {
      const value = stringOf(item.value)
      if (value !== undefined) texts.push(value)
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined
}

function toolOutput(specific: JsonRecord | undefined, io: JsonRecord | undefined): string | undefined {
  switch (specific?.kind) {
    case 'terminal': {
      const text = stringOf(recordOf(specific.terminalCommandOutput)?.text)
      if (text !== undefined) return text
      break
    }
    case 'simpleToolInvocation':
      if (typeof specific.output === 'string') return specific.output
      break
    case 'subagent':
      if (typeof specific.result === 'string') return specific.result
      break
  }
  return detailsOutput(io?.output)
}

/**
 * How the call ended. `isConfirmed` is a boolean before VS Code 1.104 and a `ToolConfirmKind`
 * object since; when it is absent the call never got past confirmation (the window closed while
 * it waited), so it did not run.
 */
function toolStatus(part: JsonRecord, specific: JsonRecord | undefined, io: JsonRecord | undefined): string {
  const confirmed = part.isConfirmed
  const confirmKind = numberOf(recordOf(confirmed)?.type)
  if (confirmed === false || confirmKind === TOOL_DENIED) return 'denied'
  if (confirmKind === TOOL_SKIPPED) return 'skipped'
  if (confirmed === undefined || confirmed === null) return 'not-run'
  const exitCode = numberOf(recordOf(specific?.terminalCommandState)?.exitCode)
  const failed = io?.isError === true || part.resultError === true || Boolean(markdownText(part.resultError))
  if (failed || (exitCode !== undefined && exitCode !== 0)) return 'error'
  return part.isComplete === false ? 'incomplete' : 'completed'
}

/** `resultDetails` in the `{ input, output }` form (`isToolResultInputOutputDetails`), not a list of URIs. */
function inputOutputDetails(part: JsonRecord): JsonRecord | undefined {
  const details = recordOf(part.resultDetails)
  if (!details) return undefined
  return 'input' in details || Array.isArray(details.output) || typeof details.output === 'string' ? details : undefined
}

/**
 * A `toolInvocationSerialized` part as a tool invocation. Input comes from the tool-specific data,
 * the recorded result details or Copilot's tool-call rounds; output from the terminal output, the
 * result details or Copilot's tool results, else the tool's error, else the "past tense" summary VS Code shows.
 */
export function toolInvocation(part: JsonRecord, calls: ToolCallData): ToolInvocationInput {
  const id = textOf(part.toolCallId) ?? null
  const specific = recordOf(part.toolSpecificData)
  const io = inputOutputDetails(part)
  const input = toolInput(specific, io) ?? (id === null ? undefined : calls.args.get(id))
  const output =
    toolOutput(specific, io) ??
    (id === null ? undefined : calls.results.get(id)) ??
    (markdownText(part.resultError) || undefined) ??
    markdownText(part.pastTenseMessage) ??
    markdownText(part.invocationMessage)
  const name = textOf(part.toolId) ?? 'unknown'
  return { id, name, input: input ?? null, output: output ?? null, status: toolStatus(part, specific, io) }
}
