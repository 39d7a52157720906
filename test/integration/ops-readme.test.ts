/**
 * The READMEs are what a newcomer follows: every setting the code reads, every route and metric it
 * serves, commands that exist, and the same content in English and Chinese.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Metrics } from "../../src/observability/metrics.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");
const english = read("README.md");
const chinese = read("README.zh-CN.md");
const readmes = [
  ["README.md", english],
  ["README.zh-CN.md", chinese],
] as const;

/** The variables `src/config.ts` reads: the keys of its environment schema. */
const settings = [...read("src/config.ts").matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map(
  (match) => match[1] as string,
);

/** The settings table's rows: variable → default column. */
function settingsTable(readme: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]*) \|/gm)) {
    rows.set(match[1] as string, (match[2] as string).replace(/[（(].*$/, "").trim());
  }
  return rows;
}

/** Fenced code blocks, with shell comments taken off (they are translated). */
function codeBlocks(readme: string): string[] {
  return [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map(([, language, body]) =>
    language === "bash"
      ? (body as string)
          .split("\n")
          .map((line) => line.replace(/\s+#.*$/, "").replace(/^#.*$/, ""))
          .join("\n")
      : (body as string),
  );
}

describe("README.md and README.zh-CN.md", () => {
  test("the config reads the settings we expect to find (the list is not empty)", () => {
    expect(settings).toEqual(
      expect.arrayContaining(["PORT", "ACCESS_TOKEN", "ADMIN_TOKEN", "BODY_LIMIT", "CORS_ORIGIN"]),
    );
  });

  test.each(readmes)("%s documents every setting of src/config.ts in its settings table", (_name, readme) => {
    const table = settingsTable(readme);
    const missing = settings.filter((variable) => !table.has(variable));
    expect(missing).toEqual([]);
  });

  test("both settings tables give the same defaults, and .env.example lists every setting", () => {
    expect([...settingsTable(chinese)]).toEqual([...settingsTable(english)]);
    const example = read(".env.example");
    expect(settings.filter((variable) => !new RegExp(`^# ${variable}=`, "m").test(example))).toEqual([]);
  });

  test.each(readmes)("%s documents every route", (_name, readme) => {
    for (const route of [
      "GET /health",
      "GET /status",
      "GET /metrics",
      "GET /v1/models",
      "GET /v1/models/{id}",
      "POST /v1/chat/completions",
      "POST /v1/embeddings",
      "GET /v1beta/models",
      "POST /v1beta/models/{model}:{method}",
      "/v1beta/openai/*",
      "POST /admin/reset-keys",
      "POST /admin/reload-keys",
      "POST /admin/keys",
      "DELETE /admin/keys/{id}",
      "POST /admin/keys/{id}/enable",
      "POST /admin/keys/{id}/disable",
    ]) {
      expect({ route, documented: readme.includes(`\`${route}`) }).toEqual({ route, documented: true });
    }
    expect(readme).toContain(
      'curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" localhost:7860/admin/reload-keys',
    );
  });

  test.each(readmes)("%s documents every gateway metric family the code registers", async (_name, readme) => {
    const metrics = new Metrics({
      keyCounts: () => ({ active: 0, cooling: 0, disabled: 0 }),
      defaultMetrics: false,
    });
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names)
      expect({ name, documented: readme.includes(`\`${name}\``) }).toEqual({ name, documented: true });
  });

  test("both have the same sections, tables and code (comments aside)", () => {
    const shape = (readme: string) => ({
      sections: readme.match(/^#{2,3} /gm)?.length,
      tableRows: readme.match(/^\|/gm)?.length,
      code: codeBlocks(readme),
    });
    expect(shape(chinese)).toEqual(shape(english));
  });

  test.each(readmes)("%s opens with two commands: one to run, one to test", (_name, readme) => {
    const [first] = codeBlocks(readme);
    expect(
      first
        ?.trim()
        .split("\n")
        .map((line) => line.trim()),
    ).toEqual(["./start.sh", "./start.sh test"]);
    expect(readme.indexOf("```bash")).toBeLessThan(readme.indexOf("\n## "));
  });

  test("the commands they give exist", () => {
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    for (const [, readme] of readmes) {
      for (const match of readme.matchAll(/npm run ([\w:-]+)/g))
        expect(scripts).toHaveProperty(match[1] as string);
      for (const command of [
        "npm ci",
        "npm start",
        "npm test",
        "source scripts/use-node.sh",
        "bash .ci/run",
        "docker compose up",
      ]) {
        expect({ command, present: readme.includes(command) }).toEqual({ command, present: true });
      }
    }
    // `npm start` runs the compiled entry directly (the contract's promise), with the image's Node flags.
    expect(scripts.start).toMatch(/^node (--[\w-]+=\S+ )*dist\/main\.js$/);
    for (const file of [
      "keys.txt.example",
      ".env.example",
      "scripts/use-node.sh",
      "start.sh",
      ".ci/run",
      "scripts/install-test-servers.sh",
      "docker-compose.yml",
      "Dockerfile",
    ]) {
      expect({ file, exists: existsSync(join(root, file)) }).toEqual({ file, exists: true });
    }
  });

  test("a Performance section is there for the benchmark's figures", () => {
    expect(english).toMatch(/^## Performance$/m);
    expect(chinese).toMatch(/^## 性能$/m);
  });
});
