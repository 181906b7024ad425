// The KMIP operations of conformance/scenarios/README.md, each one call (or two) of the
// package's Client. The driver (../c/actions.py) sends every argument with its default applied,
// enum values by name and attribute values as plain JSON; results go back as reply fields.

/** Each attribute as `attr_names[]` / `attr_values[]` items; a repeated one gives its first value. */
function replyAttributes(reply, attributes, repeated) {
  for (const [name, value] of Object.entries(attributes)) {
    reply.text('attr_names[]', name)
    reply.json('attr_values[]', repeated(name, value) ? value[0] : value)
  }
}

/** The package gives an attribute present several times as a list of its values. */
const isRepeated = (multi) => (name, value) => multi.has(name) && Array.isArray(value)

function keyAttributes(r) {
  const attrs = []
  if (r.has('algorithm')) attrs.push(['CryptographicAlgorithm', r.text('algorithm')])
  if (r.has('length')) attrs.push(['CryptographicLength', r.int('length')])
  if (r.has('usage')) attrs.push(['CryptographicUsageMask', r.json('usage')])
  if (r.has('name')) attrs.push(['Name', r.text('name')])
  return attrs
}

/** Cryptographic Parameters from the request's `algorithm`, `mode`, `padding`, ... */
function parameters(r) {
  const fields = { algorithm: 'CryptographicAlgorithm', mode: 'BlockCipherMode', padding: 'PaddingMethod',
    signature_algorithm: 'DigitalSignatureAlgorithm' }
  const out = {}
  for (const [arg, tag] of Object.entries(fields)) if (r.has(arg)) out[tag] = r.text(arg)
  if (r.has('tag_length')) out.TagLength = r.int('tag_length')
  return out
}

async function create(s, r, reply) {
  const c = await s.client(r)
  reply.text('id', await c.create('SymmetricKey', keyAttributes(r)))
}

async function createKeyPair(s, r, reply) {
  const c = await s.client(r)
  const name = r.text('name')
  const ids = await c.createKeyPair({
    common: { CryptographicAlgorithm: 'RSA', CryptographicLength: r.int('length') ?? 2048 },
    privateKey: { CryptographicUsageMask: ['Sign'], ...(name ? { Name: name } : {}) },
    publicKey: { CryptographicUsageMask: ['Verify'], ...(name ? { Name: `${name}-public` } : {}) },
  })
  reply.text('private_id', ids.privateKeyId)
  reply.text('public_id', ids.publicKeyId)
}

async function register(s, r, reply) {
  const c = await s.client(r)
  const attributes = []
  if (r.has('name')) attributes.push(['Name', r.text('name')])
  if (r.has('usage')) attributes.push(['CryptographicUsageMask', r.json('usage')])
  const id = await c.register(r.bytes('value') ?? Buffer.alloc(0), {
    objectType: r.need('object_type'), algorithm: r.text('algorithm'), attributes,
  })
  reply.text('id', id)
}

async function deriveKey(s, r, reply) {
  const c = await s.client(r)
  const id = await c.deriveKey(r.list('base'), r.need('method'), r.bytes('data') ?? Buffer.alloc(0), {
    attributes: keyAttributes(r),
    parameters: { HashingAlgorithm: r.need('hash') },
    salt: r.bytes('salt'),
    iterations: r.int('iterations'),
  })
  reply.text('id', id)
}

async function locate(s, r, reply) {
  const c = await s.client(r)
  const attrs = []
  if (r.has('name')) attrs.push(['Name', r.text('name')])
  if (r.has('object_type')) attrs.push(['ObjectType', r.text('object_type')])
  if (r.has('state')) attrs.push(['State', r.text('state')])
  for (const id of await c.locate(attrs, { maxItems: r.int('max_items') })) reply.text('ids[]', id)
}

// Get gives the bytes; the object's type, algorithm and length are its attributes, as the C
// adapter reads them.
async function get(s, r, reply) {
  const c = await s.client(r)
  const id = r.need('id')
  const object = await c.get(id, { includeKeyMaterial: true, wrappingKey: r.text('wrapping_id') })
  const attrs = await c.getAttributes(id, ['ObjectType', 'CryptographicAlgorithm', 'CryptographicLength'])
  reply.bytes('material', object.material ?? object.certificate ?? Buffer.alloc(0))
  object.material?.fill(0)
  replyAttributes(reply, attrs, () => false)
}

async function getAttributes(s, r, reply) {
  const c = await s.client(r)
  const names = r.list('names')
  const attrs = await c.getAttributes(r.need('id'), names)
  // A list value is a repeated attribute's values unless the attribute is one whose value is a
  // list itself (a usage mask as names).
  replyAttributes(reply, attrs, isRepeated(new Set(['Name', 'Link', 'ApplicationSpecificInformation'])))
}

async function getAttributeList(s, r, reply) {
  const c = await s.client(r)
  for (const name of await c.getAttributeList(r.need('id'))) reply.text('names[]', name)
}

async function changeAttribute(s, r) {
  const c = await s.client(r)
  const id = r.need('id'), name = r.need('name'), value = r.json('value')
  if (r.action === 'add_attribute') await c.addAttribute(id, name, value)
  else if (r.action === 'set_attribute') await c.setAttribute(id, name, value)
  else await c.modifyAttribute(id, name, value, r.has('current') ? { current: r.json('current') } : {})
}

async function deleteAttribute(s, r) {
  await (await s.client(r)).deleteAttribute(r.need('id'), r.need('name'))
}

async function lifecycle(s, r) {
  const c = await s.client(r)
  const id = r.need('id')
  const call = { activate: 'activate', destroy: 'destroy', archive: 'archive', recover: 'recover', check: 'check' }
  await c[call[r.action]](id)
}

// Client.revoke takes no Compromise Occurrence Date: the driver's `compromise_date` is not passed
// (PyKMIP accepts a KeyCompromise without one).
async function revoke(s, r) {
  await (await s.client(r)).revoke(r.need('id'), r.text('reason') ?? 'CessationOfOperation')
}

async function rekey(s, r, reply) {
  reply.text('id', await (await s.client(r)).rekey(r.need('id')))
}

async function query(s, r, reply) {
  const q = await (await s.client(r)).query()
  reply.json('query', { operations: q.operations, object_types: q.objectTypes,
    vendor_identification: q.vendorIdentification ?? null })
}

async function discoverVersions(s, r, reply) {
  for (const v of await (await s.client(r)).discoverVersions(r.list('offered'))) reply.text('versions[]', v)
}

async function crypt(s, r, reply) {
  const c = await s.client(r)
  const options = { parameters: parameters(r), iv: r.bytes('iv'), aad: r.bytes('aad') }
  const data = r.bytes('data') ?? Buffer.alloc(0)
  if (r.action === 'encrypt') {
    const out = await c.encrypt(r.need('id'), data, options)
    if (out.iv) reply.bytes('iv', out.iv)
    if (out.tag) reply.bytes('tag', out.tag)
    reply.bytes('data', out.data)
  } else {
    reply.bytes('data', await c.decrypt(r.need('id'), data, { ...options, tag: r.bytes('tag') }))
  }
}

async function signOrMac(s, r, reply) {
  const c = await s.client(r)
  const id = r.need('id'), data = r.bytes('data') ?? Buffer.alloc(0), options = { parameters: parameters(r) }
  if (r.action === 'sign') reply.bytes('signature', await c.sign(id, data, options))
  else if (r.action === 'mac') reply.bytes('mac', await c.mac(id, data, options))
  else reply.bool('valid', await c.signatureVerify(id, data, r.bytes('signature') ?? Buffer.alloc(0), options))
}

export const OPS = {
  create, create_key_pair: createKeyPair, register, derive_key: deriveKey, locate, get,
  get_attributes: getAttributes, get_attribute_list: getAttributeList, add_attribute: changeAttribute,
  set_attribute: changeAttribute, modify_attribute: changeAttribute, delete_attribute: deleteAttribute,
  activate: lifecycle, destroy: lifecycle, archive: lifecycle, recover: lifecycle, check: lifecycle,
  revoke, rekey, query, discover_versions: discoverVersions, encrypt: crypt, decrypt: crypt,
  sign: signOrMac, signature_verify: signOrMac, mac: signOrMac,
}
