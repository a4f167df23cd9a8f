import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** One line of a chart: its name and a value (or a gap) per day. */
export interface ChartSeries {
  label: string
  values: (number | null)[]
}

// Distinguishable in light and dark themes.
const PALETTE = ['#4c6ef5', '#f08c00', '#2f9e44', '#e03131', '#7048e8', '#1098ad', '#d6336c', '#5c940d', '#f59f00', '#868e96', '#0b7285']

const themeColor = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'

/** A line chart over days (uPlot, drawn on a canvas), as wide as its container. */
export function DayChart({ label, days, series, unit }: { label: string; days: number[]; series: ChartSeries[]; unit: (n: number) => string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = box.current
    if (!element) return
    const ink = themeColor('--muted')
    const grid = themeColor('--line')
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: 240,
        series: [
          {},
          ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: days.length < 60 }, value: (_: uPlot, v: number | null) => (v === null ? '—' : unit(v)) })),
        ],
        axes: [axis, { ...axis, values: (_: uPlot, ticks: number[]) => ticks.map(unit), size: 70 }],
        scales: { x: { time: true } },
      },
      [days, ...series.map((s) => s.values)],
      element,
    )
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 240 }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [days, series])
  return <div ref={box} class="chart" role="img" aria-label={label} />
}
