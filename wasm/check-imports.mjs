// Fails unless a .wasm module imports only from wasm-bindgen's generated glue: no `env` imports
// (a C library or a libc call that would need a host to provide it) and no other module.
// Usage: node check-imports.mjs module.wasm
import { readFileSync } from "node:fs";

const path = process.argv[2];
if (!path) {
  console.error("usage: node check-imports.mjs module.wasm");
  process.exit(2);
}
const module = new WebAssembly.Module(readFileSync(path));
const imports = WebAssembly.Module.imports(module);
// wasm-bindgen's glue is imported as "./<name>_bg.js" (or "__wbindgen_placeholder__" before
// the CLI rewrites it); everything else would have to be supplied by the host.
const foreign = imports.filter(
  (i) => !/^\.\/[\w-]+_bg\.js$/.test(i.module) && i.module !== "__wbindgen_placeholder__",
);
const modules = [...new Set(imports.map((i) => i.module))];
if (foreign.length > 0) {
  console.error(`imports outside wasm-bindgen's glue in ${path}:`);
  for (const i of foreign) console.error(`  ${i.module}.${i.name} (${i.kind})`);
  process.exit(1);
}
console.log(`imports ok: ${imports.length} functions, all from ${modules.join(", ") || "nothing"}`);
