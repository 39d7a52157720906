/** Jest runs the TypeScript sources as native ES modules (see the `test` script's --experimental-vm-modules). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: false }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // Builds dist/ once per run, so the end-to-end tests drive the same server `npm start` runs.
  globalSetup: "<rootDir>/test/global-setup.ts",
  testTimeout: 30000,
};
