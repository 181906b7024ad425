// One scenario variant's state (the driver starts one process per variant): a Client per
// configuration file, connected on first use as a user does, closed at the end.
import { Client } from "../../../wasm/index.js";
import { nodeTlsTransport } from "../../../wasm/node-tls.js";
import { loadConfig } from "./config.mjs";

export class Session {
  clients = new Map();
  /** The newest KEK version this session knows per (configuration, KEK name): Model 1 in the
   * package takes the version from its caller. */
  kekVersions = new Map();

  /** The connected client of a configuration file (a failed connect is retried on next use). */
  client(path) {
    if (!this.clients.has(path)) {
      const { transportOptions, connectOptions } = loadConfig(path);
      const transport = nodeTlsTransport(transportOptions);
      const connecting = Client.connect({ ...connectOptions, transport }).catch(async (e) => {
        this.clients.delete(path);
        await transport.close();
        throw e;
      });
      this.clients.set(path, connecting);
    }
    return this.clients.get(path);
  }

  async close() {
    for (const connecting of this.clients.values()) {
      try {
        await (await connecting).close();
      } catch {
        // A client that never connected has nothing to close.
      }
    }
    this.clients.clear();
  }
}
