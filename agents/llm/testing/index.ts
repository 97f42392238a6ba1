// Loopback servers that speak the providers' wire formats, for tests and benches: kept out of agents/llm/index.ts
// so no production import pulls them in.
export { roughTokens, serveLocal, writeChatCompletion, type CompletionReply } from "./chat-completion.ts";
export { startFakeWireServer, type FakeWireServer, type ReceivedRequest, type WireReply } from "./fake-wire-server.ts";
export {
  anthropicFixtures,
  openAiCompatibleFixtures,
  openAiFixtures,
  type FixtureUsage,
  type WireFixtures,
} from "./wire-fixtures.ts";
