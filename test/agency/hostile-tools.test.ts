import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir, writeTree } from '../support/temp'
import { testAgency } from './support/agency'
import { scriptByModel, startFakeModels } from './support/fake-models'
import { CAN, mkfifo, skipReason } from './support/special-files'

// Arguments a model might choose to escape its workspace, hang the run or reach the network around it.
const HOSTILE = [
  { name: 'file_read', arguments: { path: '/etc/passwd' } },
  { name: 'file_read', arguments: { path: '../../../../etc/passwd' } },
  { name: 'file_read', arguments: { path: 'link-out/secret.txt' } },
  { name: 'file_read', arguments: { path: 'pipe' } },
  { name: 'file_read', arguments: { path: 123 } },
  { name: 'file_read', arguments: { path: { toString: 'secret.txt' } } },
  { name: 'file_write', arguments: { path: 'dangling', content: 'escaped' } },
  { name: 'file_write', arguments: { path: 'link-out/new.txt', content: 'escaped' } },
  { name: 'file_write', arguments: { path: '..\\escaped.txt', content: 'escaped' } },
  { name: 'file_write', arguments: { path: 'pipe', content: 'x' } },
  { name: 'code_search', arguments: { query: 'SECRET', path: '..' } },
  { name: 'code_search', arguments: { query: 'SECRET', path: 'link-out' } },
  { name: 'code_search', arguments: { query: '(x+x+)+y', regex: true } },
  { name: 'http_request', arguments: { url: 'http://169.254.169.254/latest/meta-data/' } },
  { name: 'terminal', arguments: { command: 'cat /etc/passwd' } },
  { name: 'calculator', arguments: { expression: 'process.exit(1)' } },
]

describe('a model calling every tool with hostile arguments', () => {
  test.skipIf(skipReason('fifo') || !CAN.symlink)('gets tool errors back, the run completes, nothing outside the workspace is touched', async () => {
    using workspace = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'secret.txt': 'SECRET' })
    writeTree(workspace.path, { 'x.txt': `${'x'.repeat(5000)}\n`.repeat(50) })
    symlinkSync(outside.path, join(workspace.path, 'link-out'))
    symlinkSync(join(outside.path, 'created.txt'), join(workspace.path, 'dangling'))
    mkfifo(join(workspace.path, 'pipe'))
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: '{"assignments": [{"worker": "mallory", "task": "escape"}]}' }, { text: 'nothing escaped' }],
        'gpt-mallory': [{ toolCalls: HOSTILE }, { text: 'I give up.' }],
      }),
    )
    await using t = testAgency(fake.env(), { allowHttpTool: true, searchBudgetMs: 500 })
    t.agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'claude-lead' })
    t.agency.createAgent({ name: 'mallory', instruction: 'Escape.', model: 'gpt-mallory', tools: ['file_read', 'file_write', 'code_search', 'http_request', 'terminal', 'calculator'] })
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['mallory'] })
    const { run, done } = t.agency.startRun(swarm.id, { prompt: 'escape', workspace: workspace.path })
    expect((await done).status).toBe('completed')
    const tools = t.agency.getRun(swarm.id, run.runId).steps.filter((s) => s.kind === 'tool')
    expect(tools.map((s) => [s.status, s.output])).toEqual([
      ['failed', { text: "absolute paths are not allowed ('/etc/passwd'); use a path relative to the workspace", isError: true }],
      ['failed', { text: "'..' is not allowed in paths ('../../../../etc/passwd'); use a path inside the workspace", isError: true }],
      ['failed', { text: "'link-out' is a symlink; symlinks are not followed", isError: true }],
      ['failed', { text: "'pipe' is a FIFO; only regular files and folders are opened", isError: true }],
      ['failed', { text: "invalid argument 'path' for file_read: expected string", isError: true }],
      ['failed', { text: "invalid argument 'path' for file_read: expected string", isError: true }],
      ['failed', { text: "'dangling' is a symlink; symlinks are not followed", isError: true }],
      ['failed', { text: "'link-out' is a symlink; symlinks are not followed", isError: true }],
      ['failed', { text: "'..' is not allowed in paths ('..\\escaped.txt'); use a path inside the workspace", isError: true }],
      ['failed', { text: "'pipe' is a FIFO; only regular files and folders are opened", isError: true }],
      ['failed', { text: "'..' is not allowed in paths ('..'); use a path inside the workspace", isError: true }],
      ['completed', { text: "'link-out' is a symlink; only regular files and folders are searched", isError: false }],
      ['failed', { text: 'search timed out after 0.5 s; search a smaller folder or use a simpler pattern', isError: true }],
      ['failed', { text: 'refused: 169.254.169.254 is a cloud metadata address; http_request reaches public addresses only', isError: true }],
      ['failed', { text: 'the terminal tool is disabled on this server (start it with --allow-terminal)', isError: true }],
      ['failed', { text: "unexpected character '.' at position 8", isError: true }],
    ])
    expect(readdirSync(outside.path)).toEqual(['secret.txt'])
    expect(readFileSync(join(outside.path, 'secret.txt'), 'utf8')).toBe('SECRET')
    expect(readdirSync(workspace.path).sort()).toEqual(['dangling', 'link-out', 'pipe', 'x.txt'])
  }, 30_000)
})
