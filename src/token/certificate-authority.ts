import { generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
/** Covers clock skew between the proxy and a client, and a self-hosted runner's longest job. */
const VALID_BEFORE_MS = 60 * 60 * 1000;
const VALID_FOR_MS = 5 * 24 * 60 * 60 * 1000;

/**
 * The certificates the credential proxy presents for the routed registry: a certificate authority made for this run
 * alone, and one certificate for the registry's host name that it signs. The keys are P-256 keys made by Node's own
 * crypto (well under a millisecond, where an RSA key takes hundreds); the library only writes the DER. Nothing here
 * touches the disk: the authority's private key lives and dies with this object, so the authority can vouch for no
 * other certificate once the run ends.
 */
export interface InterceptionCertificates {
  /** The authority's certificate, for the package managers to trust beside their usual roots. */
  authorityPem: string;
  /** The registry host's certificate and key, for the proxy's end of the intercepted connection. */
  hostCertificatePem: string;
  hostKeyPem: string;
}

export function issueInterceptionCertificates(hostName: string, now = new Date()): InterceptionCertificates {
  const validity = new x509.Validity({ notBefore: new Date(now.getTime() - VALID_BEFORE_MS), notAfter: new Date(now.getTime() + VALID_FOR_MS) });
  const authorityName = nameOf(`setup-pulumi-npm credential proxy ${randomBytes(8).toString('hex')}`);
  const authorityKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const hostKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const authorityPem = certificatePem({
    subject: authorityName,
    issuer: authorityName,
    validity,
    publicKey: authorityKeys.publicKey,
    signingKey: authorityKeys.privateKey,
    extensions: [
      extension(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(x509.id_ce_keyUsage, true, new x509.KeyUsage(x509.KeyUsageFlags.keyCertSign)),
    ],
  });
  const hostCertificatePem = certificatePem({
    subject: nameOf(hostName),
    issuer: authorityName,
    validity,
    publicKey: hostKeys.publicKey,
    signingKey: authorityKeys.privateKey,
    extensions: [
      extension(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: false })),
      extension(x509.id_ce_keyUsage, true, new x509.KeyUsage(x509.KeyUsageFlags.digitalSignature)),
      extension(x509.id_ce_extKeyUsage, false, new x509.ExtendedKeyUsage([x509.id_kp_serverAuth])),
      extension(x509.id_ce_subjectAltName, false, new x509.SubjectAlternativeName([subjectAltName(hostName)])),
    ],
  });
  return { authorityPem, hostCertificatePem, hostKeyPem: hostKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

interface CertificateFields {
  subject: x509.Name;
  issuer: x509.Name;
  validity: x509.Validity;
  publicKey: KeyObject;
  signingKey: KeyObject;
  extensions: x509.Extension[];
}

function certificatePem(fields: CertificateFields): string {
  const algorithm = new x509.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbsCertificate = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: serialNumber(),
    signature: algorithm,
    issuer: fields.issuer,
    subject: fields.subject,
    validity: fields.validity,
    subjectPublicKeyInfo: AsnConvert.parse(fields.publicKey.export({ type: 'spki', format: 'der' }), x509.SubjectPublicKeyInfo),
    extensions: new x509.Extensions(fields.extensions),
  });
  // ECDSA signatures come out of Node as DER (Ecdsa-Sig-Value), the form X.509 carries.
  const signatureValue = arrayBufferOf(sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), fields.signingKey));
  const der = AsnConvert.serialize(new x509.Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue }));
  return new X509Certificate(Buffer.from(der)).toString();
}

/** 16 random bytes, the first between 0x40 and 0x7f: a positive DER integer with no leading zero byte to strip. */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return arrayBufferOf(bytes);
}

function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

function nameOf(commonName: string): x509.Name {
  const value = new x509.AttributeValue({ utf8String: commonName });
  return new x509.Name([new x509.RelativeDistinguishedName([new x509.AttributeTypeAndValue({ type: COMMON_NAME, value })])]);
}

/** A registry reached by its IP address is matched against an IP entry; a host name against a DNS entry. */
function subjectAltName(hostName: string): x509.GeneralName {
  const address = hostName.replace(/^\[(.*)\]$/, '$1');
  return isIP(address) ? new x509.GeneralName({ iPAddress: address }) : new x509.GeneralName({ dNSName: hostName });
}

function extension(extnID: string, critical: boolean, value: object): x509.Extension {
  return new x509.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}
