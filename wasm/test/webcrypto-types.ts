// Compiled by `tsc --strict --noEmit` in test.sh (never run): webcrypto.d.ts as README uses it.
import { decryptAsync, encryptAsync, hasWebCrypto, type Backend } from "../webcrypto.js";

const key = new Uint8Array(32);
const backend: Backend = hasWebCrypto() ? "auto" : "software";
const ct: Promise<Uint8Array> = encryptAsync(key, new Uint8Array(3), { context: { t: "a" }, backend });
void ct.then((c) => decryptAsync(key, c, { context: { t: "a" }, backend: "webcrypto" }));
// @ts-expect-error: no such backend
void encryptAsync(key, new Uint8Array(3), { backend: "aes-ni" });
