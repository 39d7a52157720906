/**
 * Loaded into the gateway by the benchmark only (`node --import bench/lib/loop-monitor.mjs`), when
 * `BENCH_LOOP_MONITOR` names a file: the gateway itself exposes nothing new. It keeps Node's event-loop
 * delay histogram (`perf_hooks.monitorEventLoopDelay`, a 10 ms timer, negligible cost) and, on each
 * SIGUSR2, writes the histogram since the previous signal to that file and starts a new one. The
 * benchmark signals before and after a phase; the longest delay is the longest stall of the loop,
 * during which no socket of any request was served.
 */
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.BENCH_LOOP_MONITOR;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let sequence = 0;
  const ms = (nanoseconds) => Number((nanoseconds / 1e6).toFixed(2));
  process.on("SIGUSR2", () => {
    sequence++;
    const count = histogram.count;
    writeFileSync(
      file,
      JSON.stringify({
        sequence,
        samples: count,
        maxMs: count ? ms(histogram.max) : 0,
        p99Ms: count ? ms(histogram.percentile(99)) : 0,
        p50Ms: count ? ms(histogram.percentile(50)) : 0,
        // Where the resident memory is at this moment (MB): the V8 heap, and what lives outside it.
        memoryMb: Object.fromEntries(
          Object.entries(process.memoryUsage()).map(([name, bytes]) => [
            name,
            Number((bytes / 2 ** 20).toFixed(1)),
          ]),
        ),
      }),
    );
    histogram.reset();
  });
}
