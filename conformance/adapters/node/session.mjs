// The session of one scenario variant: a Client per configuration file (connected on first use,
// as a user does) and the scenario's one key cache. The package is the one installed in node/,
// loaded by its name through the package's own exports (a self-reference from node/), so only
// its public API is reachable.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BadRequest } from './line.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const packageDir = process.env.KMIPKIT_NODE_PACKAGE ?? path.join(root, 'node')
export const kmipkit = createRequire(path.join(packageDir, 'package.json'))('kmipkit')

export class Session {
  #clients = new Map()
  #cache = null

  /** The client of the step's `config` (a kmipkit.toml path). */
  async client(request) {
    const config = request.text('config')
    if (config === undefined) throw new BadRequest('no config argument')
    let client = this.#clients.get(config)
    if (!client) {
      client = await kmipkit.Client.connect(config)
      this.#clients.set(config, client)
    }
    return client
  }

  /** The scenario's key cache (the package's defaults), made on first use. */
  cache() {
    this.#cache ??= new kmipkit.KeyCache()
    return this.#cache
  }

  /** The key cache when the step says `cache`. */
  cacheIf(request) {
    return request.has('cache') ? this.cache() : undefined
  }

  async reset() {
    for (const client of this.#clients.values()) await client.close().catch(() => {})
    this.#clients.clear()
    this.#cache = null
  }
}
