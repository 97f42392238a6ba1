/** Public surface of bus/: everything other folders may import. */
export * from "./envelope.ts";
export * from "./messages.ts";
export * from "./control-messages.ts";
export * from "./errors.ts";
export * from "./subjects.ts";
export * from "./nats-server.ts";
export * from "./nats-cluster.ts";
export * from "./nats-config.ts";
export * from "./auth.ts";
export * from "./connection.ts";
export * from "./streams.ts";
export * from "./publisher.ts";
export * from "./consumers.ts";
export * from "./read-run.ts";
export * from "./snapshot-store.ts";
export * from "./archive.ts";
export * from "./artifacts.ts";
