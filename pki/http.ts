/**
 * The PKI's public HTTP face: CRLs, CA certificates and the OCSP responder, at the URLs the
 * certificates name (relative to publicBaseUrl). Read-only and unauthenticated by design (RFC 5280,
 * RFC 6960); issuing and revoking are console-server routes behind the pki-admin role.
 *
 *   GET  /crl/<issuerId>.crl     DER CRL             (application/pkix-crl)
 *   GET  /ca/<issuerId>.crt      DER CA certificate  (application/pkix-cert)
 *   GET  /ocsp/<base64 request>  OCSP (RFC 6960 A.1, url-encoded base64 of the DER request)
 *   POST /ocsp                   OCSP, body application/ocsp-request
 */
import { Hono } from 'hono';
import { readBoundedBody } from './bounded-body';
import type { PkiService } from './service';
import { OCSP_STATUS, ocspError } from './ocsp';

const MAX_OCSP_REQUEST_BYTES = 16 * 1024;

function binary(body: Buffer, type: string, maxAgeS: number): Response {
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': type,
      'content-length': String(body.length),
      'cache-control': `public, max-age=${maxAgeS}`,
    },
  });
}

function ocspReply(service: PkiService, der: Buffer | null): Response {
  const body = der === null ? ocspError(OCSP_STATUS.malformedRequest) : service.ocspRespond(der);
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': 'application/ocsp-response',
      'content-length': String(body.length),
      'cache-control': 'no-cache',
    },
  });
}

export function createPkiHttpApp(service: PkiService): Hono {
  const app = new Hono();

  app.get('/crl/:file', (c) => {
    const match = /^([a-z0-9][a-z0-9-]*)\.crl$/.exec(c.req.param('file'));
    const crl = match ? service.crl(match[1]!) : null;
    if (!crl?.ok) return c.text('no such CRL', 404);
    const maxAgeS = Math.max(0, Math.floor((new Date(crl.value.nextUpdate).getTime() - Date.now()) / 2000));
    return binary(crl.value.der, 'application/pkix-crl', maxAgeS);
  });

  app.get('/ca/:file', (c) => {
    const match = /^([a-z0-9][a-z0-9-]*)\.crt$/.exec(c.req.param('file'));
    const der = match ? service.caCertificate(match[1]!) : null;
    if (!der) return c.text('no such CA certificate', 404);
    return binary(der, 'application/pkix-cert', 86_400);
  });

  app.post('/ocsp', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/ocsp-request'))
      return c.text('expected Content-Type: application/ocsp-request', 415);
    const read = await readBoundedBody(c.req.raw, MAX_OCSP_REQUEST_BYTES);
    if (!read.ok) return c.text(`OCSP request refused: ${read.reason}`, read.status, { connection: 'close' });
    return ocspReply(service, read.body);
  });

  app.get('/ocsp/*', (c) => {
    const path = new URL(c.req.url).pathname;
    const marker = path.indexOf('/ocsp/');
    const encoded = path.slice(marker + '/ocsp/'.length);
    if (encoded.length > MAX_OCSP_REQUEST_BYTES * 2) return c.text('OCSP request too large', 414);
    let der: Buffer | null;
    try {
      const base64 = decodeURIComponent(encoded);
      der = /^[A-Za-z0-9+/=_-]+$/.test(base64)
        ? Buffer.from(base64, base64.includes('-') || base64.includes('_') ? 'base64url' : 'base64')
        : null;
    } catch {
      der = null;
    }
    return ocspReply(service, der);
  });

  return app;
}
