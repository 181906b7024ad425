'use strict'
// Encryption and decryption as Node Transform streams over the core's push streaming
// (bindings/node/src/envelope/stream.rs): chunks of any size in, 64 KiB frames out. Memory stays
// constant: the core holds at most one frame, and Transform's own buffering applies
// backpressure (a full readable side stops _transform until it is read), so they work with
// `stream/promises.pipeline()` over data of any length.
//
// The key is fetched once, when the first chunk (or the end) arrives, with the stream's
// `signal`. Decryption releases a frame's plaintext only after its tag verified, and the last
// frame only at the end, which also detects truncation: a tampered or cut stream errors
// (KmipkitIntegrityError / KmipkitFormatError) and whatever it emitted before must be discarded,
// as docs/FORMAT.md says of every streaming decryptor.

const { Transform } = require('node:stream')
const native = require('../../native.js')
const { call } = require('../call')
const { fromNative, KmipkitFormatError } = require('../errors')
const { bytes } = require('./context')

/** Options of every envelope stream. */
function transformOptions(options) {
  const { signal, highWaterMark } = options ?? {}
  const out = {}
  if (signal !== undefined) out.signal = signal
  if (highWaterMark !== undefined) out.highWaterMark = highWaterMark
  return out
}

/** Runs `start(canceller)` (native, sync or async) once, with the stream's signal. */
function once(start, signal) {
  let started
  return () => {
    started ??= call(signal, start, native.Canceller)
    return started
  }
}

/** Encrypts what is written to it; emits the ciphertext (header first). */
class EncryptStream extends Transform {
  #start
  /** @type {any} */
  #sealer = null

  /**
   * @param {(canceller?: object) => any} start makes the native sealer (may return a promise)
   * @param {{ signal?: AbortSignal, highWaterMark?: number }} [options]
   */
  constructor(start, options) {
    super(transformOptions(options))
    this.#start = once(start, options?.signal)
  }

  _transform(chunk, encoding, callback) {
    let data
    try {
      data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : bytes(chunk, 'chunk')
    } catch (err) {
      callback(err)
      return
    }
    this.#withSealer(callback, (sealer) => {
      const out = sealer.update(data)
      if (out.length > 0) this.push(out)
    })
  }

  _flush(callback) {
    // An empty input still makes a whole (empty-message) ciphertext.
    this.#withSealer(callback, (sealer) => {
      const out = sealer.finish()
      if (out.length > 0) this.push(out)
    })
  }

  #withSealer(callback, work) {
    const run = () => {
      try {
        work(this.#sealer)
      } catch (err) {
        callback(fromNative(err))
        return
      }
      callback()
    }
    if (this.#sealer !== null) return run()
    this.#start().then(
      (sealer) => {
        this.#sealer = sealer
        run()
      },
      (err) => callback(err),
    )
  }
}

/** Decrypts a ciphertext written to it; emits verified plaintext. */
class DecryptStream extends Transform {
  #start
  #reader = new native.NativeHeaderReader()
  /** @type {any} */
  #opener = null

  /**
   * @param {(reader: object, canceller?: object) => any} start makes the native opener once the
   *   header is complete (may return a promise)
   * @param {{ signal?: AbortSignal, highWaterMark?: number }} [options]
   */
  constructor(start, options) {
    super(transformOptions(options))
    this.#start = once((c) => start(this.#reader, c), options?.signal)
  }

  _transform(chunk, encoding, callback) {
    let data
    try {
      data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : bytes(chunk, 'chunk')
    } catch (err) {
      callback(err)
      return
    }
    if (this.#opener !== null) return this.#open(data, callback)
    let used
    try {
      used = this.#reader.feed(data)
    } catch (err) {
      callback(fromNative(err))
      return
    }
    if (used === null || used === undefined) return callback()
    this.#start().then(
      (opener) => {
        this.#opener = opener
        this.#open(data.subarray(used), callback)
      },
      (err) => callback(err),
    )
  }

  _flush(callback) {
    if (this.#opener === null) {
      callback(truncatedHeader())
      return
    }
    try {
      const out = this.#opener.finish()
      if (out.length > 0) this.push(out)
    } catch (err) {
      callback(fromNative(err))
      return
    }
    callback()
  }

  #open(data, callback) {
    try {
      const out = this.#opener.update(data)
      if (out.length > 0) this.push(out)
    } catch (err) {
      callback(fromNative(err))
      return
    }
    callback()
  }
}

/** The error for a stream that ended before its header did, with the core's Format kind. */
function truncatedHeader() {
  const kind = native.errorKinds().find((k) => k.name === 'Format')
  return new KmipkitFormatError(
    'the ciphertext ended inside its header: it is truncated, or not a kmipkit ciphertext',
    { kind: 'Format', symbol: kind?.symbol, kmipkitCode: kind?.code, category: kind?.category },
  )
}

module.exports = { EncryptStream, DecryptStream }
