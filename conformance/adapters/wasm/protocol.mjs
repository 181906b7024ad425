// The C adapter's line protocol (conformance/adapters/c/README.md), spoken by this program so that
// the C adapter's Python driver runs the scenarios: one request line in, one reply line out.
import { readFileSync } from "node:fs";

/** A request line as { action, args: Map<key, Buffer[]> } (a repeated key is a list). */
export function parseRequest(line) {
  const [action, ...words] = line.split(" ");
  const args = new Map();
  for (const word of words) {
    const m = /^([a-z_]+)=([0-9a-f]*)$/.exec(word);
    if (!m || m[2].length % 2) throw new BadRequest(`malformed argument ${word.slice(0, 40)} (key=hex expected)`);
    if (!args.has(m[1])) args.set(m[1], []);
    args.get(m[1]).push(Buffer.from(m[2], "hex"));
  }
  return { action, args };
}

/** The driver's fault (or an action this package cannot express): a `bad` reply. */
export class BadRequest extends Error {}

/** Typed reading of a request's arguments. */
export class Args {
  constructor(args) {
    this.args = args;
  }
  has(key) {
    return this.args.has(key);
  }
  bytes(key) {
    const v = this.args.get(key);
    if (!v) throw new BadRequest(`no ${key} argument`);
    return new Uint8Array(v[0]);
  }
  optBytes(key) {
    return this.has(key) ? this.bytes(key) : undefined;
  }
  text(key) {
    return Buffer.from(this.bytes(key)).toString("utf8");
  }
  optText(key) {
    return this.has(key) ? this.text(key) : undefined;
  }
  int(key) {
    return this.has(key) ? Number(this.text(key)) : undefined;
  }
  texts(key) {
    return (this.args.get(key) ?? []).map((b) => b.toString("utf8"));
  }
  json(key) {
    return this.has(key) ? JSON.parse(this.text(key)) : undefined;
  }
}

/** Collects the fields of an `ok` reply. */
export class Reply {
  parts = ["ok"];
  text(name, value) {
    this.parts.push(`${name}=s${Buffer.from(String(value), "utf8").toString("hex")}`);
  }
  bytes(name, value) {
    this.parts.push(`${name}=b${Buffer.from(value).toString("hex")}`);
  }
  int(name, value) {
    this.parts.push(`${name}=i${Math.trunc(Number(value))}`);
  }
  bool(name, value) {
    this.parts.push(`${name}=${value ? "t" : "f"}`);
  }
  json(name, value) {
    this.parts.push(`${name}=j${Buffer.from(JSON.stringify(value ?? null), "utf8").toString("hex")}`);
  }
  line() {
    return this.parts.join(" ");
  }
}

const hex = (text) => Buffer.from(String(text), "utf8").toString("hex");

/** KMIP Result Reason numbers by name, from core/spec/kmip.spec (the driver names them back). */
export function reasonNumbers(specPath) {
  const numbers = new Map();
  let inside = false;
  for (const line of readFileSync(specPath, "utf8").split("\n")) {
    if (line.startsWith("enum ")) inside = line.split(/\s+/)[1] === "ResultReason";
    else if (inside && line.startsWith(" ") && line.trim()) {
      const [name, number] = line.trim().split(/\s+/);
      numbers.set(normal(name), parseInt(number, 16));
    } else if (inside && line.trim()) inside = false;
  }
  return numbers;
}

const normal = (name) => String(name).replace(/[^A-Za-z0-9]/g, "").toLowerCase();

/** An error thrown by the package as an `err` (or, for an adapter fault, `bad`) reply. */
export function errorLine(e, reasons) {
  if (e instanceof BadRequest) return `bad ${hex(e.message)}`;
  const result = e?.kind ?? (e?.code ? e.code.replace(/^KMIPKIT_/, "").toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase()) : "Exception");
  const reason = e?.reason ? (reasons.get(normal(e.reason)) ?? 0) : 0;
  const message = e?.reason && !reasons.has(normal(e.reason)) ? `[${e.reason}] ${e?.message}` : String(e?.message ?? e);
  return `err ${result} ${reason} ${hex(message)}`;
}
