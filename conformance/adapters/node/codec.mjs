// The codec actions of conformance/scenarios/README.md through the package's TextCodec: TTLV to
// KMIP XML and KMIP JSON and back. The driver reads the vector files (plain file access).
import { kmipkit } from './session.mjs'

function roundTrips(codec, ttlv, reply, xmlField, jsonField) {
  const fromXml = codec.xmlToTtlv(codec.ttlvToXml(ttlv))
  const fromJson = codec.jsonToTtlv(codec.ttlvToJson(ttlv, { compact: false }))
  reply.bytes(xmlField, fromXml)
  reply.bytes(jsonField, fromJson)
}

async function codecTtlv(_s, r, reply) {
  const ttlv = r.bytes('ttlv') ?? Buffer.alloc(0)
  reply.bytes('ttlv', ttlv)
  roundTrips(new kmipkit.codec.TextCodec(), ttlv, reply, 'via_xml', 'via_json')
}

async function codecXml(_s, r, reply) {
  const codec = new kmipkit.codec.TextCodec()
  const messages = codec.xmlMessagesToTtlv(r.need('xml'))
  reply.int('count', messages.length)
  for (const ttlv of messages) {
    reply.bytes('ttlv[]', ttlv)
    roundTrips(codec, ttlv, reply, 'via_xml[]', 'via_json[]')
  }
}

export const CODEC = { codec_ttlv: codecTtlv, codec_xml: codecXml }
