import type { TokenUsage } from '../model'

/** A tool call the model asked for. `arguments` is the parsed JSON object (or the raw text when it was not JSON). */
export interface ToolCall {
  id: string
  name: string
  arguments: unknown
}

/** One message of a conversation with a model, independent of any vendor's wire format. */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  | { role: 'tool'; callId: string; name: string; content: string; isError: boolean }

/** A tool offered to the model: its name, what it does, and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string
  description: string
  parameters: Record<string, unknown>
}

/** What a model answered: its text, the tools it wants called, and the tokens it reported (null if none). */
export interface ChatReply {
  text: string
  toolCalls: ToolCall[]
  usage: TokenUsage | null
}

/** Per-call options of `ModelClient.chat`. */
export interface ChatOptions {
  /** Aborts the call (and any pending retry) at once. */
  signal?: AbortSignal
}

/** The contract every model adapter implements: one chat completion with tools over the vendor's HTTP API. */
export interface ModelClient {
  /** The model name as sent to the server. */
  readonly model: string
  chat(messages: ChatMessage[], tools: ToolSpec[], options?: ChatOptions): Promise<ChatReply>
}

/** Per-agent settings every adapter applies; `system` is the agent's instruction. */
export interface ModelSettings {
  model: string
  system: string
  temperature: number
  maxTokens: number | null
}

/** A failed model call: the HTTP status (when there was a response) and whether retrying could help. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'ModelError'
  }
}
