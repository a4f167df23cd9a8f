import { toEpochMs } from '../../../shared/time'
import type { MessageInput, MessageUsage, ToolInvocationInput } from '../../provider'
import { tokenCount, tokenUsage } from '../../read/usage'
import { asArray, asRecord, asString, asText, parseJsonText, recordOf, toolOutputText } from '../../read/values'

/**
 * One composer bubble (`bubbleId:<composer>:<bubble>` value, or an inline `conversation[]` entry) →
 * a message, or the reason it is not one. `model` is the model of the conversation at this point.
 */
export function messageFromBubble(value: unknown, model: string | null): MessageInput | string {
  const bubble = asRecord(value)
  if (!bubble) return 'bubble is not an object'
  const role = bubble.type === 1 ? 'user' : bubble.type === 2 ? 'assistant' : null
  if (role === null) return `bubble ${asText(bubble.bubbleId) ?? '?'} has unknown type ${JSON.stringify(bubble.type)}`
  const timing = recordOf(bubble.timingInfo)
  const thinking = asText(recordOf(bubble.thinking).text)
  return {
    id: asText(bubble.bubbleId),
    role,
    content: contentOf(bubble),
    timestamp: toEpochMs(bubble.createdAt) ?? toEpochMs(timing.clientRpcSendTime) ?? toEpochMs(timing.clientStartTime),
    model: role === 'assistant' ? model : null,
    toolInvocations: toolsOf(bubble),
    metadata: thinking ? { thinking } : null,
    usage: role === 'assistant' ? bubbleUsage(bubble.tokenCount) : null,
  }
}

/** A bubble's `tokenCount {inputTokens, outputTokens}`; Cursor writes zeros where it counted nothing, so all-zero is not recorded. */
function bubbleUsage(value: unknown): MessageUsage | null {
  const counts = recordOf(value)
  const inputTokens = tokenCount(counts.inputTokens)
  const outputTokens = tokenCount(counts.outputTokens)
  if (!inputTokens && !outputTokens) return null
  return tokenUsage({ inputTokens, outputTokens })
}

/** The model a user bubble was sent to (assistant bubbles do not say). */
export const bubbleModel = (bubble: unknown): string | null => asText(recordOf(recordOf(bubble).modelInfo).modelName)

/** The text of a bubble: `text`, else the Lexical `richText` of user input, else its code blocks. */
function contentOf(bubble: Record<string, unknown>): string {
  const text = asString(bubble.text) ?? ''
  if (text.trim() !== '') return text
  const rich = typeof bubble.richText === 'string' ? richText(bubble.richText) : ''
  if (rich !== '') return rich
  return asArray(bubble.codeBlocks)
    .map(recordOf)
    .flatMap((block) => {
      const code = asString(block.content)
      return code === null ? [] : [`\`\`\`${asString(block.languageId) ?? ''}\n${code}\n\`\`\``]
    })
    .join('\n\n')
}

/** Plain text of a Lexical editor state: paragraphs' text nodes, one paragraph per line. */
function richText(json: string): string {
  let root: unknown
  try {
    root = recordOf(JSON.parse(json)).root
  } catch {
    return ''
  }
  const textOfNode = (node: unknown): string => {
    const n = recordOf(node)
    if (typeof n.text === 'string') return n.text
    return asArray(n.children).map(textOfNode).join(n.type === 'root' ? '\n' : '')
  }
  return textOfNode(root).trim()
}

/** `toolFormerData` (the tool call an agent bubble made) → a tool invocation. */
function toolsOf(bubble: Record<string, unknown>): ToolInvocationInput[] {
  const tool = recordOf(bubble.toolFormerData)
  const name = asText(tool.name) ?? asText(tool.tool) ?? (typeof tool.tool === 'number' ? `tool-${tool.tool}` : null)
  if (name === null) return []
  const input = parseJsonText(tool.rawArgs ?? tool.params ?? null)
  return [{ id: asText(tool.toolCallId), name, input, output: toolOutputText(tool.result), status: asText(tool.status) }]
}
