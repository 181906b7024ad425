// The README's example, checked by `tsc --strict --noEmit` (node/test.sh).
import { Client, KmipkitServerError } from 'kmipkit'

export async function main(configPath: string): Promise<void> {
  const client = await Client.connect(configPath) // a kmipkit.toml, mode 0600
  try {
    const id = await client.createAesKey('orders-key', { bits: 256 })
    await client.activate(id)
    const parameters = { CryptographicAlgorithm: 'AES', BlockCipherMode: 'CBC', PaddingMethod: 'PKCS5', RandomIV: true }
    const sealed = await client.encrypt(id, Buffer.from('card 4111...'), { parameters, signal: AbortSignal.timeout(5000) })
    const plain = await client.decrypt(id, sealed.data, { parameters, iv: sealed.iv })
    console.log(plain.toString(), await client.getAttributes(id, ['State']))
  } catch (err) {
    if (err instanceof KmipkitServerError) console.error(err.code, err.reason, err.message)
    throw err
  } finally {
    await client.close()
  }
}
