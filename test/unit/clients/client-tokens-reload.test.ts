/**
 * A replica re-reads the shared client tokens when another one announces a change (and every 30 s):
 * only a real change is passed on to listeners (the console's live feed reloads its Tokens page on
 * each), not the same tokens listed in another order, as a large Redis hash may list them.
 */
import type { ClientToken } from "../../../src/clients/client-token.js";
import type { ClientTokenStore } from "../../../src/clients/client-token-store.js";
import { ClientTokens } from "../../../src/clients/client-tokens.js";
import { createLogger } from "../../../src/observability/logger.js";

function token(name: string, requestsPerDay: number): ClientToken {
  return {
    name,
    secretHash: `hash-of-${name}`,
    models: [],
    limits: { requestsPerDay },
    enabled: true,
    createdAt: 1_764_500_000_000,
    source: "admin",
  };
}

test("the same tokens in another order are no change; a changed limit is", async () => {
  let stored = [token("alice", 100), token("bob", 200), token("carol", 300)];
  let reversed = false;
  let announceChange: () => void = () => {};
  const store: ClientTokenStore = {
    // Each read lists the tokens in the other order.
    load: async () => {
      reversed = !reversed;
      return reversed ? [...stored].reverse() : [...stored];
    },
    save: async () => {},
    remove: async () => {},
    watch: async (changed) => {
      announceChange = changed;
    },
    close: async () => {},
  };
  const tokens = new ClientTokens({
    store,
    fileTokens: [],
    shared: true,
    logger: createLogger({ level: "error" }),
    now: () => 1_764_500_000_000,
  });
  await tokens.start();
  const heard: Array<string | undefined> = [];
  tokens.onChange((name) => heard.push(name));

  for (let reread = 0; reread < 3; reread++) {
    announceChange();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(heard).toEqual([]);

  stored = [token("alice", 100), token("bob", 250), token("carol", 300)];
  announceChange();
  await new Promise((resolve) => setImmediate(resolve));
  expect(heard).toEqual([undefined]);
  expect(tokens.get("bob")?.limits.requestsPerDay).toBe(250);
  await tokens.close();
});
