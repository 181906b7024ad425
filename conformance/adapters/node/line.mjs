// The line protocol of ../c/README.md: a request `ACTION key=HEX ...` read into its action and
// arguments, a reply `ok name=Tvalue ...` built field by field.

/** A request the driver got wrong (`bad` reply): never the API's failure. */
export class BadRequest extends Error {}

/** The request line's action and arguments (each key's values in order, as Buffers). */
export function parseRequest(line) {
  const words = line.split(' ')
  const action = words[0]
  if (!action) throw new BadRequest('empty request line')
  const args = new Map()
  for (const word of words.slice(1)) {
    const m = /^([a-z_]+)=((?:[0-9a-fA-F]{2})*)$/.exec(word)
    if (!m) throw new BadRequest(`malformed argument ${word.slice(0, 40)} (key=hex expected)`)
    if (!args.has(m[1])) args.set(m[1], [])
    args.get(m[1]).push(Buffer.from(m[2], 'hex'))
  }
  return new Request(action, args)
}

class Request {
  constructor(action, args) {
    this.action = action
    this.args = args
  }

  has(key) {
    return this.args.has(key)
  }

  /** The key's bytes (undefined when absent). */
  bytes(key) {
    return this.args.get(key)?.[0]
  }

  /** The key's text (undefined when absent). */
  text(key) {
    return this.bytes(key)?.toString('utf8')
  }

  /** The key's text, or a `bad` reply when absent. */
  need(key) {
    const t = this.text(key)
    if (t === undefined) throw new BadRequest(`missing argument ${key}`)
    return t
  }

  int(key) {
    const t = this.text(key)
    return t === undefined ? undefined : Number.parseInt(t, 10)
  }

  /** Every value of a repeated key, as text. */
  list(key) {
    return (this.args.get(key) ?? []).map((b) => b.toString('utf8'))
  }

  /** A JSON argument (the driver's plain JSON values). */
  json(key) {
    const t = this.text(key)
    return t === undefined ? undefined : JSON.parse(t)
  }
}

const hex = (text) => Buffer.from(text, 'utf8').toString('hex')

/** The `ok` reply's fields: s text, b bytes, i integer, t/f bool, j JSON; `name[]` list items. */
export class Reply {
  #fields = []

  text(name, value) {
    this.#fields.push(`${name}=s${hex(String(value))}`)
  }

  bytes(name, value) {
    this.#fields.push(`${name}=b${Buffer.from(value).toString('hex')}`)
  }

  int(name, value) {
    this.#fields.push(`${name}=i${Math.trunc(Number(value))}`)
  }

  bool(name, value) {
    this.#fields.push(`${name}=${value ? 't' : 'f'}`)
  }

  json(name, value) {
    this.#fields.push(`${name}=j${hex(JSON.stringify(value ?? null))}`)
  }

  line() {
    return ['ok', ...this.#fields].join(' ')
  }
}
