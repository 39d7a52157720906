/**
 * A time series chart drawn by uPlot. The component only hands uPlot its data and the theme's colours;
 * it redraws when either changes and follows its box's width.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { pacificClock, pacificDay } from "../../../src/keys/pacific-time.js";
import { formatCompact } from "../i18n/format.js";
import { locale } from "../i18n/language.js";
import { activeTheme } from "../state/theme.js";
import type { ChartSeries } from "./chart-series.js";

export interface TimeChartProps {
  title: string;
  /** Bucket start times, in milliseconds. */
  times: number[];
  series: ChartSeries[];
  /** The period shown, in milliseconds, whatever times hold data. */
  period?: readonly [number, number];
  /** Fill under the first line (a quantity such as available keys, against the total). */
  filled?: boolean;
  /**
   * The times are Pacific days' starts: the axis reads Los Angeles' calendar and each point is labelled
   * with its Pacific date, whatever the browser's time zone (else the browser's own clock).
   */
  pacificDays?: boolean;
  testId: string;
}

/** Colours that stay apart on light and dark backgrounds. */
const PALETTE = [
  "#2f7de1",
  "#e8833a",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
];
const HEIGHT = 240;

/** A Date whose local fields read the Los Angeles clock at `seconds`: uPlot's way to draw in a zone. */
function losAngelesDate(seconds: number): Date {
  const clock = pacificClock(seconds * 1000);
  return new Date(
    clock.getUTCFullYear(),
    clock.getUTCMonth(),
    clock.getUTCDate(),
    clock.getUTCHours(),
    clock.getUTCMinutes(),
    clock.getUTCSeconds(),
  );
}

function cssColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

export function TimeChart({
  title,
  times,
  series,
  period,
  filled = false,
  pacificDays = false,
  testId,
}: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const theme = activeTheme();
  const language = locale();
  // The page rebuilds its arrays on each render: redraw only when what they hold changed.
  const dataKey = JSON.stringify([times, series, period, pacificDays]);

  useEffect(() => {
    const target = box.current;
    if (!target || times.length === 0) return;
    const text = cssColour("--text-muted");
    const grid = cssColour("--grid");
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const options: uPlot.Options = {
      width: Math.max(target.clientWidth, 280),
      height: HEIGHT,
      ...(pacificDays ? { tzDate: losAngelesDate } : {}),
      // Counts start at zero, so that a small change does not look like a cliff.
      scales: {
        x: { time: true, ...(period ? { range: [period[0] / 1000, period[1] / 1000] } : {}) },
        y: { range: (_chart, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        axis,
        { ...axis, size: 56, values: (_chart, splits) => splits.map((value) => formatCompact(value)) },
      ],
      series: [
        pacificDays
          ? { value: (_chart, seconds) => (seconds == null ? "" : pacificDay(seconds * 1000)) }
          : {},
        ...series.map((entry, index) => {
          const colour = PALETTE[index % PALETTE.length] ?? "#888";
          return {
            label: entry.label,
            stroke: colour,
            width: 2,
            ...(filled && index === 0 ? { fill: `${colour}33` } : {}),
            points: { show: times.length < 60 },
          };
        }),
      ],
      legend: { live: true },
    };
    const data: uPlot.AlignedData = [
      times.map((time) => time / 1000),
      ...series.map((entry) => entry.values),
    ];
    const chart = new uPlot(options, data, target);
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(target.clientWidth, 280), height: HEIGHT });
    });
    resize.observe(target);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [dataKey, filled, theme, language]);

  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-canvas" data-points={times.length} data-series={series.length} />
    </figure>
  );
}
