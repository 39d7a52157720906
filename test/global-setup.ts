/**
 * Runs once before the whole suite: compiles `src/` into `dist/` and the console into `dist/console/web/`
 * (the `npm run build` output that `npm start` runs), so the end-to-end tests always drive an up-to-date
 * build, also in a fresh clone. With nothing changed, the first takes about a second and the second none.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function runTypeScriptBuild(): Promise<void> {
  const buildInfo = join(root, "dist", ".tsbuildinfo");
  // Without dist/server.js the build info cannot be trusted (part of dist/ was deleted): build it all.
  if (!existsSync(join(root, "dist", "server.js"))) rmSync(buildInfo, { force: true });
  return new Promise((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [
        join(root, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.build.json",
        "--incremental",
        "--tsBuildInfoFile",
        buildInfo,
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    tsc.stdout.on("data", (chunk) => {
      output += chunk;
    });
    tsc.stderr.on("data", (chunk) => {
      output += chunk;
    });
    tsc.on("error", reject);
    tsc.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`The build (tsc -p tsconfig.build.json) failed, exit code ${code}:\n${output}`));
    });
  });
}

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The console (console/ → dist/console/web/, as `npm run build` makes it), when its sources changed. */
function runConsoleBuild(): Promise<void> {
  const index = join(root, "dist", "console", "web", "index.html");
  const sources = Math.max(
    newestChange(join(root, "console")),
    statSync(join(root, "package-lock.json")).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const vite = spawn(
      process.execPath,
      [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "console/vite.config.ts"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    vite.stdout.on("data", (chunk) => {
      output += chunk;
    });
    vite.stderr.on("data", (chunk) => {
      output += chunk;
    });
    vite.on("error", reject);
    vite.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`The console build (vite build) failed, exit code ${code}:\n${output}`));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  await runTypeScriptBuild();
  await runConsoleBuild();
}
