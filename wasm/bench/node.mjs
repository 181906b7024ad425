// Envelope throughput in Node: the package beside WebCrypto (globalThis.crypto.subtle).
// Usage: node wasm/bench/node.mjs [--min-ms 1500]   (needs wasm/pkg: wasm/build.sh)
import { parseArgs } from "node:util";
import * as kmipkit from "../index.js";
import * as webcrypto from "../webcrypto.js";
import { runBench, table } from "./bench.mjs";

const { values } = parseArgs({ options: { "min-ms": { type: "string", default: "1500" } } });
const rows = await runBench(kmipkit, { minMs: Number(values["min-ms"]), webcrypto });
console.log(table(rows, `Node ${process.version} (${process.arch})`));
