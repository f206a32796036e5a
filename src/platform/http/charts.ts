import { type SafeHtml, html } from './html.ts';

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

// In CSS pixels, not scaled to the column (the pages' policy allows no inline style to bound a
// scaling): text at FONT_SIZE px, in a chart narrow enough for the public portal's column on a phone.
const WIDTH = 380;
const FONT_SIZE = 13;
const VALUE_WIDTH = 64;
const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 18;
const GROUP_GAP = 10;
const LEGEND_HEIGHT = 30;
const LEGEND_SPACING = WIDTH / 3;

/**
 * A horizontal bar chart as inline SVG: no script, no colour needed to read it. Each series has its
 * own fill (solid, hatched, dotted) shown in a legend, and every bar carries its number. Each label
 * stands on its own line above its bars, which can then use the whole width, however long the
 * label. In a right-to-left page the bars grow from the right: positions are mirrored, and the
 * text, written right to left, starts at its right edge, so its anchors stay as they are.
 */
export function barChart(chart: Chart): SafeHtml {
  const { id, series, bars, rtl } = chart;
  const groupHeight = LABEL_HEIGHT + series.length * BAR_HEIGHT + GROUP_GAP;
  const height = LEGEND_HEIGHT + bars.length * groupHeight;
  const scale = (WIDTH - VALUE_WIDTH) / Math.max(1, ...bars.flatMap((bar) => bar.values));
  // Mirrors a box or a point for a right-to-left page.
  const x = (left: number, width = 0) => (rtl ? WIDTH - left - width : left);
  const fill = (index: number) => `url(#${id}-fill-${index})`;
  const legend = series.map((name, index) => html`
    <rect x="${x(index * LEGEND_SPACING, 16)}" y="4" width="16" height="16" fill="${fill(index)}" stroke="currentColor"/>
    <text x="${x(index * LEGEND_SPACING + 22)}" y="17">${name}</text>`);
  const rows = bars.map((bar, row) => {
    const top = LEGEND_HEIGHT + row * groupHeight;
    return html`<g>
    <text x="${x(0)}" y="${top + LABEL_HEIGHT - 6}" font-weight="bold">${bar.label}</text>
    ${bar.values.map((value, index) => {
      const y = top + LABEL_HEIGHT + index * BAR_HEIGHT;
      const length = value * scale;
      return html`<rect x="${x(0, length)}" y="${y}" width="${length}" height="${BAR_HEIGHT - 3}" fill="${fill(index)}" stroke="currentColor"/>
      <text x="${x(length + 5)}" y="${y + BAR_HEIGHT - 5}">${chart.format(value)}</text>`;
    })}</g>`;
  });
  return html`<svg role="img" aria-label="${chart.title}" aria-describedby="${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"
    direction="${rtl ? 'rtl' : 'ltr'}" font-size="${FONT_SIZE}" fill="currentColor">
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
