/**
 * The few podman commands the image test needs: build the project's Dockerfile as Docker would, read
 * what the image declares, and lay out a container's filesystem without starting it (starting is
 * start-container.ts's business: `podman run` cannot set rlimits on these machines).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../support/run-command.js";

/** Runs podman and returns its standard output; a failure throws with podman's own words. */
export async function podman(args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await run("podman", args, options);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(" ")} failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

/**
 * `docker build` on this machine: chroot isolation (the default OCI runtime refuses with cgroups in
 * hybrid mode), the host's network (for npm), and Docker's image format, which keeps HEALTHCHECK (OCI's
 * has no field for it). Podman's layer cache makes an unchanged rebuild take seconds. Returns the image
 * id: the tag may move to another build running at the same time.
 */
export async function buildImage(context: string, dockerfile: string, tag: string): Promise<string> {
  const imageIdFile = join(context, ".image-id");
  await podman(
    [
      "build",
      "--isolation",
      "chroot",
      "--network",
      "host",
      "--format",
      "docker",
      "--tag",
      tag,
      "--iidfile",
      imageIdFile,
      "--file",
      dockerfile,
      context,
    ],
    { cwd: context },
  );
  return (await readFile(imageIdFile, "utf8")).trim();
}

/**
 * Removes images with `label` that newer builds superseded (untagged, unused by any container) once they
 * are a day old, so that podman's storage on a machine that runs the test often does not grow without
 * end. The day spares a build running at the same time.
 */
export async function pruneSupersededImages(label: string): Promise<void> {
  await podman(["image", "prune", "--force", "--filter", `label=${label}`, "--filter", "until=24h"]);
}

/** What an image declares, as `docker image inspect` shows it (durations in nanoseconds). */
export interface ImageConfig {
  id: string;
  size: number;
  user: string;
  workingDir: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  exposedPorts: string[];
  stopSignal: string;
  healthcheck:
    | { test: string[]; interval?: number; timeout?: number; startPeriod?: number; retries?: number }
    | undefined;
  labels: Record<string, string>;
}

/** The healthcheck as Docker and podman store it. */
interface InspectedHealthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

interface InspectedImage {
  Id?: string;
  Size?: number;
  /** Where podman shows it; Docker shows it in Config. */
  Healthcheck?: InspectedHealthcheck | null;
  Config?: {
    User?: string;
    WorkingDir?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    StopSignal?: string;
    Healthcheck?: InspectedHealthcheck | null;
    Labels?: Record<string, string> | null;
  };
}

export async function inspectImage(image: string): Promise<ImageConfig> {
  const [inspected] = JSON.parse(await podman(["image", "inspect", image])) as InspectedImage[];
  const config = inspected?.Config ?? {};
  const healthcheck = config.Healthcheck ?? inspected?.Healthcheck;
  return {
    id: inspected?.Id ?? image,
    size: inspected?.Size ?? 0,
    user: config.User ?? "",
    workingDir: config.WorkingDir || "/",
    env: Object.fromEntries(
      (config.Env ?? []).map((entry) => {
        const equals = entry.indexOf("=");
        return [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    ),
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
    stopSignal: config.StopSignal ?? "",
    healthcheck: healthcheck?.Test
      ? {
          test: healthcheck.Test,
          interval: healthcheck.Interval,
          timeout: healthcheck.Timeout,
          startPeriod: healthcheck.StartPeriod,
          retries: healthcheck.Retries,
        }
      : undefined,
    labels: config.Labels ?? {},
  };
}

/** A container created from an image and its filesystem mounted, never started by podman. */
export interface MountedContainer {
  id: string;
  /** The container's root filesystem on this machine; writes land in the container's own layer. */
  rootfs: string;
  remove(): Promise<void>;
}

export async function createMountedContainer(image: string): Promise<MountedContainer> {
  const id = (await podman(["create", image])).trim();
  const rootfs = (await podman(["mount", id])).trim();
  return {
    id,
    rootfs,
    async remove() {
      await podman(["umount", id]).catch(() => undefined);
      await podman(["rm", "--force", id]).catch(() => undefined);
    },
  };
}
