// Envelope throughput through the package beside node:crypto raw AES-256-GCM and the AWS
// Encryption SDK for JavaScript, in one process, one run (node/bench/envelope.sh runs it).
//
//   node bench/envelope.mjs [ROUNDS] [MS] [CONFIG]
//
// ROUNDS (default 7) rounds; in each, every (side, size, direction) runs for about MS
// milliseconds (default 300), the sides' order rotating per round; medians over rounds. Sizes
// 1 KiB, 64 KiB, 1 MiB; MB/s is 10^6 plaintext bytes per second.
// Sides:
//  - kmipkit sealWithKey/openWithKey: the package's format (docs/FORMAT.md, 64 KiB frames) with a
//    caller's 32-byte key, no key manager: what a message costs once the key is at hand.
//  - kmipkit Model 2 (only with CONFIG, a key manager configuration): Model2.encrypt/decrypt with
//    a KeyCache, so after the first message no round trip per message.
//  - node:crypto: one createCipheriv('aes-256-gcm') per message, 12-byte random IV, 16-byte tag.
//  - AWS Encryption SDK (@aws-crypto/client-node, from bench/aws-sdk/, not a package dependency):
//    RawAesKeyringNode, suite ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY (committing, no
//    ECDSA signature: the SDK's default suite adds a P-384 signature per message), frames of
//    64 KiB like kmipkit's.
// Every result is checked once per round (decrypt gives back the plaintext).
// Prints one line per measurement: "round side size direction MBps", then a table of medians.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { Client, KeyCache, Model2, sealWithKey, openWithKey } from 'kmipkit'

const require = createRequire(new URL('./aws-sdk/package.json', import.meta.url))
// A name in a variable: bench/aws-sdk holds the SDK, outside what tsc resolves (it checks this file).
const awsSdk = '@aws-crypto/client-node'
/** @type {any} */
const aws = require(awsSdk)

const [rounds = 7, ms = 300] = process.argv.slice(2, 4).map(Number)
const config = process.argv[4]
const sizes = [1024, 65536, 1048576]
const key = randomBytes(32)

/** @param {Buffer} plain */
function gcmSeal(plain) {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  const body = c.update(plain)
  c.final()
  return { iv, body, tag: c.getAuthTag() }
}

/** @param {{ iv: Buffer, body: Buffer, tag: Buffer }} sealed */
function gcmOpen({ iv, body, tag }) {
  const d = createDecipheriv('aes-256-gcm', key, iv)
  d.setAuthTag(tag)
  const out = d.update(body)
  d.final()
  return out
}

const { encrypt: awsEncrypt, decrypt: awsDecrypt } = aws.buildClient(aws.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
const keyring = new aws.RawAesKeyringNode({
  keyName: 'bench',
  keyNamespace: 'kmipkit-bench',
  unencryptedMasterKey: new Uint8Array(key),
  wrappingSuite: aws.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
})
const awsOptions = {
  suiteId: aws.AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  frameLength: 65536,
}

/** @type {Record<string, { seal: (p: Buffer) => any, open: (c: any) => any }>} */
const sides = {
  'node:crypto': { seal: gcmSeal, open: gcmOpen },
  'kmipkit-with-key': { seal: (p) => sealWithKey(key, p), open: (c) => openWithKey(key, c) },
  'aws-sdk': {
    seal: async (p) => (await awsEncrypt(keyring, p, awsOptions)).result,
    open: async (c) => (await awsDecrypt(keyring, c)).plaintext,
  },
}

let client
if (config) {
  client = await Client.connect(config)
  const model = new Model2(client, 'kmipkit-bench-envelope:', { cache: new KeyCache() })
  const id = `m2-${process.pid}`
  // The first encrypt creates the key version; later ones find it in the cache.
  await model.encrypt(id, Buffer.from('first'))
  sides['kmipkit-model2-cached'] = { seal: (p) => model.encrypt(id, p), open: (c) => model.decrypt(id, c) }
}

/**
 * Runs `fn(input)` for about `ms` milliseconds; MB/s of `bytes` per call.
 * @param {(input: any) => any} fn @param {any} input @param {number} bytes
 */
async function rate(fn, input, bytes) {
  let calls = 0
  const start = process.hrtime.bigint()
  const budget = BigInt(ms) * 1000000n
  let elapsed = 0n
  while (elapsed < budget) {
    // Batches so the clock is read rarely at 1 KiB.
    for (let i = 0; i < 16; i++) await fn(input)
    calls += 16
    elapsed = process.hrtime.bigint() - start
  }
  return (calls * bytes) / (Number(elapsed) / 1e9) / 1e6
}

const results = new Map()
const names = Object.keys(sides)
for (let r = 1; r <= rounds; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length])
  for (const size of sizes) {
    const plain = randomBytes(size)
    for (const name of order) {
      const side = sides[name]
      const sealed = await side.seal(plain)
      const back = await side.open(sealed)
      if (!Buffer.from(back).equals(plain)) throw new Error(`${name} did not give the plaintext back at ${size} bytes`)
      for (const [direction, fn, input] of [['encrypt', side.seal, plain], ['decrypt', side.open, sealed]]) {
        const mbps = await rate(fn, input, size)
        console.log(`${r} ${name} ${size} ${direction} ${mbps.toFixed(1)}`)
        const k = `${name} ${size} ${direction}`
        results.set(k, [...(results.get(k) ?? []), mbps])
      }
    }
  }
}
await client?.close()

/** @param {number[]} v */
const median = (v) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
/** @type {Record<number, string>} */
const label = { 1024: '1 KiB', 65536: '64 KiB', 1048576: '1 MiB' }
console.log(`\nmedians of ${rounds} rounds, MB/s encrypt / decrypt (node ${process.version})`)
console.log(['side', ...sizes.map((s) => label[s])].join(' | '))
for (const name of names) {
  const cells = sizes.map((s) => `${median(results.get(`${name} ${s} encrypt`)).toFixed(0)} / ${median(results.get(`${name} ${s} decrypt`)).toFixed(0)}`)
  console.log([name, ...cells].join(' | '))
}
for (const name of names.filter((n) => n.startsWith('kmipkit'))) {
  /** @param {string} other */
  const ratio = (other) => sizes.map((s) => ['encrypt', 'decrypt'].map((d) =>
    (median(results.get(`${name} ${s} ${d}`)) / median(results.get(`${other} ${s} ${d}`))).toFixed(2)).join(' / '))
  console.log(`${name} vs node:crypto: ${ratio('node:crypto').join(' | ')}`)
  console.log(`${name} vs aws-sdk:     ${ratio('aws-sdk').join(' | ')}`)
}
