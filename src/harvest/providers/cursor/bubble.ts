import { toEpochMs } from '../../../shared/time'
import type { MessageInput, ToolInvocationInput } from '../../provider'
import { arrayOf, isRecord, jsonOrText, numberOf, outputText, recordOf, stringOf, textOf, type JsonRecord } from '../../read/json-value'

/**
 * One composer bubble (`bubbleId:<composer>:<bubble>` value, or an inline `conversation[]` entry) →
 * a message, or the reason it is not one. `model` is the model of the conversation at this point.
 */
export function messageFromBubble(bubble: unknown, model: string | null): MessageInput | string {
  if (!isRecord(bubble)) return 'bubble is not an object'
  const role = bubble.type === 1 ? 'user' : bubble.type === 2 ? 'assistant' : null
  if (role === null) return `bubble ${textOf(bubble.bubbleId) ?? '?'} has unknown type ${JSON.stringify(bubble.type)}`
  const timing = recordOf(bubble.timingInfo)
  const thinking = textOf(recordOf(bubble.thinking).text)
  return {
    id: textOf(bubble.bubbleId),
    role,
    content: contentOf(bubble),
    timestamp: toEpochMs(bubble.createdAt) ?? toEpochMs(timing.clientRpcSendTime) ?? toEpochMs(timing.clientStartTime),
    model: role === 'assistant' ? model : null,
    toolInvocations: toolsOf(bubble),
    metadata: thinking ? { thinking } : null,
  }
}

/** The model a user bubble was sent to (assistant bubbles do not say). */
export const bubbleModel = (bubble: unknown): string | null => textOf(recordOf(recordOf(bubble).modelInfo).modelName)

/** The text of a bubble: `text`, else the Lexical `richText` of user input, else its code blocks. */
function contentOf(bubble: JsonRecord): string {
  const text = stringOf(bubble.text) ?? ''
  if (text.trim() !== '') return text
  const rich = typeof bubble.richText === 'string' ? richText(bubble.richText) : ''
  if (rich !== '') return rich
  return arrayOf(bubble.codeBlocks)
    .map(recordOf)
    .flatMap((block) => {
      const code = stringOf(block.content)
      return code === null ? [] : [`\`\`\`${stringOf(block.languageId) ?? ''}\n${code}\n\`\`\``]
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
    return arrayOf(n.children).map(textOfNode).join(n.type === 'root' ? '\n' : '')
  }
  return textOfNode(root).trim()
}

/** `toolFormerData` (the tool call an agent bubble made) → a tool invocation. */
function toolsOf(bubble: JsonRecord): ToolInvocationInput[] {
  const tool = recordOf(bubble.toolFormerData)
  const name = textOf(tool.name) ?? textOf(tool.tool) ?? (numberOf(tool.tool) === null ? null : `tool-${tool.tool}`)
  if (name === null) return []
  const input = jsonOrText(tool.rawArgs ?? tool.params ?? null)
  return [{ id: textOf(tool.toolCallId), name, input, output: outputText(tool.result), status: textOf(tool.status) }]
}
