import { describe, expect, test } from 'bun:test'
import { ReportCommand } from '../../src/cli/base-command'
import { clip, clipStart, displayWidth, outputWidth, renderTable, styler, table } from '../../src/cli/output'
import { registered, runScenario, WIDE_TITLE, worldOfFile } from './support/world'

const world = worldOfFile()

const tooLong = (text: string, width: number) => text.split('\n').filter((line) => displayWidth(line) > width)

describe('issue 15: tables fit the terminal', () => {
  for (const { path } of registered().filter(({ command }) => command.prototype instanceof ReportCommand)) {
    for (const width of [80, 40]) {
      test(`${path}: no line is longer than COLUMNS=${width}`, async () => {
        const result = await runScenario(world(), path, [], { COLUMNS: String(width) })
        expect({ code: result.code, stderr: tooLong(result.stderr, width) }).toEqual({ code: 0, stderr: [] })
        // A document (a session as Markdown, a run's answer) is printed whole: the terminal wraps prose, not a table.
        if (!result.scenario.document) expect(tooLong(result.stdout, width)).toEqual([])
      }, 30_000)
    }
  }

  test('a wide title is cut to the column with …, by display width; with room it is whole', async () => {
    const at = async (columns: number) => (await runScenario(world(), 'list sessions', [], { COLUMNS: String(columns) })).stdout
    const wide = await at(300)
    expect(wide).toContain(WIDE_TITLE)
    const narrow = (await at(80)).split('\n').find((line) => line.startsWith('wide-1'))!
    expect(narrow).toContain('認証フローを直す')
    expect(narrow).toContain('…')
    expect(displayWidth(narrow)).toBeLessThanOrEqual(80)
  })

  test('harvest run lists the providers detected (every one with --all) and separates this run from the database', async () => {
    const db = world().db()
    const { runChasm } = await import('../support/cli')
    const detected = (await runChasm(['harvest', 'run', '--home', world().home, '--db', db])).stdout
    const rows = (text: string) => text.split('\n').slice(1).filter((line) => /^[a-z-]+ +\d/.test(line)).map((line) => line.split(/\s+/)[0])
    expect(rows(detected)).toEqual(['claude-code'])
    expect(detected).toMatch(/provider\(s\) not detected on this machine; --all lists them/)
    expect(detected.split('\n')[0]!.split(/\s{2,}/)).toEqual(['PROVIDER', 'SOURCES', 'READ', 'UNCHANGED', 'PROBLEMS', 'DB SESSIONS', 'DB MESSAGES'])
    // A re-run read nothing, yet the database totals are there.
    const claude = detected.split('\n').find((line) => line.startsWith('claude-code'))!.split(/\s+/)
    expect(claude[2]).toBe('0')
    expect(Number(claude[5])).toBeGreaterThan(0)
    const all = (await runChasm(['harvest', 'run', '--home', world().home, '--db', db, '--all'])).stdout
    expect(rows(all)).toContain('codex')
    expect(all).not.toContain('--all lists them')
  })
})

describe('table layout', () => {
  const plain = styler(false)
  test('numbers are right-aligned and never cut; text is cut widest first; columns go by their drop order', () => {
    const t = table(['NAME', { header: 'PATH', drop: 2 }, 'COUNT', { header: 'NOTE', drop: 1 }], [
      ['alpha', '/a/very/long/path/that/does/not/fit/anywhere', 12345, 'short'],
      ['beta', '/b', 7, null],
    ])
    expect(renderTable(t, 200)).toBe(
      [
        'NAME   PATH                                          COUNT  NOTE',
        'alpha  /a/very/long/path/that/does/not/fit/anywhere  12345  short',
        'beta   /b                                                7  -',
        '',
      ].join('\n'),
    )
    expect(renderTable(t, 40)).toBe(['NAME   PATH                 COUNT  NOTE', 'alpha  /a/very/long/path/…  12345  short', 'beta   /b                       7  -', ''].join('\n'))
    // Too narrow for every column cut to its minimum: PATH (drop 2) goes before NOTE (drop 1).
    expect(renderTable(t, 24)).toBe(['NAME   COUNT  NOTE', 'alpha  12345  short', 'beta       7  -', ''].join('\n'))
  })

  test('wide characters and emoji count two columns and are never split; colours count none and survive a cut', () => {
    expect(clip('日本語のテキスト', 7)).toBe('日本語…')
    expect(clipStart('/home/me/プロジェクト/app', 12)).toBe('…ェクト/app')
    expect(clipStart('/short', 12)).toBe('/short')
    expect(displayWidth(clip('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 5))).toBeLessThanOrEqual(5)
    expect(clip('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 5)).toBe('👨‍👩‍👧👨‍👩‍👧…')
    const green = styler(true).green('detected yes')
    expect(clip(green, 6)).toBe('\x1b[32mdetec…\x1b[39m')
    const rendered = renderTable(table(['A', 'B'], [['漢字漢字漢字', 'x'], ['ab', 'y']]), 80)
    expect(rendered.split('\n').map(displayWidth)).toEqual([15, 15, 15, 0])
    expect(plain.bold('x')).toBe('x')
  })

  test('control characters from the data never reach the terminal; newlines and tabs become spaces', () => {
    const hostile = 'evil\x1b]0;pwned\x07 title\x1b[2J\nsecond\tline\x9b'
    const line = renderTable(table(['TITLE'], [[hostile]]), 80).split('\n')[1]!
    expect(line).toBe('evil]0;pwned title[2J second line')
  })

  test('the width is COLUMNS, else the terminal, else 80', () => {
    expect(outputWidth({ COLUMNS: '40' }, 120)).toBe(40)
    expect(outputWidth({ COLUMNS: 'wide' }, 120)).toBe(120)
    expect(outputWidth({ COLUMNS: '0' }, undefined)).toBe(80)
    expect(outputWidth({}, undefined)).toBe(80)
  })
})
