import { Type } from '@sinclair/typebox'
import { FD_ANCHORED } from './fs/confined'
import { workspaceSegments } from './fs/path'
import type { SearchJob } from './search/scan'
import type { SearchReply } from './search/worker'
import { defineTool, ToolError } from './tool'

/** How long one search may run once its worker started (the tool's default time budget). */
export const CODE_SEARCH_BUDGET_MS = 2_000
/** How long a worker thread may take to start on a busy machine before the search is given up. */
const WORKER_START_MS = 15_000

/**
 * The worker's module: beside this file when running from source; in the compiled binary, the
 * embedded entry point of the same path below `src/` (every module is bundled into `Bun.main` there).
 */
const workerUrl = (): string | URL =>
  import.meta.path === Bun.main ? './agency/tools/search/worker.ts' : new URL('./search/worker.ts', import.meta.url)

/**
 * Searches the workspace's text files for a string or a regular expression, in a worker thread under a
 * time budget: a catastrophic pattern or a huge tree costs that thread only, which is terminated at the
 * budget (a tool error) or at once when the run stops.
 */
export const codeSearch = defineTool({
  name: 'code_search',
  description:
    'Search text files in the workspace for a string (or a JavaScript regular expression with regex: true). Returns matching lines as path:line: text.',
  parameters: Type.Object({
    query: Type.String({ minLength: 1, maxLength: 1000 }),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'folder or file to search, relative to the workspace (default: all of it)' })),
    regex: Type.Optional(Type.Boolean()),
    caseSensitive: Type.Optional(Type.Boolean()),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  }),
  async run({ query, path, regex = false, caseSensitive = false, maxResults = 50 }, { workspace, signal, searchBudgetMs }) {
    const segments = path === undefined ? [] : workspaceSegments(path)
    if (regex) {
      try {
        new RegExp(query, caseSensitive ? '' : 'i')
      } catch (error) {
        throw new ToolError(`invalid regular expression: ${(error as Error).message}`)
      }
    }
    return await searchInWorker({ workspace, segments, query, regex, caseSensitive, maxResults, anchored: FD_ANCHORED }, signal, searchBudgetMs)
  },
})

function searchInWorker(job: SearchJob, signal: AbortSignal, budgetMs: number): Promise<string> {
  signal.throwIfAborted()
  const worker = new Worker(workerUrl())
  return new Promise<string>((resolve, reject) => {
    const fail = (message: string) => () => reject(new ToolError(message))
    let timer = setTimeout(() => finish(fail('the search worker did not start; try again')), WORKER_START_MS)
    const onAbort = () => finish(() => reject(signal.reason))
    const finish = (settle: () => void) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      void worker.terminate()
      settle()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    worker.addEventListener('error', (event) => finish(fail(`search failed: ${event.message}`)))
    worker.addEventListener('message', ({ data }: MessageEvent<SearchReply>) => {
      if (data.type === 'started') {
        clearTimeout(timer)
        const seconds = budgetMs / 1000
        timer = setTimeout(() => finish(fail(`search timed out after ${seconds} s; search a smaller folder or use a simpler pattern`)), budgetMs)
      } else finish(data.ok ? () => resolve(data.output) : fail(data.output))
    })
    worker.postMessage(job)
  })
}
