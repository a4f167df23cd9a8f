import { Type } from '@sinclair/typebox'
import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { PAGE_SIZES } from '../../db'
import { SearchResult, SearchSort, searchSessions } from '../../search'
import { ReportCommand } from '../base-command'
import { dataOutput } from '../json-output'
import { shortTime, UNTITLED } from '../output'
import { limitOption } from '../options'

export class SearchCommand extends ReportCommand {
  static override paths = [['search']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'Full-text search across every session (words, "exact phrases", prefix*)',
    examples: [
      ['Sessions about authentication', '$0 search authentication'],
      ['An exact phrase in Claude Code sessions', '$0 search \'"refresh token"\' --provider claude-code'],
      ['Where a word came up last', '$0 search migration --sort recent'],
    ],
  })
  static override jsonOutput = dataOutput(Type.Array(SearchResult))

  query = Option.Rest({ required: 1, name: 'query' })
  limit = limitOption(PAGE_SIZES.search)
  workspace = Option.String('--workspace', { description: 'Only this workspace id' })
  provider = Option.String('--provider', { description: 'Only this provider' })
  sort = Option.String('--sort', 'relevance', {
    description: 'relevance (best match first) or recent (newest last match first)',
    validator: t.isEnum(SearchSort.anyOf.map((literal) => literal.const)),
  })

  override async execute() {
    const q = this.query.join(' ')
    const results = await this.withDb(({ sqlite }) =>
      searchSessions(sqlite, q, { limit: Number(this.limit), workspace: this.workspace, provider: this.provider, sort: this.sort }),
    )
    if (this.json) return this.printJson(results)
    if (results.length === 0) return this.print('No matches.\n')
    const { bold, dim, yellow } = this.style
    const lines: string[] = []
    const highlight = (snippet: string) =>
      decodeEntities(snippet.replace(/<mark>/g, '\u0001').replace(/<\/mark>/g, '\u0002'))
        .replace(/\u0001([^\u0002]*)\u0002/g, (_, hit: string) => yellow(hit))
        .replace(/\s+/g, ' ')
    for (const result of results) {
      lines.push(`${bold(result.title ?? UNTITLED)}  ${dim(`${result.provider} · ${shortTime(result.updated) ?? '-'} · ${result.sessionId}`)}`)
      for (const match of result.matches) lines.push(`  ${dim(`${match.role}:`)} ${highlight(match.snippet)}`)
    }
    this.printFitted(lines.join('\n'))
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
const decodeEntities = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!)
