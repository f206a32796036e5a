import { type SafeHtml, html } from '../platform/http/html.ts';

/** One category of a chart (a State, a kind, an outcome) with one value per series (sent, received). */
export interface Bar {
  label: string;
  values: readonly number[];
}

export interface Chart {
  id: string;
  title: string;
  /** What the chart shows and how to read it, for a screen reader and for a reader who cannot tell the fills apart. */
  description: string;
  series: readonly string[];
  bars: readonly Bar[];
  rtl: boolean;
  format: (value: number) => string;
}

const WIDTH = 720;
const LABEL_WIDTH = 260;
const VALUE_WIDTH = 60;
const BAR_HEIGHT = 14;
const GROUP_GAP = 12;
const LEGEND_HEIGHT = 28;

/**
 * A horizontal bar chart as inline SVG: no script, no colour needed to read it. Each series has its
 * own fill (solid, hatched, dotted) shown in a legend, and every bar carries its number; in a
 * right-to-left page the bars grow from the right.
 */
export function barChart(chart: Chart): SafeHtml {
  const { id, series, bars, rtl } = chart;
  const groupHeight = series.length * BAR_HEIGHT + GROUP_GAP;
  const height = LEGEND_HEIGHT + bars.length * groupHeight;
  const scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / Math.max(1, ...bars.flatMap((bar) => bar.values));
  // Mirrors a box or a point for a right-to-left page.
  const x = (left: number, width = 0) => (rtl ? WIDTH - left - width : left);
  const start = rtl ? 'end' : 'start';
  const end = rtl ? 'start' : 'end';
  const fill = (index: number) => `url(#${id}-fill-${index})`;
  const legend = series.map((name, index) => html`
    <rect x="${x(index * 180, 14)}" y="4" width="14" height="14" fill="${fill(index)}" stroke="currentColor"/>
    <text x="${x(index * 180 + 20)}" y="16" text-anchor="${start}">${name}</text>`);
  const rows = bars.map((bar, row) => {
    const top = LEGEND_HEIGHT + row * groupHeight;
    return html`<g>
    <text x="${x(LABEL_WIDTH - 8)}" y="${top + (series.length * BAR_HEIGHT) / 2 + 4}" text-anchor="${end}">${bar.label}</text>
    ${bar.values.map((value, index) => {
      const y = top + index * BAR_HEIGHT;
      const length = value * scale;
      return html`<rect x="${x(LABEL_WIDTH, length)}" y="${y}" width="${length}" height="${BAR_HEIGHT - 2}" fill="${fill(index)}" stroke="currentColor"/>
      <text x="${x(LABEL_WIDTH + length + 4)}" y="${y + BAR_HEIGHT - 4}" text-anchor="${start}">${chart.format(value)}</text>`;
    })}</g>`;
  });
  return html`<svg role="img" aria-label="${chart.title}" aria-describedby="${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="100%" font-size="12" fill="currentColor">
  <title id="${id}-title">${chart.title}</title>
  <desc id="${id}-desc">${chart.description}</desc>
  <defs>
    <pattern id="${id}-fill-0" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="currentColor"/></pattern>
    <pattern id="${id}-fill-1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="Canvas"/><line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2"/></pattern>
    <pattern id="${id}-fill-2" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="Canvas"/><circle cx="2.5" cy="2.5" r="1.2" fill="currentColor"/></pattern>
  </defs>
  ${legend}
  ${rows}
</svg>`;
}
