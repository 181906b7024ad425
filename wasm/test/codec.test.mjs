// The codec against conformance/vectors: every PyKMIP capture's TTLV gives the same JSON, XML
// and dump as the native core (core_peer codec), and JSON and XML read back to the same bytes;
// every OASIS XML test-case message goes XML -> TTLV -> XML -> TTLV unchanged; the typed model
// re-encodes the captures identically; garbage is refused with a codec error.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { TextCodec, dumpTtlv, normalizeTtlv, parseMessage } from "../index.js";
import { corePeer, hex, toHex, vectors } from "./helpers.mjs";

const pykmip = path.join(vectors, "pykmip-0.11");
const captures = readdirSync(pykmip)
  .filter((f) => f.endsWith(".hex"))
  .sort();
const text = (bytes) => new TextDecoder().decode(bytes);

test("there are captures and OASIS test cases to check", () => {
  assert.ok(captures.length >= 60, `${captures.length} captures`);
});

for (const file of captures) {
  test(`capture ${file}: JSON, XML and dump equal the native core's; both read back`, () => {
    const ttlv = hex(readFileSync(path.join(pykmip, file), "utf8").trim());
    const codec = new TextCodec();
    const json = codec.ttlvToJson(ttlv);
    const xml = codec.ttlvToXml(ttlv);
    assert.equal(json, text(corePeer(["codec", "json"], ttlv)));
    assert.equal(xml, text(corePeer(["codec", "xml"], ttlv)));
    assert.equal(dumpTtlv(ttlv), text(corePeer(["codec", "dump"], ttlv)));
    const canonical = normalizeTtlv(ttlv);
    assert.equal(toHex(codec.jsonToTtlv(json)), toHex(canonical));
    assert.equal(toHex(codec.xmlToTtlv(xml)), toHex(canonical));
    assert.equal(toHex(codec.jsonToTtlv(codec.ttlvToJson(ttlv, true))), toHex(canonical));
    const message = parseMessage(ttlv);
    assert.equal(message.kind, file.endsWith(".req.hex") ? "request" : "response");
    assert.ok(message.operations.length >= 1);
    assert.equal(toHex(message.reencoded), toHex(canonical));
  });
}

const oasisDirs = ["v1.4", "v2.0"].map((d) => path.join(vectors, "oasis-xml", d));
test("every OASIS XML test-case message: XML -> TTLV -> XML -> TTLV unchanged", () => {
  let messages = 0;
  for (const dir of oasisDirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".xml"))) {
      const codec = new TextCodec();
      const items = codec.xmlMessagesToTtlv(readFileSync(path.join(dir, file), "utf8"));
      assert.ok(items.length >= 1, file);
      for (const ttlv of items) {
        const again = codec.xmlToTtlv(codec.ttlvToXml(ttlv));
        assert.equal(toHex(again), toHex(ttlv), file);
        assert.equal(toHex(codec.jsonToTtlv(codec.ttlvToJson(ttlv))), toHex(ttlv), file);
        messages++;
      }
    }
  }
  assert.ok(messages > 200, `${messages} messages`);
});

test("placeholders read from text are written back as placeholders", () => {
  const codec = new TextCodec();
  // A date-time placeholder stands for a concrete time in the TTLV bytes.
  const ttlv = codec.xmlToTtlv('<TimeStamp type="DateTime" value="$NOW"/>');
  assert.equal(codec.placeholderCount, 1);
  assert.match(codec.ttlvToXml(ttlv), /value="\$NOW"/);
  const fresh = new TextCodec().ttlvToXml(ttlv);
  assert.doesNotMatch(fresh, /\$NOW/);
  assert.match(fresh, /value="\d{4}-\d\d-\d\dT/);
});

test("garbage and truncated TTLV are refused with a codec error, never a crash", () => {
  const good = hex(readFileSync(path.join(pykmip, captures[0]), "utf8").trim());
  const bad = [new Uint8Array(0), new Uint8Array([0x42]), good.subarray(0, good.length - 1)];
  const huge = good.slice();
  huge[4] = 0x7f; // the top-level length claims ~2 GiB
  bad.push(huge);
  for (const bytes of bad) {
    assert.throws(() => dumpTtlv(bytes), (err) => {
      assert.match(err.code, /^KMIPKIT_(DECODE|LIMIT_EXCEEDED)$/, err.message);
      assert.equal(typeof err.kmipkitCode, "number");
      return true;
    });
  }
  assert.throws(() => new TextCodec().jsonToTtlv("{not json"), { code: "KMIPKIT_SYNTAX" });
  assert.throws(() => new TextCodec().xmlToTtlv("<Nope"), { code: "KMIPKIT_SYNTAX" });
});
