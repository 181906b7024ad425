// Each action of conformance/scenarios/README.md through the public API of kmipkit-wasm
// (wasm/index.js, wasm/node-tls.js): the arguments and reply fields of the C adapter's protocol
// (the driver, conformance/adapters/c/actions.py, shapes them). Actions the package has no
// public call for reply `bad` naming what is missing (conformance/expected-failures.json).
import { Model1, Model2, TextCodec, parseHeader } from "../../../wasm/index.js";
import { BadRequest } from "./protocol.mjs";
import { cacheIf, cacheStats, through } from "./streams.mjs";

const CRYPTO_FIELDS = [
  ["algorithm", "CryptographicAlgorithm"],
  ["mode", "BlockCipherMode"],
  ["padding", "PaddingMethod"],
];

function context(a) {
  if (a.has("ctx_raw")) return a.bytes("ctx_raw");
  const keys = a.texts("ctx_key");
  if (keys.length === 0) return undefined;
  const values = a.texts("ctx_value");
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}

async function client(s, a) {
  return s.client(a.text("config"));
}

function missing(what) {
  return () => {
    throw new BadRequest(`kmipkit-wasm has no public API for ${what}`);
  };
}

// --- KMIP operations ---------------------------------------------------------------------------

async function create(s, a, r) {
  if (a.has("algorithm") && a.text("algorithm") !== "AES") missing("creating non-AES keys")();
  const options = { bits: a.int("length") ?? 256 };
  if (a.has("usage")) options.usage = a.json("usage");
  const name = a.optText("name");
  if (name === undefined) missing("creating a key without a name (createAesKey takes one)")();
  r.text("id", await (await client(s, a)).createAesKey(name, options));
}

async function locate(s, a, r) {
  const attributes = {};
  if (a.has("name")) attributes.Name = a.text("name");
  if (a.has("object_type")) attributes["Object Type"] = a.text("object_type");
  if (a.has("state")) attributes.State = a.text("state");
  const options = {};
  if (a.int("max_items")) options.maxItems = a.int("max_items");
  for (const id of await (await client(s, a)).locate(attributes, options)) r.text("ids[]", id);
}

async function register(s, a, r) {
  const attributes = {};
  if (a.has("name")) attributes.Name = a.text("name");
  if (a.has("usage")) attributes["Cryptographic Usage Mask"] = a.json("usage");
  const c = await client(s, a);
  const options = { attributes, algorithm: a.optText("algorithm") };
  r.text("id", await c.register(a.text("object_type"), a.bytes("value"), options));
}

async function changeAttribute(s, a) {
  const c = await client(s, a);
  const [id, name] = [a.text("id"), a.text("name")];
  if (a.action === "delete_attribute") return c.deleteAttribute(id, name);
  const value = a.json("value");
  if (a.action === "add_attribute") return c.addAttribute(id, name, value);
  if (a.action === "set_attribute") return c.setAttribute(id, name, value);
  return c.modifyAttribute(id, name, value, { current: a.json("current") });
}

async function deriveKey(s, a, r) {
  const attributes = { "Cryptographic Algorithm": a.text("algorithm"), "Cryptographic Length": a.int("length") };
  if (a.has("usage")) attributes["Cryptographic Usage Mask"] = a.json("usage");
  if (a.has("name")) attributes.Name = a.text("name");
  const c = await client(s, a);
  const options = { attributes, parameters: { HashingAlgorithm: a.text("hash") }, salt: a.optBytes("salt") };
  if (a.int("iterations")) options.iterations = a.int("iterations");
  r.text("id", await c.deriveKey(a.texts("base"), a.text("method"), a.bytes("data"), options));
}

async function get(s, a, r) {
  const options = { includeKeyMaterial: true, wrappingKey: a.optText("wrapping_id") };
  const object = await (await client(s, a)).get(a.text("id"), options);
  const attrs = [
    ["Object Type", object.objectType],
    ["Cryptographic Algorithm", object.cryptographicAlgorithm],
    ["Cryptographic Length", object.cryptographicLength],
  ];
  for (const [name, value] of attrs) {
    if (value === undefined) continue;
    r.text("attr_names[]", name);
    r.json("attr_values[]", value);
  }
  r.bytes("material", object.material ?? object.certificate ?? new Uint8Array());
}

async function getAttributes(s, a, r) {
  const names = a.texts("names");
  const attrs = await (await client(s, a)).getAttributes(a.text("id"), names.length ? names : undefined);
  for (const [name, value] of Object.entries(attrs)) {
    r.text("attr_names[]", name);
    r.json("attr_values[]", value);
  }
}

async function getAttributeList(s, a, r) {
  for (const name of await (await client(s, a)).getAttributeList(a.text("id"))) r.text("names[]", name);
}

async function lifecycle(s, a) {
  const c = await client(s, a);
  const id = a.text("id");
  if (a.action === "activate") return c.activate(id);
  if (a.action === "destroy") return c.destroy(id);
  if (a.action === "archive") return c.archive(id);
  if (a.action === "recover") return c.recover(id);
  if (a.action === "check") return c.check(id);
  return missing(a.action)();
}

async function rekey(s, a, r) {
  r.text("id", await (await client(s, a)).rekey(a.text("id")));
}

async function revoke(s, a) {
  const options = a.has("compromise_date") ? { compromiseDate: a.int("compromise_date") } : {};
  await (await client(s, a)).revoke(a.text("id"), a.text("reason"), options);
}

async function query(s, a, r) {
  const q = await (await client(s, a)).query();
  r.json("query", { operations: q.operations, object_types: q.objectTypes, vendor_identification: q.vendorIdentification });
}

async function discoverVersions(s, a, r) {
  const offered = a.texts("offered");
  const versions = await (await client(s, a)).discoverVersions(offered.length ? offered : undefined);
  for (const v of versions) r.text("versions[]", v);
}

async function crypt(s, a, r) {
  const c = await client(s, a);
  const parameters = {};
  for (const [arg, field] of CRYPTO_FIELDS) if (a.has(arg)) parameters[field] = a.text(arg);
  if (a.has("tag_length")) parameters.TagLength = a.int("tag_length");
  const options = { parameters, iv: a.optBytes("iv"), aad: a.optBytes("aad") };
  if (a.action === "encrypt") {
    const out = await c.encrypt(a.text("id"), a.bytes("data"), options);
    if (out.iv) r.bytes("iv", out.iv);
    if (out.tag) r.bytes("tag", out.tag);
    r.bytes("data", out.data);
  } else {
    r.bytes("data", await c.decrypt(a.text("id"), a.bytes("data"), { ...options, tag: a.optBytes("tag") }));
  }
}

function signing(a) {
  const parameters = {};
  for (const [arg, field] of [...CRYPTO_FIELDS, ["signature_algorithm", "DigitalSignatureAlgorithm"]]) {
    if (a.has(arg)) parameters[field] = a.text(arg);
  }
  return { parameters };
}

async function createKeyPair(s, a, r) {
  const name = a.optText("name");
  const ids = await (await client(s, a)).createKeyPair({
    common: { "Cryptographic Algorithm": "RSA", "Cryptographic Length": a.int("length") ?? 2048 },
    privateKey: { "Cryptographic Usage Mask": ["Sign"], ...(name === undefined ? {} : { Name: name }) },
    publicKey: { "Cryptographic Usage Mask": ["Verify"], ...(name === undefined ? {} : { Name: `${name}-public` }) },
  });
  r.text("private_id", ids.privateKeyId);
  r.text("public_id", ids.publicKeyId);
}

async function sign(s, a, r) {
  r.bytes("signature", await (await client(s, a)).sign(a.text("id"), a.bytes("data"), signing(a)));
}

async function signatureVerify(s, a, r) {
  const c = await client(s, a);
  r.bool("valid", await c.signatureVerify(a.text("id"), a.bytes("data"), a.bytes("signature"), signing(a)));
}

async function mac(s, a, r) {
  r.bytes("mac", await (await client(s, a)).mac(a.text("id"), a.bytes("data"), signing(a)));
}

// --- envelope encryption ------------------------------------------------------------------------

/** The KEK's model: the version this session rotated to, else its current version on the key manager. */
async function model1For(s, c, a, kek) {
  const key = `${a.text("config")}\n${kek}`;
  const known = s.kekVersions.get(key);
  const cache = cacheIf(s, a);
  const model = known === undefined ? await Model1.current(c, { kek, cache }) : new Model1(c, { kek, version: known, cache });
  return { model, key, version: model.kekVersion };
}

async function model1(s, a, r) {
  const c = await client(s, a);
  const ctx = context(a);
  if (a.action === "model1_decrypt") {
    const kek = a.optText("kek") ?? parseHeader(a.bytes("ciphertext")).key.name;
    const { model } = await model1For(s, c, a, kek);
    const ct = a.bytes("ciphertext");
    const plain = a.has("stream")
      ? await through(model.createDecryptStream({ context: ctx }), ct)
      : await model.decrypt(ct, { context: ctx });
    r.bytes("plaintext", plain);
    return;
  }
  const { model, key, version } = await model1For(s, c, a, a.text("kek"));
  switch (a.action) {
    case "model1_kek": {
      const ref = await model.ensureKek();
      r.int("version", ref.version);
      r.text("id", ref.uid);
      return;
    }
    case "model1_encrypt": {
      const plain = a.bytes("plaintext");
      const ct = a.has("stream")
        ? await through(model.createEncryptStream({ context: ctx }), plain)
        : await model.encrypt(plain, { context: ctx });
      r.bytes("ciphertext", ct);
      return;
    }
    case "model1_rotate": {
      const next = new Model1(c, { kek: a.text("kek"), version: version + 1 });
      const ref = await next.ensureKek();
      s.kekVersions.set(key, ref.version);
      r.int("version", ref.version);
      return;
    }
    case "model1_rewrap":
      r.bytes("ciphertext", await model.rewrap(a.bytes("ciphertext")));
      return;
    case "model1_is_current":
      r.bool("current", model.isCurrent(a.bytes("ciphertext")));
      return;
  }
  missing(a.action)();
}

/** The current (encrypting) version of an id: the newest Active one. */
async function current(model, id) {
  const active = (await model.versions(id)).filter((v) => v.state === "Active");
  return active.sort((x, y) => y.version - x.version)[0];
}

async function model2(s, a, r) {
  const prefix = a.optText("prefix") ?? "";
  const model = new Model2(await client(s, a), { prefix, cache: cacheIf(s, a) });
  const ctx = context(a);
  switch (a.action) {
    case "model2_encrypt": {
      const [id, plain] = [a.text("id"), a.bytes("plaintext")];
      const ct = a.has("stream")
        ? await through(model.createEncryptStream(id, { context: ctx }), plain)
        : await model.encrypt(id, plain, { context: ctx });
      r.bytes("ciphertext", ct);
      return;
    }
    case "model2_decrypt": {
      let id = a.optText("id");
      if (id === undefined) {
        const name = parseHeader(a.bytes("ciphertext")).key.name;
        id = (name.startsWith(prefix) ? name.slice(prefix.length) : name).replace(/\/v\d+$/, "");
      }
      const ct = a.bytes("ciphertext");
      const plain = a.has("stream")
        ? await through(model.createDecryptStream(id, { context: ctx }), ct)
        : await model.decrypt(id, ct, { context: ctx });
      r.bytes("plaintext", plain);
      return;
    }
    case "model2_key": {
      let ref = await current(model, a.text("id"));
      if (ref === undefined) missing("creating an id's key without encrypting (Model2 creates it on first encrypt)")();
      r.int("version", ref.version);
      r.text("id", ref.uid);
      return;
    }
    case "model2_rotate": {
      const ref = await model.addVersion(a.text("id"));
      await model.promote(a.text("id"), ref.version);
      r.int("version", ref.version);
      return;
    }
    case "model2_reencrypt": {
      const plaintext = await model.decrypt(a.text("id"), a.bytes("ciphertext"), { context: ctx });
      r.bytes("ciphertext", await model.encrypt(a.text("id"), plaintext, { context: ctx }));
      return;
    }
  }
  missing(a.action)();
}

async function header(s, a, r) {
  const h = parseHeader(a.bytes("ciphertext"));
  if (h.model !== null) r.int("model", h.model);
  r.text("key_name", h.key.name);
  r.int("key_version", h.key.version);
}

// --- the codec ----------------------------------------------------------------------------------

function roundTrips(codec, ttlv, r, suffix) {
  r.bytes(`via_xml${suffix}`, codec.xmlToTtlv(codec.ttlvToXml(ttlv)));
  r.bytes(`via_json${suffix}`, codec.jsonToTtlv(codec.ttlvToJson(ttlv)));
}

async function codecTtlv(s, a, r) {
  const codec = new TextCodec();
  try {
    const ttlv = a.bytes("ttlv");
    r.bytes("ttlv", ttlv);
    roundTrips(codec, ttlv, r, "");
  } finally {
    codec.free();
  }
}

async function codecXml(s, a, r) {
  const codec = new TextCodec();
  try {
    const messages = codec.xmlMessagesToTtlv(a.text("xml"));
    r.int("count", messages.length);
    for (const ttlv of messages) {
      r.bytes("ttlv[]", ttlv);
      roundTrips(codec, ttlv, r, "[]");
    }
  } finally {
    codec.free();
  }
}

export const ACTIONS = {
  create, locate, get, get_attributes: getAttributes, get_attribute_list: getAttributeList,
  activate: lifecycle, destroy: lifecycle, revoke, query, discover_versions: discoverVersions,
  encrypt: crypt, decrypt: crypt,
  model1_kek: model1, model1_encrypt: model1, model1_decrypt: model1, model1_rotate: model1,
  model1_rewrap: model1, model1_is_current: model1,
  model2_encrypt: model2, model2_decrypt: model2, model2_key: model2, model2_rotate: model2,
  model2_reencrypt: model2, header, codec_ttlv: codecTtlv, codec_xml: codecXml,
  create_key_pair: createKeyPair, register,
  derive_key: deriveKey, add_attribute: changeAttribute,
  set_attribute: changeAttribute, modify_attribute: changeAttribute,
  delete_attribute: changeAttribute, archive: lifecycle, recover: lifecycle,
  check: lifecycle, rekey, sign,
  signature_verify: signatureVerify, mac,
  cache_stats: cacheStats,
};
