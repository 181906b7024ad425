// The online cases: KMIP over HTTPS from the page to Cosmian KMS on another origin, by `fetch`.
// What makes it work is a real deployment's configuration, nothing test-only in the page:
//   - CORS: Cosmian's own allow-list ([http] cors_allowed_origins = the page's origin) answers
//     the preflight and allows credentials;
//   - TLS: the browser trusts the test CA (an NSS database in the browser's HOME, as an
//     administrator would install a private CA);
//   - client certificate: the same NSS database holds the client's certificate and key, and the
//     AutoSelectCertificateForUrls policy picks it for https://127.0.0.1:* (no prompt).
// `credentials: "include"`: a credentialed request, as a page that also carries a session
// would make (Cosmian's CORS allows credentials for listed origins). Measured with Chromium 148:
// the auto-selected client certificate is presented with "omit" too; the TLS layer picks it.
//
// The first rows build the requests with the package's codec from KMIP XML (TextCodec.xmlToTtlv),
// POST them as TTLV and decode the replies in the page: what travels, made visible. The last row
// does the same through the package's online Client.
import { Client, Model1, TextCodec, encrypt, decrypt, parseMessage } from "/node_modules/kmipkit-wasm/index.js";
import { fetchTransport } from "/node_modules/kmipkit-wasm/fetch.js";
import { check, run, sameBytes } from "/app.js";

const codec = new TextCodec();
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (text) => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
const escape = (text) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A KMIP 1.4 request message of one batch item, as KMIP XML. */
function request(operation, payload) {
  return `<RequestMessage>
  <RequestHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="1"/>
      <ProtocolVersionMinor type="Integer" value="4"/>
    </ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="${operation}"/>
    <RequestPayload>${payload}</RequestPayload>
  </BatchItem>
</RequestMessage>`;
}

/**
 * POSTs one request (KMIP XML -> TTLV by the codec) and returns the reply as an XML document,
 * after checking it is a successful KMIP response. `bytes` counts what went over the wire.
 */
async function kmip(url, operation, payload, bytes) {
  const ttlv = codec.xmlToTtlv(request(operation, payload));
  const res = await fetch(url, {
    method: "POST",
    body: ttlv,
    credentials: "include",
    headers: { "content-type": "application/octet-stream" },
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`${operation}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const reply = new Uint8Array(await res.arrayBuffer());
  bytes.sent += ttlv.length;
  bytes.received += reply.length;
  const message = parseMessage(reply);
  check(message.kind === "response", `${operation}: the reply is a ${message.kind}`);
  const result = message.results[0];
  check(result?.status === "Success", `${operation}: ${result?.status} ${result?.reason ?? ""}`);
  return new DOMParser().parseFromString(codec.ttlvToXml(reply), "application/xml");
}

const value = (doc, tag) => doc.querySelector(tag)?.getAttribute("value");

export async function onlineCases(config) {
  const url = config.kmipUrl;
  const bytes = { sent: 0, received: 0 };
  let uid;
  let material;

  await run(`online (fetch, codec): Query ${url} from ${location.origin}`, async () => {
    const doc = await kmip(url, "Query", `
      <QueryFunction type="Enumeration" value="QueryOperations"/>
      <QueryFunction type="Enumeration" value="QueryServerInformation"/>`, bytes);
    const ops = [...doc.querySelectorAll("Operation")].map((e) => e.getAttribute("value"));
    check(ops.includes("Encrypt") && ops.includes("Create"), `operations: ${ops.join(", ")}`);
    return `${ops.length - 1} operations; vendor ${value(doc, "VendorIdentification") ?? "(none)"}`;
  });

  const name = `browser-kek-${hex(crypto.getRandomValues(new Uint8Array(4)))}`;
  await run("online (fetch, codec): Create an AES-256 key and Activate it", async () => {
    const doc = await kmip(url, "Create", `
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <TemplateAttribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/>
          <AttributeValue type="Enumeration" value="AES"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Length"/>
          <AttributeValue type="Integer" value="256"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Usage Mask"/>
          <AttributeValue type="Integer" value="Encrypt Decrypt"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Name"/>
          <AttributeValue><NameValue type="TextString" value="${escape(name)}"/>
            <NameType type="Enumeration" value="UninterpretedTextString"/></AttributeValue></Attribute>
      </TemplateAttribute>`, bytes);
    uid = value(doc, "ResponsePayload > UniqueIdentifier");
    check(uid, "no Unique Identifier in the reply");
    // A new key is Pre-Active; the server refuses Encrypt with it until it is activated.
    await kmip(url, "Activate", `<UniqueIdentifier type="TextString" value="${escape(uid)}"/>`, bytes);
    return `"${name}" -> Unique Identifier ${uid}, activated`;
  });

  await run("online (fetch, codec): Get the key", async () => {
    check(uid, "no key: Create failed");
    const doc = await kmip(url, "Get", `<UniqueIdentifier type="TextString" value="${escape(uid)}"/>`, bytes);
    check(value(doc, "ResponsePayload > UniqueIdentifier") === uid, "Get answered for another object");
    material = value(doc, "KeyMaterial");
    check(value(doc, "CryptographicAlgorithm") === "AES", "not an AES key");
    check(material?.length === 64, `key material of ${material?.length / 2} bytes, expected 32`);
    return `${value(doc, "ObjectType")}, ${value(doc, "CryptographicLength")} bits, ${value(doc, "KeyFormatType")} (material not shown)`;
  });

  await run("online (fetch, codec): Model 1 — a fresh DEK encrypted by the KEK on the server", async () => {
    check(uid, "no key: Create failed");
    const dek = crypto.getRandomValues(new Uint8Array(32));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const params = `<CryptographicParameters>
        <BlockCipherMode type="Enumeration" value="GCM"/><TagLength type="Integer" value="16"/>
      </CryptographicParameters>`;
    const id = `<UniqueIdentifier type="TextString" value="${escape(uid)}"/>`;
    const sealed = await kmip(url, "Encrypt", `${id}${params}
      <Data type="ByteString" value="${hex(dek)}"/>
      <IVCounterNonce type="ByteString" value="${hex(iv)}"/>`, bytes);
    const encryptedDek = unhex(value(sealed, "ResponsePayload > Data") ?? "");
    const tag = unhex(value(sealed, "AuthenticatedEncryptionTag") ?? "");
    check(encryptedDek.length === 32 && tag.length === 16, "Encrypt gave no 32-byte DEK and tag");
    check(!sameBytes(encryptedDek, dek), "the server returned the DEK unencrypted");
    const opened = await kmip(url, "Decrypt", `${id}${params}
      <Data type="ByteString" value="${hex(encryptedDek)}"/>
      <IVCounterNonce type="ByteString" value="${hex(iv)}"/>
      <AuthenticatedEncryptionTag type="ByteString" value="${hex(tag)}"/>`, bytes);
    check(sameBytes(unhex(value(opened, "ResponsePayload > Data") ?? ""), dek), "Decrypt gave another DEK");
    // The DEK seals data in the page; only its encrypted form would be stored beside the data.
    const context = { page: location.origin };
    const data = new TextEncoder().encode("sealed in the browser under a KMS-protected DEK\n".repeat(100));
    const ct = encrypt(dek, data, { context, keyRef: { name, version: 1, uid } });
    check(sameBytes(decrypt(dek, ct, { context }), data), "the envelope round trip failed");
    return `DEK sealed by KEK ${uid} (AES-GCM on the server) and opened again; ${data.length} B enveloped; ` +
      `KMIP over fetch: ${bytes.sent} B sent, ${bytes.received} B received`;
  });

  await run("online: a page on an origin NOT in Cosmian's CORS allow-list is refused", async () => {
    const frame = document.createElement("iframe");
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the probe page did not answer in 20 s")), 20_000);
      addEventListener("message", function onMessage(event) {
        if (event.origin !== config.otherOrigin) return;
        removeEventListener("message", onMessage);
        clearTimeout(timer);
        resolve(event.data);
      });
    });
    const hash = encodeURIComponent(JSON.stringify({ url, parent: location.origin }));
    frame.src = `${config.otherOrigin}/probe.html#${hash}`;
    frame.hidden = true;
    document.body.append(frame);
    const got = await answer;
    frame.remove();
    check(got.error !== undefined, `${got.origin} got HTTP ${got.status}: the server is open to any origin`);
    return `${got.origin} (same browser, trust and certificate): ${got.error}`;
  });

  // The same three steps through the package's online Client: the core negotiates the version,
  // builds and checks every message, and runs Model 1; fetchTransport carries the TTLV.
  // `credentials: "include"` as above (the client certificate is picked by the TLS layer).
  await run("online (Client over fetchTransport): create, get, Model 1 encrypt", async () => {
    const transport = fetchTransport({ servers: { kms1: url }, credentials: "include" });
    const client = await Client.connect({ servers: ["kms1"], transport });
    try {
      const kek = `browser-client-kek-${hex(crypto.getRandomValues(new Uint8Array(4)))}`;
      const id = await client.createAesKey(kek, { bits: 256 });
      const key = await client.get(id);
      check(key.uniqueIdentifier === id, `Get answered for ${key.uniqueIdentifier}, not ${id}`);
      check(key.material === undefined, "Get returned key bytes that were not asked for");
      const model = new Model1(client, { kek });
      await model.ensureKek();
      const context = { page: location.origin };
      const data = new TextEncoder().encode("sealed by the Client under a KEK on the key manager\n".repeat(50));
      const sealed = await model.encrypt(data, { context });
      check(sameBytes(await model.decrypt(sealed, { context }), data), "the Model 1 round trip failed");
      return `KMIP ${client.version}; key ${id}; Model 1 under KEK "${kek}": ${data.length} B -> ${sealed.length} B and back`;
    } finally {
      await client.close();
    }
  });
}
