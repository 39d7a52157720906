/**
 * A real Prometheus (Debian's `prometheus`, installed by scripts/install-test-servers.sh) scrapes the
 * gateway with the scrape config shown in README.md, and a gateway metric is read back through
 * Prometheus' own query API.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/free-port.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { waitFor } from "../support/poll.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? "prometheus";
/** Prometheus scrapes every second: poll its API at a gentle pace, for up to 30 s. */
const PROMETHEUS_POLL = (what: string) => ({ what, timeoutMs: 30_000, intervalMs: 250 });
const installed = spawnSync(PROMETHEUS, ["--version"], { stdio: "ignore" }).status === 0;

if (!installed) {
  console.warn(
    `ops-prometheus: SKIPPED, no '${PROMETHEUS}' binary on PATH, so no real Prometheus scraped the gateway. ` +
      "Install it with 'bash scripts/install-test-servers.sh' (Debian's prometheus package); CI does.",
  );
}

/** The scrape job of README.md's example, pointed at `target`, scraping every second. */
async function readmeScrapeConfig(target: string): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const block = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((yaml) => yaml.includes("scrape_configs:") && yaml.includes("job_name: gemini-rotator"));
  if (!block) throw new Error("README.md shows no Prometheus scrape config with job_name: gemini-rotator");
  if (!block.includes("localhost:7860"))
    throw new Error("README.md's scrape config does not target localhost:7860");
  return `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${block
    .replaceAll("localhost:7860", target)
    .replace(/scrape_interval: \S+/g, "scrape_interval: 1s")}`;
}

async function query(
  prometheusUrl: string,
  promql: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data: { result: any[] } };
  if (body.status !== "success") throw new Error(`query failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

(installed ? describe : describe.skip)("a real Prometheus scrapes the gateway", () => {
  let harness: Harness;
  let prometheus: ChildProcess | undefined;
  let folder: string;
  let prometheusUrl: string;
  const output: string[] = [];
  const killPrometheus = () => prometheus?.kill("SIGKILL");

  beforeAll(async () => {
    harness = await startHarness();
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-prometheus-"));
    const configFile = join(folder, "prometheus.yml");
    await writeFile(configFile, await readmeScrapeConfig(new URL(harness.url).host));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(folder, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    // Never leave a Prometheus behind, even when jest is interrupted.
    process.once("exit", killPrometheus);
    prometheus.stdout?.on("data", (chunk) => output.push(String(chunk)));
    prometheus.stderr?.on("data", (chunk) => output.push(String(chunk)));
    await waitFor(async () => {
      if (prometheus?.exitCode !== null) throw new Error(`prometheus exited:\n${output.join("")}`);
      return (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined;
    }, PROMETHEUS_POLL("Prometheus to be ready"));
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once("exit", resolve));
      prometheus.kill("SIGTERM");
      const killer = setTimeout(killPrometheus, 5000);
      await exited;
      clearTimeout(killer);
    }
    process.removeListener("exit", killPrometheus);
    await harness?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test("the gateway's target is up and gateway_http_requests_total reads back through PromQL", async () => {
    for (let index = 0; index < 3; index++) {
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
    }
    const up = await waitFor(async () => {
      const result = await query(prometheusUrl, 'up{job="gemini-rotator"}');
      return result[0]?.value[1] === "1" ? result[0] : undefined;
    }, PROMETHEUS_POLL("the gateway's target to be up"));
    expect(up.metric).toMatchObject({ job: "gemini-rotator", instance: new URL(harness.url).host });

    const requests = await waitFor(async () => {
      const result = await query(
        prometheusUrl,
        'gateway_http_requests_total{job="gemini-rotator",route="/v1/chat/completions",status="200"}',
      );
      return result[0]?.value[1] === "3" ? result[0] : undefined;
    }, PROMETHEUS_POLL("3 chat completions in gateway_http_requests_total"));
    expect(requests.metric).toMatchObject({ method: "POST", route: "/v1/chat/completions", status: "200" });

    const keys = await query(prometheusUrl, 'sum(gateway_keys{job="gemini-rotator"})');
    expect(keys[0]?.value[1]).toBe("3");
  }, 60_000);
});
