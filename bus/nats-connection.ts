import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';

/** A NATS account for servers that require one: user/password, or an nkey seed (SU…). */
export interface NatsAccount {
  user?: string;
  pass?: string;
  /** The nkey seed; the server's config holds only its public key. Never logged. */
  nkeySeed?: string;
}

/** TLS to the NATS server: our CA's bundle, and a client certificate when the server asks for one. */
export interface NatsTls {
  caFile: string;
  certFile?: string;
  keyFile?: string;
  /** The name the server's certificate carries, when the URL names it otherwise (an IP address). */
  servername?: string;
}

/** How to reach the server: the account (flat, so a bare NatsAccount is enough) and TLS. */
export interface NatsConnectOptions extends NatsAccount {
  name?: string;
  tls?: NatsTls;
}

/** nats://user:pass@host:port → nats://host:port: what may be logged or shown of a bus URL. */
export function redactNatsUrl(url: string): string {
  return url.replace(/^(nats|tls):\/\/[^@/]*@/, '$1://');
}

function authOf(account: NatsAccount): Partial<ConnectionOptions> {
  if (account.nkeySeed !== undefined)
    return { authenticator: nkeyAuthenticator(new TextEncoder().encode(account.nkeySeed.trim())) };
  return {
    ...(account.user === undefined ? {} : { user: account.user }),
    ...(account.pass === undefined ? {} : { pass: account.pass }),
  };
}

function tlsOf(tls: NatsTls): ConnectionOptions['tls'] {
  // Read here so a missing file is named now, not as a handshake failure later.
  return {
    ca: readFileSync(tls.caFile, 'utf8'),
    ...(tls.certFile === undefined ? {} : { cert: readFileSync(tls.certFile, 'utf8') }),
    ...(tls.keyFile === undefined ? {} : { key: readFileSync(tls.keyFile, 'utf8') }),
    // Not in the client's typed options, but handed to tls.connect with the rest.
    ...(tls.servername === undefined ? {} : ({ servername: tls.servername } as object)),
  };
}

/** One connection, reconnecting for ever: a NATS server restart is an outage, not the end. */
export function connectNats(url: string, options: NatsConnectOptions = {}): Promise<NatsConnection> {
  return connect({
    servers: url,
    name: options.name ?? 'egov-noc',
    ...authOf(options),
    ...(options.tls === undefined ? {} : { tls: tlsOf(options.tls) }),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
}
