#!/usr/bin/env node
// The Node conformance adapter: a long-running process that executes one action of
// conformance/scenarios/README.md per request line on stdin, through the public API of the
// `kmipkit` npm package only (require('kmipkit') of the package in node/), and answers one reply
// line on stdout — the line protocol of ../c/README.md, so the C adapter's Python driver
// (../c/adapter.py with KMIPKIT_ADAPTER_LANGUAGE=node) runs the scenarios and judges the replies.
import { createInterface } from 'node:readline'
import { Session, kmipkit } from './session.mjs'
import { Reply, parseRequest, BadRequest } from './line.mjs'
import { OPS } from './ops.mjs'
import { ENVELOPE } from './envelope.mjs'
import { CODEC } from './codec.mjs'

const ACTIONS = { ...OPS, ...ENVELOPE, ...CODEC }

const hex = (text) => Buffer.from(String(text), 'utf8').toString('hex')

// `err KIND REASON HEXMESSAGE`: the error's ErrorKind name (KmipkitError.kind) or, for an error
// that is no KmipkitError (a TypeError of bad input...), its JavaScript name; the KMIP Result
// Reason by name (KmipkitError.reason; 0: none); the message.
function errorLine(e) {
  if (e instanceof kmipkit.KmipkitError) {
    return `err ${e.kind ?? e.name} ${e.reason ?? 0} ${hex(e.message)}`
  }
  const name = e instanceof Error ? (e.code ?? e.name) : 'Thrown'
  return `err ${String(name).replace(/\s/g, '_')} 0 ${hex(e instanceof Error ? e.message : e)}`
}

async function serve(session, line) {
  let request
  try {
    request = parseRequest(line)
  } catch (e) {
    return `bad ${hex(e.message)}`
  }
  if (request.action === 'reset') {
    await session.reset()
    return 'ok'
  }
  const run = ACTIONS[request.action]
  if (!run) return `bad ${hex(`the Node adapter has no action ${request.action}`)}`
  const reply = new Reply()
  try {
    await run(session, request, reply)
  } catch (e) {
    if (e instanceof BadRequest) return `bad ${hex(e.message)}`
    return errorLine(e)
  }
  return reply.line()
}

const session = new Session()
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  const out = await serve(session, line)
  process.stdout.write(out + '\n')
}
await session.reset()
