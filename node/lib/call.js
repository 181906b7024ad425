'use strict'
// How every network call runs: errors converted by fromNative(), and an optional AbortSignal.
// With a signal, the call gets a native Canceller as its last argument; when the signal fires
// the promise rejects at once with an AbortError (its cause is signal.reason) and the Canceller
// drops the native work (bindings/node/src/cancel.rs). The native promise's own late
// rejection is then ignored.

const { AbortError, fromNative } = require('./errors')

function abortError(signal) {
  return new AbortError('The operation was aborted', { cause: signal.reason })
}

/**
 * Runs `start(canceller)` (a function returning the native promise).
 * @param {AbortSignal | undefined} signal
 * @param {(canceller?: object) => Promise<any>} start
 * @param {Function} Canceller the native Canceller class
 */
function call(signal, start, Canceller) {
  if (signal === undefined || signal === null) {
    return invoke(start, undefined)
  }
  if (typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    return Promise.reject(new TypeError('options.signal must be an AbortSignal'))
  }
  if (signal.aborted) return Promise.reject(abortError(signal))
  const canceller = new Canceller()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(abortError(signal))
      canceller.cancel()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    invoke(start, canceller)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function invoke(start, canceller) {
  try {
    return Promise.resolve(start(canceller)).catch((err) => {
      throw fromNative(err)
    })
  } catch (err) {
    // A native argument check that threw synchronously (a wrong type).
    return Promise.reject(fromNative(err))
  }
}

module.exports = { call }
