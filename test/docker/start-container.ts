/**
 * Starts an image's command the way a container engine would, without one (`podman run` cannot set
 * rlimits on these machines): on the container's filesystem (`podman mount`) as its root, in new mount,
 * network and PID namespaces (the command is PID 1, as under Docker), as the image's user, in its
 * WORKDIR, with exactly the environment given, a fresh /dev, and Compose's bind mounts (read-only ones
 * read-only). Every mount lives in the private mount namespace and vanishes with it.
 *
 * The container's port is published on the host's loopback, and host ports it must reach (the fake
 * Gemini) appear inside at the same address, through port-bridge.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../support/poll.js";
import { type CommandResult, run } from "../support/run-command.js";
import { bridge, portOf } from "./port-bridge.js";

const PORT_BRIDGE = fileURLToPath(new URL("./port-bridge.ts", import.meta.url));

/** Mounts a container's /dev, Compose's binds, then becomes the command: run by `unshare` in the new namespaces. */
const LAUNCHER = `
set -eu
rootfs=$1 uid=$2 gid=$3 workdir=$4
shift 4
ip link set lo up
# A container's /dev: a fresh tmpfs with the usual devices only.
mount -t tmpfs -o mode=755,nosuid tmpfs "$rootfs/dev"
for device in null zero full random urandom; do
  touch "$rootfs/dev/$device"
  mount --bind "/dev/$device" "$rootfs/dev/$device"
done
# Bind mounts, three words each (source, target, rw or ro), up to "--". Like Docker, create the mount
# point (in the container's own layer) when the image has none.
while [ "$1" != "--" ]; do
  source=$1 target=$rootfs$2 mode=$3
  shift 3
  if [ -d "$source" ]; then mkdir -p "$target"; elif [ ! -e "$target" ]; then touch "$target"; fi
  mount --bind "$source" "$target"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$target"; fi
done
shift
exec unshare --root="$rootfs" --wd="$workdir" --setuid="$uid" --setgid="$gid" -- "$@"
`;

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  /** The container's filesystem on this machine (`podman mount`). */
  rootfs: string;
  /** The image's USER, a name or uid[:gid], resolved in the container's /etc/passwd. */
  user: string;
  workingDir: string;
  /** ENTRYPOINT followed by CMD. */
  command: readonly string[];
  /** Exactly the container's environment (image ENV, then Compose's). */
  env: Record<string, string>;
  binds: readonly BindMount[];
  /** The port inside that is published on the host's loopback. */
  containerPort: number;
  /** Loopback ports of this machine the container reaches at the same address (127.0.0.1:port). */
  hostPorts: readonly number[];
}

export interface ExitOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningContainer {
  /** The published port on the host's loopback, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** This machine's id of the container's PID 1. */
  pid: number;
  /** What the container wrote to stdout and stderr, line by line. */
  logs: string[];
  exited: Promise<ExitOutcome>;
  /** Sends `signal` to PID 1 (`docker stop` sends the image's STOPSIGNAL), SIGKILL after `graceMs`. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<ExitOutcome>;
  /** Runs a command in the running container, as its user, in its WORKDIR, with its environment. */
  exec(command: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  /** Stops the port bridges and forgets the container (after it exited). */
  close(): Promise<void>;
}

/** uid and gid of the image's USER, read as the container would: from its own /etc/passwd. */
export async function resolveUser(rootfs: string, user: string): Promise<{ uid: number; gid: number }> {
  const [name = "", group] = user.split(":");
  const passwd = (await readFile(join(rootfs, "etc", "passwd"), "utf8"))
    .split("\n")
    .map((line) => line.split(":"));
  const entry = passwd.find((fields) => fields[0] === name || fields[2] === name);
  if (!entry && !/^\d+$/.test(name)) throw new Error(`USER ${user} is not in the image's /etc/passwd`);
  const uid = Number(entry?.[2] ?? name);
  const gid = group === undefined ? Number(entry?.[3] ?? uid) : Number(group);
  return { uid, gid };
}

function userArguments(spec: ContainerSpec, ids: { uid: number; gid: number }): string[] {
  return [`--root=${spec.rootfs}`, `--wd=${spec.workingDir}`, `--setuid=${ids.uid}`, `--setgid=${ids.gid}`];
}

export async function startContainer(spec: ContainerSpec): Promise<RunningContainer> {
  const ids = await resolveUser(spec.rootfs, spec.user);
  const scratch = await mkdtemp(join(tmpdir(), "gemini-rotator-container-"));
  const publishSocket = join(scratch, "publish.sock");
  // This side of the bridges: the published port, and each host port as a socket for the inside.
  const hostBridges = [await bridge({ host: "127.0.0.1", port: 0 }, { path: publishSocket })];
  for (const port of spec.hostPorts) {
    hostBridges.push(await bridge({ path: join(scratch, `host-${port}.sock`) }, { host: "127.0.0.1", port }));
  }

  const bindArguments = spec.binds.flatMap((bind) => [bind.source, bind.target, bind.readOnly ? "ro" : "rw"]);
  const child = spawn(
    "unshare",
    [
      "--mount",
      "--net",
      "--pid",
      "--fork",
      "--kill-child=SIGKILL",
      `--mount-proc=${join(spec.rootfs, "proc")}`,
      "--",
      "sh",
      "-c",
      LAUNCHER,
      "launcher",
      spec.rootfs,
      String(ids.uid),
      String(ids.gid),
      spec.workingDir,
      ...bindArguments,
      "--",
      ...spec.command,
    ],
    // The launcher finds ip, mount and unshare on the container's PATH, which holds this machine's too.
    { env: spec.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...String(chunk).split("\n").filter(Boolean));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<ExitOutcome>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );

  // PID 1 of the new namespace is the one child of `unshare --fork`.
  const pid = await waitFor(
    async () => {
      if (child.exitCode !== null) return 0;
      const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").catch(
        () => "",
      );
      const first = Number(children.trim().split(/\s+/)[0]);
      return first > 0 ? first : undefined;
    },
    { timeoutMs: 15_000, what: "the container's first process" },
  );

  // The other side of the bridges, inside the container's network namespace.
  let insideBridge: ChildProcess | undefined;
  if (pid > 0) {
    insideBridge = spawn(
      "nsenter",
      [
        `--target=${pid}`,
        "--net",
        "--",
        process.execPath,
        "--no-warnings",
        PORT_BRIDGE,
        publishSocket,
        `127.0.0.1:${spec.containerPort}`,
        ...spec.hostPorts.flatMap((port) => [`127.0.0.1:${port}`, join(scratch, `host-${port}.sock`)]),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const bridgeOutput: string[] = [];
    insideBridge.stdout?.on("data", (chunk) => bridgeOutput.push(String(chunk)));
    insideBridge.stderr?.on("data", (chunk) => bridgeOutput.push(String(chunk)));
    await waitFor(
      () => {
        if (bridgeOutput.join("").includes("ready")) return true;
        // The container may already be gone (a start-up that fails); then there is nothing to bridge.
        if (insideBridge?.exitCode !== null || child.exitCode !== null) return false;
        return undefined;
      },
      { timeoutMs: 15_000, what: "the port bridge inside the container" },
    );
  }

  const stop = async (signal: NodeJS.Signals, graceMs = 40_000) => {
    if (pid > 0 && child.exitCode === null && child.signalCode === null) {
      process.kill(pid, signal);
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const outcome = await exited;
      clearTimeout(killer);
      return outcome;
    }
    return exited;
  };

  return {
    url: `http://127.0.0.1:${portOf(hostBridges[0] as (typeof hostBridges)[number])}`,
    pid,
    logs,
    exited,
    stop,
    exec(command, timeoutMs = 15_000) {
      return run(
        "nsenter",
        [
          `--target=${pid}`,
          "--net",
          "--mount",
          // Its PID namespace too, so that /proc inside (mounted for that namespace) shows this process.
          "--pid",
          "--",
          "unshare",
          ...userArguments(spec, ids),
          "--",
          ...command,
        ],
        {
          env: spec.env,
          timeoutMs,
        },
      );
    },
    async close() {
      await stop("SIGKILL", 5_000);
      insideBridge?.kill("SIGTERM");
      await Promise.all(hostBridges.map((server) => new Promise((resolve) => server.close(resolve))));
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a command as the container would, in a fresh network namespace where nothing listens (to see
 * what a healthcheck says when the gateway is not there).
 */
export async function runDetached(spec: ContainerSpec, command: readonly string[]): Promise<CommandResult> {
  const ids = await resolveUser(spec.rootfs, spec.user);
  return run(
    "unshare",
    [
      "--net",
      "--",
      "sh",
      "-c",
      'ip link set lo up && exec "$@"',
      "detached",
      "unshare",
      ...userArguments(spec, ids),
      "--",
      ...command,
    ],
    { env: spec.env, timeoutMs: 15_000 },
  );
}
