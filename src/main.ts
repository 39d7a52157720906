/**
 * The entry `npm start` runs. It checks the Node.js version BEFORE anything else loads: undici, which
 * the gateway is built on, needs 22.19 or newer and fails on older Node with an obscure TypeError.
 * ESM hoists static imports, so this file has none; the gateway is imported only after the check.
 */
const MINIMUM = [22, 19] as const;

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `gemini-rotator: Node.js ${MINIMUM.join(".")} or newer is needed and this is ${process.version}: run ./start.sh (it brings Node.js 24 along) or install Node.js 24 LTS\n`,
  );
  process.exit(1);
}

const { main } = await import("./server.js");
await main();
