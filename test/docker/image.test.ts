/**
 * The real image. podman builds the project's unmodified Dockerfile FROM a stand-in for node:24-alpine
 * (scripts/build-stand-in-node-image.sh), from a copy of this checkout with a user's secrets and local
 * builds beside it; the test checks the image as users meet it, resolves docker-compose.yml with a real
 * Compose and a `.env` written for `npm start`, then starts the image's CMD as `docker compose up` would
 * (start-container.ts: the container's filesystem, user, WORKDIR, environment, read-only keys mount,
 * own network) against the fake Gemini.
 *
 * Needs root, podman, debootstrap and a Compose (bash scripts/install-test-servers.sh installs them from
 * Debian's packages); skipped with a warning without them. The first run builds the stand-in base and
 * every layer (minutes); later runs reuse podman's cache (seconds).
 */
import { spawnSync } from "node:child_process";
import { chmod, chown, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { open, request } from "../support/http.js";
import { waitFor } from "../support/poll.js";
import { run } from "../support/run-command.js";
import { createSseReader } from "../support/sse.js";
import { DECOYS, makeBuildContext } from "./build-context.js";
import { type ResolvedCompose, type ResolvedService, resolveCompose } from "./compose-config.js";
import {
  buildImage,
  createMountedContainer,
  type ImageConfig,
  inspectImage,
  type MountedContainer,
  podman,
  pruneSupersededImages,
} from "./podman.js";
import {
  type ContainerSpec,
  type RunningContainer,
  resolveUser,
  runDetached,
  startContainer,
} from "./start-container.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002"];
const ADDED_KEY = "fake-key-charlie-0003";
const ACCESS_TOKEN = "fake-access-token-image";
const ADMIN_TOKEN = "fake-admin-token-image";
const SERVICE = "gemini-rotator";
const IMAGE_TAG = "localhost/gemini-rotator:image-test";
/** Set by scripts/build-stand-in-node-image.sh, and inherited by every image built on the stand-in. */
const STAND_IN_LABEL = "org.gemini-rotator.stand-in";
/** The container's own settings, which no `.env` may move. */
const CONTAINER_SETTINGS = ["HOST", "KEYS_FILE", "PORT", "STATE_FILE"];

function missingPrerequisites(): string[] {
  if (process.getuid?.() !== 0) return ["root"];
  const has = (command: string) => spawnSync("sh", ["-c", command], { stdio: "ignore" }).status === 0;
  const missing = ["podman", "debootstrap", "unshare", "nsenter", "ip", "git"].filter(
    (tool) => !has(`command -v ${tool}`),
  );
  if (!has("docker compose version || docker-compose version")) missing.push("docker-compose");
  return missing;
}

const missing = missingPrerequisites();
if (missing.length > 0) {
  console.warn(
    `the image test cannot run here (missing: ${missing.join(", ")}); as root, bash scripts/install-test-servers.sh installs them`,
  );
}

/** A Compose project folder as a user has it: the compose file, keys.txt made as the README says, .env. */
async function makeProject(envLines: readonly string[]): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "gemini-rotator-compose-"));
  await copyFile(join(root, "docker-compose.yml"), join(folder, "docker-compose.yml"));
  const example = await readFile(join(root, ".env.example"), "utf8");
  await writeFile(join(folder, ".env"), [example, ...envLines, ""].join("\n"));
  const keysFile = join(folder, "keys.txt");
  const keysExample = await readFile(join(root, "keys.txt.example"), "utf8");
  await writeFile(keysFile, `${keysExample}${KEYS.join("\n")}\n`);
  // The README's advice: private to its owner (here root, not the container's uid) and group 1000.
  await chmod(keysFile, 0o640);
  await chown(keysFile, 0, 1000);
  return folder;
}

/** A `node -e` program that prints the file named by its argument. */
const READ_FILE = "process.stdout.write(require('fs').readFileSync(process.argv[1], 'utf8'))";

/** The listening IPv4 sockets of a /proc/net/tcp table, e.g. `0.0.0.0:7860`. */
function listeningAddresses(table: string): string[] {
  const LISTEN = "0A";
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === LISTEN)
    .map((fields) => {
      const [address = "", port = ""] = (fields[1] ?? "").split(":");
      // The address is four bytes in the machine's (little-endian) order.
      const bytes = (address.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)).reverse();
      return `${bytes.join(".")}:${Number.parseInt(port, 16)}`;
    });
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1_000_000)} MB`;
}

(missing.length === 0 ? describe : describe.skip)(
  "the image, built by podman and started as compose would",
  () => {
    let context: string;
    let image: ImageConfig;
    let base: ImageConfig;
    let buildSeconds: number;
    let fake: FakeGemini;
    let project: string;
    let defaults: ResolvedCompose;
    let resolved: ResolvedCompose;
    let service: ResolvedService;
    /** A container never started: what the image holds, before anything runs in it. */
    let pristine: MountedContainer;
    let container: MountedContainer;
    let spec: ContainerSpec;
    let gateway: RunningContainer | undefined;
    const cleanups: (() => Promise<unknown>)[] = [];

    /** An image path (`/app/data`) in the image as built, and in the started container. */
    const inImage = (path: string) => join(pristine.rootfs, path);
    const inContainer = (path: string) => join(container.rootfs, path);

    beforeAll(async () => {
      const dockerfile = await readFile(join(root, "Dockerfile"), "utf8");
      const bases = [...new Set([...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((match) => match[1] ?? ""))];
      for (const reference of bases) {
        const made = await run("bash", [join(root, "scripts", "build-stand-in-node-image.sh"), reference]);
        if (made.code !== 0)
          throw new Error(`the stand-in for ${reference} could not be made:\n${made.stderr}`);
        process.stderr.write(made.stderr);
      }
      base = await inspectImage(`docker.io/library/${bases[0]}`);

      context = await mkdtemp(join(tmpdir(), "gemini-rotator-build-"));
      cleanups.push(() => rm(context, { recursive: true, force: true }));
      await makeBuildContext(root, context);
      const started = Date.now();
      image = await inspectImage(await buildImage(context, join(context, "Dockerfile"), IMAGE_TAG));
      buildSeconds = (Date.now() - started) / 1000;
      // Every image built on the stand-in carries its label.
      await pruneSupersededImages(STAND_IN_LABEL);

      fake = await startFakeGemini({ keys: [...KEYS, ADDED_KEY] });
      cleanups.push(() => fake.close());

      const defaultsProject = await makeProject([]);
      cleanups.push(() => rm(defaultsProject, { recursive: true, force: true }));
      defaults = await resolveCompose(join(defaultsProject, "docker-compose.yml"), defaultsProject);

      // A .env written for `npm start`, as users do: its PORT, HOST, KEYS_FILE and STATE_FILE are for a
      // process on this machine, not for the container.
      project = await makeProject([
        "PORT=1234",
        "HOST=127.0.0.1",
        "KEYS_FILE=./keys.txt",
        "STATE_FILE=./data/state.json",
        `ACCESS_TOKEN=${ACCESS_TOKEN}`,
        `ADMIN_TOKEN=${ADMIN_TOKEN}`,
        `GEMINI_BASE_URL=${fake.url}`,
      ]);
      cleanups.push(() => rm(project, { recursive: true, force: true }));
      resolved = await resolveCompose(join(project, "docker-compose.yml"), project);
      service = resolved.services[SERVICE] as ResolvedService;

      pristine = await createMountedContainer(image.id);
      cleanups.push(() => pristine.remove());
      container = await createMountedContainer(image.id);
      cleanups.push(() => container.remove());
      spec = {
        rootfs: container.rootfs,
        user: image.user,
        workingDir: image.workingDir,
        command: [...image.entrypoint, ...image.cmd],
        env: { ...image.env, ...service.environment },
        // Bind mounts; a named volume starts as a copy of the image's folder, which is what the
        // container's own /app/data is.
        binds: service.volumes.filter((volume) => volume.source.startsWith("/")),
        containerPort: service.ports[0]?.target ?? 0,
        hostPorts: [fake.port],
      };
      gateway = await startServing(spec);
    }, 20 * 60_000);

    afterAll(async () => {
      await gateway?.close();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      if (image) {
        console.info(
          `image ${megabytes(image.size)} (the stand-in base ${megabytes(base.size)}, the project's layers ` +
            `${megabytes(image.size - base.size)}), built in ${buildSeconds.toFixed(1)} s`,
        );
      }
    }, 60_000);

    /** Starts the container and waits until its published port answers /health. */
    async function startServing(containerSpec: ContainerSpec): Promise<RunningContainer> {
      const started = await startContainer(containerSpec);
      let exit: unknown;
      void started.exited.then((outcome) => {
        exit = outcome;
      });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const failure = exit
          ? `the container exited (${JSON.stringify(exit)})`
          : Date.now() > deadline
            ? "the container did not answer /health within 60 s"
            : undefined;
        if (failure) {
          await started.close();
          throw new Error(`${failure}:\n${started.logs.join("\n")}`);
        }
        if (started.logs.some((line) => line.includes("gemini-rotator listening"))) {
          const healthy = await fetch(`${started.url}/health`).then(
            (response) => response.ok,
            () => false,
          );
          if (healthy) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return started;
    }

    describe("as built", () => {
      test("it runs as the image's node user, uid and gid 1000", async () => {
        expect(image.user).toBe("node");
        expect(await resolveUser(pristine.rootfs, image.user)).toEqual({ uid: 1000, gid: 1000 });
      });

      test("its CMD is what `npm start` runs, in exec form, so SIGTERM reaches node", async () => {
        const packageJson = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
          scripts: { start: string };
        };
        expect(image.workingDir).toBe("/app");
        expect([...image.entrypoint, ...image.cmd]).toEqual(packageJson.scripts.start.split(" "));
      });

      test("its ENV holds the contract's defaults and the container's paths", () => {
        const contract = loadConfig({});
        expect(image.env).toMatchObject({
          NODE_ENV: "production",
          PORT: String(contract.port),
          HOST: contract.host,
          LOG_LEVEL: contract.logLevel,
          KEYS_FILE: "/app/keys.txt",
          STATE_FILE: "/app/data/state.json",
        });
      });

      test("it declares EXPOSE 7860, STOPSIGNAL SIGTERM and a HEALTHCHECK that needs only node", () => {
        expect(image.exposedPorts).toEqual(["7860/tcp"]);
        expect(image.stopSignal).toBe("SIGTERM");
        expect(image.healthcheck?.test.slice(0, 2)).toEqual(["CMD", "node"]);
        expect(image.healthcheck?.test.join(" ")).not.toMatch(/curl|wget/);
        expect(image.healthcheck).toMatchObject({
          interval: 30e9,
          timeout: 5e9,
          startPeriod: 10e9,
          retries: 3,
        });
      });

      test("it holds the production dependencies and no dev dependency (package-lock.json's own flags)", async () => {
        const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as {
          packages: Record<
            string,
            { dev?: boolean; optional?: boolean; devOptional?: boolean; peer?: boolean }
          >;
        };
        const present = async (path: string) =>
          stat(inImage(join("/app", path))).then(
            () => true,
            () => false,
          );
        const production = Object.entries(lock.packages).filter(
          ([path, entry]) =>
            path !== "" && !entry.dev && !entry.optional && !entry.devOptional && !entry.peer,
        );
        const devOnly = Object.entries(lock.packages).filter(([, entry]) => entry.dev);
        expect(production.length).toBeGreaterThan(10);
        expect(devOnly.length).toBeGreaterThan(10);
        const missingProduction: string[] = [];
        for (const [path] of production) if (!(await present(path))) missingProduction.push(path);
        const presentDev: string[] = [];
        for (const [path] of devOnly) if (await present(path)) presentDev.push(path);
        expect({ missingProduction, presentDev }).toEqual({ missingProduction: [], presentDev: [] });
        expect(await present("dist/server.js")).toBe(true);
      });

      test("keys, .env files, state and local builds beside the checkout stay out (.dockerignore)", async () => {
        const app = inImage("/app");
        const files = (await readdir(app, { recursive: true })).map(String);
        for (const decoy of DECOYS) expect(files).not.toContain(decoy);
        expect(files.filter((file) => /(^|\/)(keys\.txt|\.env[^/]*|state\.json)$/.test(file))).toEqual([]);
        // Only the compiled server runs: no sources, tests or tooling.
        const top = await readdir(app);
        for (const absent of ["src", "test", "bench", "tsconfig.json", ".git", "keys.txt.example"]) {
          expect(top).not.toContain(absent);
        }
      });

      test("/app/data (the volume) belongs to the node user", async () => {
        const data = await stat(inImage("/app/data"));
        expect({ uid: data.uid, gid: data.gid, ownerMayWrite: (data.mode & 0o200) !== 0 }).toEqual({
          uid: 1000,
          gid: 1000,
          ownerMayWrite: true,
        });
      });
    });

    describe("docker-compose.yml, resolved by a real Compose", () => {
      test("by default it publishes port 7860 on this machine's loopback only", () => {
        expect(defaults.services[SERVICE]?.ports).toEqual([
          { hostIp: "127.0.0.1", published: "7860", target: 7860 },
        ]);
      });

      test("PORT and HOST in .env move only the published address; the container keeps its own settings", () => {
        expect(service.ports).toEqual([{ hostIp: "127.0.0.1", published: "1234", target: 7860 }]);
        expect(service.ports[0]?.target).toBe(Number(image.env.PORT));
        expect(image.exposedPorts).toContain(`${service.ports[0]?.target}/tcp`);
        for (const resolution of [defaults.services[SERVICE], service]) {
          for (const name of CONTAINER_SETTINGS) expect(resolution?.environment[name]).toBe(image.env[name]);
        }
        // What .env says reaches the gateway.
        expect(service.environment).toMatchObject({ ACCESS_TOKEN, ADMIN_TOKEN, GEMINI_BASE_URL: fake.url });
        // .env.example sets nothing: only the container's settings are there.
        expect(Object.keys(defaults.services[SERVICE]?.environment ?? {}).sort()).toEqual(CONTAINER_SETTINGS);
      });

      test("keys.txt is mounted read-only; state lives in a named volume", () => {
        expect(service.volumes).toEqual(
          expect.arrayContaining([
            { source: join(project, "keys.txt"), target: "/app/keys.txt", readOnly: true },
            { source: "gemini-rotator-data", target: "/app/data", readOnly: false },
          ]),
        );
        expect(resolved.volumes).toContain("gemini-rotator-data");
      });

      test("logs are rotated, the container restarts, and the healthcheck is the image's", () => {
        expect(service.logging).toEqual({
          driver: "json-file",
          options: { "max-size": "10m", "max-file": "3" },
        });
        expect(service.restart).toBe("unless-stopped");
        expect(service.healthcheck.test).toEqual(image.healthcheck?.test);
      });
    });

    describe("started as compose would start it", () => {
      test("it listens on 7860 on every interface of the container, whatever .env says", async () => {
        // The kernel's own table of the container's sockets: docker-proxy and Docker's bridge reach the
        // gateway on the container's outside interface, which a loopback-only listener would not answer.
        const table = await gateway?.exec(["node", "-e", READ_FILE, "/proc/net/tcp"]);
        const onPort = listeningAddresses(table?.stdout ?? "").filter((address) => address.endsWith(":7860"));
        expect(onPort).toEqual(["0.0.0.0:7860"]);
      });

      test("a chat completion succeeds with the keys of the mounted keys.txt", async () => {
        const answer = await request(`${gateway?.url}/v1/chat/completions`, {
          body: { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] },
          token: ACCESS_TOKEN,
        });
        expect(answer.status).toBe(200);
        expect(answer.json.choices[0].message.content).toBe("Echo: Say hi");
        expect(KEYS).toContain(fake.requests.at(-1)?.key);
        const health = await request(`${gateway?.url}/health`);
        expect(health.json).toMatchObject({ status: "healthy", totalKeys: 2, availableKeys: 2 });
      });

      test("the operator console is built into the image and served at /console", async () => {
        const page = await request(`${gateway?.url}/console`, { token: null });
        expect(page.status).toBe(200);
        const bundle = page.text.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
        expect(bundle).toBeDefined();
        const script = await request(`${gateway?.url}${bundle}`, { token: null });
        expect(script.status).toBe(200);
        expect(script.headers.get("cache-control")).toContain("immutable");
      });

      test("the keys file is mounted read-only inside", async () => {
        const mounts = await gateway?.exec(["node", "-e", READ_FILE, "/proc/self/mountinfo"]);
        // mountinfo: ID, parent, device, root, mount point, mount options, …
        const keysMount = (mounts?.stdout ?? "")
          .split("\n")
          .map((line) => line.split(" "))
          .find((fields) => fields[4] === "/app/keys.txt");
        expect(keysMount?.[5]?.split(",")).toContain("ro");
      });

      test("state is written to /app/data as node, and a key added at runtime survives a restart", async () => {
        const added = await request(`${gateway?.url}/admin/keys`, {
          body: { key: ADDED_KEY },
          token: ADMIN_TOKEN,
        });
        expect(added.status).toBe(201);
        // STATE_FILE /app/data/state.json names the database /app/data/state.db.
        const databaseFile = inContainer("/app/data/state.db");
        const saved = await waitFor(
          async () => {
            const { DatabaseSync } = await import("node:sqlite");
            const database = new DatabaseSync(databaseFile, { readOnly: true });
            try {
              const row = database.prepare("SELECT value FROM meta WHERE name = 'key-set'").get();
              return String(row?.value ?? "").includes(ADDED_KEY) ? stat(databaseFile) : undefined;
            } finally {
              database.close();
            }
          },
          { timeoutMs: 15_000, what: "the database to hold the added key" },
        );
        expect({ uid: saved.uid, gid: saved.gid }).toEqual({ uid: 1000, gid: 1000 });

        expect(await gateway?.stop("SIGTERM")).toEqual({ code: 0, signal: null });
        await gateway?.close();
        gateway = await startServing(spec);
        const status = await request(`${gateway.url}/status`, { token: ADMIN_TOKEN });
        expect(status.json.totalKeys).toBe(3);
      }, 120_000);

      test("its HEALTHCHECK exits 0 in the container, and 1 where nothing answers", async () => {
        const command = image.healthcheck?.test.slice(1) ?? [];
        const healthy = await gateway?.exec(command);
        expect({ code: healthy?.code, stderr: healthy?.stderr }).toEqual({ code: 0, stderr: "" });
        const alone = await runDetached(spec, command);
        expect({ code: alone.code, stdout: alone.stdout, stderr: alone.stderr }).toEqual({
          code: 1,
          stdout: "",
          stderr: "",
        });
      });

      test("its STOPSIGNAL lets a stream in flight finish, then it exits 0", async () => {
        const pieces = ["one ", "two ", "three ", "four ", "five"];
        fake.enqueue({ kind: "text", text: pieces, paceMs: 300 });
        const { response } = await open(`${gateway?.url}/v1/chat/completions`, {
          body: { model: "gemini-2.5-flash", stream: true, messages: [{ role: "user", content: "Count" }] },
          token: ACCESS_TOKEN,
        });
        expect(response.status).toBe(200);
        const reader = createSseReader();
        const decoder = new TextDecoder();
        let stopping: Promise<unknown> | undefined;
        for await (const bytes of response.body ?? new ReadableStream<Uint8Array>()) {
          reader.feed(decoder.decode(bytes, { stream: true }));
          // Stop once the first words are out: the rest is still to come from the fake.
          if (!stopping && reader.end().events.some((event) => event.json?.choices?.[0]?.delta?.content)) {
            stopping = gateway?.stop(image.stopSignal as NodeJS.Signals);
          }
        }
        const events = reader.end().events;
        const content = events.map((event) => event.json?.choices?.[0]?.delta?.content ?? "").join("");
        expect(content).toBe(pieces.join(""));
        expect(events.at(-1)?.data).toBe("[DONE]");
        expect(await stopping).toEqual({ code: 0, signal: null });
      }, 120_000);
    });

    describe("keys.txt permissions", () => {
      let other: MountedContainer;
      beforeAll(async () => {
        other = await createMountedContainer(image.id);
      }, 60_000);
      afterAll(() => other?.remove());

      test("`chmod 600` by a user whose uid is not 1000 stops start-up with one clear line (EACCES)", async () => {
        const keysFile = join(project, "private.keys.txt");
        await writeFile(keysFile, `${KEYS.join("\n")}\n`);
        await chmod(keysFile, 0o600);
        const started = await startContainer({
          ...spec,
          rootfs: other.rootfs,
          binds: [{ source: keysFile, target: "/app/keys.txt", readOnly: true }],
        });
        const outcome = await started.exited;
        await started.close();
        expect(outcome.code).toBe(1);
        expect(started.logs.filter((line) => line.includes("EACCES"))).toEqual([
          expect.stringMatching(/KEYS_FILE \(\/app\/keys\.txt\) cannot be read \(EACCES\)/),
        ]);
      }, 60_000);
    });

    describe("podman-compose", () => {
      test("accepts the compose file too", async () => {
        const hasPodmanCompose = spawnSync("sh", ["-c", "command -v podman-compose"]).status === 0;
        if (!hasPodmanCompose) {
          console.warn("podman-compose is not installed: its check of docker-compose.yml is skipped");
          return;
        }
        const name = `gemini-rotator-check-${process.pid}`;
        // --dry-run prints the podman commands; podman-compose 1.0 still creates the volume and network.
        const answer = await run("podman-compose", ["-p", name, "--dry-run", "up", "--no-build", "-d"], {
          cwd: project,
        });
        await podman(["volume", "rm", "--force", `${name}_gemini-rotator-data`]).catch(() => undefined);
        await podman(["network", "rm", "--force", `${name}_default`]).catch(() => undefined);
        expect(answer.code).toBe(0);
        const runLine = answer.stdout.split("\n").find((line) => line.startsWith("podman run")) ?? "";
        for (const expected of [
          `--env-file ${join(project, ".env")}`,
          "-e PORT=7860",
          "-e HOST=0.0.0.0",
          `-v ${join(project, "keys.txt")}:/app/keys.txt:ro`,
          "-p 127.0.0.1:1234:7860",
          "--log-opt=max-size=10m",
        ]) {
          expect(runLine).toContain(expected);
        }
      }, 60_000);
    });
  },
);
