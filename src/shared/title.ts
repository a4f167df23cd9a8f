/** Longest title derived from a message, in characters. */
export const PROMPT_TITLE_MAX = 80

/**
 * A title from a prompt: its first non-blank line, whitespace collapsed, cut at `PROMPT_TITLE_MAX`
 * characters (never inside a character) with `…`; null when the prompt has no text.
 */
export function promptTitle(prompt: string): string | null {
  const line = prompt
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '')
  if (!line) return null
  const characters = [...line]
  return characters.length <= PROMPT_TITLE_MAX ? line : `${characters.slice(0, PROMPT_TITLE_MAX - 1).join('').trimEnd()}…`
}
