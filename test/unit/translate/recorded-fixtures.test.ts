/**
 * The recorded Gemini fixtures (fixtures/recorded/*.json) are what the fake Gemini answers today: a
 * change to the fake that alters an answer fails here until `npm run fixtures:record` records it again
 * (and the converter tests then show what the change means for clients).
 */
import { writeFile } from "node:fs/promises";
import { startFakeGemini } from "../../fake-gemini/index.js";
import type { FakeGemini } from "../../fake-gemini/types.js";
import {
  readRecording,
  recordingPath,
  recordScenario,
  SCENARIOS,
} from "./fixtures/record-gemini-fixtures.js";

const KEY = "fake-key-recorder-0001";
const recording = process.env.RECORD_FIXTURES === "1";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ keys: [KEY] });
});
afterAll(async () => {
  await fake.close();
});

test.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
  "%s matches what the fake answers",
  async (name, scenario) => {
    const fresh = JSON.parse(JSON.stringify(await recordScenario(fake, scenario, KEY)));
    if (recording) await writeFile(recordingPath(name), `${JSON.stringify(fresh, null, 2)}\n`);
    expect(fresh).toEqual(readRecording(name));
  },
);
