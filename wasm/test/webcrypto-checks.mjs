// The WebCrypto path's checks, isomorphic: webcrypto.test.mjs runs them in Node and
// wasm/bench/browser.mjs in headless Chromium. Each returns `{ name, ok, detail }` rows:
// byte-identical ciphertext to the software path under the frozen vectors' salts, the frozen
// vectors opened, the negative vectors and tampering/truncation failing with the software
// path's error code and message, and the automatic choice with its forcing option.

const hex = (t) => Uint8Array.from(t.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

async function failure(fn) {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

/**
 * Runs every check; `vectors` = `{ positive: [...], negative: [...] }` (the frozen JSON files).
 * @example const rows = await webCryptoChecks(await import("../index.js"), await import("../webcrypto.js"), vectors);
 */
export async function webCryptoChecks(kmipkit, wc, vectors) {
  const rows = [];
  const check = async (name, fn) => {
    try {
      const detail = await fn();
      rows.push({ name, ok: true, detail: detail ?? "" });
    } catch (err) {
      rows.push({ name, ok: false, detail: String(err?.message ?? err) });
    }
  };
  const expect = (cond, what) => {
    if (!cond) throw new Error(what);
  };
  for (const v of vectors.positive) {
    await check(`vector ${v.file}: WebCrypto re-encrypts byte for byte and opens it`, async () => {
      const key = hex(v.dek);
      const options = {
        context: hex(v.context),
        keyRef: { name: v.key_name, version: v.key_version, uid: v.key_uid },
        wrappedDek: hex(v.wrapped_dek ?? ""),
        frameSize: v.frame_size,
      };
      const again = await wc.encryptWithFixedSaltForTestVectorsAsync(key, hex(v.plaintext), hex(v.salt), options);
      expect(toHex(again) === v.ciphertext, "ciphertext differs from the frozen vector");
      const soft = kmipkit.encryptWithFixedSaltForTestVectors(key, hex(v.plaintext), hex(v.salt), options);
      expect(toHex(soft) === toHex(again), "differs from the software path");
      const plain = await wc.decryptAsync(key, hex(v.ciphertext), { context: hex(v.context), backend: "webcrypto" });
      expect(toHex(plain) === v.plaintext, "plaintext differs");
    });
  }
  for (const v of vectors.negative) {
    await check(`negative vector ${v.file}: same error as the software path`, async () => {
      const args = [hex(v.dek), hex(v.ciphertext), { context: hex(v.context) }];
      const soft = await failure(() => kmipkit.decrypt(...args));
      const web = await failure(() => wc.decryptAsync(args[0], args[1], { ...args[2], backend: "webcrypto" }));
      expect(soft && web, "did not fail");
      expect(web.code === soft.code, `${web.code} != ${soft.code}`);
      expect(web.message === soft.message, `"${web.message}" != "${soft.message}"`);
      return web.code;
    });
  }
  const key = new Uint8Array(32).fill(9);
  const plain = Uint8Array.from({ length: 3 * 65536 + 500 }, (_, i) => (i * 13) & 0xff);
  const context = { tenant: "acme" };
  const ct = await wc.encryptAsync(key, plain, { context, backend: "webcrypto" });
  const body = ct.length - (plain.length + 4 * 16);
  const cases = {
    "a flipped body byte": (() => { const t = ct.slice(); t[body + 70000] ^= 1; return t; })(),
    "a flipped tag byte": (() => { const t = ct.slice(); t[ct.length - 1] ^= 1; return t; })(),
    "cut at a frame boundary": ct.slice(0, body + 2 * (65536 + 16)),
    "cut inside the last frame": ct.slice(0, ct.length - 10),
    "cut inside a tag": ct.slice(0, body + 65536 + 8),
    "cut after the header": ct.slice(0, body),
    "frames swapped": (() => {
      const t = ct.slice();
      const f = 65536 + 16;
      t.set(ct.subarray(body + f, body + 2 * f), body);
      t.set(ct.subarray(body, body + f), body + f);
      return t;
    })(),
  };
  await check("WebCrypto round trip of 3 frames + 500 bytes, opened by the software path", async () => {
    const back = kmipkit.decrypt(key, ct, { context });
    expect(toHex(back) === toHex(plain), "software path read something else");
    const again = await wc.decryptAsync(key, ct, { context, backend: "webcrypto" });
    expect(toHex(again) === toHex(plain), "WebCrypto path read something else");
  });
  for (const [what, bytes] of Object.entries({ ...cases, "the wrong context": ct })) {
    await check(`tampering: ${what} fails as in the software path`, async () => {
      const ctx = what === "the wrong context" ? { tenant: "other" } : context;
      const soft = await failure(() => kmipkit.decrypt(key, bytes, { context: ctx }));
      const web = await failure(() => wc.decryptAsync(key, bytes, { context: ctx, backend: "webcrypto" }));
      expect(soft && web, "did not fail");
      expect(web.code === soft.code && web.message === soft.message, `${web.code} "${web.message}" != ${soft.code} "${soft.message}"`);
      return web.code;
    });
  }
  await check("auto picks WebCrypto here; software and webcrypto can be forced", async () => {
    expect(wc.hasWebCrypto(), "no crypto.subtle");
    for (const backend of ["auto", "software", "webcrypto"]) {
      const c = await wc.encryptAsync(key, plain, { context, backend });
      expect(toHex(await wc.decryptAsync(key, c, { context, backend })) === toHex(plain), backend);
    }
    const err = await failure(() => wc.encryptAsync(key, plain, { backend: "aes-ni" }));
    expect(err?.code === "KMIPKIT_INVALID_ARGUMENT", "an unknown backend was accepted");
  });
  return rows;
}
