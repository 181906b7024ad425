// The codec against the shared vectors (conformance/vectors): the OASIS KMIP XML test cases
// through every encoding and the typed model, PyKMIP 0.11's captured bytes (encoded by another
// implementation), the specification's TTLV examples decoded to their known values, and bad
// input refused with a KmipkitCodecError.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { codec, KmipkitCodecError, KmipkitError } from 'kmipkit'

const vectors = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'conformance', 'vectors')

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

const oasis = walk(join(vectors, 'oasis-xml')).filter((p) => p.endsWith('.xml')).sort()
const captures = readdirSync(join(vectors, 'pykmip-0.11')).filter((n) => n.endsWith('.hex')).sort()

test('the vectors are there', () => {
  assert.ok(oasis.length > 100, `${oasis.length} OASIS test cases`)
  assert.ok(captures.length > 40, `${captures.length} PyKMIP captures`)
})

test('every OASIS XML test case: XML -> TTLV -> XML/JSON -> TTLV unchanged, and the typed model re-encodes it', () => {
  let messages = 0
  for (const path of oasis) {
    const codec1 = new codec.TextCodec()
    const ttlvs = codec1.xmlMessagesToTtlv(readFileSync(path, 'utf8'))
    assert.ok(ttlvs.length > 0, path)
    for (const ttlv of ttlvs) {
      assert.ok(Buffer.isBuffer(ttlv))
      assert.deepEqual(codec1.xmlToTtlv(codec1.ttlvToXml(ttlv)), ttlv, path)
      assert.deepEqual(codec1.jsonToTtlv(codec1.ttlvToJson(ttlv)), ttlv, path)
      const compact = codec1.ttlvToJson(ttlv, { compact: true })
      assert.ok(!compact.includes('\n'), 'compact JSON is one line')
      assert.deepEqual(codec1.jsonToTtlv(compact), ttlv, path)
      assert.deepEqual(codec.normalize(ttlv), ttlv)
      const parsed = codec.parseMessage(ttlv)
      assert.ok(parsed.kind === 'request' || parsed.kind === 'response', path)
      assert.deepEqual(parsed.reencoded, ttlv, `${path}: the typed model re-encodes the message`)
      messages++
    }
  }
  assert.ok(messages > oasis.length, `${messages} messages`)
})

test('placeholders read from XML ($NOW) are written back as placeholders by the codec that read them', () => {
  const path = oasis.find((p) => readFileSync(p, 'utf8').includes('"$NOW"'))
  assert.ok(path, 'a test case with $NOW')
  const c = new codec.TextCodec()
  assert.equal(c.placeholders, 0)
  const ttlvs = c.xmlMessagesToTtlv(readFileSync(path, 'utf8'))
  assert.ok(c.placeholders > 0)
  const withNow = ttlvs.filter((t) => c.ttlvToXml(t).includes('$NOW'))
  assert.ok(withNow.length > 0)
  // A fresh codec has read none: it writes the stand-in date-time, not the placeholder.
  for (const t of withNow) assert.ok(!new codec.TextCodec().ttlvToXml(t).includes('$NOW'))
})

test('every PyKMIP 0.11 capture: canonical, typed, dumped, and the same bytes back from XML and JSON', () => {
  for (const name of captures) {
    const data = Buffer.from(readFileSync(join(vectors, 'pykmip-0.11', name), 'utf8').trim(), 'hex')
    assert.deepEqual(codec.normalize(data), data, name)
    const message = codec.parseMessage(data)
    assert.equal(message.kind, name.includes('.req.') ? 'request' : 'response', name)
    assert.deepEqual(message.reencoded, data, name)
    assert.match(message.version, /^\d+\.\d+$/, name)
    const dump = codec.dump(data)
    assert.ok(dump.startsWith(message.kind === 'request' ? 'RequestMessage' : 'ResponseMessage'), name)
    if (message.kind === 'response') {
      assert.ok(message.results.length > 0)
      for (const r of message.results) assert.ok(['Success', 'OperationFailed'].includes(r.status), name)
    } else {
      assert.deepEqual(message.results, [])
    }
    const c = new codec.TextCodec()
    assert.deepEqual(c.xmlToTtlv(c.ttlvToXml(data)), data, name)
    assert.deepEqual(c.jsonToTtlv(c.ttlvToJson(data)), data, name)
  }
})

test('the specification TTLV examples decode to their known values (KMIP JSON)', () => {
  const lines = readFileSync(join(vectors, 'kmip-spec-9.1.2-ttlv-examples.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('|') && !l.startsWith('#'))
  /** @type {Record<string, unknown>} */
  const expected = {
    Integer: 8,
    'Text String': 'Hello World',
    'Byte String': '010203',
    Boolean: true,
  }
  let checked = 0
  for (const line of lines) {
    const [description, hex] = line.split('|').map((s) => s.trim())
    const data = Buffer.from(hex.replace(/\s+/g, ''), 'hex')
    const json = JSON.parse(new codec.TextCodec().ttlvToJson(data))
    assert.equal(json.tag, 'CompromiseDate', description)
    for (const [type, value] of Object.entries(expected)) {
      if (description.startsWith(`${type} `)) {
        assert.equal(json.type.replace(/([a-z])([A-Z])/g, '$1 $2'), type, description)
        assert.equal(json.value, value, description)
        checked++
      }
    }
    if (description.startsWith('Date-Time')) {
      assert.equal(json.type, 'DateTime')
      assert.equal(new Date(json.value).toISOString(), '2008-03-14T11:56:40.000Z')
      checked++
    }
  }
  assert.equal(checked, 5)
})

test('bad input is a KmipkitCodecError naming what is wrong; wrong types are TypeErrors', () => {
  const c = new codec.TextCodec()
  const good = c.xmlMessagesToTtlv(readFileSync(oasis[0], 'utf8'))[0]
  /** @param {() => unknown} fn @param {RegExp} [message] */
  const refused = (fn, message) =>
    assert.throws(fn, (/** @type {any} */ err) => {
      assert.ok(err instanceof KmipkitCodecError, `${err?.name}: ${err?.message}`)
      assert.ok(err instanceof KmipkitError)
      assert.match(err.code, /^KMIPKIT_/)
      assert.equal(typeof err.kmipkitCode, 'number')
      if (message) assert.match(err.message, message)
      return true
    })
  refused(() => codec.dump(good.subarray(0, good.length - 3)))
  refused(() => codec.normalize(Buffer.from('420020020000000400000008', 'hex')))
  refused(() => codec.parseMessage(Buffer.alloc(0)))
  const lying = Buffer.from(good)
  lying.writeUInt32BE(0x7fffffff, 4)
  refused(() => codec.normalize(lying))
  refused(() => c.xmlToTtlv('<RequestMessage><Nonsense/>'))
  refused(() => c.jsonToTtlv('{"tag": "NoSuchTag", "type": "Integer", "value": 1}'))
  refused(() => c.jsonToTtlv('not json'))
  // A structure that is well-formed TTLV but no message.
  refused(() => codec.parseMessage(Buffer.from('42002001000000104200040500000004000000FE00000000', 'hex')))
  assert.throws(() => codec.dump(/** @type {any} */ ('42')), TypeError)
  assert.throws(() => c.xmlToTtlv(/** @type {any} */ (Buffer.from('<a/>'))), TypeError)
})
