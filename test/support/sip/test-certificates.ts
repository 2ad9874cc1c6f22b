/**
 * Makes a throw-away certificate authority and a server certificate for 127.0.0.1 / localhost with the
 * system's `openssl`, at test time, in a fresh temporary folder — so TLS and WSS tests verify a real
 * chain instead of switching verification off. Also makes a second, unrelated CA: a client that trusts
 * only that one must refuse the server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed the server certificate (PEM file and text). */
  readonly caFile: string;
  readonly caPem: string;
  /** A CA that signed nothing we serve. */
  readonly otherCaFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  remove(): Promise<void>;
}

async function makeCa(dir: string, name: string): Promise<{ key: string; cert: string }> {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { key, cert };
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), 'presently-tls-'));
  const ca = await makeCa(dir, 'presently-test-ca');
  const other = await makeCa(dir, 'presently-unrelated-ca');
  const keyFile = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const certFile = path.join(dir, 'server.pem');
  const ext = path.join(dir, 'server.ext');
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', '/CN=localhost']);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return {
    dir,
    caFile: ca.cert,
    caPem: await readFile(ca.cert, 'utf8'),
    otherCaFile: other.cert,
    certFile,
    keyFile,
    certPem: await readFile(certFile, 'utf8'),
    keyPem: await readFile(keyFile, 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
