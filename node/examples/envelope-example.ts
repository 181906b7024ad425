// The README's envelope example, checked by `tsc --strict --noEmit` (node/test.sh).
import { createReadStream, createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Client, KeyCache, Model1, Model2, Model2Rotation, KmipkitIntegrityError } from 'kmipkit'

export async function main(configPath: string): Promise<void> {
  await using client = await Client.connect(configPath)
  const orders = await Model1.fromConfig(client, { kek: 'orders-kek' })
  await orders.ensureKek()
  const sealed = await orders.encrypt(Buffer.from('row 7'), { context: { table: 'orders' } })
  console.log((await orders.decrypt(sealed, { context: { table: 'orders' } })).toString())

  const users = new Model2(client, 'user:', { cache: new KeyCache({ maxAge: 300 }) })
  await pipeline(createReadStream('in.csv'), users.createEncryptStream('alice'), createWriteStream('in.csv.kmk'))
  try {
    await pipeline(createReadStream('in.csv.kmk'), users.createDecryptStream('alice'), createWriteStream('out.csv'))
  } catch (err) {
    if (err instanceof KmipkitIntegrityError) console.error('tampered or truncated: discard out.csv')
    throw err
  }

  const note = await users.encrypt('alice', Buffer.from('note'), { context: { id: '1' } })
  const rotation = new Model2Rotation(users)
  await rotation.addVersion('alice')
  await rotation.promote('alice', 2)
  rotation.on('progress', (p) => console.log(`${p.processed} done`))
  for await (const p of rotation.reencrypt('alice', [{ item: 'note-1', ciphertext: note, context: { id: '1' } }])) {
    if (p.ciphertext) console.log(`store ${p.ciphertext.length} bytes for ${p.item}`)
  }
}
