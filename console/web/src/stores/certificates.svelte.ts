import type {
  CaCertificateView,
  CaCertificatesResponse,
  CertificateView,
  CertificatesResponse,
  IssueCertificateRequest,
  IssueCertificateResponse,
  RenewCertificateRequest,
  RevocationReason,
  RevokeRequest,
} from '../../../shared';
import { api, query } from '../lib/api';

export interface EndpointStatus {
  issuer: string;
  crlOk: boolean;
  crlBytes: number | null;
}

/** Certificates of the caller's nodes, and the health of the CA's public CRL/OCSP endpoints. */
class Certificates {
  list = $state.raw<CertificateView[]>([]);
  text = $state('');
  status = $state<'all' | CertificateView['status']>('all');
  loading = $state(false);
  failure = $state<string | null>(null);
  crl = $state.raw<EndpointStatus[]>([]);
  ocspOk = $state<boolean | null>(null);
  /** The CA's own certificates (never revocable here), soonest expiry first. */
  authorities = $state.raw<CaCertificateView[]>([]);
  /** Valid node certificates of the whole list (not only the filtered page), by node: who has none. */
  validByNode = $state.raw<ReadonlyMap<string, CertificateView>>(new Map());

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const response = await api.get<CertificatesResponse>(
        `/api/certificates${query({ text: this.text.trim(), status: this.status === 'all' ? undefined : this.status })}`,
      );
      this.list = response.certificates.sort((a, b) => a.notAfterMs - b.notAfterMs);
      this.failure = null;
      await Promise.all([this.checkEndpoints(), this.loadAuthorities(), this.loadValid()]);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  async issue(request: IssueCertificateRequest): Promise<IssueCertificateResponse> {
    const issued = await api.post<IssueCertificateResponse>('/api/certificates', request);
    await this.refresh();
    return issued;
  }

  /** A new certificate for the same node and profile with a new key (the key comes back once). */
  async renew(serial: string, request: RenewCertificateRequest = {}): Promise<IssueCertificateResponse> {
    const renewed = await api.post<IssueCertificateResponse>(
      `/api/certificates/${encodeURIComponent(serial)}/renew`,
      request,
    );
    await this.refresh();
    return renewed;
  }

  private async loadAuthorities(): Promise<void> {
    const response = await api.get<CaCertificatesResponse>('/api/certificates/authorities');
    this.authorities = response.authorities.sort((a, b) => a.notAfterMs - b.notAfterMs);
  }

  private async loadValid(): Promise<void> {
    const response = await api.get<CertificatesResponse>(`/api/certificates${query({ status: 'valid' })}`);
    // Replaced wholesale ($state.raw): a plain Map is right here.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const byNode = new Map<string, CertificateView>();
    for (const c of response.certificates) if (c.node !== null) byNode.set(c.node, c);
    this.validByNode = byNode;
  }

  async revoke(serial: string, reason: RevocationReason): Promise<void> {
    const body: RevokeRequest = { reason };
    await api.post(`/api/certificates/${encodeURIComponent(serial)}/revoke`, body);
    await this.refresh();
  }

  /** Fetch each issuer's CRL and ask the OCSP responder a (deliberately empty) question: both must answer. */
  private async checkEndpoints(): Promise<void> {
    const issuers = [...new Set(this.list.map((c) => c.issuer))].sort();
    this.crl = await Promise.all(
      issuers.map(async (issuer): Promise<EndpointStatus> => {
        try {
          const response = await fetch(`/pki/crl/${encodeURIComponent(issuer)}.crl`, { cache: 'no-store' });
          const bytes = response.ok ? (await response.arrayBuffer()).byteLength : null;
          return { issuer, crlOk: response.ok, crlBytes: bytes };
        } catch {
          return { issuer, crlOk: false, crlBytes: null };
        }
      }),
    );
    try {
      const response = await fetch('/pki/ocsp', {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: new Uint8Array([0x30, 0x00]),
      });
      this.ocspOk = response.ok && (response.headers.get('content-type') ?? '').includes('ocsp-response');
    } catch {
      this.ocspOk = false;
    }
  }
}

export const certificates = new Certificates();
