#!/usr/bin/env node
// kmipkit's WebAssembly conformance adapter program: the scenarios' actions through the public
// API of kmipkit-wasm (actions.mjs), one request line in and one reply line out on stdin/stdout —
// the C adapter's line protocol (conformance/adapters/c/README.md), so the C adapter's Python
// driver (c/adapter.py, started by ./run) reads the scenarios and judges the replies. One process
// per scenario variant: its clients live until stdin ends.
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ACTIONS } from "./actions.mjs";
import { Args, BadRequest, Reply, errorLine, parseRequest, reasonNumbers } from "./protocol.mjs";
import { Session } from "./session.mjs";

const reasons = reasonNumbers(fileURLToPath(new URL("../../../core/spec/kmip.spec", import.meta.url)));
let session = new Session();

async function serve(line) {
  try {
    const { action, args } = parseRequest(line);
    const reply = new Reply();
    if (action === "reset") {
      await session.close();
      session = new Session();
      return reply.line();
    }
    const run = ACTIONS[action];
    if (!run) throw new BadRequest(`the wasm adapter has no action ${action}`);
    const a = new Args(args);
    a.action = action;
    await run(session, a, reply);
    return reply.line();
  } catch (e) {
    return errorLine(e, reasons);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  process.stdout.write(`${await serve(line)}\n`);
}
await session.close();
