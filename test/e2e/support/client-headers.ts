/**
 * The headers real clients send with a chat request, as the replay cases record them: Cline 3, Roo
 * Code and the AI SDK.
 */
const stainless = {
  "X-Stainless-Lang": "js",
  "X-Stainless-Package-Version": "6.21.0",
  "X-Stainless-OS": "Linux",
  "X-Stainless-Arch": "x64",
  "X-Stainless-Runtime": "node",
  "X-Stainless-Runtime-Version": "v24.21.0",
  "X-Stainless-Retry-Count": "0",
  "X-Stainless-Timeout": "600",
};
export const clientHeaders = {
  cline3: { "User-Agent": "Cline/3.89.2", ...stainless },
  roo: {
    "User-Agent": "RooCode/3.52.1",
    "X-Title": "Roo Code",
    "HTTP-Referer": "https://github.com/RooVetGit/Roo-Cline",
    ...stainless,
    "X-Stainless-Package-Version": "5.12.2",
  },
  aiSdk: { "User-Agent": "ai-sdk/openai-compatible/3.0.35" },
} as const;
