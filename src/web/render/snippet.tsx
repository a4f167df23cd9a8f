const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/** The text of an HTML-escaped fragment (the API escapes snippets with exactly these five entities). */
const unescape = (html: string): string => html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!)

/**
 * A search snippet: HTML-escaped message text with hits marked `<mark>…</mark>`. Only those marks
 * become elements; the rest is shown as text, never parsed as markup.
 */
export function Snippet({ html }: { html: string }) {
  const pieces: { text: string; hit: boolean }[] = []
  let hit = false
  for (const part of html.split(/(<\/?mark>)/)) {
    if (part === '<mark>' || part === '</mark>') hit = part === '<mark>'
    else if (part) pieces.push({ text: unescape(part), hit })
  }
  return (
    <span class="snippet" dir="auto">
      {pieces.map((piece, i) => (piece.hit ? <mark key={i}>{piece.text}</mark> : piece.text))}
    </span>
  )
}
