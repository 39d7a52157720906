/**
 * `npm run keys:check` (in the image: `node dist/cli/keys-check.js`): asks the running gateway to check
 * its keys (`POST /admin/keys/check`), shows a progress bar while the results stream in, then a summary
 * table and every key that is not valid. It reads PORT and ADMIN_TOKEN from the environment, as the
 * gateway does, so inside the container it needs no option.
 */
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import Table from "cli-table3";
import { createParser } from "eventsource-parser";
import { CHECK_VERDICTS, type CheckResult, type CheckVerdict } from "../keys/check-keys.js";

const usage = `Usage: npm run keys:check -- [options]

Checks the keys of a running gateway with the cheapest real calls and updates its pool.
  --url <url>       the gateway (default http://127.0.0.1:$PORT, PORT defaulting to 7860)
  --token <token>   the gateway's ADMIN_TOKEN (default $ADMIN_TOKEN)
  --model <model>   also learn each key's quota for this model (one minimal generation per key)
  --label <label>   only the keys with this label
  --ids <id,id>     only these key ids
  --json            print the results as JSON instead of tables
  --help            this text`;

interface Options {
  url: string;
  token: string | undefined;
  model: string | undefined;
  label: string | undefined;
  ids: string[] | undefined;
  json: boolean;
}

function readOptions(argv: string[], environment: NodeJS.ProcessEnv): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      model: { type: "string" },
      label: { type: "string" },
      ids: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  return {
    url: (values.url ?? `http://127.0.0.1:${environment.PORT?.trim() || "7860"}`).replace(/\/+$/, ""),
    token: values.token ?? (environment.ADMIN_TOKEN?.trim() || undefined),
    model: values.model,
    label: values.label,
    ids: values.ids
      ?.split(",")
      .map((id) => id.trim())
      .filter(Boolean),
    json: values.json,
  };
}

interface DoneEvent {
  total: number;
  counts: Record<CheckVerdict, number>;
}

async function run(options: Options): Promise<number> {
  const response = await fetch(`${options.url}/admin/keys/check`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({
      ...(options.model ? { model: options.model } : {}),
      ...(options.label ? { label: options.label } : {}),
      ...(options.ids ? { ids: options.ids } : {}),
    }),
  }).catch((error: Error) => {
    throw new Error(
      `cannot reach the gateway at ${options.url} (${error.message}); is it running? set --url`,
    );
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {}
    throw new Error(`the gateway answered ${response.status}: ${message}`);
  }

  const interactive = !options.json && process.stderr.isTTY === true;
  const bar = new SingleBar({
    format: "checking keys [{bar}] {value}/{total} {verdict}",
    stream: process.stderr,
    hideCursor: true,
  });
  const results: CheckResult[] = [];
  let done: DoneEvent | undefined;
  let started = false;
  const parser = createParser({
    onEvent(event) {
      if (event.event === "progress") {
        const progress = JSON.parse(event.data) as { done: number; total: number; result: CheckResult };
        results.push(progress.result);
        if (!interactive) return;
        if (!started) bar.start(progress.total, 0, { verdict: "" });
        started = true;
        bar.update(progress.done, { verdict: `${progress.result.id} ${progress.result.verdict}` });
      } else if (event.event === "done") {
        done = JSON.parse(event.data) as DoneEvent;
      } else if (event.event === "error") {
        throw new Error((JSON.parse(event.data) as { message?: string }).message ?? event.data);
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
  if (started) bar.stop();
  if (!done) throw new Error("the check ended before it finished (the gateway stopped?)");

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ results, counts: done.counts }, null, 2)}\n`);
    return 0;
  }
  // Plain text: the tables often end up in logs and CI output, where colour codes are noise.
  const plain = { style: { head: [], border: [] } };
  const summary = new Table({ head: ["verdict", "keys"], ...plain });
  for (const verdict of CHECK_VERDICTS) summary.push([verdict, String(done.counts[verdict] ?? 0)]);
  summary.push(["total", String(done.total)]);
  process.stdout.write(`${summary.toString()}\n`);
  const notValid = results.filter((result) => result.verdict !== "valid");
  if (notValid.length > 0) {
    const table = new Table({ head: ["id", "key", "label", "verdict", "detail"], ...plain });
    for (const result of notValid) {
      table.push([result.id, result.key, result.label ?? "", result.verdict, result.detail]);
    }
    process.stdout.write(`${table.toString()}\n`);
  }
  return 0;
}

async function main(): Promise<void> {
  let options: Options | undefined;
  try {
    options = readOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`keys:check: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (!options) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  try {
    process.exitCode = await run(options);
  } catch (error) {
    process.stderr.write(`keys:check: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();
