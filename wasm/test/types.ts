// Compiled by `tsc --strict --noEmit` in test.sh (never run): index.d.ts describes the API as the
// tests and README use it, and refuses what it should.
import {
  createDecryptStream,
  createEncryptStream,
  decrypt,
  encrypt,
  parseHeader,
  TextCodec,
  verifyLog,
  type Header,
  type KmipkitError,
  type LogReport,
} from "../index.js";

const key = new Uint8Array(32);
const ct: Uint8Array = encrypt(key, new Uint8Array(3), {
  context: { table: "orders" },
  keyRef: { name: "orders", version: 1 },
});
const plain: Uint8Array = decrypt(key, ct, { context: new Uint8Array(0) });
const header: Header = parseHeader(ct);
const model: 1 | 2 | null = header.model;
const stream: TransformStream<Uint8Array, Uint8Array> = createEncryptStream(key);
const back: TransformStream<Uint8Array, Uint8Array> = createDecryptStream(key, {});
const report: LogReport = verifyLog("");
const json: string = new TextCodec().ttlvToJson(plain, true);
try {
  decrypt(key, ct);
} catch (e) {
  const err = e as KmipkitError;
  const code: string = err.code;
  void code;
}
// @ts-expect-error: a context holds strings only
encrypt(key, plain, { context: { n: 1 } });
// @ts-expect-error: keys are bytes, not arrays of numbers
decrypt([1, 2], ct);
void [model, stream, back, report, json];
