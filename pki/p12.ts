/**
 * Password-protected PKCS#12 (RFC 7292) for server-side generated keys, built with node-forge:
 * forge writes the certificate bags, the PBES2/AES-256 shrouded key bag and the MAC. Forge's own
 * toPkcs12Asn1 only accepts RSA keys, so the key bag is wrapped from the key's PKCS#8 DER (any key
 * type Node generated) with forge's encryptPrivateKeyInfo and the MAC recomputed the way forge does.
 */
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';

const MAC_ITERATIONS = 10_000;

export function buildPkcs12(options: {
  key: KeyObject;
  certDer: Buffer;
  chainDer: Buffer[];
  password: string;
  friendlyName: string;
}): Buffer {
  const { asn1, pki, pkcs12 } = forge;
  // Forge parses RSA certificates only, so every certificate goes in as a raw certBag.
  const certBag = (der: Buffer, withName: boolean) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.certBag!).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(
            asn1.Class.UNIVERSAL,
            asn1.Type.OID,
            false,
            asn1.oidToDer(pki.oids.x509Certificate!).getBytes(),
          ),
          asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, der.toString('binary')),
          ]),
        ]),
      ]),
      ...(withName ? [bagAttributes()] : []),
    ]);
  const localKeyId = forge.md.sha1.create().update(options.certDer.toString('binary')).digest().getBytes();
  const bagAttributes = () =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(
          asn1.Class.UNIVERSAL,
          asn1.Type.OID,
          false,
          asn1.oidToDer(pki.oids.localKeyId!).getBytes(),
        ),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, localKeyId),
        ]),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(
          asn1.Class.UNIVERSAL,
          asn1.Type.OID,
          false,
          asn1.oidToDer(pki.oids.friendlyName!).getBytes(),
        ),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, options.friendlyName),
        ]),
      ]),
    ]);

  const data = (safeContents: forge.asn1.Asn1) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.data!).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(safeContents).getBytes()),
      ]),
    ]);

  const certContents = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    certBag(options.certDer, true),
    ...options.chainDer.map((der) => certBag(der, false)),
  ]);

  const pkcs8 = asn1.fromDer(
    forge.util.createBuffer(options.key.export({ type: 'pkcs8', format: 'der' }).toString('binary')),
  );
  const encryptedKey = pki.encryptPrivateKeyInfo(pkcs8, options.password, {
    algorithm: 'aes256',
    count: MAC_ITERATIONS,
    prfAlgorithm: 'sha256',
  } as never);
  const keyBag = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.OID,
      false,
      asn1.oidToDer(pki.oids.pkcs8ShroudedKeyBag!).getBytes(),
    ),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [encryptedKey]),
    bagAttributes(),
  ]);
  const keyContents = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [keyBag]);

  const authSafe = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    data(certContents),
    data(keyContents),
  ]);

  const macSalt = forge.random.getBytesSync(16);
  const macKey = pkcs12.generateKey(
    options.password,
    forge.util.createBuffer(macSalt),
    3,
    MAC_ITERATIONS,
    20,
  );
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(asn1.toDer(authSafe).getBytes());
  const macData = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.sha1!).getBytes()),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, hmac.digest().getBytes()),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, macSalt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(MAC_ITERATIONS).getBytes()),
  ]);
  const pfx = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    data(authSafe),
    macData,
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}
