import type { Message } from '../db'

/**
 * Characters per token, for budgeting: English prose and code run about 4 characters per token
 * with the BPE tokenizers models use, and JSON punctuation rather more. An estimate, on purpose on
 * the generous side of the real count.
 */
const CHARS_PER_TOKEN = 3.5

/** An estimate of the tokens `value` takes as JSON. */
export const estimateTokens = (value: unknown): number => Math.ceil(JSON.stringify(value).length / CHARS_PER_TOKEN)

/** How many characters of JSON fit in `tokens`. */
export const charsFor = (tokens: number): number => Math.floor(tokens * CHARS_PER_TOKEN)

const cut = (text: string, keep: number) => (text.length <= keep ? text : `${text.slice(0, Math.max(0, keep))}… [cut: ${text.length - keep} more characters]`)

/**
 * A message shrunk so that its JSON takes at most about `chars` characters: its content, tool
 * inputs and outputs and metadata are each cut in proportion to their length (a tool input too
 * long becomes its JSON text, cut). Ids, role, times and state are kept whole.
 */
export function shrinkMessage(message: Message, chars: number): Message {
  const inputs = message.toolInvocations.map((tool) => (tool.input === null || tool.input === undefined ? '' : JSON.stringify(tool.input)))
  const metadata = message.metadata === null ? '' : JSON.stringify(message.metadata)
  const texts = [message.content, ...message.toolInvocations.map((tool) => tool.output ?? ''), ...inputs, metadata]
  const textLength = texts.reduce((sum, text) => sum + text.length, 0)
  const bare: Message = {
    ...message,
    content: '',
    metadata: null,
    toolInvocations: message.toolInvocations.map((tool) => ({ ...tool, input: null, output: tool.output === null ? null : '' })),
  }
  // Each cut adds a marker of about 40 characters.
  const room = Math.max(0, chars - JSON.stringify(bare).length - 40 * texts.length)
  const ratio = textLength === 0 ? 1 : Math.min(1, room / textLength)
  const keep = (text: string) => Math.floor(text.length * ratio)
  return {
    ...message,
    content: cut(message.content, keep(message.content)),
    metadata: message.metadata === null || keep(metadata) >= metadata.length ? message.metadata : { leftOut: `metadata of ${metadata.length} characters, cut to fit` },
    toolInvocations: message.toolInvocations.map((tool, i) => ({
      ...tool,
      input: keep(inputs[i]!) >= inputs[i]!.length ? tool.input : cut(inputs[i]!, keep(inputs[i]!)),
      output: tool.output === null ? null : cut(tool.output, keep(tool.output)),
    })),
  }
}
