'use strict'
// kmipkit for Node.js (CommonJS entry; index.mjs re-exports it for ESM). The native addon is
// built from source at install time (scripts/build-native.js); see README.md.
const { Client } = require('./lib/client')
const errors = require('./lib/errors')
const native = require('./native.js')
const { codec, verifyLog } = require('./lib/codec')
const envelope = require('./lib/envelope')

/** Every operation the core's client has, `{ operation, method }` (method in snake_case). */
function coreOperations() {
  return native.coreOperations()
}

/** Every error kind the core has, `{ name, code, category }`. */
function errorKinds() {
  return native.errorKinds()
}

module.exports = {
  Client,
  KmipkitError: errors.KmipkitError,
  KmipkitCodecError: errors.KmipkitCodecError,
  KmipkitConnectionError: errors.KmipkitConnectionError,
  KmipkitCertificateError: errors.KmipkitCertificateError,
  KmipkitAuthenticationError: errors.KmipkitAuthenticationError,
  KmipkitServerError: errors.KmipkitServerError,
  KmipkitProtocolError: errors.KmipkitProtocolError,
  KmipkitConfigError: errors.KmipkitConfigError,
  KmipkitCiphertextError: errors.KmipkitCiphertextError,
  KmipkitIntegrityError: errors.KmipkitIntegrityError,
  KmipkitFormatError: errors.KmipkitFormatError,
  KmipkitLogError: errors.KmipkitLogError,
  KmipkitClosedError: errors.KmipkitClosedError,
  AbortError: errors.AbortError,
  coreOperations,
  errorKinds,
  codec,
  verifyLog,
  ...envelope,
}
