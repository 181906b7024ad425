// Shared by the tests: paths into the repository, hex, and the native peers (the core_peer
// example and the CLI) built by test.sh.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const vectors = path.join(root, "conformance", "vectors");

export const hex = (text) => Uint8Array.from(Buffer.from(text, "hex"));
export const toHex = (bytes) => Buffer.from(bytes).toString("hex");

/** The JSON files of a vector directory, parsed, with their file name. */
export function jsonFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(dir, f), "utf8")) }));
}

/** A native binary test.sh built (target/debug/...); fails the test if it is missing. */
export function binary(relative) {
  const file = path.join(root, "target", "debug", relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run wasm/test.sh, which builds it`);
  return file;
}

/** Runs the core_peer example with `input` on stdin and returns its stdout bytes. */
export function corePeer(args, input = new Uint8Array(0)) {
  return new Uint8Array(
    execFileSync(binary("examples/core_peer"), args, { input, maxBuffer: 64 << 20 }),
  );
}

/** Concatenates Uint8Arrays. */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Pipes `input` through a TransformStream in chunks of `chunk` bytes; returns the output bytes. */
export async function pipe(stream, input, chunk) {
  const source = new ReadableStream({
    start(controller) {
      for (let at = 0; at < input.length; at += chunk) {
        controller.enqueue(input.slice(at, at + chunk));
      }
      controller.close();
    },
  });
  const parts = [];
  for await (const part of source.pipeThrough(stream)) parts.push(part);
  return concat(parts);
}
