/**
 * Runs once before the whole suite: compiles `src/` into `dist/` (the `npm run build` output that
 * `npm start` runs), so the end-to-end tests always drive an up-to-date build, also in a fresh clone.
 * The build is incremental: with nothing changed it takes about a second.
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
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

export default async function globalSetup(): Promise<void> {
  await runTypeScriptBuild();
}
