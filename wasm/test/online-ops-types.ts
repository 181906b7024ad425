// Compiled by `tsc --strict --noEmit` in test.sh (never run): the operations of
// more_operations.rs as the tests and README use them, and what their types refuse.
import { Client, coreOperations, type CoreOperation } from "../index.js";

async function moreOperations(client: Client): Promise<void> {
  const id: string = await client.create("SymmetricKey", { CryptographicAlgorithm: "AES", CryptographicLength: 128 });
  const pairs: string = await client.create("SecretData", [["Name", "a"], ["Name", "b"]]);
  const { privateKeyId, publicKeyId } = await client.rekeyKeyPair(id);
  const none: void = await client.poll(new Uint8Array(4), { signal: AbortSignal.timeout(1000) });
  const stopped: void = await client.cancel(new Uint8Array(4));
  const valid: boolean = await client.macVerify(id, new Uint8Array(1), new Uint8Array(32), {
    parameters: { CryptographicAlgorithm: "HMAC_SHA256" },
  });
  const digest: Uint8Array = await client.hash(new Uint8Array(1));
  const sha512: Uint8Array = await client.hash(new Uint8Array(1), "SHA_512");
  const random: Uint8Array = await client.rngRetrieve(32);
  const seeded: void = await client.rngSeed(random);
  const list: CoreOperation[] = coreOperations();
  const method: string = list[0].method;
  void [pairs, privateKeyId, publicKeyId, none, stopped, valid, digest, sha512, seeded, method];

  // @ts-expect-error: a correlation value is bytes
  await client.poll("correlation");
  // @ts-expect-error: the length is a number of bytes
  await client.rngRetrieve("32");
  // @ts-expect-error: Re-Key Key Pair answers two identifiers, not one
  const one: string = await client.rekeyKeyPair(id);
  // @ts-expect-error: the MAC is bytes
  await client.macVerify(id, new Uint8Array(1), "mac");
  void one;
}
void moreOperations;
