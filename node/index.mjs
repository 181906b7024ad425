// ESM entry: the same objects as the CommonJS entry (index.js), so `instanceof` agrees
// whichever way a program imports kmipkit.
import { createRequire } from 'node:module'

const kmipkit = createRequire(import.meta.url)('./index.js')

export const {
  Client,
  KmipkitError,
  KmipkitCodecError,
  KmipkitConnectionError,
  KmipkitCertificateError,
  KmipkitAuthenticationError,
  KmipkitServerError,
  KmipkitProtocolError,
  KmipkitConfigError,
  KmipkitCiphertextError,
  KmipkitIntegrityError,
  KmipkitFormatError,
  KmipkitLogError,
  KmipkitClosedError,
  AbortError,
  coreOperations,
  errorKinds,
  codec,
  verifyLog,
  // envelope (lib/envelope, envelope.d.ts)
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
  sealWithKey,
  sealWithFixedSaltForTestVectors,
  openWithKey,
  parseHeader,
  createEncryptStreamWithKey,
  createDecryptStreamWithKey,
} = kmipkit
export default kmipkit
