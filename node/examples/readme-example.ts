// The README's example, checked by `tsc --strict --noEmit` (node/test.sh) and run from an
// installed tarball against PyKMIP by node/pack-check.sh.
import { Client, Model2, KmipkitIntegrityError } from 'kmipkit'

export async function main(configPath: string): Promise<void> {
  const client = await Client.connect(configPath) // a kmipkit.toml, mode 0600
  try {
    const cards = new Model2(client, 'customer:') // one key per customer, kept on the key manager
    const context = { table: 'cards' } // bound to the ciphertext: decrypting needs the same
    const sealed = await cards.encrypt('C-1042', Buffer.from('card 4111...'), { context, signal: AbortSignal.timeout(5000) })
    const plain = await cards.decrypt('C-1042', sealed, { context })
    console.log(plain.toString(), `(${sealed.length} bytes stored)`)
  } catch (err) {
    if (err instanceof KmipkitIntegrityError) console.error(err.code, 'tampered, or the wrong context')
    throw err
  } finally {
    await client.close()
  }
}
