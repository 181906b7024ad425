'use strict'
// Envelope encryption: Model 1, Model 2, streams, rotation, the key cache, the format with a
// caller's key, contexts. Re-exported by the package's index.js.

const { KeyCache } = require('./cache')
const { Model1, Model2, DataKey } = require('./models')
const { Model1Rotation, Model2Rotation } = require('./rotation')
const { EncryptStream, DecryptStream } = require('./streams')
const { encodeContext, decodeContext } = require('./context')
const withKey = require('./with-key')

module.exports = {
  KeyCache,
  Model1,
  Model2,
  DataKey,
  Model1Rotation,
  Model2Rotation,
  EncryptStream,
  DecryptStream,
  encodeContext,
  decodeContext,
  ...withKey,
}
