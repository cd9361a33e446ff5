import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** Which y scale (two scales let tokens and a ratio share one chart). */
  scale?: string;
  color: string;
}

export interface ChartProps {
  title: string;
  testId: string;
  xLabel: string;
  x: number[];
  series: ChartSeries[];
  bars?: boolean;
  /** Formats an x value in the data table (e.g. a run's id). */
  xText?: (x: number, i: number) => string;
  height?: number;
}

/**
 * A uPlot chart sized to its container, with the same numbers as a table
 * behind a disclosure: a chart alone says nothing to a screen reader.
 */
export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || props.x.length === 0) return;
    const scales: uPlot.Scales = { x: { time: false } };
    const axes: uPlot.Axis[] = [{ label: props.xLabel, stroke: '#333', grid: { stroke: '#e3e3e3' } }];
    const seenScales: string[] = [];
    for (const s of props.series) {
      const scale = s.scale ?? 'y';
      if (seenScales.includes(scale)) continue;
      seenScales.push(scale);
      scales[scale] = { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] };
      axes.push({
        scale,
        label: s.label,
        side: seenScales.length === 1 ? 3 : 1,
        stroke: s.color,
        grid: { show: seenScales.length === 1, stroke: '#e3e3e3' },
        size: 64,
      });
    }
    const bars = props.bars ? uPlot.paths.bars!({ size: [0.6, 64] }) : undefined;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: props.height ?? 220,
      scales,
      axes,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: props.xLabel },
        ...props.series.map((s) => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: s.color,
          width: 2,
          fill: props.bars ? `${s.color}99` : undefined,
          paths: bars,
          points: { show: !props.bars },
        })),
      ],
    };
    const plot = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: props.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify([props.x, props.series, props.bars])]);

  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      {props.x.length === 0 ? (
        <p class="muted">No data yet.</p>
      ) : (
        <div ref={host} role="img" aria-label={`${props.title} (chart; the numbers are in the table below)`} />
      )}
      {props.x.length > 0 && (
        <details>
          <summary>Show the numbers</summary>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{props.xLabel}</th>
                  {props.series.map((s) => (
                    <th scope="col" key={s.label}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.x.map((x, i) => (
                  <tr key={i}>
                    <td>{props.xText ? props.xText(x, i) : x}</td>
                    {props.series.map((s) => (
                      <td key={s.label}>{s.values[i] ?? '—'}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}
