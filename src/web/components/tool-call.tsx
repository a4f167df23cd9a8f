import type { ToolInvocation } from '../../db'
import { LongText } from './long-text'

/** A value as readable text: strings as they are, anything else as indented JSON. */
export const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value)))

/** A tool call, folded: its name and status; unfolded, its input and output. */
export function ToolCall({ tool }: { tool: ToolInvocation }) {
  return (
    <details class="tool">
      <summary>
        <span class="tool-name">{tool.name}</span>
        {tool.status && <span class={`tag ${tool.status === 'completed' ? 'ok' : 'soft'}`}>{tool.status}</span>}
      </summary>
      <div class="tool-io">
        <h4>Input</h4>
        <LongText class="code-text" text={tool.input === null || tool.input === undefined ? '(none)' : asText(tool.input)} />
        <h4>Output</h4>
        <LongText class="code-text" text={tool.output ?? '(none yet)'} />
      </div>
    </details>
  )
}
