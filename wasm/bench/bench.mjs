// The envelope throughput benchmark, isomorphic: the same code runs in Node (node.mjs) and in
// headless Chromium (browser.mjs loads page.html, which imports this file). It measures, in one
// run and on the same buffers, the package's `encrypt`/`decrypt` (software AES-GCM in wasm, the
// format's 64 KiB frames) beside one WebCrypto AES-256-GCM call (`crypto.subtle`, a
// non-extractable key) over the whole message, which is the ceiling a WebCrypto path could reach.

const SIZES = [64 * 1024, 1024 * 1024];

/** Fills `n` bytes from getRandomValues (in 64 KiB pieces: its per-call limit). */
function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** Runs `fn` (async or not) until at least `minMs` and `minIters` have passed; MiB/s of `bytes`. */
async function rate(fn, bytes, minMs, minIters) {
  for (let i = 0; i < 2; i++) await fn(); // warm-up: compile, caches
  let iters = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || iters < minIters) {
    await fn();
    iters++;
    elapsed = performance.now() - start;
  }
  return { mibPerS: (bytes * iters) / (1024 * 1024) / (elapsed / 1000), iters, ms: elapsed };
}

/**
 * Measures every case; resolves to rows `{ size, case, mibPerS, iters, ms }`.
 * @example const rows = await runBench(await import("../index.js"), { minMs: 1000 });
 */
export async function runBench(kmipkit, { minMs = 1500, minIters = 5, webcrypto } = {}) {
  const rawKey = randomBytes(32);
  const context = { bench: "throughput" };
  const cryptoKey = await crypto.subtle.importKey("raw", rawKey, { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
  const rows = [];
  for (const size of SIZES) {
    const plain = randomBytes(size);
    const ct = kmipkit.encrypt(rawKey, plain, { context });
    const back = kmipkit.decrypt(rawKey, ct, { context });
    if (back.length !== plain.length || back.some((b, i) => b !== plain[i])) {
      throw new Error("package round trip failed");
    }
    const iv = randomBytes(12);
    const wcCt = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, cryptoKey, plain);
    const push = (name, r) => rows.push({ size, case: name, ...r });
    push("package encrypt", await rate(() => kmipkit.encrypt(rawKey, plain, { context }), size, minMs, minIters));
    push("package decrypt", await rate(() => kmipkit.decrypt(rawKey, ct, { context }), size, minMs, minIters));
    if (webcrypto) {
      const opts = { context, backend: "webcrypto" };
      push("package encrypt, WebCrypto path", await rate(() => webcrypto.encryptAsync(rawKey, plain, opts), size, minMs, minIters));
      push("package decrypt, WebCrypto path", await rate(() => webcrypto.decryptAsync(rawKey, ct, opts), size, minMs, minIters));
    }
    push("WebCrypto AES-256-GCM encrypt", await rate(
      () => crypto.subtle.encrypt({ name: "AES-GCM", iv }, cryptoKey, plain), size, minMs, minIters));
    push("WebCrypto AES-256-GCM decrypt", await rate(
      () => crypto.subtle.decrypt({ name: "AES-GCM", iv }, cryptoKey, wcCt), size, minMs, minIters));
  }
  return rows;
}

/** The rows as a Markdown table, with the package's share of WebCrypto per size and direction. */
export function table(rows, title) {
  const lines = [`${title}`, "", "| size | case | MiB/s | iterations | ms |", "|---|---|---:|---:|---:|"];
  for (const r of rows) {
    lines.push(`| ${r.size / 1024} KiB | ${r.case} | ${r.mibPerS.toFixed(1)} | ${r.iters} | ${r.ms.toFixed(0)} |`);
  }
  lines.push("");
  for (const size of new Set(rows.map((r) => r.size))) {
    for (const dir of ["encrypt", "decrypt"]) {
      const wc = rows.find((r) => r.size === size && r.case === `WebCrypto AES-256-GCM ${dir}`);
      for (const pkg of rows.filter((r) => r.size === size && r.case.startsWith(`package ${dir}`))) {
        lines.push(`- ${size / 1024} KiB ${pkg.case}: ${((100 * pkg.mibPerS) / wc.mibPerS).toFixed(1)}% of raw WebCrypto`);
      }
    }
  }
  return lines.join("\n");
}
