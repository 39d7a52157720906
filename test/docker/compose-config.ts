/**
 * docker-compose.yml as a real Compose implementation resolves it (`config`): `.env` read, `${…}`
 * substituted, relative paths made absolute against the project folder. Docker Compose v2 when the
 * machine has it, else Debian's docker-compose 1.29; both print YAML, v2 in the long syntax.
 */
import { parse } from "yaml";
import { type CommandResult, run } from "../support/run-command.js";

export interface ComposePort {
  hostIp: string;
  published: string;
  target: number;
}

export interface ComposeVolume {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ResolvedService {
  /** The container's environment as Compose sets it (variables Compose leaves unset are absent). */
  environment: Record<string, string>;
  ports: ComposePort[];
  volumes: ComposeVolume[];
  healthcheck: Record<string, unknown>;
  logging: { driver?: string; options?: Record<string, string> };
  restart: string;
}

export interface ResolvedCompose {
  /** e.g. `docker-compose version 1.29.2`. */
  implementation: string;
  services: Record<string, ResolvedService>;
  /** The named volumes declared at the top level. */
  volumes: string[];
}

/** The command that runs Compose here, or undefined when none is installed. */
export async function findCompose(): Promise<{ command: string[]; version: string } | undefined> {
  for (const command of [["docker", "compose"], ["docker-compose"]]) {
    const [program = "", ...args] = command;
    const answer = await run(program, [...args, "version"]).catch(() => undefined);
    if (answer?.code === 0) return { command, version: answer.stdout.split("\n")[0] ?? "" };
  }
  return undefined;
}

/**
 * Runs `config` for `composeFile` with `projectDirectory` as the project folder (where `.env` and the
 * relative host paths are read).
 */
export async function resolveCompose(
  composeFile: string,
  projectDirectory: string,
): Promise<ResolvedCompose> {
  const compose = await findCompose();
  if (!compose) throw new Error("no Compose implementation is installed");
  const [program = "", ...args] = compose.command;
  const answer: CommandResult = await run(
    program,
    [...args, "--project-directory", projectDirectory, "--file", composeFile, "config"],
    { cwd: projectDirectory },
  );
  if (answer.code !== 0) {
    throw new Error(`${compose.version} rejects ${composeFile}:\n${answer.stderr}${answer.stdout}`);
  }
  const document = (parse(answer.stdout) ?? {}) as {
    services?: Record<string, Record<string, unknown>>;
    volumes?: Record<string, unknown>;
  };
  const services: Record<string, ResolvedService> = {};
  for (const [name, service] of Object.entries(document.services ?? {})) {
    services[name] = readService(service);
  }
  return { implementation: compose.version, services, volumes: Object.keys(document.volumes ?? {}) };
}

function readService(service: Record<string, unknown>): ResolvedService {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(asRecord(service.environment))) {
    if (value !== null && value !== undefined) environment[name] = String(value);
  }
  return {
    environment,
    ports: asArray(service.ports).map(readPort),
    volumes: asArray(service.volumes).map(readVolume),
    healthcheck: asRecord(service.healthcheck),
    logging: asRecord(service.logging) as ResolvedService["logging"],
    restart: String(service.restart ?? ""),
  };
}

/** `127.0.0.1:7860:7860/tcp` (1.29) or `{host_ip, published, target}` (v2). */
function readPort(port: unknown): ComposePort {
  if (typeof port === "string") {
    const match = port.match(/^(?:(.*):)?(\d+):(\d+)(?:\/\w+)?$/);
    if (!match) throw new Error(`a port Compose printed in an unknown form: ${port}`);
    return { hostIp: match[1] ?? "", published: match[2] ?? "", target: Number(match[3]) };
  }
  const long = asRecord(port);
  return {
    hostIp: String(long.host_ip ?? ""),
    published: String(long.published ?? ""),
    target: Number(long.target),
  };
}

/** `/abs/keys.txt:/app/keys.txt:ro` (1.29) or `{type, source, target, read_only}` (v2). */
function readVolume(volume: unknown): ComposeVolume {
  if (typeof volume === "string") {
    const [source = "", target = "", mode = "rw"] = volume.split(":");
    return { source, target, readOnly: mode.split(",").includes("ro") };
  }
  const long = asRecord(volume);
  return {
    source: String(long.source ?? ""),
    target: String(long.target ?? ""),
    readOnly: long.read_only === true,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
