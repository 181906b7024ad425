// The test page: uses kmipkit-wasm as a user's page would (imported from the package's index.js)
// and fills the result table, one row per case. run.mjs reads the rows (and takes the
// screenshot); window.kmipkitDone resolves to { passed, failed, skipped } when all ran.
// Inputs made by run.mjs come from /fixtures/: config.json (the KMIP URL, the CLI file's context
// and KEK name), the CLI's ciphertext, its data key and plaintext, a KMIP capture.
import {
  TextCodec,
  createDecryptStream,
  createEncryptStream,
  decrypt,
  dumpTtlv,
  normalizeTtlv,
  parseHeader,
  parseMessage,
} from "/node_modules/kmipkit-wasm/index.js";
import { onlineCases } from "/online.js";

const tbody = document.querySelector("#results tbody");
const rows = [];
let signalDone;
window.kmipkitDone = new Promise((resolve) => (signalDone = resolve));

/** A failed check: the message says what was expected and what came. */
export function check(ok, message) {
  if (!ok) throw new Error(message);
}

export function sameBytes(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export async function fixture(name) {
  const res = await fetch(`/fixtures/${name}`);
  check(res.ok, `GET /fixtures/${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

/** A ReadableStream of `bytes` in chunks of `chunk` bytes (a file or socket would be ragged too). */
function chunked(bytes, chunk) {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += chunk) controller.enqueue(bytes.slice(at, at + chunk));
      controller.close();
    },
  });
}

/**
 * The bytes of a stream, read with a reader: Chromium's `new Response(stream).arrayBuffer()`
 * rejects with its own TypeError when the stream errors, so the package's KMIPKIT_* error would
 * be lost; a reader rethrows the stream's own error.
 */
async function collect(readable) {
  const reader = readable.getReader();
  const parts = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** Runs one case and adds its row; a case returns its detail text, throws to fail, or skips. */
export async function run(name, fn) {
  const tr = tbody.insertRow();
  const [caseCell, resultCell, msCell, detailCell] = [0, 1, 2, 3].map(() => tr.insertCell());
  caseCell.textContent = name;
  detailCell.className = "detail";
  const t0 = performance.now();
  let result;
  let detail;
  try {
    const out = await fn();
    [result, detail] = out?.skip ? ["skip", out.skip] : ["pass", String(out ?? "")];
  } catch (err) {
    result = "fail";
    detail = `${typeof err?.code === "string" ? `${err.code}: ` : `${err?.name ?? "Error"}: `}${err?.message ?? err}`;
  }
  const ms = Math.round(performance.now() - t0);
  resultCell.textContent = result;
  resultCell.className = result;
  msCell.textContent = String(ms);
  detailCell.textContent = detail;
  rows.push({ name, result, ms, detail });
}

async function offlineCases(config) {
  await run("stream: encrypt and decrypt through TransformStreams (several frames)", async () => {
    const key = randomBytes(32);
    const context = { tenant: "acme", page: location.origin };
    const plain = randomBytes(5 * 65536 + 4321);
    const sealed = await collect(
      chunked(plain, 10_000).pipeThrough(createEncryptStream(key, { context, frameSize: 65536 })),
    );
    const header = parseHeader(sealed);
    const frames = Math.ceil(plain.length / header.frameSize);
    check(frames >= 6, `expected several frames, got ${frames}`);
    const opened = await collect(chunked(sealed, 7_777).pipeThrough(createDecryptStream(key, { context })));
    check(sameBytes(opened, plain), "the decrypted stream differs from the plaintext");
    const tampered = sealed.slice();
    tampered[tampered.length - 100] ^= 1;
    let refused;
    try {
      await collect(chunked(tampered, 65536).pipeThrough(createDecryptStream(key, { context })));
    } catch (err) {
      refused = err;
    }
    check(refused?.code === "KMIPKIT_INTEGRITY", `a tampered byte gave ${refused ? `${refused.name}: ${refused.message}` : "no error"}`);
    return `${plain.length} B in ${frames} frames -> ${sealed.length} B and back; a flipped byte: ${refused.code}`;
  });

  await run("codec: decode a KMIP capture (PyKMIP Create) to JSON, XML and the dump", async () => {
    const ttlv = await fixture("capture.ttlv");
    const expected = JSON.parse(new TextDecoder().decode(await fixture("capture.expected.json")));
    const codec = new TextCodec();
    const json = codec.ttlvToJson(ttlv);
    const xml = codec.ttlvToXml(ttlv);
    const dump = dumpTtlv(ttlv);
    check(json === expected.json, "ttlvToJson differs from the Node run of the package");
    check(xml === expected.xml, "ttlvToXml differs from the Node run of the package");
    check(dump === expected.dump, "dumpTtlv differs from the Node run of the package");
    const message = parseMessage(ttlv);
    check(message.operations.join() === "Create", `operations: ${message.operations}`);
    check(sameBytes(codec.xmlToTtlv(xml), normalizeTtlv(ttlv)), "XML does not read back to the bytes");
    const op = new DOMParser().parseFromString(xml, "application/xml").querySelector("Operation");
    return `${ttlv.length} B ${message.kind}, KMIP ${message.version}, ${op.getAttribute("value")}; ` +
      `JSON ${json.length} chars, dump ${dump.split("\n").length} lines, XML reads back`;
  });

  await run("CLI file: decrypt what `kmipkit encrypt --dek` wrote (Model 1)", async () => {
    const [sealed, key, plain] = await Promise.all(
      ["by-cli.kmke", "cli-data-key.bin", "cli-plain.bin"].map(fixture),
    );
    const header = parseHeader(sealed.subarray(0, 8192));
    check(header.model === 1, `header model ${header.model}`);
    check(header.key.name === config.cli.kek, `KEK named ${header.key.name}`);
    // As a page would open a user's file: a Blob's stream through the decrypting TransformStream.
    const blob = new Blob([sealed]);
    const opened = await collect(blob.stream().pipeThrough(createDecryptStream(key, { context: config.cli.context })));
    check(sameBytes(opened, plain), "the decrypted file differs from the CLI's plaintext");
    let refused;
    try {
      decrypt(key, sealed, { context: { tenant: "someone-else" } });
    } catch (err) {
      refused = err;
    }
    check(refused?.code === "KMIPKIT_INTEGRITY", `a wrong context gave ${refused?.code ?? "no error"}`);
    return `${sealed.length} B, KEK "${header.key.name}" uid ${header.key.uid}, ` +
      `protected DEK ${header.protectedDek.method}; ${plain.length} B back; wrong context: ${refused.code}`;
  });
}

async function main() {
  document.querySelector("#agent").textContent = navigator.userAgent.match(/(Headless)?Chrom[^ ]+/)?.[0] ?? "a browser";
  let config;
  try {
    config = JSON.parse(new TextDecoder().decode(await fixture("config.json")));
  } catch (err) {
    await run("fixtures", () => Promise.reject(err));
  }
  if (config) {
    await offlineCases(config);
    await onlineCases(config);
  }
  const count = (r) => rows.filter((row) => row.result === r).length;
  const summary = { passed: count("pass"), failed: count("fail"), skipped: count("skip"), rows };
  document.querySelector("#summary").textContent =
    `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
  signalDone(summary);
}

main().catch((err) => signalDone({ passed: 0, failed: 1, skipped: 0, rows, fatal: String(err?.stack ?? err) }));
