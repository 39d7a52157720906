/** One line of a time chart: its name and one value per time of the chart's axis. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
}
